"""Folder runs: every contract under a folder checked in worker processes, one memo each,
plus `results.jsonl`, `summary.csv` and a portfolio `index.html`.

The main process finds the files, hashes them and decides from the result store which
ones need checking; worker processes (each with its own compiled engine) check them. A
worker that hangs past the timeout or dies is killed or buried, its file is recorded as
E301 and a fresh worker takes its place. Every result is committed to the store as it
arrives; the summary files are rebuilt from the store at the end and on SIGINT/SIGTERM,
so an interrupted run leaves a consistent folder and the next run finishes the rest.
"""

from __future__ import annotations

import csv
import fnmatch
import gc
import hashlib
import io
import json
import multiprocessing
import os
import re
import signal
import sqlite3
import sys
import time
import unicodedata
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable

from clausecheck.batch_store import ResultStore, StoredResult, cache_key
from clausecheck.compare.batch import compare_with_template, deviations, template_fingerprint
from clausecheck.errors import ClausecheckError
from clausecheck.parsers import SUPPORTED_SUFFIXES, file_sha256, sniff_format
from clausecheck.topicmodel.model import shipped_version

RESULTS_NAME = "results.jsonl"
SUMMARY_NAME = "summary.csv"
INDEX_NAME = "index.html"
MEMO_FOLDER = "memos"
REQUIRED_INDEX_ELEMENTS = ("purpose", "roles", "ip_ownership", "confidentiality", "termination", "cost_sharing")
INDEX_ELEMENTS = (*REQUIRED_INDEX_ELEMENTS, "exclusivity")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
WORKER_START_FAILURES_ALLOWED = 3


@dataclass(frozen=True)
class BatchOptions:
    """What a batch is asked to do, besides the check settings of each file."""

    jobs: int = 0  # 0: one worker per CPU
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    timeout: float = 300.0  # seconds one file may take in a worker
    force: bool = False
    max_bytes: int = 50 * 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """One file found under the batch folder."""

    path: Path  # as found (may hold non-UTF-8 bytes as surrogates)
    display: str  # relative to the batch folder, always valid UTF-8
    memo: str  # memo file name, unique and safe


@dataclass
class BatchResult:
    """Counts of a finished (or interrupted) run, for the command line."""

    found: int = 0
    checked: int = 0
    reused: int = 0
    failed: int = 0
    interrupted: str | None = None
    worst: int = -1  # highest severity rank among non-note findings
    output: Path | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived while the batch was running."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


# --------------------------------------------------------------------------- finding files


def display_path(relative: str) -> str:
    """A relative path as valid UTF-8 text: undecodable bytes become U+FFFD."""
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def memo_name(display: str) -> str:
    """`slug-<8 hex>.html`: readable, unique per path, and safe as a file name anywhere."""
    stem = unicodedata.normalize("NFKC", Path(display).stem)
    slug = re.sub(r"[^\w]+", "-", stem, flags=re.UNICODE).strip("-_").lower()[:60].strip("-_") or "contract"
    digest = hashlib.sha256(display.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}.html"


