"""Checks on what a user types for certification verbs: quarters, names, reasons."""

from __future__ import annotations

import re

from scorecard.errors import UserError

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
MAX_NAME, MAX_TEXT = 200, 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_quarter(quarter: str) -> str:
    if not QUARTER.match(quarter or ""):
        raise UserError(f"quarter must look like 2026-Q3, got {quarter!r}")
    return quarter


def check_text(option: str, value: str | None, required: bool, limit: int = MAX_TEXT) -> str | None:
    """Names and reasons end up in the audit trail and in spreadsheets: keep them plain."""
    value = (value or "").strip()
    if not value:
        if required:
            raise UserError(f"{option} is required and must not be empty")
        return None
    if len(value) > limit:
        raise UserError(f"{option} is longer than {limit} characters")
    if _CONTROL.search(value):
        raise UserError(f"{option} contains control characters: {value[:40]!r}")
    return value
