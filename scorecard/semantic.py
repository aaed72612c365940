"""Run MetricFlow (`mf`) on one home's warehouse.

`mf` reads the semantic manifest from `<project>/target/semantic_manifest.json` (a fixed
path) and connects through the dbt profile. Builds write their artifacts per home
(<home>/dbt/target), so this gives `mf` a project directory of its own under
<home>/tmp/metricflow: links to the dbt project's files plus the manifest of the last
build of that home, with the environment the build used. Two homes never share a
manifest, and the repository's own target/ is left alone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scorecard.build import dbt_settings
from scorecard.errors import UserError
from scorecard.paths import PROJECT_ROOT, Paths

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")


def metricflow_project(paths: Paths) -> Path:
    manifest = paths.home / "dbt" / "target" / "semantic_manifest.json"
    if not manifest.exists():
        raise UserError(f"no semantic manifest at {manifest}: run `scorecard build` first")
    project = paths.tmp / "metricflow"
    (project / "target").mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        link = project / name
        if not link.is_symlink():
            link.symlink_to(PROJECT_ROOT / name)
    shutil.copyfile(manifest, project / "target" / "semantic_manifest.json")
    return project


def run_metricflow(paths: Paths, args: list[str]) -> subprocess.CompletedProcess:
    """`mf ARGS` in the home's MetricFlow project; output captured as text."""
    project = metricflow_project(paths)
    environment = dbt_settings(paths, project, {"DBT_TARGET_PATH": str(project / "target")})
    mf = Path(sys.executable).with_name("mf")
    return subprocess.run([str(mf), *args], cwd=project, env=environment, capture_output=True,
                          text=True)  # fmt: skip