def _matches(relative: str, patterns: tuple[str, ...]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _is_contract_file(path: Path) -> bool:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return sniff_format(head, path) in ("pdf", "docx")


def find_contracts(folder: Path, options: BatchOptions, skip: Path | None = None) -> list[Candidate]:
    """Every contract file under `folder`, sorted; follows folder links once, never in circles."""
    folder = Path(folder)
    skip_real = os.path.realpath(skip) if skip else None
    seen_dirs: set[tuple[int, int]] = set()
    found: list[Candidate] = []
    used_memos: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        try:
            info = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen_dirs or (skip_real and os.path.realpath(root) == skip_real):
            dirs[:] = []
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.startswith("~$"):
                continue
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if options.include and not _matches(relative, options.include):
                continue
            if options.exclude and _matches(relative, options.exclude):
                continue
            if not path.is_file() and path.is_symlink():
                # A dangling or circular link: report it rather than pass over it in silence.
                if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
            elif not path.is_file() or not _is_contract_file(path):
                continue
            display = display_path(relative)
            memo = memo_name(display)
            while memo in used_memos:  # two paths differing only in undecodable bytes
                memo = memo_name(display + f"#{len(used_memos)}")
            used_memos.add(memo)
            found.append(Candidate(path, display, memo))
    return found


# --------------------------------------------------------------------------- the worker


def check_one(path: Path, display: str, memo: str, settings, out_dir: Path) -> dict:
    """Check one file inside a worker; write its memo; return its store line (no exceptions)."""
    from clausecheck.pipeline import check_file
    from clausecheck.report.json_report import error_dict, report_dict
    from clausecheck.report.output import render

    try:
        report = check_file(path, settings)
        if settings.template:
            report = compare_with_template(report, settings)
        # The memo and the results name the file as the batch found it, relative to its folder.
        document = replace(report.document, source=replace(report.document.source, path=display))
        report = replace(report, document=document)
        html = render(report, "html")
        _write_atomic(out_dir / MEMO_FOLDER / memo, html.encode("utf-8") if isinstance(html, str) else html)
        return {"line": report_dict(report), "memo": f"{MEMO_FOLDER}/{memo}"}
    except ClausecheckError as error:
        return {"line": error_dict(display, error.code, error.message), "memo": None}
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
        return {"line": error_dict(display, "E300", f"internal error: {type(error).__name__}: {error}"), "memo": None}


def _worker_main(connection, settings, out_dir: Path) -> None:
    """A worker: compile the engine once, then check files sent over `connection` until told to stop."""
    # The main process decides when to stop; a Ctrl-C on the terminal reaches it alone.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        from clausecheck.pipeline import engine_for

        engine_for(settings.rules_dirs)
    except BaseException as error:  # noqa: BLE001 - tell the main process why, then end
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, path, display, memo = task
        connection.send(("done", (index, check_one(path, display, memo, settings, out_dir))))


class _Worker:
    """A worker process, its pipe and the file it is busy with."""

    def __init__(self, context, settings, out_dir: Path):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, settings, out_dir), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: tuple | None = None
        self.started = 0.0

    def give(self, task: tuple) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send(task)

    def stop(self, kill: bool = False) -> None:
        if self.process.is_alive():
            if kill:
                self.process.kill()
            else:
                try:
                    self.connection.send(None)
                except OSError:
                    pass
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _context():
    # fork starts workers fast and shares the imported code; spawn where fork does not exist.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_workers(tasks: list[tuple], jobs: int, settings, out_dir: Path, timeout: float, record: Callable[[int, dict], None], progress: Callable[[str], None]) -> None:
    """Check `tasks` in up to `jobs` workers; call `record(index, outcome)` for each, E301 for lost ones."""
    from clausecheck.report.json_report import error_dict

    context = _context()
    if context.get_start_method() == "fork":
        # Workers forked from a process that has compiled the rules need not compile them
        # again: they start at once and share the compiled pack's memory.
        from clausecheck.pipeline import engine_for

        from clausecheck.engine.warm import precompile

        precompile(engine_for(settings.rules_dirs))
        # The compiled engine lives as long as the run: keep the collector from re-scanning
        # it in every worker (and from touching, hence copying, the pages shared by fork).
        gc.freeze()
    pending = list(reversed(tasks))
    workers: list[_Worker] = []
    start_failures = 0
    try:
        while pending or any(w.task for w in workers):
            while len(workers) < min(jobs, len(pending) + sum(1 for w in workers if w.task)):
                workers.append(_Worker(context, settings, out_dir))
            for worker in workers:
                if worker.ready and worker.task is None and pending:
                    task = pending.pop()
                    progress(task[2])
                    worker.give(task)
            busy = [w for w in workers if w.task]
            now = time.monotonic()
            wait_for = min((w.started + timeout - now for w in busy), default=1.0)
            ready = wait([w.connection for w in workers] + [w.process.sentinel for w in workers], timeout=max(0.0, min(wait_for, 1.0)))
            for worker in list(workers):
                lost: str | None = None
                if worker.connection in ready:
                    try:
                        kind, payload = worker.connection.recv()
                    except (EOFError, OSError):
                        kind, payload = "dead", None
                    if kind == "ready":
                        worker.ready = True
                        continue
                    if kind == "done":
                        index, outcome = payload
                        worker.task = None
                        record(index, outcome)
                        continue
                    if kind == "failed":
                        raise ClausecheckError(f"a worker could not start: {payload}", code="E301")
                    lost = "the worker process died"
                elif worker.process.sentinel in ready and not worker.process.is_alive():
                    lost = "the worker process died"
                elif worker.task and time.monotonic() - worker.started > timeout:
                    lost = f"timed out after {timeout:g} s"
                if lost is None:
                    continue
                worker.stop(kill=True)
                workers.remove(worker)
                if worker.task is None:
                    if not worker.ready:
                        start_failures += 1
                        if start_failures >= WORKER_START_FAILURES_ALLOWED:
                            raise ClausecheckError(f"workers die while starting (exit code {worker.process.exitcode})", code="E301")
                    continue
                index, _, display, _ = worker.task
                code = worker.process.exitcode
                why = lost if code is None or lost.startswith("timed") else f"{lost} (exit code {code})"
                record(index, {"line": error_dict(display, "E301", why), "memo": None})
    finally:
        for worker in workers:
            worker.stop(kill=bool(worker.task))


