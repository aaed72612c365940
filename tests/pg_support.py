"""A real PostgreSQL server for tests: skipped locally without the binaries, never in CI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from scorecard.pg import PgConnection, create_database
from scorecard.pgserver import binaries_available, temporary_server


def require_postgres() -> None:
    if binaries_available():
        return
    if os.environ.get("CI"):
        pytest.fail("PostgreSQL server binaries are missing in CI: .ci/run must install them")
    pytest.skip("no PostgreSQL server binaries here (apt-get install -y postgresql)")


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PgConnection]:
    """A throwaway server for the test module (superuser connection)."""
    require_postgres()
    with temporary_server() as server:
        yield server


@pytest.fixture
def pg_database(pg_server: PgConnection) -> PgConnection:
    """A new empty database on the module's server, for one test."""
    return create_database(pg_server, f"t_{uuid.uuid4().hex[:12]}")
