"""The lineage site of one home: `dbt docs generate`, readable offline two ways.

- `static_index.html` (dbt's `--static`): one file with the manifest and catalog inside;
  it opens from file:// (a plain index.html cannot: the browser refuses to fetch
  manifest.json from a file page, and the site hangs at "loading").
- `serve`: the target folder on a loopback port, for those who prefer dbt's own layout.
Neither loads anything from the network. The overview page is models/overview.md.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scorecard.build import run_dbt
from scorecard.errors import UserError
from scorecard.paths import Paths

DEFAULT_PORT = 8080


@dataclass(frozen=True)
class DocsSite:
    index: Path
    static_index: Path
    manifest: Path
    catalog: Path

    @property
    def folder(self) -> Path:
        return self.index.parent


def generate_docs(paths: Paths) -> DocsSite:
    """Catalog (column types read from the warehouse) + manifest (lineage) + the site."""
    if not paths.warehouse_db.exists():
        raise UserError(f"no warehouse at {paths.warehouse_db}: run `scorecard build` first")
    result = run_dbt(paths, ["docs", "generate", "--static"])
    if result.failures:
        raise UserError("dbt docs generate failed: " + "; ".join(result.failures))
    target = paths.home / "dbt" / "target"
    site = DocsSite(target / "index.html", target / "static_index.html",
                    target / "manifest.json", target / "catalog.json")  # fmt: skip
    missing = [p for p in (site.index, site.static_index, site.manifest, site.catalog)
               if not p.exists()]  # fmt: skip
    if missing:
        raise UserError(f"dbt docs generate wrote no {', '.join(p.name for p in missing)}")
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # one line per request would drown the URL the user needs


def docs_server(site: DocsSite, port: int = DEFAULT_PORT) -> http.server.ThreadingHTTPServer:
    """An HTTP server of the site on 127.0.0.1 (port 0: any free port); not started."""
    handler = functools.partial(_QuietHandler, directory=str(site.folder))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise UserError(f"cannot serve the docs on 127.0.0.1:{port} ({exc.strerror}): "
                        "give another --port") from None  # fmt: skip


def serve(site: DocsSite, port: int, ready: Callable[[str], None]) -> None:
    """Serve until interrupted (Ctrl-C), after telling `ready` the address."""
    with docs_server(site, port) as server:
        ready(f"http://127.0.0.1:{server.server_address[1]}/")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
