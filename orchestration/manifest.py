"""The dbt manifest Dagster lays the graph out from: parsed once per version of the dbt files.

Apart from orchestration/warehouse.py so that the command line, which records its runs
in Dagster (orchestration/cli_runs.py), finds it without importing dagster-dbt.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from scorecard.build import dbt_settings
from scorecard.errors import UserError
from scorecard.paths import PROJECT_ROOT, Paths

DBT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "data-tests")


def project_fingerprint(project_dir: Path = PROJECT_ROOT) -> str:
    """Hash of every file dbt parses: a new manifest is needed exactly when it changes."""
    digest = hashlib.sha256()
    for name in DBT_INPUTS:
        root = project_dir / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(path.relative_to(project_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def manifest_dir(paths: Paths, project_dir: Path = PROJECT_ROOT, root: Path | None = None) -> Path:
    """<root>/<fingerprint> (root: <home>/dbt/manifest): parsed by `dbt parse` when missing.

    The manifest only lays out the graph (each dbt run parses again against its home),
    so homes may share a root. Parsed into a scratch folder renamed into place, so two
    processes loading the definitions at once never read a half-written manifest.
    """
    root = root or paths.home / "dbt" / "manifest"
    target = root / project_fingerprint(project_dir)[:16]
    if (target / "manifest.json").exists():
        return target
    scratch = root / f".parse-{uuid.uuid4().hex[:8]}"
    environment = dbt_settings(paths, project_dir, {
        "DBT_TARGET_PATH": str(scratch), "DBT_LOG_PATH": str(scratch / "logs"),
    })  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "parse", "--quiet"],
        cwd=project_dir, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0 or not (scratch / "manifest.json").exists():
        shutil.rmtree(scratch, ignore_errors=True)
        detail = (done.stdout + done.stderr).strip()[-800:] or f"exit code {done.returncode}"
        raise UserError(f"dbt could not parse the project in {project_dir}: {detail}")
    try:
        os.rename(scratch, target)
    except OSError:  # another process parsed the same version first
        shutil.rmtree(scratch, ignore_errors=True)
    for old in root.iterdir():
        if old != target and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return target
