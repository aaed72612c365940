"""Great Expectations 1.x on DuckDB through SQLAlchemy (duckdb-engine), made to work.

GX opens a connection per metric query and reads the rows after the connection has
closed; duckdb-engine does not buffer results, so every metric fails with IndexError
(GX issues #10738, #11579). GX already keeps one persisted connection for dialects
whose temp tables live per connection (sqlite, SQL Server, ...): listing DuckDB among
them keeps the connection open while results are read. `tests/test_quality.py` proves
that a bad row makes an expectation fail through this path.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network from checks

import great_expectations as gx  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.execution_engine import (  # noqa: E402
    sqlalchemy_execution_engine as _engine,
)

DOCS_SITE = "local_site"


class _DuckDBDialect:
    """Compares equal to GX's dialect name for DuckDB, like the GXSqlDialect members."""

    value = "duckdb"

    def __eq__(self, other: object) -> bool:
        return str(getattr(other, "value", other)).lower() == self.value

    def __hash__(self) -> int:
        return hash(self.value)


def _persist_duckdb_connections() -> None:
    if not any(d == "duckdb" for d in _engine._PERSISTED_CONNECTION_DIALECTS):
        _engine._PERSISTED_CONNECTION_DIALECTS = (
            *_engine._PERSISTED_CONNECTION_DIALECTS,
            _DuckDBDialect(),
        )


def open_project(root: Path, docs_dir: Path) -> gx.data_context.AbstractDataContext:
    """A GX context whose validation results persist under `root` (the latest one per
    suite, for Data Docs) and whose Data Docs site renders to `docs_dir`. Everything else
    stays in memory: a file-backed project rewrites its YAML on every asset added, which
    cost more than the validations themselves."""
    _quiet()
    stores = InMemoryStoreBackendDefaults()
    stores.stores[stores.validation_results_store_name]["store_backend"] = {
        "class_name": "TupleFilesystemStoreBackend",
        "base_directory": str(root / "validations"),
    }
    config = DataContextConfig(
        store_backend_defaults=stores,
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    context = gx.get_context(project_config=config, mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _quiet() -> None:
    _persist_duckdb_connections()
    # Row-level checks over views need no {batch}: GX's reminder would repeat per check.
    logging.getLogger("great_expectations.expectations.expectation").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*should contain the \\{batch\\} parameter.*")


def new_context() -> gx.data_context.AbstractDataContext:
    """An in-memory GX context (for one-off validations and tests)."""
    _quiet()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def close(datasource) -> None:
    """Close the persisted connection too: GX's own close() leaves it open, and a
    DuckDB connection alive at interpreter exit prints nanobind leak warnings."""
    engine = datasource.get_execution_engine()
    if getattr(engine, "_connection", None) is not None:
        engine._connection.close()
        engine._connection = None
    engine.engine.dispose()
