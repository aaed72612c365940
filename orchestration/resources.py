"""The one resource every asset shares: which SCORECARD_HOME a run works on."""

from __future__ import annotations

import dagster as dg

from scorecard.paths import Paths

# Transient failures (a file still being copied, a warehouse briefly locked by a reader
# that should not be there) clear up on their own: retry with growing pauses.
TRANSIENT_RETRY = dg.RetryPolicy(max_retries=2, delay=20, backoff=dg.Backoff.EXPONENTIAL)


class ScorecardHome(dg.ConfigurableResource):
    """Data directory of the warehouse (landing, raw zone, warehouse, serving, reports)."""

    home: str

    @property
    def paths(self) -> Paths:
        return Paths.from_env(self.home)
