"""dbt's Jinja context, as far as this project's models use it, for SQLFluff.

SQLFluff's jinja templater (`.sqlfluff`: `library_path`) puts every public name of this
module into the template context, next to its dbt builtins (`ref`, `source`, ...) and the
project's own macros (`load_macros_from_path = macros`). That is enough to render every
model, data test and macro without a database, a profile or a dbt parse: linting stays
fast and needs nothing but SQLFluff.

What the templater cannot know is stood in for here, rendered as DuckDB renders it:
dbt's cross-database macros (`dbt.type_string()`, `dbt.listagg(...)`, ...),
`adapter.dispatch` (resolves `duckdb__<name>`, then `default__<name>`, from the project's
macros), `target`, `var` (the defaults of dbt_project.yml) and `env_var` (always its
default, so a lint never depends on the environment). The SQL of a stand-in only has to
parse: SQLFluff lints the source text, and a stand-in's output is a templated slice.

SQLFluff's own builtins render `is_incremental()` as true: the incremental filters (and
the aliases they use) are part of what is linted. A model that calls a dbt
macro missing here fails the lint with "Undefined jinja template variable": add the
macro below, rendered the way dbt-duckdb renders it.
"""

from __future__ import annotations

import re as _re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml as _yaml
from jinja2 import pass_context as _pass_context

_PROJECT_DIR = Path(__file__).resolve().parents[2]
_VARS: dict[str, Any] = (
    _yaml.safe_load((_PROJECT_DIR / "dbt_project.yml").read_text()).get("vars") or {}
)


class _Namespace:
    """An attribute bag Jinja may read and call (safe for its sandbox)."""

    unsafe_callable = False
    alters_data = False

    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)


# --- dbt's cross-database macros (`dbt.<name>`), as dbt-duckdb renders them ----------


def _type(name: str) -> Any:
    return lambda *args, **kwargs: name


def _listagg(
    measure: str,
    delimiter_text: str = "','",
    order_by_clause: str | None = None,
    limit_num: int | None = None,
) -> str:
    return f"string_agg({measure}, {delimiter_text} {order_by_clause or ''})"


def _concat(fields: Iterable[str]) -> str:
    return " || ".join(str(field) for field in fields)


def _date_spine(datepart: str, start_date: str, end_date: str) -> str:
    return (
        f"select range as date_{datepart} "
        f"from range({start_date}, {end_date}, interval 1 {datepart})"
    )


dbt = _Namespace(
    type_string=_type("varchar"),
    type_float=_type("double"),
    type_numeric=_type("numeric(28, 6)"),
    type_int=_type("integer"),
    type_bigint=_type("bigint"),
    type_boolean=_type("boolean"),
    type_timestamp=_type("timestamp"),
    cast=lambda field, type: f"cast({field} as {type})",
    safe_cast=lambda field, type: f"try_cast({field} as {type})",
    concat=_concat,
    hash=lambda field: f"md5(cast({field} as varchar))",
    listagg=_listagg,
    date_trunc=lambda datepart, date: f"date_trunc('{datepart}', {date})",
    dateadd=lambda datepart, interval, from_date_or_timestamp: (
        f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"
    ),
    datediff=lambda first_date, second_date, datepart: (
        f"date_diff('{datepart}', {first_date}, {second_date})"
    ),
    last_day=lambda date, datepart: f"last_day({date})",
    current_timestamp=lambda: "now()",
    date_spine=_date_spine,
)


# --- the adapter, the target and the rest of dbt's context ----------------------------


@_pass_context
def _dispatch(context: Any, macro_name: str, macro_namespace: str | None = None) -> Any:
    for candidate in (f"duckdb__{macro_name}", f"default__{macro_name}"):
        macro = context.get(candidate)
        if macro is not None:
            return macro
    raise LookupError(f"adapter.dispatch: no duckdb__ or default__ {macro_name} macro")


adapter = _Namespace(dispatch=_dispatch, type=lambda: "duckdb")
target = _Namespace(type="duckdb", name="duckdb", schema="main", database="scorecard")


def _raise_compiler_error(message: str) -> None:
    raise RuntimeError(message)


exceptions = _Namespace(raise_compiler_error=_raise_compiler_error)
modules = _Namespace(re=_re)
# Compile-time code (`if execute`: the graph, run_query) is skipped, as at dbt's parse.
execute = False
graph = _Namespace(nodes={}, sources={})


def var(name: str, default: Any = None) -> Any:
    """A project variable's default from dbt_project.yml (dbt's `var`)."""
    return _VARS.get(name, default)


def env_var(name: str, default: str = "") -> str:
    """Always the default: a lint never depends on the environment."""
    return default


def log(message: Any, info: bool = False) -> str:
    return ""


def run_query(sql: str) -> None:
    return None


class _Config(_Namespace):
    """`config(...)` in a model renders nothing; `config.get` gives the default."""

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def get(self, name: str, default: Any = None) -> Any:
        return default


config = _Config(meta={})
