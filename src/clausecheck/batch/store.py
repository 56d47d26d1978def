"""The result store of a batch: one SQLite file in the output folder, written by one process.

A row holds the outcome of checking one file under a cache key made of the file's sha256,
the rules version and the options: its JSON report line exactly as results.jsonl holds it,
and the few fields summary.csv and index.html need, so that the portfolio outputs can be
streamed from the store without parsing whole reports. Rows are keyed by the file's exact
path bytes. Every write is its own transaction, so a batch killed half-way leaves a store that
says exactly which files are done. A store that is damaged (not SQLite, truncated, another
layout, a row that is not JSON) is moved aside and rebuilt from what can still be read: it is
a cache of work done, never the only copy of anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

STORE_NAME = ".clausecheck.sqlite"
STORE_SCHEMA = 2
SQLITE_HEADER = b"SQLite format 3\x00"

# Errors that say something about the run or the file system rather than the file's bytes:
# retried on the next run. E302 (an output could not be written) is never a contract's result.
TRANSIENT_CODES = frozenset({"E101", "E301", "E302"})

# The long columns (row, line) come last: SQLite reads past a long value to reach the columns
# after it, and a re-run reads only the short ones.
TABLES = {
    "meta": ("name", "value"),
    "results": ("name", "path", "key", "memo", "error_code", "worst", "checked_at", "row", "line"),
    "hashes": ("name", "size", "mtime_ns", "ctime_ns", "inode", "sha256"),
}
CREATE = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS results (name BLOB PRIMARY KEY, path TEXT NOT NULL, key TEXT NOT NULL,"
    " memo TEXT, error_code TEXT, worst INTEGER NOT NULL, checked_at REAL NOT NULL, row TEXT NOT NULL, line TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS hashes (name BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, sha256 TEXT NOT NULL)",
)


class StoreDamaged(Exception):
    """The store file cannot be trusted; says why."""


def cache_key(content_sha256: str, rules_version: str, options: dict) -> str:
    """The key a result is reused under: same bytes, same rules, same options."""
    material = json.dumps({"sha256": content_sha256, "rules": rules_version, "options": options}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(material.encode("ascii")).hexdigest()


class Summary(NamedTuple):
    """The short columns of a stored result: enough to decide reuse and to count failures."""

    path: str
    key: str
    memo: str | None
    error_code: str | None
    worst: int
    checked_at: float

    def reusable_under(self, key: str) -> bool:
        return self.key == key and self.error_code not in TRANSIENT_CODES


@dataclass(frozen=True)
class StoredResult:
    """One file's outcome as kept in the store (the parsed forms, read one at a time)."""

    path: str  # display path, relative to the batch folder
    key: str
    memo: str | None  # memo file name inside the output folder, None for a failed file
    line_text: str  # the results.jsonl line, without its newline
    row: dict  # what summary.csv and index.html show of it
    checked_at: float

    @property
    def error(self) -> dict | None:
        return self.row.get("error")


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def check_store(path: Path) -> None:
    """Raise StoreDamaged when the file at `path` is not a store this version can trust."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreDamaged(f"cannot be read: {error.strerror or error}") from None
    if head and head != SQLITE_HEADER:
        raise StoreDamaged("it is not an SQLite database")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        # quick_check reads every page (a truncated or overwritten file fails here), but
        # not the indexes' contents; it costs a few milliseconds per megabyte.
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreDamaged(f"SQLite reports: {'; '.join(problems[:3])}")
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables & set(TABLES) and "meta" not in tables:
            return  # no table of the batch's yet (empty, or only `serve`'s history): a new store
        row = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() if "meta" in tables else None
        if row is None:
            raise StoreDamaged("it has no schema record")
        if row[0] != str(STORE_SCHEMA):
            return  # another version's layout: started again on open, not damage
        for table, columns in TABLES.items():
            found = tuple(info[1] for info in connection.execute(f"PRAGMA table_info({table})"))
            if found != columns:
                raise StoreDamaged(f"table {table!r} has the columns {found}, not {columns}")
        bad = connection.execute("SELECT COUNT(*) FROM results WHERE NOT json_valid(line) OR NOT json_valid(row)").fetchone()[0]
        if bad:
            raise StoreDamaged(f"{bad} stored result(s) are not valid JSON")
    except sqlite3.DatabaseError as error:
        raise StoreDamaged(f"SQLite reports: {error}") from None
    finally:
        connection.close()


def _salvage(broken: Path, connection: sqlite3.Connection) -> int:
    """Copy the rows of a damaged store that still read as valid into a new one; how many."""
    kept = 0
    try:
        old = sqlite3.connect(f"file:{broken}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        rows = old.execute("SELECT name, path, key, memo, error_code, worst, checked_at, row, line FROM results")
        with connection:
            connection.execute("BEGIN")
            while True:
                try:
                    record = rows.fetchone()
                except sqlite3.Error:
                    break
                if record is None:
                    break
                try:
                    json.loads(record[7])
                    json.loads(record[8])
                    connection.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", record)
                except (ValueError, TypeError, sqlite3.Error):
                    continue
                kept += 1
    except sqlite3.Error:
        pass
    finally:
        old.close()
    return kept


class ResultStore:
    """A thin wrapper over the SQLite file; used from the batch's main process only."""

    def __init__(self, folder: Path):
        self.path = folder / STORE_NAME
        self.notice: str | None = None
        try:
            if self.path.exists():
                check_store(self.path)
            self.connection = _connect(self.path)
            self._create()
        except StoreDamaged as damage:
            self._rebuild(str(damage))
        except sqlite3.DatabaseError as error:
            self._rebuild(f"SQLite reports: {error}")

    def _create(self) -> None:
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            row = None
            if self.connection.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone():
                row = self.connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is not None and row[0] != str(STORE_SCHEMA):
                # A store from another layout is a cache, not a record: start it again.
                for table in ("results", "hashes", "meta"):
                    self.connection.execute(f"DROP TABLE IF EXISTS {table}")
                row = None
            for statement in CREATE:
                self.connection.execute(statement)
            if row is None:
                self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(STORE_SCHEMA),))

    def _rebuild(self, why: str) -> None:
        """Move the damaged file aside, start a new store, keep what still reads as valid."""
        try:
            self.connection.close()
        except AttributeError:
            pass
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        broken = self.path.with_name(f"{STORE_NAME}.broken-{stamp}")
        counter = 1
        while broken.exists():
            broken = self.path.with_name(f"{STORE_NAME}.broken-{stamp}-{counter}")
            counter += 1
        os.replace(self.path, broken)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(STORE_NAME + suffix)
            if side.exists():
                os.replace(side, broken.with_name(broken.name + suffix))
        self.connection = _connect(self.path)
        self._create()
        kept = _salvage(broken, self.connection)
        self.notice = f"[W301] the result store was damaged ({why}); it was moved to {broken.name} and rebuilt, keeping {kept} result(s)"

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- content hashes, so an unchanged folder is not read again

    def known_hashes(self) -> dict[bytes, tuple]:
        """name → (size, mtime_ns, ctime_ns, inode, sha256) for every file hashed before."""
        return {row[0]: tuple(row[1:]) for row in self.connection.execute("SELECT name, size, mtime_ns, ctime_ns, inode, sha256 FROM hashes")}

    @staticmethod
    def hash_if_unchanged(known: tuple | None, info: os.stat_result) -> str | None:
        if known and tuple(known[:4]) == (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino):
            return known[4]
        return None

    def remember_hashes(self, entries: list[tuple[bytes, os.stat_result, str]]) -> None:
        if not entries:
            return
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(
                "INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?)",
                [(name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest) for name, info, digest in entries],
            )

    # --- results

    def summaries(self) -> dict[bytes, "Summary"]:
        """The short columns of every stored result (a few hundred bytes each: no reports)."""
        return {row[0]: Summary(*row[1:]) for row in self.connection.execute("SELECT name, path, key, memo, error_code, worst, checked_at FROM results")}

    def put(self, name: bytes, path: str, key: str, memo: str | None, line_text: str, row: dict) -> "Summary":
        """Store one outcome; return its summary (its time stamp is part of the outputs' fingerprint)."""
        summary = Summary(path, key, memo, (row.get("error") or {}).get("code"), row.get("worst", -1), time.time())
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute(
                "INSERT OR REPLACE INTO results (name, path, key, memo, error_code, worst, checked_at, row, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, *summary, json.dumps(row, ensure_ascii=False), line_text),
            )
        return summary

    def result(self, name: bytes, key: str, with_line: bool = True) -> StoredResult | None:
        """The stored result for `name` when it was made under `key` (its line left empty unless asked for)."""
        line = "line" if with_line else "''"
        row = self.connection.execute(f"SELECT path, key, memo, {line}, row, checked_at FROM results WHERE name = ?", (name,)).fetchone()
        if row is None or row[1] != key:
            return None
        return StoredResult(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5])

    def holds(self, name: bytes, key: str, line_text: str) -> bool:
        """Whether the stored result for `name` is exactly this line under `key`."""
        return self.connection.execute("SELECT 1 FROM results WHERE name = ? AND key = ? AND line = ?", (name, key, line_text)).fetchone() is not None

    def count(self) -> int:
        return self.connection.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def meta(self, name: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
