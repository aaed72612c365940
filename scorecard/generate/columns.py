"""Vectorised builders for output columns (pyarrow arrays), so no table loops per row."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Columns = dict[str, pa.Array]


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Readable identifiers like E-00042 from integer numbers."""
    text = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(text, width, "0"), "")


def seq_ids(prefix: str, n: int, width: int, start: int = 1) -> pa.Array:
    return ids(prefix, np.arange(start, start + n), width)


def words(vocabulary: Sequence[str], idx: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    out = pa.array(list(vocabulary), pa.string()).take(pa.array(np.asarray(idx, dtype=np.int64)))
    return with_nulls(out, null)


def concat(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def number_text(values: np.ndarray, width: int = 0) -> pa.Array:
    text = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    return pc.utf8_lpad(text, width, "0") if width else text


def hex_text(values: np.ndarray, digits: int) -> pa.Array:
    """Lowercase hex strings of unsigned integers (device fingerprints)."""
    values = np.asarray(values, dtype=np.uint64)
    shifts = np.arange(digits - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nibbles = (values[:, None] >> shifts) & np.uint64(0xF)
    chars = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[nibbles.astype(np.int64)]
    raw = np.ascontiguousarray(chars).view(f"S{digits}").ravel()
    return pc.cast(pa.array(raw, pa.binary(digits)), pa.string())


def with_nulls(arr: pa.Array, null: np.ndarray | None) -> pa.Array:
    if null is None or not np.any(null):
        return arr
    return pc.if_else(pa.array(np.asarray(null, dtype=bool)), pa.scalar(None, arr.type), arr)


def stamps(seconds: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    return pa.array(values, pa.timestamp("s"), mask=_mask(null, len(values)))


def stamps_before(seconds: np.ndarray, end: int, null: np.ndarray | None = None) -> pa.Array:
    """Timestamps at or after `end` (as_of) have not happened yet: they are empty."""
    missing = seconds >= end if null is None else null | (seconds >= end)
    return stamps(np.where(missing, 0, seconds), missing)


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return pa.array(values, pa.date32(), mask=_mask(null, len(values)))


def ints(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    return pa.array(values, pa.int64(), mask=_mask(null, len(values)))


def floats(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(values, dtype=np.float64)
    return pa.array(values, pa.float64(), mask=_mask(null, len(values)))


def bools(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), pa.bool_())


def _mask(null: np.ndarray | None, n: int) -> np.ndarray | None:
    if null is None:
        return None
    return np.broadcast_to(np.asarray(null, dtype=bool), (n,)).copy()
