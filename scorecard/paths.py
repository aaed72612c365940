"""Where the project and its data live. Everything under SCORECARD_HOME (default ./var)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    home: Path

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> Paths:
        chosen = home or os.environ.get("SCORECARD_HOME") or PROJECT_ROOT / "var"
        return cls(Path(chosen).resolve())

    @property
    def settings_file(self) -> Path:
        """This deployment's dbt vars (scorecard/settings.py); absent: the defaults."""
        return self.home / "settings.yml"

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def raw(self) -> Path:
        return self.home / "warehouse" / "raw"

    @property
    def quarantine(self) -> Path:
        return self.home / "warehouse" / "quarantine"

    @property
    def ingest_log(self) -> Path:
        return self.home / "warehouse" / "ingest_log"

    @property
    def warehouse_db(self) -> Path:
        return self.home / "warehouse" / "scorecard.duckdb"

    @property
    def quality_db(self) -> Path:
        """Data-quality history: beside the warehouse, kept when it is rebuilt."""
        return self.home / "warehouse" / "quality.duckdb"

    @property
    def serving_db(self) -> Path:
        return self.home / "serving" / "scorecard.duckdb"

    @property
    def parquet(self) -> Path:
        return self.home / "serving" / "parquet"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def data_docs(self) -> Path:
        """Great Expectations Data Docs: the latest result of every expectation suite."""
        return self.reports / "data_docs"

    @property
    def state_file(self) -> Path:
        return self.home / "state" / "last_run.json"

    @property
    def certified_db(self) -> Path:
        """Certified results: append-only, never touched by a warehouse rebuild."""
        return self.home / "certified" / "certified.duckdb"

    @property
    def tmp(self) -> Path:
        return self.home / "tmp"
