"""Child process of `run_checks`: validate suites, report JSON lines on stdout."""

from __future__ import annotations

import dataclasses
import json
import sys
import warnings

from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.quality.checks import validate_suites


def _emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message, default=str) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> None:
    home, run_id, scope, *suites = argv
    warnings.simplefilter("ignore")  # library deprecation chatter; results are the output
    try:
        outcomes = validate_suites(
            Paths.from_env(home), run_id, suites,
            lambda name, done: _emit({"suite": name, "scope": done}), full=scope == "--full",
        )  # fmt: skip
    except UserError as error:
        _emit({"user_error": str(error)})
        return
    for outcome in outcomes:
        _emit({"outcome": dataclasses.asdict(outcome)})


if __name__ == "__main__":
    main(sys.argv[1:])
