"""Chinese-text helpers below every other layer: normalization and numbers (used by knowledge/ and understanding/)."""