# --------------------------------------------------------------------------- outputs


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_bytes(data)
    temporary.replace(path)


def neutralise_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _topic_ids() -> tuple[str, ...]:
    from clausecheck.engine.schema import TOPICS

    return tuple(TOPICS)


def summary_csv(results: list[StoredResult]) -> bytes:
    topics = _topic_ids()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["file", "memo", "error_code", "error", "title", "language", "contract_type", "perspective", "high", "medium", "low", "info", "missing", *topics, "deviations"])
    for result in results:
        line = result.line
        if result.error:
            row = [line["source"]["path"], "", result.error["code"], result.error["message"], "", "", "", "", "", "", "", "", "", *([""] * len(topics)), ""]
        else:
            summary = line["summary"]
            statuses = [line["topics"].get(t, {}).get("status", "") for t in topics]
            row = [line["source"]["path"], result.memo, "", "", line.get("title") or "", line.get("language"), line["contract_type"]["id"], line.get("perspective") or "",
                   summary["high"], summary["medium"], summary["low"], summary["info"], summary["missing"], *statuses, deviations(line)]
        writer.writerow([neutralise_cell(cell) for cell in row])
    # The byte-order mark makes Excel read the file as UTF-8 (Japanese titles stay legible).
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def results_jsonl(results: list[StoredResult]) -> bytes:
    return "".join(json.dumps(r.line, ensure_ascii=False) + "\n" for r in results).encode("utf-8")


