"""Compare the marts of two engines row for row.

Every mart of the reference engine must exist on the other with the same columns in
the same order and the same rows (as a multiset; row order is not part of a table).
Values compare by kind:

- exact numbers (integers, decimals) and text, dates, timestamps, booleans: equal;
- floating-point numbers: equal within FLOAT_RELATIVE_TOLERANCE (1e-9 relative, or
  FLOAT_ABSOLUTE_TOLERANCE near zero). Engines sum and divide doubles in different
  orders (parallel aggregation, different plans), which moves the last bits: about
  1e-16 relative per operation, so 1e-13 after a thousand additions. 1e-9 leaves room
  for that and is still a million times finer than anything the marts present (cents,
  scores to two decimals): a real difference in logic is never that small.

Rows are paired after sorting on every column, floats rounded to 9 significant
digits for the sort only, so rows that differ by float noise still pair up.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from scorecard.engines import Engine, open_engine
from scorecard.paths import Paths

FLOAT_RELATIVE_TOLERANCE = 1e-9
FLOAT_ABSOLUTE_TOLERANCE = 1e-9
EXAMPLES_PER_MART = 5


@dataclass
class MartComparison:
    mart: str
    rows: int = 0  # rows of the reference engine
    problems: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.problems


@dataclass
class EngineComparison:
    reference: str
    other: str
    marts: list[MartComparison] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return all(m.equal for m in self.marts)

    def summary(self) -> str:
        lines = [f"{self.reference} vs {self.other}:"]
        for mart in self.marts:
            status = "equal" if mart.equal else "DIFFERENT"
            lines.append(f"  {mart.mart}: {mart.rows} rows, {status}")
            lines.extend(f"    {problem}" for problem in mart.problems)
        return "\n".join(lines)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | Decimal):
        return "exact number"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dt.datetime):
        return "timestamp"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def values_equal(reference: object, other: object) -> bool:
    kinds = {_kind(reference), _kind(other)}
    if "null" in kinds:
        return reference is None and other is None
    if kinds == {"float"} or kinds == {"float", "exact number"}:
        return math.isclose(
            float(reference), float(other),
            rel_tol=FLOAT_RELATIVE_TOLERANCE, abs_tol=FLOAT_ABSOLUTE_TOLERANCE,
        )  # fmt: skip
    return len(kinds) == 1 and reference == other


def _sort_key(row: tuple) -> tuple:
    key = []
    for value in row:
        kind = _kind(value)
        if kind == "null":
            key.append((0, 0))
        elif kind == "float" and math.isfinite(value):
            key.append((1, float(f"{value:.9g}")))
        elif kind in ("exact number", "float", "boolean"):
            key.append((1, float(value)))
        else:
            key.append((2, kind, value))
    return tuple(key)


def _describe(columns: list[str], row: tuple) -> str:
    return ", ".join(f"{c}={v!r}" for c, v in zip(columns, row, strict=True))


def compare_rows(
    mart: str,
    reference: tuple[list[str], list[tuple]],
    other: tuple[list[str], list[tuple]],
) -> MartComparison:
    """Compare one mart's rows from two engines (see the module docstring)."""
    (ref_columns, ref_rows), (other_columns, other_rows) = reference, other
    result = MartComparison(mart, rows=len(ref_rows))
    if ref_columns != other_columns:
        result.problems.append(f"columns differ: {ref_columns} vs {other_columns}")
        return result
    if len(ref_rows) != len(other_rows):
        result.problems.append(f"row counts differ: {len(ref_rows)} vs {len(other_rows)}")
    shown = 0
    for ref_row, other_row in zip(
        sorted(ref_rows, key=_sort_key), sorted(other_rows, key=_sort_key), strict=False
    ):
        differing = [
            f"{column}: {a!r} vs {b!r}"
            for column, a, b in zip(ref_columns, ref_row, other_row, strict=True)
            if not values_equal(a, b)
        ]
        if differing:
            if shown < EXAMPLES_PER_MART:
                result.problems.append(
                    f"row {_describe(ref_columns, ref_row)[:300]} differs in "
                    + "; ".join(differing)
                )
            shown += 1
    if shown > EXAMPLES_PER_MART:
        result.problems.append(f"... {shown - EXAMPLES_PER_MART} more differing rows")
    return result


def compare_engines(reference: Engine, other: Engine) -> EngineComparison:
    """Every mart of `reference` against the same mart of `other` (both already built)."""
    comparison = EngineComparison(reference.name, other.name)
    ref_marts, other_marts = reference.mart_names(), other.mart_names()
    for mart in sorted(set(ref_marts) | set(other_marts)):
        if mart not in other_marts or mart not in ref_marts:
            missing_on = other.name if mart not in other_marts else reference.name
            comparison.marts.append(MartComparison(mart, problems=[f"missing on {missing_on}"]))
            continue
        comparison.marts.append(
            compare_rows(mart, reference.fetch_mart(mart), other.fetch_mart(mart))
        )
    return comparison


def build_and_compare(
    paths: Paths,
    engines: Iterable[str],
    reference: str = "duckdb",
    on_progress: Callable[[str], None] | None = None,
) -> list[EngineComparison]:
    """Build the warehouse on `reference` and each other engine; compare their marts.

    Every engine builds from the same raw zone of `paths`; the reference is built first
    and each other engine is compared with it.
    """
    say = on_progress or (lambda message: None)
    comparisons = []
    with open_engine(reference, paths) as reference_engine:
        say(f"building on {reference}")
        reference_engine.build()
        for name in engines:
            if name == reference:
                continue
            with open_engine(name, paths) as engine:
                say(f"building on {name}")
                engine.build()
                say(f"comparing {reference} and {name}")
                comparisons.append(compare_engines(reference_engine, engine))
    return comparisons
