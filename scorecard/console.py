"""Shared terminal output: rich progress for long steps, one-line errors for user mistakes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scorecard.errors import UserError

console = Console(stderr=True)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}"),
        console=console,
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a UserError into one actionable line on stderr and exit code 1, no traceback."""
    try:
        yield
    except UserError as exc:
        # The message is data: brackets in it (a list, a YAML error) are not markup.
        console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
