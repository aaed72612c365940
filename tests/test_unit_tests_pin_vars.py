"""Every dbt unit test pins the vars its model reads (`overrides: vars:`).

A unit test otherwise sees the deployment's vars (dbt_project.yml, `--vars`), so a home
that sets e.g. reporting_currency or as_of_date would fail tests whose expected rows were
computed with the defaults, and the build would stop.

The check is a static scan, no dbt run: a model reads a var when its SQL, or a project
macro it calls (transitively), contains `var('<name>')` anywhere, in any branch (Jinja
comments do not count). A call is `name(...)`, `scorecard_warehouse.name(...)` or
`adapter.dispatch('name', ...)`, which counts as calling every `<prefix>__name` macro.
Vars read only in YAML configs (dbt_project.yml, model properties) are not seen. A pin
of null counts as a pin: the macros test `if var('x', none)`, so null means "unset", the
default of e.g. as_of_date and definitions_as_of.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from dbt_common.clients.jinja import get_environment
from jinja2 import nodes

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT_NAME = "scorecard_warehouse"


@dataclass
class JinjaReads:
    """What one model or macro body reads: var names, called names, unscannable calls."""

    vars: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)
    dispatches: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def scan_jinja(node: nodes.Node, where: str) -> JinjaReads:
    """Walk the parsed Jinja (comments are gone by then) for var() and macro calls."""
    reads = JinjaReads()
    for call in node.find_all(nodes.Call):
        callee = call.node
        first = call.args[0] if call.args else None
        constant = first.value if isinstance(first, nodes.Const) else None
        if isinstance(callee, nodes.Name) and callee.name == "var":
            if isinstance(constant, str):
                reads.vars.add(constant)
            else:  # var(name) with a computed name: the check could not see which var
                reads.problems.append(f"{where}: var() without a literal name, line {call.lineno}")
        elif isinstance(callee, nodes.Name):
            reads.calls.add(callee.name)
        elif isinstance(callee, nodes.Getattr) and isinstance(callee.node, nodes.Name):
            if callee.node.name == "adapter" and callee.attr == "dispatch":
                if isinstance(constant, str):
                    reads.dispatches.add(constant)
                else:
                    reads.problems.append(f"{where}: computed dispatch, line {call.lineno}")
            elif callee.node.name == PROJECT_NAME:
                reads.calls.add(callee.attr)
    return reads


def project_macros(root: Path) -> dict[str, JinjaReads]:
    """Every macro of macros/ by name (a macro's name is unique in a dbt project)."""
    environment = get_environment()
    macros: dict[str, JinjaReads] = {}
    for path in sorted((root / "macros").rglob("*.sql")):
        template = environment.parse(path.read_text())
        for macro in template.find_all(nodes.Macro):
            name = macro.name.removeprefix("dbt_macro__")  # dbt's parser prefixes macro names
            macros[name] = scan_jinja(macro, f"{path.relative_to(root)}:{name}")
    return macros


def vars_read_by_model(root: Path, model: str, macros: dict[str, JinjaReads]) -> JinjaReads:
    """Vars the model's SQL reads itself or through the project macros it calls."""
    paths = list((root / "models").rglob(f"{model}.sql"))
    assert len(paths) == 1, f"model {model}: expected one {model}.sql under models/, found {paths}"
    reads = scan_jinja(get_environment().parse(paths[0].read_text()), str(paths[0]))
    pending = called_macros(reads, macros)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in macros:  # dbt's own macros read no project vars
            continue
        seen.add(name)
        reads.vars |= macros[name].vars
        reads.problems += macros[name].problems
        pending += called_macros(macros[name], macros)
    return reads


def called_macros(reads: JinjaReads, macros: dict[str, JinjaReads]) -> list[str]:
    """Names called directly, plus every `<prefix>__name` implementation of a dispatch."""
    dispatched = [n for d in reads.dispatches for n in macros if n.endswith(f"__{d}")]
    return [*reads.calls, *dispatched]


@dataclass(frozen=True)
class UnitTest:
    name: str
    model: str
    pinned: frozenset[str]
    file: str


def unit_tests(root: Path) -> Iterator[UnitTest]:
    """The unit tests of every properties file under models/, with the names they pin."""
    files = [*(root / "models").rglob("*.yml"), *(root / "models").rglob("*.yaml")]
    for path in sorted(files):
        document = yaml.safe_load(path.read_text()) or {}
        for test in document.get("unit_tests") or []:
            pinned = ((test.get("overrides") or {}).get("vars")) or {}
            yield UnitTest(
                test["name"], test["model"], frozenset(pinned), str(path.relative_to(root))
            )


def unpinned_vars(root: Path) -> list[str]:
    """One line per unit test that leaves a var of its model to the deployment."""
    macros = project_macros(root)
    findings = []
    for test in unit_tests(root):
        reads = vars_read_by_model(root, test.model, macros)
        findings += reads.problems
        missing = sorted(reads.vars - test.pinned)
        if missing:
            findings.append(f"{test.file}: {test.name} ({test.model}) does not pin {missing}")
    return findings


def test_every_unit_test_pins_the_vars_its_model_reads():
    tests = list(unit_tests(PROJECT_ROOT))
    assert len(tests) > 50, "the scan found too few unit tests: did the models/ layout change?"
    findings = unpinned_vars(PROJECT_ROOT)
    assert not findings, (
        "pin these under the unit test's `overrides: vars:` (the value its expected rows "
        "were computed with, null for an unset var):\n" + "\n".join(findings)
    )


def test_vars_read_through_macros_dispatch_and_the_model_are_found(tmp_path: Path):
    """The scan must follow macro calls, or the check above would pass vacuously."""
    (tmp_path / "macros").mkdir()
    (tmp_path / "models").mkdir()
    (tmp_path / "macros" / "m.sql").write_text(
        "{% macro outer() %}{{ inner() }}{% endmacro %}\n"
        "{% macro inner() %}{% if var('a', none) %}x{% endif %}{% endmacro %}\n"
        "{% macro picked() %}{{ return(adapter.dispatch('picked', 'p')()) }}{% endmacro %}\n"
        "{% macro duckdb__picked() %}{{ var('b') }}{% endmacro %}\n"
        "{% macro unused() %}{{ var('c') }}{% endmacro %}\n"
    )
    (tmp_path / "models" / "m.sql").write_text(
        "{#- var('in_a_comment') -#}\nselect {{ outer() }}, {{ picked() }}, '{{ var(\"d\") }}'\n"
    )
    (tmp_path / "models" / "m.yml").write_text(
        textwrap.dedent("""\
            unit_tests:
              - name: t
                model: m
                overrides:
                  vars: {a: null, d: x}
            """)
    )
    reads = vars_read_by_model(tmp_path, "m", project_macros(tmp_path))
    assert reads.vars == {"a", "b", "d"}
    assert unpinned_vars(tmp_path) == ["models/m.yml: t (m) does not pin ['b']"]
