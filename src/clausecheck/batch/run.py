"""One batch run from start to end: find the files, decide from the store which need checking,
have a pool (local processes or a Dask cluster) check them, and keep the store and the
portfolio outputs consistent whatever happens.

This process is the one writer: every outcome is committed to the store, and its memo
written, as it arrives. The portfolio files are streamed from the store at the end and on
SIGINT/SIGTERM, so an interrupted run leaves a consistent folder and the next run finishes
the rest; when nothing changed they are left as they are. A write that fails (a full disk)
is reported as E302 and never stored as a contract's result, so the next run retries it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

from clausecheck import __version__
from clausecheck.batch import work
from clausecheck.batch.discover import Candidate, find_contracts, safe_sha256
from clausecheck.batch.options import BatchOptions, BatchResult, Task
from clausecheck.batch.outputs import INDEX_NAME, MEMO_FOLDER, outputs_fingerprint, outputs_sizes, write_atomic, write_outputs
from clausecheck.batch.store import ResultStore, StoredResult, Summary, cache_key
from clausecheck.compare.batch import template_fingerprint
from clausecheck.errors import ClausecheckError
from clausecheck.pipeline import engine_for
from clausecheck.topicmodel.model import shipped_version


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived while the batch was running."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


class _SignalGuard:
    """Turn SIGINT/SIGTERM into `Interrupted` in the main process while a batch runs."""

    def __enter__(self):
        self.previous = {}
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[number] = signal.signal(number, self._raise)
            except ValueError:  # not the main thread: leave the handlers alone
                pass
        return self

    @staticmethod
    def ignore():
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                signal.signal(number, signal.SIG_IGN)
            except ValueError:
                pass

    @staticmethod
    def _raise(number, _frame):
        raise Interrupted(signal.Signals(number).name)

    def __exit__(self, *exc):
        for number, handler in self.previous.items():
            signal.signal(number, handler)


def options_fingerprint(settings) -> dict:
    check = settings.check
    return {
        "tool": __version__,  # a new version may read or render differently
        "party": check.party,
        "type": check.contract_type,
        "memo_language": check.memo_language,
        "language": settings.language,
        "rules_dirs": list(settings.rules_dirs),
        "max_bytes": settings.read.max_bytes,
        "template": template_fingerprint(settings.template),
        **({"ocr": settings.read.ocr} if settings.read.ocr != "auto" else {}),  # auto keeps earlier keys valid
        "model": shipped_version() if check.use_model else None,  # --no-model, or a new model
    }


def _output_error(error: BaseException, what: str, where: Path) -> ClausecheckError:
    reason = getattr(error, "strerror", None) or str(error)
    return ClausecheckError(f"cannot write {what}: {reason}", code="E302", path=str(where))


def _executor(options: BatchOptions, settings):
    """The pool that checks the files: local processes, or Dask when --cluster is given."""
    jobs = options.jobs or os.cpu_count() or 1
    if options.cluster:
        from clausecheck.batch.cluster import ClusterPool

        return ClusterPool(options.cluster, settings, options.timeout, ship_files=options.ship_files, jobs=options.jobs or None)
    from clausecheck.batch.pool import WorkerPool

    return WorkerPool(jobs, settings, options.timeout)


def run_batch(folder: Path, out_dir: Path, settings, options: BatchOptions, progress: Callable[..., None] | None = None,
              notify: Callable[[str], None] | None = None, executor=None) -> BatchResult:
    """Check every contract under `folder` into `out_dir`; see the module docstring.

    `progress(done, total, current, failures)` is called as files start and end; `notify(text)`
    with what the user should know at once (a store rebuilt, the cluster's dashboard).
    """
    folder, out_dir = Path(folder), Path(out_dir)
    if not folder.is_dir():
        raise ClausecheckError("not a folder", code="E101", path=str(folder))
    rules_version = engine_for(settings.rules_dirs).pack.version  # rule errors stop the run before it starts
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / MEMO_FOLDER).mkdir(exist_ok=True)
        store = ResultStore(out_dir)
    except (OSError, sqlite3.Error) as error:
        raise _output_error(error, "the output folder", out_dir) from None
    fingerprint = options_fingerprint(settings)
    result = BatchResult(output=out_dir / INDEX_NAME)

    def tell(text: str) -> None:
        result.notices.append(text)
        if notify:
            notify(text)

    if store.notice:
        tell(store.notice)
    report_progress = progress or (lambda done, total, current, failures=0: None)
    failure: ClausecheckError | None = None

    with store, _SignalGuard():
        candidates: list[Candidate] = []
        states: dict[bytes, Summary] = {}  # name → stored result of this run's files
        keys: dict[bytes, str] = {}
        summaries = store.summaries()  # the short columns only: a re-run reads no report
        try:
            candidates = find_contracts(folder, options, skip=out_dir)
            result.found = len(candidates)
            tasks: list[Task] = []
            new_hashes = []

            def put_line(candidate: Candidate, key: str, outcome: dict) -> None:
                try:
                    # An outcome the store already holds word for word (a file refused again) keeps
                    # its time stamp, so that a run that changed nothing rewrites nothing.
                    if candidate.name in summaries and store.holds(candidate.name, key, outcome["line_text"]):
                        states[candidate.name] = summaries[candidate.name]
                    else:
                        states[candidate.name] = summaries[candidate.name] = store.put(
                            candidate.name, candidate.display, key, outcome["memo"], outcome["line_text"], outcome["row"])
                except sqlite3.Error as error:
                    raise _output_error(error, "the result store", store.path) from None
                result.checked += 1

            hashes = {} if options.force else store.known_hashes()
            for index, candidate in enumerate(candidates):
                if candidate.refusal:
                    key = keys[candidate.name] = cache_key("refused", rules_version, fingerprint)
                    put_line(candidate, key, work.error_outcome(candidate.display, "E101", candidate.refusal))
                    continue
                try:
                    info = os.stat(candidate.path)
                    digest = store.hash_if_unchanged(hashes.get(candidate.name), info)
                    if digest is None:
                        digest = safe_sha256(candidate.path) if info.st_size <= options.max_bytes else f"size:{info.st_size}"
                        new_hashes.append((candidate.name, info, digest))
                except OSError as error:
                    key = keys[candidate.name] = cache_key("unreadable", rules_version, fingerprint)
                    put_line(candidate, key, work.error_outcome(candidate.display, "E101", f"cannot read file: {error.strerror or error}"))
                    continue
                key = keys[candidate.name] = cache_key(digest, rules_version, fingerprint)
                stored = None if options.force else summaries.get(candidate.name)
                if stored and stored.reusable_under(key) and (stored.memo is None or os.path.isfile(os.path.join(out_dir, stored.memo))):
                    states[candidate.name] = stored
                    result.reused += 1
                    continue
                tasks.append(Task(index, candidate.path, candidate.display, candidate.memo, info.st_size))
            try:
                store.remember_hashes(new_hashes)
            except sqlite3.Error as error:
                raise _output_error(error, "the result store", store.path) from None
            # Largest first: a big file picked up last would leave the other workers idle.
            tasks.sort(key=lambda task: (-task.size, task.index))
            total = len(tasks)
            finished = failed = 0

            def record(task: Task, outcome: dict) -> None:
                nonlocal finished, failed
                candidate = candidates[task.index]
                if outcome.get("html") is not None:
                    try:
                        write_atomic(out_dir / outcome["memo"], outcome["html"])
                    except OSError as error:
                        # Not the contract's result: stored as E302, which the next run retries.
                        outcome = work.error_outcome(candidate.display, "E302", f"cannot write the memo: {error.strerror or error}")
                put_line(candidate, keys[candidate.name], outcome)
                finished += 1
                failed += "error" in outcome["row"]
                report_progress(finished, total, candidate.display, failed)

            def started(task: Task) -> None:
                report_progress(finished, total, task.display, failed)

            if tasks:
                pool = executor or _executor(options, settings)
                pool.run(tasks, record, started, tell)
                report_progress(finished, total, "", failed)
        except Interrupted as interruption:
            result.interrupted = interruption.signal_name
        except ClausecheckError as error:
            if error.code not in ("E302", "E305"):  # the folder or the cluster failed, not the rules
                raise
            failure = error
        finally:
            _SignalGuard.ignore()  # a second signal must not cut the summary files short
            # Whatever happened, the summary files describe exactly what the store holds.
            try:
                for candidate in candidates:  # stored by an earlier run, not checked again by this one
                    earlier = summaries.get(candidate.name)
                    if candidate.name in keys and candidate.name not in states and earlier and earlier.key == keys[candidate.name]:
                        states[candidate.name] = earlier
                _write_portfolio(out_dir, store, candidates, keys, states, settings.check.memo_language, interrupted=result.interrupted is not None or failure is not None)
            except (OSError, sqlite3.Error) as error:
                failure = failure or _output_error(error, "the portfolio files", out_dir)
        if failure is None:
            for candidate in candidates:
                stored = states.get(candidate.name)
                if stored is None:
                    continue
                if stored.error_code:
                    result.failed += 1
                    result.failures.append((stored.path, stored.error_code))
                else:
                    result.worst = max(result.worst, stored.worst)
    if failure is not None:
        raise failure
    return result


def _stored(store: ResultStore, candidates: list[Candidate], keys: dict[bytes, str], states: dict[bytes, Summary], with_lines: bool = False) -> Iterator[StoredResult]:
    """This run's stored results in folder order, read one at a time (the report lines only when asked for)."""
    for candidate in candidates:
        if candidate.name in states:
            stored = store.result(candidate.name, keys[candidate.name], with_lines)
            if stored is not None:
                yield stored


def _write_portfolio(out_dir, store, candidates, keys, states, memo_language, interrupted: bool) -> None:
    """Write results.jsonl, summary.csv and index.html, unless they already say exactly this."""
    done = [(c.name, states[c.name].key, states[c.name].checked_at) for c in candidates if c.name in states]
    fingerprint = outputs_fingerprint(done, memo_language, len(candidates), interrupted)
    if store.meta("outputs") == fingerprint and store.meta("output_sizes") == outputs_sizes(out_dir) and outputs_sizes(out_dir):
        return
    write_outputs(out_dir, lambda with_lines=False: _stored(store, candidates, keys, states, with_lines), memo_language, len(candidates), interrupted)
    store.set_meta("outputs", fingerprint)
    store.set_meta("output_sizes", outputs_sizes(out_dir) or "")
