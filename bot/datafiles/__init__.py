"""Reading and validating the data files an admin edits (YAML with exact decimals, readable problems)."""
