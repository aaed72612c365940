"""A sensor on the landing directory: new files start ingestion and a refresh.

The cursor maps each landing file to its fingerprint (size, mtime and sha256), so a
file is hashed again only when it changes. A file is pending when its checksum is not
in the ingest log (the same test ingestion uses to skip a file), so a file already
ingested never triggers a run, whatever its name or age. The run key is the set of
pending checksums: while the run for a set is queued or running, the sensor does not
ask again; a file that arrives meanwhile makes a new set and a new run.
"""

import hashlib
import json
import time

import dagster as dg

from orchestration.jobs import refresh_warehouse
from orchestration.resources import ScorecardHome

# The checksum the ingest log records, so "already ingested" means the same thing here.
from scorecard.checksums import file_sha256
from scorecard.contract import load_contract
from scorecard.ingest import discover
from scorecard.ingest.mapping import Mapping
from scorecard.ingest.zone import RawZone

# A file modified this recently may still be being copied in: wait for the next tick.
SETTLE_SECONDS = 30


@dg.sensor(
    job=refresh_warehouse,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="New files in <home>/landing trigger ingestion and a refresh.",
)
def landing_files(context: dg.SensorEvaluationContext, scorecard: ScorecardHome):
    paths = scorecard.paths
    if not paths.landing.is_dir():
        return dg.SkipReason(f"no landing directory at {paths.landing}")
    previous: dict[str, dict] = json.loads(context.cursor) if context.cursor else {}
    work, _unmapped = discover(paths.landing, Mapping(), load_contract())
    now = time.time()
    fingerprints: dict[str, dict] = {}
    for relative, path, _rule in work:
        if relative in fingerprints:
            continue  # one file may feed several tables
        stat = path.stat()
        if now - stat.st_mtime < SETTLE_SECONDS:
            continue
        known = previous.get(relative, {})
        if known.get("size") == stat.st_size and known.get("mtime_ns") == stat.st_mtime_ns:
            fingerprints[relative] = known
        else:
            fingerprints[relative] = {
                "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": file_sha256(path),
            }  # fmt: skip
    context.update_cursor(json.dumps(fingerprints, sort_keys=True))
    ingested = {sha for sha, _table in RawZone(paths).loaded_checksums()}
    pending = sorted((f["sha256"], name) for name, f in fingerprints.items()
                     if f["sha256"] not in ingested)  # fmt: skip
    if not pending:
        return dg.SkipReason("no new landing files")
    run_key = hashlib.sha256("".join(sha for sha, _ in pending).encode()).hexdigest()[:32]
    return dg.RunRequest(
        run_key=run_key,
        tags={"scorecard/trigger": "landing_files", "scorecard/new_files": str(len(pending))},
    )
