"""The one error type for files an admin edits (knowledge/ and intents/)."""
from __future__ import annotations


class KnowledgeError(Exception):
    """One or more problems in the data files; ``problems`` holds one line per problem.

    Every line names the file, the place inside it and what is wrong, so an
    admin can fix it without reading code.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems: tuple[str, ...] = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__("\n".join(self.problems))
