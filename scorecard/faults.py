"""An explicit test hook for crash-safety tests: SIGKILL this process at a named point.

Set SCORECARD_CRASH_AT=<point> (e.g. certify:after_rows) and the process kills itself
with SIGKILL when it reaches that point, exactly as a power cut or the OOM killer
would. Unset (always, outside tests), `crash_point` does nothing.
"""

from __future__ import annotations

import os
import signal

ENV = "SCORECARD_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
