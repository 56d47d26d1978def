"""The portfolio outputs of a batch — results.jsonl, summary.csv, index.html — streamed from the
store one result at a time, so the writer's memory does not grow with the folder.

Each result carries a small `row` (made in the worker, kept in the store) with what the
summary and the index show; the full report line is copied into results.jsonl as stored.
Every file is written to a `.part` beside it and renamed into place; a write that fails
(a full disk) removes its `.part` and raises OSError for the caller to report as E302.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

import jinja2

from clausecheck import __version__
from clausecheck.batch.store import StoredResult
from clausecheck.compare.batch import deviations
from clausecheck.engine.schema import REQUIRED_ELEMENTS, TOPICS
from clausecheck.model import SEVERITY_ORDER
from clausecheck.report.render import quoted_html
from clausecheck.report.strings import STRINGS, TOPIC_NAMES
from clausecheck.report.verdict import level_of

RESULTS_NAME = "results.jsonl"
SUMMARY_NAME = "summary.csv"
INDEX_NAME = "index.html"
MEMO_FOLDER = "memos"
REQUIRED_INDEX_ELEMENTS = REQUIRED_ELEMENTS
INDEX_ELEMENTS = (*REQUIRED_INDEX_ELEMENTS, "exclusivity")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OUTPUT_NAMES = (RESULTS_NAME, SUMMARY_NAME, INDEX_NAME)


# --------------------------------------------------------------------------- writing files


def part_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.part")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a `.part` file; on failure nothing is left behind."""
    write_streamed(path, lambda handle: handle.write(data))


