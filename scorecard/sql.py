"""Safe SQL text for identifiers and literals built from user-supplied names and values."""

from __future__ import annotations


def ident(name: str) -> str:
    """Quote an identifier: any column header a user's export contains is safe to use."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """Quote a string literal (mapping values, formats, paths) so it cannot end the string."""
    return "'" + str(value).replace("'", "''") + "'"
