"""The server's side of a check: entries in the history, their files under --data, their tasks.

An upload becomes an entry; reading it (to offer the parties) and checking it are tasks for the
worker pool. The pool's callbacks arrive on its dispatcher thread and only write the history
and move files, both of which are safe from there. What a task is doing right now (its stage,
its place in the queue) is kept in memory only: it means nothing once the server stops.
"""

from __future__ import annotations

import os
import shutil
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from clausecheck.errors import ClausecheckError, InputError
from clausecheck import vocabulary
from clausecheck.serve import tasks
from clausecheck.serve.history import CHECKING, DONE, FAILED, READING, READY, UPLOADED, Entry, History, result_key
from clausecheck.serve.uploads import RESULTS, UPLOADS, StoredUpload, new_entry_id
from clausecheck.serve.workers import WorkerPool

CONTRACT_TYPES = vocabulary.CONTRACT_TYPES
MEMO_LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class CheckRequest:
    """What the user chose for one check."""

    party: str | None = None
    contract_type: str | None = None  # None: detect
    memo_language: str | None = None  # None: the contract's language


class Checks:
    """Entries, their files and their running tasks."""

    def __init__(self, data: Path, history: History, pool: WorkerPool, max_bytes: int, rules_dirs: tuple[str, ...] = ()):
        self.data = data
        self.history = history
        self.pool = pool
        self.max_bytes = max_bytes
        self.rules_dirs = rules_dirs
        self._lock = threading.Lock()
        self._stages: dict[str, str] = {}
        self._futures: dict[str, Future] = {}

    # ---------------------------------------------------------------- entries

    def add(self, upload: StoredUpload) -> Entry:
        entry = self.history.add(upload.entry_id, upload.name, upload.stored, upload.size, upload.sha256)
        self.read(entry)
        return self.history.get(entry.id)

    def resume(self) -> None:
        """Entries a stopped server left half-way: read again, or back to ready for a new check."""
        for entry in self.history.unfinished():
            if entry.state == CHECKING:
                self.history.update(entry.id, state=READY)
            else:
                self.read(entry)

    def view(self, entry: Entry) -> dict:
        """An entry as the page shows it, with its live stage and place in the queue."""
        shown = entry.as_dict()
        with self._lock:
            stage, future = self._stages.get(entry.id), self._futures.get(entry.id)
        if entry.state in (UPLOADED, READING, CHECKING):
            position = self.pool.position(future) if future else None
            shown["stage"] = "queued" if position is not None else (stage or "started")
            shown["position"] = position
        return shown

    def delete(self, entry_id: str) -> bool:
        """Forget the entry and delete its stored copy and outputs; a running task's result is dropped."""
        entry = self.history.get(entry_id)
        if entry is None:
            return False
        self.history.delete(entry_id)
        with self._lock:
            future = self._futures.pop(entry_id, None)
            self._stages.pop(entry_id, None)
        if future is not None:
            future.cancel()
        (self.data / UPLOADS / entry.stored).unlink(missing_ok=True)
        shutil.rmtree(self.data / RESULTS / entry_id, ignore_errors=True)
        return True

    def output_path(self, entry: Entry, output_format: str) -> Path | None:
        if entry.state != DONE or output_format not in entry.result.get("formats", {}):
            return None
        path = self.data / RESULTS / entry.id / tasks.output_file(output_format)
        return path if path.is_file() else None

    # ---------------------------------------------------------------- tasks

    def _options(self, request: CheckRequest | None = None) -> dict:
        options = {"rules_dirs": list(self.rules_dirs), "max_bytes": self.max_bytes}
        if request is not None:
            options.update(party=request.party, contract_type=request.contract_type, memo_language=request.memo_language)
        return options

    def _track(self, entry_id: str, future: Future) -> None:
        with self._lock:
            self._futures[entry_id] = future
            self._stages.pop(entry_id, None)

    def _stage_setter(self, entry_id: str):
        def set_stage(stage: str) -> None:
            with self._lock:
                self._stages[entry_id] = stage

        return set_stage

    def _untrack(self, entry_id: str, future: Future) -> bool:
        """Forget the task; False when the entry was deleted or checked again meanwhile."""
        with self._lock:
            if self._futures.get(entry_id) is not future:
                return False
            del self._futures[entry_id]
            self._stages.pop(entry_id, None)
        return True

    def _submit(self, entry: Entry, task, args: tuple, on_done) -> None:
        """Run `task(stored path, *args)` in the pool for `entry`, tracked until `on_done(future)`."""
        stored = str(self.data / UPLOADS / entry.stored)
        future = self.pool.submit(task, (stored, *args), on_stage=self._stage_setter(entry.id))
        self._track(entry.id, future)
        future.add_done_callback(on_done)

    def read(self, entry: Entry) -> None:
        self.history.update(entry.id, state=READING, error_code=None, error_message=None)
        self._submit(entry, tasks.inspect_upload, (self._options(),), lambda done: self._read_done(entry.id, done))

    def _succeeded(self, entry_id: str, future: Future) -> bool:
        """True when the entry's task ended with a result; a cancelled or superseded task is
        dropped, a failed one recorded on the entry."""
        if future.cancelled() or not self._untrack(entry_id, future):
            return False
        error = future.exception()
        if error is not None:
            self._failed(entry_id, error)
            return False
        return True

    def _read_done(self, entry_id: str, future: Future) -> None:
        if not self._succeeded(entry_id, future):
            return
        found = future.result()
        self.history.update(entry_id, state=READY, language=found["language"], title=found["title"], parties=found["parties"], warnings=found["warnings"])

    def check(self, entry: Entry, request: CheckRequest) -> None:
        """Queue a check of a read entry with the user's choices (validated here, not in the worker)."""
        names = {name for party in entry.parties for name in party["names"]}
        if request.party and request.party not in names:
            raise InputError(f"{request.party!r} is not a party of this contract", code="E113")
        if request.contract_type and request.contract_type not in CONTRACT_TYPES:
            raise InputError(f"unknown contract type {request.contract_type!r}", code="E100")
        if request.memo_language and request.memo_language not in MEMO_LANGUAGES:
            raise InputError(f"unknown memo language {request.memo_language!r}", code="E100")
        options = self._options(request)
        self.history.update(entry.id, state=CHECKING, options=options, error_code=None, error_message=None)
        # Each check writes into a folder of its own; it replaces the entry's outputs only when it succeeds.
        attempt = self.data / RESULTS / f".{entry.id}.{new_entry_id()[:8]}.part"
        self._submit(entry, tasks.check_upload, (entry.name, options, str(attempt)), lambda done: self._check_done(entry.id, entry.sha256, options, attempt, done))

    def _check_done(self, entry_id: str, sha256: str, options: dict, attempt: Path, future: Future) -> None:
        try:
            if not self._succeeded(entry_id, future):
                return
            outcome = future.result()
            final = self.data / RESULTS / entry_id
            shutil.rmtree(final, ignore_errors=True)
            os.replace(attempt, final)
            key = result_key(sha256, outcome.get("rules_version", ""), {k: v for k, v in options.items() if k != "rules_dirs"})
            if not self.history.update(entry_id, state=DONE, result=outcome, title=outcome.get("title"), checked_at=outcome.get("checked_at"), key=key):
                shutil.rmtree(final, ignore_errors=True)  # deleted while the result was being moved
        finally:
            shutil.rmtree(attempt, ignore_errors=True)

    def _failed(self, entry_id: str, error: BaseException) -> None:
        if isinstance(error, ClausecheckError):
            code, message = error.code, error.message
        else:
            code, message = "E300", f"internal error: {type(error).__name__}: {error}"
        self.history.update(entry_id, state=FAILED, error_code=code, error_message=message)