def index_html(results: list[StoredResult], memo_language: str | None, total: int, interrupted: bool) -> bytes:
    import jinja2

    from clausecheck import __version__
    from clausecheck.report.render import quoted_html
    from clausecheck.report.strings import STRINGS, TOPIC_NAMES
    from clausecheck.report.verdict import level_of

    language = memo_language if memo_language in ("en", "ja") else _majority_language(results)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("clausecheck", "report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["quoted"] = quoted_html  # names may carry U+202E: shown, isolated in <bdi>
    rows, failures = [], []
    for result in results:
        line = result.line
        if result.error:
            failures.append({"path": line["source"]["path"], "code": result.error["code"], "message": result.error["message"]})
            continue
        risks = [f for f in line["findings"] if f["kind"] == "risk"]
        rows.append({
            "path": line["source"]["path"],
            "memo": result.memo,
            "title": line.get("title") or "",
            "language": line.get("language") or "",
            "contract_type": line["contract_type"]["id"],
            "perspective": line.get("perspective") or "",
            "elements": {e: _element_state(line, e) for e in INDEX_ELEMENTS},
            "high": sum(1 for f in risks if f["severity"] == "high"),
            "medium": sum(1 for f in risks if f["severity"] == "medium"),
            "low": sum(1 for f in risks if f["severity"] == "low"),
            "missing": line["summary"]["missing"],
            "deviations": deviations(line),
            "verdict": level_of((f["kind"], f["severity"]) for f in line["findings"]),
        })
    html = environment.get_template("index.html.j2").render(
        lang=language,
        rows=rows,
        failures=failures,
        elements=[(e, TOPIC_NAMES[language][e]) for e in INDEX_ELEMENTS],
        type_names=STRINGS[language]["types"],
        verdict_names=STRINGS[language]["verdict_names"],
        total=total,
        done=len(results),
        interrupted=interrupted,
        version=__version__,
        rules_version=next((r.line["tool"]["rules_version"] for r in results if not r.error), ""),
    )
    return html.encode("utf-8")


def _element_state(line: dict, topic: str) -> str:
    """present | missing (absent and required for this type) | absent | uncertain | flagged (a trap topic found)."""
    status = line["topics"].get(topic, {}).get("status", "uncertain")
    if status == "absent":
        required = any(f["kind"] == "missing" and f["topic"] == topic for f in line["findings"])
        return "missing" if required else "absent"
    if status == "present" and topic not in REQUIRED_INDEX_ELEMENTS:
        return "flagged"  # exclusivity: worth a look when it is there, not a box to tick
    return status


def _majority_language(results: list[StoredResult]) -> str:
    languages = [r.line.get("language") for r in results if not r.error]
    return "ja" if languages.count("ja") > len(languages) / 2 else "en"


def write_outputs(out_dir: Path, results: list[StoredResult], memo_language: str | None, total: int, interrupted: bool = False) -> None:
    _write_atomic(out_dir / RESULTS_NAME, results_jsonl(results))
    _write_atomic(out_dir / SUMMARY_NAME, summary_csv(results))
    _write_atomic(out_dir / INDEX_NAME, index_html(results, memo_language, total, interrupted))


# --------------------------------------------------------------------------- the run


def _options_fingerprint(settings) -> dict:
    from clausecheck import __version__

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


def _severity_rank(line: dict) -> int:
    from clausecheck.model import SEVERITY_ORDER

    ranks = [SEVERITY_ORDER[f["severity"]] for f in line.get("findings", []) if f["kind"] != "note"]
    return max(ranks, default=-1)


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


def run_batch(folder: Path, out_dir: Path, settings, options: BatchOptions, progress: Callable[[int, int, str], None] | None = None) -> BatchResult:
    """Check every contract under `folder` into `out_dir`; see the module docstring."""
    from clausecheck.pipeline import engine_for
    from clausecheck.report.json_report import error_dict

    folder, out_dir = Path(folder), Path(out_dir)
    if not folder.is_dir():
        raise ClausecheckError("not a folder", code="E101", path=str(folder))
    rules_version = engine_for(settings.rules_dirs).pack.version  # rule errors stop the run before it starts
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / MEMO_FOLDER).mkdir(exist_ok=True)
        store = ResultStore(out_dir)
    except (OSError, sqlite3.Error) as error:
        raise ClausecheckError(f"cannot write the output folder: {getattr(error, 'strerror', None) or error}", code="E302", path=str(out_dir)) from None
    fingerprint = _options_fingerprint(settings)
    result = BatchResult(output=out_dir / INDEX_NAME)
    report_progress = progress or (lambda done, total, current: None)

    with store, _SignalGuard():
        candidates: list[Candidate] = []
        keys: list[tuple[str, str]] = []
        try:
            candidates = find_contracts(folder, options, skip=out_dir)
            result.found = len(candidates)
            tasks: list[tuple] = []
            sizes: dict[int, int] = {}
            for index, candidate in enumerate(candidates):
                try:
                    size = candidate.path.stat().st_size
                    digest = file_sha256(candidate.path) if size <= options.max_bytes else f"size:{size}"
                except OSError as error:
                    key = cache_key("unreadable", rules_version, fingerprint)
                    keys.append((candidate.display, key))
                    line = error_dict(candidate.display, "E101", f"cannot read file: {error.strerror or error}")
                    store.put(StoredResult(candidate.display, key, None, line))
                    result.checked += 1
                    continue
                key = cache_key(digest, rules_version, fingerprint)
                keys.append((candidate.display, key))
                stored_result = None if options.force else store.reusable(candidate.display, key)
                if stored_result and (stored_result.memo is None or (out_dir / stored_result.memo).is_file()):
                    result.reused += 1
                    continue
                tasks.append((index, candidate.path, candidate.display, candidate.memo))
                sizes[index] = size
            # Largest first: a big file picked up last would leave the other workers idle.
            tasks.sort(key=lambda task: (-sizes[task[0]], task[0]))
            key_of = dict(keys)
            total = len(tasks)
            finished = 0

            def record(index: int, outcome: dict) -> None:
                nonlocal finished
                candidate = candidates[index]
                store.put(StoredResult(candidate.display, key_of[candidate.display], outcome["memo"], outcome["line"]))
                result.checked += 1
                finished += 1

            def started(display: str) -> None:
                report_progress(finished, total, display)

            jobs = options.jobs or os.cpu_count() or 1
            if tasks:
                _run_workers(tasks, jobs, settings, out_dir, options.timeout, record, started)
                report_progress(finished, total, "")
        except Interrupted as interruption:
            result.interrupted = interruption.signal_name
        finally:
            _SignalGuard.ignore()  # a second signal must not cut the summary files short
            # Whatever happened, the summary files describe exactly what the store holds.
            stored = store.results_for(keys)
            write_outputs(out_dir, stored, settings.check.memo_language, len(candidates), interrupted=result.interrupted is not None)
    for stored_result in stored:
        if stored_result.error:
            result.failed += 1
            result.failures.append((stored_result.line["source"]["path"], stored_result.error["code"]))
        else:
            result.worst = max(result.worst, _severity_rank(stored_result.line))
    return result


def progress_printer(stream=None) -> Callable[[int, int, str], None] | None:
    """A one-line progress display on a terminal; nothing when stderr is a file or a pipe."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    started = time.monotonic()

    def show(done: int, total: int, current: str) -> None:
        width = 24
        filled = int(width * done / total) if total else width
        elapsed = time.monotonic() - started
        name = current.replace("\n", " ")[-40:]
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:5.0f}s {name:<40}")
        if done >= total and not current:
            stream.write("\n")
        stream.flush()

    return show
