"""Errors a user can act on. The CLI prints their message on one line, no traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or setup, with what to do about it."""


class FileRejected(UserError):
    """A whole landing file cannot be ingested (the other files still are)."""

    def __init__(self, source_file: str, problem: str) -> None:
        super().__init__(f"{source_file}: {problem}")
        self.source_file = source_file
        self.problem = problem
