"""A throwaway PostgreSQL server for tests and local trials.

`temporary_server()` runs initdb in a new temporary directory, starts the server on a
free loopback port (its unix socket in the same directory), yields how to connect, and
stops and removes everything on exit. Nothing is shared with a system PostgreSQL.

initdb refuses to run as root (CI runs as root): then every server command runs as the
`postgres` OS user, which the Debian package creates, with the directory handed to it.

Durability is switched off (fsync, full_page_writes): the data dies with the server, and
a dbt build is several times faster without it. Run `python -m scorecard.pgserver` to
keep one running for manual work; it prints the environment to point the CLI at it.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scorecard.errors import UserError
from scorecard.pg import PgConnection

INSTALL_HINT = "install PostgreSQL (Debian: apt-get install -y postgresql)"
SERVER_USER = "postgres"  # OS user that runs the server when we are root
SUPERUSER = "scorecard_admin"  # database superuser of the throwaway cluster


def find_binaries() -> Path | None:
    """Directory holding initdb and pg_ctl: PATH first, then the Debian layout."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        # Debian links /usr/local/bin/initdb into /usr/lib/postgresql/<v>/bin; resolve it
        # so pg_ctl finds the postgres executable next to it.
        resolved = Path(on_path).resolve().parent
        if (resolved / "pg_ctl").exists():
            return resolved
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: _version_key(Path(p).parent.name)
    )
    for directory in reversed(candidates):
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    return None


def binaries_available() -> bool:
    return find_binaries() is not None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_as_server_user(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _hand_to_server_user(directory: Path) -> None:
    if os.geteuid() != 0:
        return
    try:
        shutil.chown(directory, user=SERVER_USER, group=None)
    except LookupError as exc:
        raise UserError(
            f"running as root, PostgreSQL needs the OS user {SERVER_USER!r} (initdb refuses "
            f"root): {INSTALL_HINT}, which creates it"
        ) from exc


@contextmanager
def temporary_server(parent: Path | None = None, start_attempts: int = 3) -> Iterator[PgConnection]:
    """Start a private PostgreSQL server; yield a superuser connection; remove it after.

    Its folder is made in `parent` (default: the system's temporary directory), which
    the postgres user must be able to enter when we are root.
    """
    bin_dir = find_binaries()
    if bin_dir is None:
        raise UserError(f"no PostgreSQL server binaries (initdb, pg_ctl) found: {INSTALL_HINT}")
    root = Path(tempfile.mkdtemp(prefix="scorecard-pg-", dir=parent))
    data = root / "data"
    try:
        _hand_to_server_user(root)
        password = secrets.token_urlsafe(18)
        password_file = root / "superuser-password"
        password_file.write_text(password + "\n", encoding="utf-8")
        _hand_to_server_user(password_file)
        _checked(
            _run_as_server_user([
                str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER,
                f"--pwfile={password_file}", "--auth-local=trust", "--auth-host=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-sync",
            ]),
            "initdb",
        )  # fmt: skip
        password_file.unlink()
        try:
            port = _start(bin_dir, root, data, start_attempts)
            yield PgConnection("127.0.0.1", port, SUPERUSER, "postgres", password)
        finally:
            # Also after a failed or interrupted start: a server may be up regardless.
            _run_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                 "stop"])  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _start(bin_dir: Path, root: Path, data: Path, attempts: int) -> int:
    """Start on a free port; another process may take the port first, so retry."""
    log = root / "server.log"
    for attempt in range(1, attempts + 1):
        port = _free_port()
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c work_mem=64MB"
        )
        started = _run_as_server_user([
            str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
            "-w", "-t", "60", "start",
        ])  # fmt: skip
        if started.returncode == 0:
            return port
        if attempt == attempts:
            tail = log.read_text(encoding="utf-8", errors="replace")[-800:] if log.exists() else ""
            raise UserError(f"PostgreSQL did not start: {started.stderr.strip()} {tail}".strip())
        time.sleep(0.2)
    raise AssertionError("unreachable")


def _checked(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise UserError(f"{what} failed: {' '.join(detail)}")


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)  # unwinds the context manager: the server stops, its folder goes


def main() -> None:
    """Keep a throwaway server running until Ctrl-C, printing the variables to export."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with temporary_server() as server:
        for name, value in server.environment().items():
            print(f"export {name}={value}")
        print("# PostgreSQL is running; Ctrl-C stops it and removes its data.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
