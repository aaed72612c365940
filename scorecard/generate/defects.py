"""Planted data-quality defects: one defect per extra appended row, counted per table and kind.

Defects never touch a real row (other tables may reference it): each defect is a copy of a
real row with a fresh id and exactly one broken value, appended after the real rows. A
duplicate is an exact copy (same id). Ingestion should quarantine exactly these rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scorecard.contract import Table

BAD_DATE = "2025-13-45"
FUTURE_YEAR = "2031"


@dataclass(frozen=True)
class Defect:
    kind: str
    column: str | None = None
    value: str | None = None  # the out-of-range value to plant


def _plan(*items: tuple[str, str | None] | tuple[str, str | None, str]) -> tuple[Defect, ...]:
    return tuple(Defect(*item) for item in items)


# Which defects each large table receives, and on which column.
PLANS: dict[str, tuple[Defect, ...]] = {
    "crm.accounts": _plan(
        ("duplicate", None), ("unknown_employee", "owner_employee_id"), ("missing_required", "tier")
    ),
    "crm.account_profile_changes": _plan(
        ("duplicate", None),
        ("bad_date", "changed_at"),
        ("future_date", "recorded_at"),
        ("missing_required", "field_name"),
    ),
    "crm.opportunities": _plan(
        ("duplicate", None),
        ("bad_date", "created_at"),
        ("negative_amount", "amount"),
        ("unknown_employee", "owner_employee_id"),
        ("missing_required", "stage"),
        ("future_date", "created_at"),
    ),
    "crm.orders": _plan(
        ("duplicate", None),
        ("bad_date", "order_date"),
        ("negative_amount", "amount"),
        ("unknown_employee", "employee_id"),
        ("missing_required", "currency"),
        ("future_date", "received_at"),
    ),
    "crm.activities": _plan(
        ("duplicate", None),
        ("bad_date", "activity_at"),
        ("unknown_employee", "employee_id"),
        ("missing_required", "activity_type"),
        ("future_date", "activity_at"),
    ),
    "crm.inquiries": _plan(
        ("duplicate", None),
        ("bad_date", "received_at"),
        ("unknown_employee", "employee_id"),
        ("missing_required", "received_at"),
        ("future_date", "received_at"),
    ),
    "finance.invoices": _plan(
        ("duplicate", None),
        ("bad_date", "invoice_date"),
        ("negative_amount", "amount"),
        ("unknown_employee", "employee_id"),
        ("missing_required", "currency"),
        ("future_date", "invoice_date"),
    ),
    "finance.payments": _plan(
        ("duplicate", None),
        ("bad_date", "payment_date"),
        ("negative_amount", "amount"),
        ("missing_required", "currency"),
        ("future_date", "payment_date"),
    ),
    "finance.report_submissions": _plan(
        ("duplicate", None),
        ("bad_date", "due_at"),
        ("unknown_employee", "employee_id"),
        ("future_date", "submitted_at"),
    ),
    "survey.csat_responses": _plan(
        ("duplicate", None),
        ("out_of_range", "score", "7"),
        ("unknown_employee", "employee_id"),
        ("missing_required", "score"),
        ("future_date", "responded_at"),
    ),
    "survey.nps_responses": _plan(
        ("duplicate", None),
        ("out_of_range", "score", "11"),
        ("unknown_employee", "employee_id"),
        ("bad_date", "responded_at"),
    ),
    "survey.reviews_360": _plan(
        ("duplicate", None),
        ("out_of_range", "score", "0"),
        ("unknown_employee", "employee_id"),
        ("missing_required", "competency"),
    ),
    "survey.training_attendance": _plan(
        ("duplicate", None),
        ("unknown_employee", "employee_id"),
        ("missing_required", "has_attended"),
    ),
    "survey.knowledge_tests": _plan(
        ("duplicate", None),
        ("out_of_range", "score", "104.50"),
        ("unknown_employee", "employee_id"),
    ),
}


def _id_scheme(ids: pa.Array) -> tuple[str, int, int]:
    """(prefix, digit width, highest number) of readable ids like ORD-00001234."""
    match = re.fullmatch(r"(.*?)(\d+)", ids[0].as_py())
    if not match:
        raise ValueError(f"cannot derive fresh ids from {ids[0].as_py()!r}")
    prefix, digits = match.groups()
    numbers = pc.cast(pc.utf8_slice_codeunits(ids, len(prefix)), pa.int64())
    return prefix, len(digits), pc.max(numbers).as_py()


def _broken(defect: Defect, table: Table, values: pa.Array, unknown_employee: str) -> pa.Array:
    n = len(values)
    if defect.kind == "bad_date":
        kind = table.column(defect.column).data_type
        text = BAD_DATE if kind == "date" else f"{BAD_DATE} 10:30:00"
        return pa.array([text] * n, pa.string())
    if defect.kind == "negative_amount":
        return pc.binary_join_element_wise("-", values, "")
    if defect.kind == "unknown_employee":
        return pa.array([unknown_employee] * n, pa.string())
    if defect.kind == "out_of_range":
        return pa.array([defect.value] * n, pa.string())
    if defect.kind == "missing_required":
        return pa.nulls(n, pa.string())
    if defect.kind == "future_date":
        return pc.binary_join_element_wise(FUTURE_YEAR, pc.utf8_slice_codeunits(values, 4), "")
    raise ValueError(f"unknown defect kind {defect.kind}")


def _candidates(defect: Defect, text: pa.Table) -> np.ndarray:
    """Real rows a defect may copy: the broken column must hold a value to break."""
    ok = np.ones(text.num_rows, dtype=bool)
    if defect.kind in ("bad_date", "future_date", "negative_amount"):
        ok &= text.column(defect.column).is_valid().to_numpy(zero_copy_only=False)
    if defect.kind == "negative_amount":
        values = pc.cast(text.column(defect.column).fill_null("0"), pa.float64())
        ok &= pc.greater(values, 0).to_numpy(zero_copy_only=False)
        if "is_credit_note" in text.column_names:  # credit notes may be negative by design
            ok &= pc.equal(text.column("is_credit_note"), "false").to_numpy(zero_copy_only=False)
    return np.flatnonzero(ok)


def inject(
    rng: np.random.Generator, table: Table, text: pa.Table, rate: float, unknown_employee: str
) -> tuple[pa.Table, dict[str, int]]:
    """Append ~rate x rows of defects (at least one of each planned kind)."""
    plan = PLANS.get(table.qualified_name, ())
    if not plan or text.num_rows == 0:
        return text, {}
    key = table.primary_key[0]
    prefix, width, top = _id_scheme(text.column(key).combine_chunks())
    total = max(len(plan), round(rate * text.num_rows))
    counts = 1 + rng.multinomial(total - len(plan), np.full(len(plan), 1 / len(plan)))
    blocks, summary, next_no = [], {}, top + 1
    for defect, count in zip(plan, counts, strict=True):
        pool = _candidates(defect, text)
        if len(pool) == 0:
            continue
        rows = text.take(pa.array(rng.choice(pool, int(count), replace=len(pool) < count)))
        if defect.kind != "duplicate":
            fresh = [f"{prefix}{i:0{width}d}" for i in range(next_no, next_no + len(rows))]
            next_no += len(rows)
            rows = rows.set_column(rows.column_names.index(key), key, pa.array(fresh, pa.string()))
            col = rows.column_names.index(defect.column)
            broken = _broken(
                defect, table, rows.column(defect.column).combine_chunks(), unknown_employee
            )
            rows = rows.set_column(col, defect.column, broken)
        blocks.append(rows)
        summary[defect.kind] = summary.get(defect.kind, 0) + len(rows)
    block = pa.concat_tables(blocks)
    block = block.take(pa.array(rng.permutation(block.num_rows)))
    return pa.concat_tables([text, block]).combine_chunks(), summary