def write_streamed(path: Path, produce: Callable[[io.BufferedWriter], object]) -> None:
    """Let `produce` write into a `.part` file, then rename it to `path`; clean up on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = part_name(path)
    try:
        with temporary.open("wb") as handle:
            produce(handle)
        os.replace(temporary, path)
    except BaseException:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise


# --------------------------------------------------------------------------- rows


def neutralise_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def element_state(line: dict, topic: str) -> str:
    """present | missing (absent and required for this type) | absent | uncertain | flagged (a trap topic found)."""
    status = line["topics"].get(topic, {}).get("status", "uncertain")
    if status == "absent":
        required = any(f["kind"] == "missing" and f["topic"] == topic for f in line["findings"])
        return "missing" if required else "absent"
    if status == "present" and topic not in REQUIRED_INDEX_ELEMENTS:
        return "flagged"  # exclusivity: worth a look when it is there, not a box to tick
    return status


def row_of(line: dict, memo: str | None) -> dict:
    """What summary.csv and index.html show of one results line (small: kept in the store)."""
    if "error" in line:
        return {"path": line["source"]["path"], "error": line["error"]}
    summary = line["summary"]
    risks = [f for f in line["findings"] if f["kind"] == "risk"]
    return {
        "path": line["source"]["path"],
        "memo": memo,
        "title": line.get("title") or "",
        "language": line.get("language"),
        "contract_type": line["contract_type"]["id"],
        "perspective": line.get("perspective") or "",
        "summary": {name: summary[name] for name in ("high", "medium", "low", "info", "missing")},
        "statuses": {t: line["topics"].get(t, {}).get("status", "") for t in TOPICS},
        "elements": {e: element_state(line, e) for e in INDEX_ELEMENTS},
        "risks": {s: sum(1 for f in risks if f["severity"] == s) for s in ("high", "medium", "low")},
        "rules_version": line["tool"]["rules_version"],
        "deviations": deviations(line),
        "verdict": level_of((f["kind"], f["severity"]) for f in line["findings"]),
        "worst": max((SEVERITY_ORDER[f["severity"]] for f in line.get("findings", []) if f["kind"] != "note"), default=-1),
    }


# --------------------------------------------------------------------------- the three files


def _summary_rows(results: Iterable[StoredResult]) -> Iterator[list]:
    topics = tuple(TOPICS)
    yield ["file", "memo", "error_code", "error", "title", "language", "contract_type", "perspective", "high", "medium", "low", "info", "missing", *topics, "deviations"]
    for result in results:
        row = result.row
        if result.error:
            yield [row["path"], "", row["error"]["code"], row["error"]["message"], "", "", "", "", "", "", "", "", "", *([""] * len(topics)), ""]
        else:
            summary = row["summary"]
            yield [row["path"], result.memo, "", "", row["title"], row["language"], row["contract_type"], row["perspective"],
                   summary["high"], summary["medium"], summary["low"], summary["info"], summary["missing"], *(row["statuses"].get(t, "") for t in topics), row["deviations"]]


def write_summary_csv(handle, results: Iterable[StoredResult]) -> None:
    # The byte-order mark makes Excel read the file as UTF-8 (Japanese titles stay legible).
    handle.write(b"\xef\xbb\xbf")
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    for row in _summary_rows(results):
        writer.writerow([neutralise_cell(cell) for cell in row])
    text.detach()


def write_results_jsonl(handle, results: Iterable[StoredResult]) -> None:
    for result in results:
        handle.write(result.line_text.encode("utf-8") + b"\n")


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("clausecheck", "report/templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["quoted"] = quoted_html  # names may carry U+202E: shown, isolated in <bdi>


class _Lazy:
    """A sequence the template can count and loop over without it being held in memory."""

    def __init__(self, count: int, produce: Callable[[], Iterator[dict]]):
        self.count, self.produce = count, produce

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        return self.produce()


def _index_row(result: StoredResult) -> dict:
    row = result.row
    return {
        "path": row["path"],
        "memo": result.memo,
        "title": row["title"],
        "language": row["language"] or "",
        "contract_type": row["contract_type"],
        "perspective": row["perspective"],
        "elements": row["elements"],
        "high": row["risks"]["high"],
        "medium": row["risks"]["medium"],
        "low": row["risks"]["low"],
        "missing": row["summary"]["missing"],
        "deviations": row["deviations"],
        "verdict": row["verdict"],
    }


def _failure_row(result: StoredResult) -> dict:
    return {"path": result.row["path"], "code": result.error["code"], "message": result.error["message"]}


def write_index_html(handle, results: Callable[[], Iterable[StoredResult]], memo_language: str | None, total: int, interrupted: bool) -> None:
    """The portfolio page, a row per contract, streamed: one pass counts, the template's loops read again."""
    checked = failed = japanese = 0
    compared = False  # the deviations column is shown when any contract was compared with a template
    rules_version = ""
    for result in results():
        if result.error:
            failed += 1
            continue
        checked += 1
        japanese += result.row["language"] == "ja"
        compared = compared or result.row["deviations"] != ""
        rules_version = rules_version or result.row["rules_version"]
    if memo_language in ("en", "ja"):
        language = memo_language
    else:
        language = "ja" if japanese > checked / 2 else "en"
    rows = _Lazy(checked, lambda: (_index_row(r) for r in results() if not r.error))
    failures = _Lazy(failed, lambda: (_failure_row(r) for r in results() if r.error))
    stream = _ENVIRONMENT.get_template("index.html.j2").generate(
        lang=language,
        rows=rows,
        failures=failures,
        elements=[(e, TOPIC_NAMES[language][e]) for e in INDEX_ELEMENTS],
        type_names=STRINGS[language]["types"],
        verdict_names=STRINGS[language]["verdict_names"],
        total=total,
        done=checked + failed,
        interrupted=interrupted,
        version=__version__,
        rules_version=rules_version,
        compared=compared,
    )
    pieces: list[str] = []
    for piece in stream:  # the template yields many small pieces: write them in batches
        pieces.append(piece)
        if len(pieces) >= 4096:
            handle.write("".join(pieces).encode("utf-8"))
            pieces.clear()
    handle.write("".join(pieces).encode("utf-8"))


def write_outputs(out_dir: Path, results: Callable[[], Iterable[StoredResult]], memo_language: str | None, total: int, interrupted: bool = False) -> None:
    """Write the three files; `results(with_lines)` streams the results afresh for each pass."""
    write_streamed(out_dir / RESULTS_NAME, lambda handle: write_results_jsonl(handle, results(True)))
    write_streamed(out_dir / SUMMARY_NAME, lambda handle: write_summary_csv(handle, results()))
    write_streamed(out_dir / INDEX_NAME, lambda handle: write_index_html(handle, results, memo_language, total, interrupted))


def outputs_fingerprint(states: Iterable[tuple[bytes, str, float]], memo_language: str | None, total: int, interrupted: bool) -> str:
    """A digest of everything the three outputs are made from: when it is unchanged, so are they."""
    digest = hashlib.sha256(json.dumps([__version__, memo_language, total, interrupted]).encode())
    for name, key, checked_at in states:
        digest.update(name + b"\0" + key.encode() + b"\0" + repr(checked_at).encode() + b"\n")
    return digest.hexdigest()


def outputs_sizes(out_dir: Path) -> str | None:
    """The sizes of the three outputs as found, or None when one is missing."""
    sizes = []
    for name in OUTPUT_NAMES:
        try:
            sizes.append((out_dir / name).stat().st_size)
        except OSError:
            return None
    return json.dumps(sizes)
