"""A deployment's settings: the dbt vars it sets, in `<home>/settings.yml`.

One checkout serves several homes, each with its own file. The defaults stay in one
place, `vars:` of dbt_project.yml; the file overrides some of them. Every dbt run of a
home gets the file's values as `--vars` (scorecard.build.with_settings), so `scorecard
build`, replays, docs, the other engines and Dagster build with the same settings.

Not settable here: definitions_as_of (a replay's own: `scorecard replay
--definitions-at`) and pseudonym_salt (a secret: SCORECARD_PSEUDONYM_SALT only).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml

from scorecard.errors import UserError
from scorecard.paths import PROJECT_ROOT, Paths

DEFAULT = "default"  # the origin of a value the file does not set
NOT_SETTABLE = {
    "definitions_as_of": "a replay's own: `scorecard replay --definitions-at`",
    "pseudonym_salt": "a secret: set the environment variable SCORECARD_PSEUDONYM_SALT",
    "book_source_tables": "part of the no_activity rule (docs/coverage.md): a change of "
    "dbt_project.yml, reviewed like a model",
}


class _Loader(yaml.SafeLoader):
    """YAML with dates left as text, checked like any other value (2026-02-30 is then a
    bad value, not a crash of the YAML parser)."""


class _Dumper(yaml.SafeDumper):
    """Values shown as _Loader reads them: a date unquoted."""


_Loader.yaml_implicit_resolvers = _Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Rejected(Exception):
    """A value the setting does not allow."""


class _Kind(Protocol):
    def allowed(self, project_dir: Path) -> str:
        """What the setting allows, in words."""

    def normal(self, value: object, project_dir: Path) -> object:
        """The value as dbt gets it (dates as YYYY-MM-DD text), or _Rejected."""


@dataclass(frozen=True)
class _Pattern:
    pattern: str
    words: str

    def allowed(self, project_dir: Path) -> str:
        return self.words

    def normal(self, value: object, project_dir: Path) -> object:
        if isinstance(value, str) and re.fullmatch(self.pattern, value):
            return value
        raise _Rejected


class _Date:
    def allowed(self, project_dir: Path) -> str:
        return "a date YYYY-MM-DD"

    def normal(self, value: object, project_dir: Path) -> object:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                raise _Rejected from None
        raise _Rejected


@dataclass(frozen=True)
class _Whole:
    low: int
    high: int | None
    words: str

    def allowed(self, project_dir: Path) -> str:
        return self.words

    def normal(self, value: object, project_dir: Path) -> object:
        whole = isinstance(value, int) and not isinstance(value, bool)
        if whole and self.low <= value and (self.high is None or value <= self.high):
            return value
        raise _Rejected


class _Share:
    """A number in (0, 1]."""

    def allowed(self, project_dir: Path) -> str:
        return "a number greater than 0 and at most 1"

    def normal(self, value: object, project_dir: Path) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1:
            return float(value)
        raise _Rejected


class _Flag:
    def allowed(self, project_dir: Path) -> str:
        return "true or false"

    def normal(self, value: object, project_dir: Path) -> object:
        if isinstance(value, bool):
            return value
        raise _Rejected


@dataclass(frozen=True)
class _OneOf:
    choices: tuple[str, ...]

    def allowed(self, project_dir: Path) -> str:
        return "one of " + ", ".join(self.choices)

    def normal(self, value: object, project_dir: Path) -> object:
        if isinstance(value, str) and value in self.choices:
            return value
        raise _Rejected


@dataclass(frozen=True)
class _SeedCode:
    """A code a seed defines (any version of it)."""

    seed: str
    column: str

    def codes(self, project_dir: Path) -> list[str]:
        with (project_dir / "seeds" / self.seed).open(newline="", encoding="utf-8") as handle:
            return sorted({row[self.column] for row in csv.DictReader(handle)} - {""})

    def allowed(self, project_dir: Path) -> str:
        codes = ", ".join(self.codes(project_dir))
        return f"a {self.column} of seeds/{self.seed}: {codes}"

    def normal(self, value: object, project_dir: Path) -> object:
        if isinstance(value, str) and value in self.codes(project_dir):
            return value
        raise _Rejected


@dataclass(frozen=True)
class _SeedCodes(_SeedCode):
    """A list of codes a seed defines, each once."""

    def allowed(self, project_dir: Path) -> str:
        codes = ", ".join(self.codes(project_dir))
        return f"a list of {self.column}s of seeds/{self.seed}, each once: {codes}"

    def normal(self, value: object, project_dir: Path) -> object:
        known = self.codes(project_dir)
        if (
            isinstance(value, list) and value and len(set(map(str, value))) == len(value)
            and all(isinstance(code, str) and code in known for code in value)
        ):  # fmt: skip
            return list(value)
        raise _Rejected


# Every var of dbt_project.yml but NOT_SETTABLE, with what it allows (tests/test_settings.py
# keeps the two lists in step). The defaults are read from dbt_project.yml, never here.
KINDS: dict[str, _Kind] = {
    "reporting_currency": _Pattern(r"[A-Z]{3}", "a 3-letter uppercase currency code, e.g. EUR"),
    "fiscal_year_start_month": _Whole(1, 12, "a month number 1-12"),
    "calendar_start": _Date(),
    "calendar_end": _Date(),
    "as_of_date": _Date(),
    "scoring_start_date": _Date(),
    "role_change_rule": _OneOf(("event_date", "period_end")),
    "rater_blend_code": _SeedCode("rater_group_weights.csv", "blend_code"),
    "bonus_pool_rule_code": _SeedCode("bonus_pool_rules.csv", "rule_code"),
    "scoring_rule_set": _SeedCode("scoring_rules.csv", "rule_set"),
    "calibration_min_scorecards": _Whole(1, None, "a whole number >= 1"),
    "scorecard_band_codes": _SeedCodes("score_bands.csv", "band_code"),
    "require_pseudonym_salt": _Flag(),
    "min_measured_weight": _Share(),
    "new_customer_history_months": _Whole(0, None, "a whole number of months >= 0"),
}


@dataclass(frozen=True)
class Setting:
    value: object  # as dbt gets it
    origin: str  # DEFAULT or the settings file's path


def project_vars(project_dir: Path = PROJECT_ROOT) -> dict[str, object]:
    """`vars:` of dbt_project.yml, in its order."""
    doc = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    return dict(doc.get("vars") or {})


def defaults(project_dir: Path = PROJECT_ROOT) -> dict[str, object]:
    """The settable vars with their defaults from dbt_project.yml, in its order."""
    return {name: _plain(v) for name, v in project_vars(project_dir).items() if name in KINDS}


def file_settings(paths: Paths, project_dir: Path = PROJECT_ROOT) -> dict[str, object]:
    """The values the home's settings file sets, checked, as dbt gets them ({} without
    a file). A problem raises one UserError line naming the file, key, value and what
    is allowed."""
    path = paths.settings_file
    doc = _read(path)
    if not doc:
        return {}
    known = defaults(project_dir)
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for key, value in doc.items():
        name = str(key)
        if name in NOT_SETTABLE:
            problems[name] = f"{name} is not a setting ({NOT_SETTABLE[name]})"
        elif name not in known:
            problems[name] = f"{name} is not a setting (settings: {', '.join(known)})"
        elif value is None and known[name] is None:
            values[name] = None
        else:
            kind = KINDS[name]
            try:
                values[name] = kind.normal(value, project_dir)
            except _Rejected:
                allowed = kind.allowed(project_dir) + (", or null" if known[name] is None else "")
                problems[name] = f"{name}: {_show(value)} is not allowed ({allowed})"
    start, end = ({**known, **values}.get(name) for name in ("calendar_start", "calendar_end"))
    if not problems and {"calendar_start", "calendar_end"} & values.keys() and start >= end:
        name = "calendar_end" if "calendar_end" in values else "calendar_start"
        problems[name] = (f"{name}: {values[name]} is not allowed (calendar_start must be "
                          f"before calendar_end: {start} is not before {end})")  # fmt: skip
    if problems:
        first, *others = problems.values()
        more = f" (and {len(others)} more: {', '.join(list(problems)[1:])})" if others else ""
        raise UserError(f"{path}: {first}{more}")
    return values


def effective(paths: Paths, project_dir: Path = PROJECT_ROOT) -> dict[str, Setting]:
    """Every setting with the value dbt builds this home with, and where it comes from."""
    chosen = file_settings(paths, project_dir)
    origin = str(paths.settings_file)
    return {
        name: Setting(chosen[name], origin) if name in chosen else Setting(default, DEFAULT)
        for name, default in defaults(project_dir).items()
    }


def _read(path: Path) -> Mapping:
    """The file's mapping; {} when it is missing or empty."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read as UTF-8 text: {exc}") from None
    try:
        doc = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{path}: not valid YAML: {where}{problem}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise UserError(f"{path}: must be a mapping of setting: value, e.g. "
                        f"`reporting_currency: USD`, not {_show(doc)}")  # fmt: skip
    return doc


def _plain(value: object) -> object:
    """A default as dbt gets it: dates as text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _show(value: object) -> str:
    """A value as it reads in YAML ('4' quoted, 4 not), at most 80 characters."""
    text = yaml.dump(
        value, Dumper=_Dumper, default_flow_style=True, width=10**6, allow_unicode=True
    )
    text = text.removesuffix("\n").removesuffix("\n...").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."
