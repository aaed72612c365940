"""Shared terminal output: text that is always text, progress that shows on any output.

- Nothing printed is ever read as console markup or emoji: file names, headers, values
  and user arguments are data (`[/red]name`, `:x:`). Colour comes only from `say`'s
  (text, style) parts.
- Lines are never hard-wrapped: piped into a file or CI log, a line stays one line.
- Long steps show a rich progress bar on a terminal and, elsewhere, a plain heartbeat
  line at least every HEARTBEAT_SECONDS.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from scorecard.errors import UserError

console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
HEARTBEAT_SECONDS = 10.0

Part = str | tuple[str, str]


def say(*parts: Part) -> None:
    """Print one line; a (text, style) part is coloured, nothing is interpreted."""
    console.print(Text.assemble(*parts))


class Heartbeat:
    """The Progress calls a command makes, as plain lines for a log: one when a step
    starts, then one every HEARTBEAT_SECONDS while it runs (a thread, so a long dbt
    node still shows the step is alive), and none after it ends."""

    def __init__(self, every: float = HEARTBEAT_SECONDS) -> None:
        self.every = every
        self.tasks: dict[int, dict[str, Any]] = {}
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> int:
        task = len(self.tasks)
        self.tasks[task] = {"description": description, "total": total, "completed": 0, **fields}
        console.print(f"{description}...")
        return task

    def update(self, task: int, advance: float = 0, **changes: Any) -> None:
        state = self.tasks[task]
        state.update({k: v for k, v in changes.items() if v is not None or k == "item"})
        state["completed"] += advance

    def line(self, task: int) -> str:
        state = self.tasks[task]
        done, total = int(state["completed"]), state["total"]
        count = f"{done}/{int(total)}" if total else f"{done} done"
        item = f", now {state['item']}" if state.get("item") else ""
        return f"{state['description']}: {count}{item} ({time.monotonic() - self.started:.0f} s)"

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            for task in list(self.tasks):
                console.print(self.line(task))


def progress_bar() -> Progress | Heartbeat:
    if not sys.stderr.isatty():
        return Heartbeat()
    return Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}", markup=False),
        console=console,
        transient=True,
    )


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a UserError into one actionable line on stderr and exit code 1, no traceback."""
    try:
        yield
    except UserError as exc:
        say(("error:", "red"), f" {exc}")
        raise typer.Exit(1) from None
