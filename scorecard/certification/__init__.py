"""Closing a quarter: appeals, preliminary results, certified revisions, HR exports.

See docs/certification.md. Modules: appeals (CLI appeals through the contract path),
certify (checks, revisions, diffs), store (the append-only certification store),
export (xlsx / csv / parquet + manifest) and verify (exports and stored hashes).
"""
