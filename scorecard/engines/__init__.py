"""The same dbt project on several engines, behind one small interface.

An engine builds the warehouse from the raw zone of a SCORECARD_HOME and reads its
marts back, so `scorecard.engines.compare` can check engines against each other row
for row. To add an engine, write `scorecard/engines/<name>.py` with an
`open_engine(paths)` context manager yielding an object with the `Engine` methods,
and add it to ENGINES (imports are lazy: an engine's driver loads only when used).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from scorecard.build import BuildResult, NodeCallback
from scorecard.errors import UserError
from scorecard.paths import Paths

# engine name -> "module:function" returning a context manager that yields an Engine
ENGINES: dict[str, str] = {
    "duckdb": "scorecard.engines.duckdb:open_engine",
    "postgres": "scorecard.engines.postgres:open_engine",
    "spark": "scorecard.engines.spark:open_engine",
}

Rows = tuple[list[str], list[tuple]]  # column names, rows


class Engine(Protocol):
    name: str

    def build(
        self, on_node: NodeCallback | None = None, extra_args: Sequence[str] = ()
    ) -> BuildResult:
        """`dbt build` (seeds, models, all tests) over the home's raw zone; failures raise.
        `extra_args` go to dbt (e.g. `--exclude test_type:unit`)."""

    def mart_names(self) -> list[str]:
        """Tables of the `marts` schema, sorted."""

    def fetch_mart(self, mart: str) -> Rows:
        """Every row of one mart as Python values (None, bool, int, Decimal, float, str,
        date, datetime), in any order."""


def open_engine(name: str, paths: Paths) -> AbstractContextManager[Engine]:
    """The engine `name` over `paths`, ready to build or to read (a context manager)."""
    if name not in ENGINES:
        raise UserError(f"unknown engine {name!r}: choose one of {', '.join(sorted(ENGINES))}")
    module_name, _, function = ENGINES[name].partition(":")
    return getattr(importlib.import_module(module_name), function)(paths)
