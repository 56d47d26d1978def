"""The result store of a batch: one SQLite file in the output folder.

A row holds the outcome of checking one file (its JSON report line, or its error) under
a cache key made of the file's sha256, the rules version and the options. A re-run checks
again only the files whose key changed. Every write is its own transaction, so a batch
killed half-way leaves a store that says exactly which files are done.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

STORE_NAME = ".clausecheck.sqlite"
STORE_SCHEMA = 1

# Errors that say something about the run or the file system rather than the file's bytes:
# retried on the next run.
TRANSIENT_CODES = frozenset({"E101", "E301"})


def cache_key(content_sha256: str, rules_version: str, options: dict) -> str:
    """The key a result is reused under: same bytes, same rules, same options."""
    material = json.dumps({"sha256": content_sha256, "rules": rules_version, "options": options}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(material.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class StoredResult:
    """One file's outcome as kept in the store."""

    path: str  # display path, relative to the batch folder
    key: str
    memo: str | None  # memo file name inside the output folder, None for a failed file
    line: dict  # the results.jsonl object (a report, or an error line)

    @property
    def error(self) -> dict | None:
        return self.line.get("error")


class ResultStore:
    """A thin wrapper over the SQLite file; used from the batch's main process only."""

    def __init__(self, folder: Path):
        self.path = folder / STORE_NAME
        self.connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        with self.connection:
            self.connection.execute("BEGIN")
            self.connection.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS results ("
                " path TEXT PRIMARY KEY, key TEXT NOT NULL, memo TEXT, line TEXT NOT NULL,"
                " error_code TEXT, checked_at REAL NOT NULL)"
            )
            row = self.connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None:
                self.connection.execute("INSERT INTO meta VALUES ('schema', ?)", (str(STORE_SCHEMA),))
            elif row[0] != str(STORE_SCHEMA):
                # A store from another layout is a cache, not a record: start it again.
                self.connection.execute("DELETE FROM results")
                self.connection.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(STORE_SCHEMA),))

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def reusable(self, path: str, key: str) -> StoredResult | None:
        """The stored result for `path` when it was made under the same key and can be reused."""
        row = self.connection.execute("SELECT path, key, memo, line, error_code FROM results WHERE path = ?", (path,)).fetchone()
        if row is None or row[1] != key or (row[4] in TRANSIENT_CODES):
            return None
        return StoredResult(row[0], row[1], row[2], json.loads(row[3]))

    def put(self, result: StoredResult) -> None:
        code = (result.error or {}).get("code")
        line = json.dumps(result.line, ensure_ascii=False)
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute(
                "INSERT OR REPLACE INTO results (path, key, memo, line, error_code, checked_at) VALUES (?, ?, ?, ?, ?, ?)",
                (result.path, result.key, result.memo, line, code, time.time()),
            )

    def results_for(self, paths_and_keys: list[tuple[str, str]]) -> list[StoredResult]:
        """The stored results of this run's files (same path and key), in the given order."""
        wanted = dict(paths_and_keys)
        found: dict[str, StoredResult] = {}
        for path, key, memo, line in self.connection.execute("SELECT path, key, memo, line FROM results"):
            if wanted.get(path) == key:
                found[path] = StoredResult(path, key, memo, json.loads(line))
        return [found[path] for path, _ in paths_and_keys if path in found]
