"""`dbt docs generate` for one home: the lineage site with models, sources and exposures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scorecard.build import run_dbt
from scorecard.errors import UserError
from scorecard.paths import Paths


@dataclass(frozen=True)
class DocsSite:
    index: Path
    manifest: Path
    catalog: Path


def generate_docs(paths: Paths) -> DocsSite:
    """Catalog (column types read from the warehouse) + manifest (lineage) + index.html."""
    if not paths.warehouse_db.exists():
        raise UserError(f"no warehouse at {paths.warehouse_db}: run `scorecard build` first")
    result = run_dbt(paths, ["docs", "generate"])
    if result.failures:
        raise UserError("dbt docs generate failed: " + "; ".join(result.failures))
    target = paths.home / "dbt" / "target"
    site = DocsSite(target / "index.html", target / "manifest.json", target / "catalog.json")
    missing = [p for p in (site.index, site.manifest, site.catalog) if not p.exists()]
    if missing:
        raise UserError(f"dbt docs generate wrote no {', '.join(p.name for p in missing)}")
    return site
