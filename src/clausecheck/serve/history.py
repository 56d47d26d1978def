"""The page's history: one row per uploaded file, in the batch's SQLite store under --data.

The rows live in a table of their own (`serve_entries`) inside the same `.clausecheck.sqlite`
file a batch keeps its results in, so one file holds everything clausecheck remembers about a
folder, and the batch's own table is left to the batch. Each row says what the user uploaded
(the name as given, shown but never used as a path), where the bytes are kept (a generated
name), what the reader found (language, parties), and the outcome of the last check (summary,
findings, the outputs written) or its coded error.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from clausecheck.batch.store import STORE_NAME, cache_key

# States an entry moves through; `failed` keeps the error code and message.
UPLOADED, READING, READY, CHECKING, DONE, FAILED = "uploaded", "reading", "ready", "checking", "done", "failed"
BUSY_STATES = (UPLOADED, READING, CHECKING)
JSON_COLUMNS = ("parties", "warnings", "options", "result")
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class Entry:
    """One uploaded file and what became of it."""

    id: str
    name: str  # as uploaded (display only)
    stored: str  # file name inside --data/uploads
    size: int
    sha256: str
    uploaded_at: float
    state: str
    language: str | None
    title: str | None
    parties: list
    warnings: list
    options: dict
    result: dict
    error_code: str | None
    error_message: str | None
    checked_at: float | None
    key: str | None

    def as_dict(self) -> dict:
        """What the page is told about an entry (never where it is stored)."""
        return {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "uploaded_at": self.uploaded_at,
            "state": self.state,
            "language": self.language,
            "title": self.title,
            "parties": self.parties,
            "warnings": self.warnings,
            "options": {k: v for k, v in self.options.items() if k in ("party", "contract_type", "memo_language")},
            "result": self.result,
            "error": {"code": self.error_code, "message": self.error_message} if self.error_code else None,
            "checked_at": self.checked_at,
        }


class History:
    """The table of entries; safe to use from the server's threads (one connection, one lock)."""

    COLUMNS = ("id", "name", "stored", "size", "sha256", "uploaded_at", "state", "language", "title", "parties", "warnings", "options", "result",
               "error_code", "error_message", "checked_at", "key")

    def __init__(self, folder: Path):
        self.path = Path(folder) / STORE_NAME
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS serve_entries ("
                " id TEXT PRIMARY KEY, name TEXT NOT NULL, stored TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
                " uploaded_at REAL NOT NULL, state TEXT NOT NULL, language TEXT, title TEXT, parties TEXT NOT NULL DEFAULT '[]',"
                " warnings TEXT NOT NULL DEFAULT '[]', options TEXT NOT NULL DEFAULT '{}', result TEXT NOT NULL DEFAULT '{}',"
                " error_code TEXT, error_message TEXT, checked_at REAL, key TEXT)"
            )
            self._connection.execute("CREATE INDEX IF NOT EXISTS serve_entries_uploaded ON serve_entries (uploaded_at)")

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def _row(self, row) -> Entry:
        values = dict(zip(self.COLUMNS, row))
        for column in JSON_COLUMNS:
            values[column] = json.loads(values[column])
        return Entry(**values)

    def add(self, entry_id: str, name: str, stored: str, size: int, sha256: str) -> Entry:
        with self._lock:
            self._connection.execute(
                "INSERT INTO serve_entries (id, name, stored, size, sha256, uploaded_at, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (entry_id, name, stored, size, sha256, time.time(), UPLOADED),
            )
        return self.get(entry_id)

    def get(self, entry_id: str) -> Entry | None:
        with self._lock:
            row = self._connection.execute(f"SELECT {', '.join(self.COLUMNS)} FROM serve_entries WHERE id = ?", (entry_id,)).fetchone()
        return self._row(row) if row else None

    def update(self, entry_id: str, **values) -> bool:
        """Set some columns of an entry; False when the entry no longer exists."""
        assignments, parameters = [], []
        for column, value in values.items():
            if column not in self.COLUMNS or column == "id":
                raise KeyError(column)
            assignments.append(f"{column} = ?")
            parameters.append(json.dumps(value, ensure_ascii=False) if column in JSON_COLUMNS else value)
        with self._lock:
            cursor = self._connection.execute(f"UPDATE serve_entries SET {', '.join(assignments)} WHERE id = ?", (*parameters, entry_id))
        return cursor.rowcount == 1

    def search(self, query: str = "") -> list[Entry]:
        """Entries whose uploaded name or title contains `query` (case-insensitive), newest first."""
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._lock:
            rows = self._connection.execute(
                f"SELECT {', '.join(self.COLUMNS)} FROM serve_entries"
                " WHERE name LIKE ? ESCAPE '\\' OR COALESCE(title, '') LIKE ? ESCAPE '\\'"
                " ORDER BY uploaded_at DESC, id LIMIT ?",
                (pattern, pattern, SEARCH_LIMIT),
            ).fetchall()
        return [self._row(row) for row in rows]

    def delete(self, entry_id: str) -> bool:
        with self._lock:
            cursor = self._connection.execute("DELETE FROM serve_entries WHERE id = ?", (entry_id,))
        return cursor.rowcount == 1

    def unfinished(self) -> list[Entry]:
        """Entries a stopped server left half-way (read or checked when it stopped)."""
        with self._lock:
            rows = self._connection.execute(
                f"SELECT {', '.join(self.COLUMNS)} FROM serve_entries WHERE state IN ({', '.join('?' for _ in BUSY_STATES)})", BUSY_STATES
            ).fetchall()
        return [self._row(row) for row in rows]


def result_key(sha256: str, rules_version: str, options: dict) -> str:
    """The batch's cache key of a result: same bytes, same rules, same options."""
    return cache_key(sha256, rules_version, options)
