"""A batch over one folder holding every hostile case at once: it must end by itself, record
every file with its outcome or a coded error, and keep the whole process tree in bounded memory.

The folder is generated (nothing large is committed) by the same builders the unit tests of
each case use, so a case stated there is the case run here:

- links to a FIFO, a socket, `/dev/zero` and `/etc/passwd`, a FIFO in the folder, a link
  outside the folder, a link to itself and a folder link that loops (tests/test_batch.py);
- names: a newline and markup, non-UTF-8 bytes, two names differing only in undecodable
  bytes, a 244-byte name, a bidi control (U+202E);
- bombs: a docx inflating to 1 GiB, billion laughs, a PDF stream inflating to 1 GiB, Word
  numbering starting at 2,600,000,000 in `upperLetter`, a 30 MB text run;
- long runs of spaces and tabs on one line, ISO-2022-JP, UTF-16 without BOM, a UTF-16 BOM
  followed by binary, words disguised with VS16, tag characters, IVS, Hangul fillers,
  Cyrillic and Greek look-alikes and spaces inside Japanese words;
- Word: Strict Open XML, a main part under another name, a DOCTYPE in it, duplicate
  `word/document.xml` members, hidden / white / tiny text, footnotes and endnotes, text
  boxes, an altChunk, external styles and comments, a .docm, a ZIP member claiming
  version 23.5;
- PDF: hidden text (render mode 3, white, off the page), two columns, all offsets shifted,
  garbage instead of objects, truncated, encrypted;
- a user rule `(a|a)*$` over a 200-clause contract (the batch runs with that rule pack);
- then the store is damaged (random bytes) and the batch run again: it must move the store
  aside, say so, and record every file again.

Memory is measured for the whole tree (the batch process and its workers): /proc is sampled
every 20 ms for the sum of the tree's RSS; the batch process reports its own peak (VmHWM)
and the kernel's peak of the largest worker it waited for (ru_maxrss), so the report gives
a sampled tree peak and a bound that holds even for a peak between two samples: the
parent's peak plus `--jobs` times the largest worker's.

    python benchmarks/hostile_batch.py            # prints the figures, exit 1 on a failure
    python benchmarks/hostile_batch.py --jobs 2 --keep /tmp/hostile
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The builders of each case live with their unit tests; import them from there.
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "parsers")]

MEMORY_LIMIT_MB = 1500.0  # the whole batch process tree (issue: peak memory < 1.5 GB)
SAMPLE_SECONDS = 0.02


# -- the folder ------------------------------------------------------------------------------------


def build_folder(source: Path, scratch: Path) -> dict[str, str | None]:
    """Write every hostile case into `source`; returns display path → expected code (None: checked).

    A code ending in a digit must match exactly; "E1" means any input error.
    """
    import docx
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    from test_batch import NDA, _special_files, make_folder
    from test_docx import _level, add_list, numbered
    from test_docx_hostile import (
        CONTRACT,
        EXCLUSIVE,
        _main_part_renamed,
        _notes_xml,
        add_relationship,
        docx_with_parts,
        plain_docx,
        rewrite_docx,
        to_strict,
    )
    from test_hostile_input import docx_with_document_xml, make_pdf, write_zip_bomb
    from test_pdf_reading import _pdf_with_content, _write_plain, _zeros_compressed

    scratch.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str | None] = dict(make_folder(source))  # names, links, empty, random bytes
    refused = _special_files(source, scratch / "outside")  # FIFO, socket, device, links outside
    expected.update({name: "E101" for name in refused})
    expected["alias.txt"] = None
    (source / os.fsdecode(b"bad\xff\xfdname.txt")).write_text(NDA.format(title="Twin Name Agreement"), encoding="utf-8")
    expected["bad\ufffd\ufffdname.txt"] = None  # two files with this display name: two lines
    (source / "evil\u202etxt.exe.txt").write_text(NDA.format(title="Bidi Name Agreement"), encoding="utf-8")
    expected["evil\u202etxt.exe.txt"] = None

    text = "\n".join(CONTRACT)
    # Text: long runs, encodings, disguised words.
    (source / "spaces.txt").write_text(text + "\n3. Term. " + " " * 300_000 + "x\n", encoding="utf-8")
    (source / "tabs.md").write_text("|" + "\t" * 200_000 + "-\n" + text, encoding="utf-8")
    (source / "jis.txt").write_bytes("秘密保持契約書\n第1条（秘密保持）乙は、秘密情報を開示してはならない。\n".encode("iso2022_jp"))
    (source / "bomless.txt").write_bytes(text.encode("utf-16-le"))
    (source / "bom-binary.txt").write_bytes(codecs.BOM_UTF16_LE + random.Random(1).randbytes(20000))
    (source / "disguised.txt").write_text(
        text.replace("secret", "s\u0435cr\ufe0fet").replace("Confidential", "Confi\U000e0041dential").replace("Governing", "Gοverning"), encoding="utf-8")
    (source / "disguised-ja.txt").write_text(
        "秘密保持契約書\n第1条（秘密保持）乙は、秘\u3000密情報を開示してはならない。\n第2条（販売権）甲は、乙に独\U000e0100占\u3164的な販売権を付与する。\n第3条（準拠法）本契約は、日 本法に準拠する。\n",
        encoding="utf-8")
    expected.update({name: None for name in ("spaces.txt", "tabs.md", "jis.txt", "bomless.txt", "disguised.txt", "disguised-ja.txt")})
    expected["bom-binary.txt"] = "E111"
    clauses = [f"{n}. Notices {n}. The notice is {'a' * 40}!" for n in range(4, 204)]
    (source / "two-hundred-clauses.txt").write_text(text + "\n" + "\n".join(clauses), encoding="utf-8")
    expected["two-hundred-clauses.txt"] = None

    # Word.
    base = plain_docx(scratch / "base.docx")
    rewrite_docx(base, source / "strict.docx", to_strict)
    _main_part_renamed(base, source / "renamed.docx")
    _main_part_renamed(base, source / "renamed-doctype.docx", lambda data: data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "x">]>', 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is told to write
        rewrite_docx(base, source / "twice.docx", extra={"word/document.xml": b"<w:document/>"})
    document = docx.Document()
    add_list(document, 100, [_level(0, "upperLetter", "%1", start=2_600_000_000)])
    for n in range(30):
        numbered(document, f"Clause {n}.", 100)
    document.save(source / "letters.docx")
    letters = __import__("base64").b64encode(random.Random(2).randbytes(22_500_000))
    rewrite_docx(base, source / "long-run.docx", lambda name, data: data.replace(b"Each party", b"Each party " + letters) if name == "word/document.xml" else data)
    write_zip_bomb(source / "zip-bomb.docx")
    entities = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    docx_with_document_xml(source / "laughs.docx", (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Exclusivity &lol9;</w:t></w:r></w:p></w:body></w:document>").encode())
    for name, properties in (("hidden-vanish.docx", "<w:vanish/>"), ("hidden-white.docx", '<w:color w:val="FFFFFF"/>'), ("hidden-tiny.docx", '<w:sz w:val="1"/>')):
        docx_with_parts(source / name, f'<w:p><w:r><w:rPr>{properties}</w:rPr><w:t>{EXCLUSIVE}</w:t></w:r></w:p>')
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"
    docx_with_parts(source / "notes.docx", '<w:p><w:r><w:t>3. Term. See the note.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
                    {"word/footnotes.xml": ("footnotes", content_type.format("footnotes"), _notes_xml("footnote", [EXCLUSIVE])),
                     "word/endnotes.xml": ("endnotes", content_type.format("endnotes"), _notes_xml("endnote", ["This Agreement renews automatically each year."]))})
    docx_with_parts(source / "text-box.docx", '<w:p><w:r><w:t>3. Scope.</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent>'
                    f'<w:p><w:r><w:t>{EXCLUSIVE}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>')
    docx_with_parts(source / "alt-chunk.docx", '<w:altChunk r:id="rId80"/>',
                    {"word/chunk.html": ("aFChunk", "text/html", b"<html><body><p>3. Exclusivity. Beta shall be the exclusive distributor.</p></body></html>")})
    for reltype in ("styles", "comments"):
        rewrite_docx(base, source / f"external-{reltype}.docx", lambda name, data, reltype=reltype: add_relationship(data, "rId90", reltype, "file:///etc/passwd", external=True)
                     if name == "word/_rels/document.xml.rels" else data)
    rewrite_docx(base, source / "macros.docm", lambda name, data: data.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml") if name == "[Content_Types].xml" else data)
    zipped = bytearray(base.read_bytes())
    central = zipped.find(b"PK\x01\x02")
    zipped[central + 6:central + 8] = (235).to_bytes(2, "little")  # a member "needs" ZIP version 23.5
    (source / "zip-version.docx").write_bytes(bytes(zipped))
    expected.update({name: None for name in ("strict.docx", "renamed.docx", "letters.docx", "hidden-vanish.docx", "hidden-white.docx", "hidden-tiny.docx",
                                             "notes.docx", "text-box.docx", "alt-chunk.docx", "external-styles.docx", "external-comments.docx", "macros.docm")})
    expected.update({"renamed-doctype.docx": "E110", "twice.docx": "E105", "long-run.docx": "E109", "zip-bomb.docx": "E110", "laughs.docx": "E1", "zip-version.docx": "E1"})

    # PDF.
    def hidden(how):
        def draw(pdf):
            text_object = pdf.beginText(-900 if how == "off-page" else 72, 400)
            text_object.setFont("Helvetica", 10)
            if how == "render-mode-3":
                text_object.setTextRenderMode(3)
            elif how == "white":
                pdf.setFillColorRGB(1, 1, 1)
            text_object.textLine(EXCLUSIVE)
            pdf.drawText(text_object)
            pdf.setFillColorRGB(0, 0, 0)
        return draw

    for how in ("render-mode-3", "white", "off-page"):
        _write_plain(source / f"hidden-{how}.pdf", extra=hidden(how))
    pdf = canvas.Canvas(str(source / "columns.pdf"), pagesize=A4)
    pdf.setFont("Helvetica", 9)
    for row in range(14):
        pdf.drawString(50, 760 - 14 * row, f"Left column sentence {row + 1} of the licence terms goes on here.")
        pdf.drawString(310, 760 - 14 * row, f"Right column sentence {row + 1} about payment terms runs on.")
    pdf.showPage()
    pdf.save()
    whole = _write_plain(scratch / "whole.pdf").read_bytes()
    header_end = whole.index(b"\n") + 1
    (source / "shifted.pdf").write_bytes(whole[:header_end] + b"%" + b"x" * 4096 + b"\n" + whole[header_end:])
    (source / "garbage.pdf").write_bytes(whole[:9] + bytes(range(256)) * 8 + b"\n%%EOF\n")
    (source / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    _pdf_with_content(source / "pdf-bomb.pdf", _zeros_compressed(1024))
    make_pdf(source / "encrypted.pdf", encrypt="secret")
    expected.update({name: None for name in ("hidden-render-mode-3.pdf", "hidden-white.pdf", "hidden-off-page.pdf", "columns.pdf", "shifted.pdf")})
    expected.update({"garbage.pdf": "E105", "truncated.pdf": "E105", "pdf-bomb.pdf": "E110", "encrypted.pdf": "E106"})
    return expected


# The warning each silently-misread case must carry in its results.jsonl line.
EXPECTED_WARNINGS = {
    "jis.txt": "W106",
    "disguised.txt": "W131",
    "disguised-ja.txt": "W131",
    "two-hundred-clauses.txt": "W210",
    "hidden-vanish.docx": "W132",
    "hidden-white.docx": "W132",
    "hidden-tiny.docx": "W132",
    "alt-chunk.docx": "W134",
    "external-styles.docx": "W133",
    "external-comments.docx": "W133",
    "hidden-render-mode-3.pdf": "W121",
    "hidden-white.pdf": "W121",
    "hidden-off-page.pdf": "W121",
    "columns.pdf": "W123",
}


def write_trap_rule(pack: Path) -> Path:
    """A user rule pack whose one regex backtracks exponentially on a run of a's."""
    from test_hostile_input import write_rule

    write_rule(pack, "alternation-trap", "en:\n  regex:\n    - '(a|a)*$'\n", topic="non_compete")
    return pack


# -- one measured run ------------------------------------------------------------------------------


@dataclass
class TreeMemory:
    """Peaks of a process and its descendants, read from /proc while they run."""

    root: int
    tree_peak_kb: int = 0  # the largest sum of VmRSS over the tree seen in one sample
    own_peaks_kb: dict[int, int] = field(default_factory=dict)  # pid → its VmHWM, last seen
    samples: int = 0

    def sample(self) -> None:
        total = 0
        for pid in self._tree():
            status = _status(pid)
            if status:
                total += status.get("VmRSS", 0)
                self.own_peaks_kb[pid] = max(self.own_peaks_kb.get(pid, 0), status.get("VmHWM", 0))
        self.tree_peak_kb = max(self.tree_peak_kb, total)
        self.samples += 1

    def _tree(self) -> list[int]:
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    todo += [int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
            except OSError:
                continue
        return found


def _status(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {key: int(value.split()[0]) for key, _, value in (line.partition(":") for line in lines) if key in ("VmRSS", "VmHWM") and value.strip()}


# The batch's own process: the command line run in this interpreter, which then writes its
# own peak (VmHWM) and the kernel's peak of the largest worker it waited for (ru_maxrss:
# exact, and if anything over-stated, since a forked worker starts with its parent's pages).
_BATCH_PROCESS = """
import json, resource, sys
from clausecheck.cli import main
report = sys.argv.pop(1)
try:
    main(sys.argv[1:], prog_name="clausecheck")
    code = 0
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else 1
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
with open(report, "w") as out:
    json.dump({"returncode": code, "own_kb": int(hwm[0].split()[1]), "largest_child_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, out)
"""


def run_batch_measured(source: Path, out: Path, jobs: int, rules: Path | None, timeout: float = 900) -> dict:
    """`clausecheck batch` as a user runs it, with the memory of its whole process tree."""
    report = out.parent / f"memory-{time.monotonic_ns()}.json"
    command = [sys.executable, "-c", _BATCH_PROCESS, str(report), "batch", str(source), "-o", str(out), "--jobs", str(jobs), "--timeout", "120"]
    if rules:
        command += ["--rules", str(rules)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    memory = TreeMemory(process.pid)
    done = threading.Event()

    def watch():
        while not done.is_set():
            memory.sample()
            time.sleep(SAMPLE_SECONDS)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        ended = True
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        ended = False
    done.set()
    watcher.join()
    seconds = time.perf_counter() - started
    kernel = json.loads(report.read_text()) if report.exists() else {"returncode": process.returncode, "own_kb": 0, "largest_child_kb": 0}
    report.unlink(missing_ok=True)
    parent_kb = max(kernel["own_kb"], memory.own_peaks_kb.get(process.pid, 0))
    workers = [peak for pid, peak in memory.own_peaks_kb.items() if pid != process.pid]
    worker_kb = max([kernel["largest_child_kb"], *workers])
    return {
        "ended_by_itself": ended,
        "returncode": kernel["returncode"],
        "seconds": round(seconds, 1),
        "stderr": stderr.decode("utf-8", "replace"),
        "stdout": stdout.decode("utf-8", "replace"),
        "tree_peak_sampled_mb": round(memory.tree_peak_kb / 1024, 1),
        "parent_peak_mb": round(parent_kb / 1024, 1),
        "largest_worker_peak_mb": round(worker_kb / 1024, 1),
        "tree_peak_bound_mb": round((parent_kb + jobs * worker_kb) / 1024, 1),
        "processes_seen": len(memory.own_peaks_kb),
        "samples": memory.samples,
    }


def read_results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def check_recorded(expected: dict[str, str | None], lines: list[dict], warnings: dict[str, str] | None = None) -> list[str]:
    """What is wrong with the batch's record of the folder (empty when every file is right)."""
    problems = []
    recorded: dict[str, list[str | None]] = {}
    for line in lines:
        recorded.setdefault(line["source"]["path"], []).append(line.get("error", {}).get("code"))
        want = (warnings or {}).get(line["source"]["path"])
        if want and want not in {warning["code"] for warning in line.get("warnings", ())}:
            problems.append(f"{line['source']['path']!r}: no {want} among {[w['code'] for w in line.get('warnings', ())]}")
    for name in sorted(set(expected) - set(recorded)):
        problems.append(f"{name!r}: not recorded")
    for name in sorted(set(recorded) - set(expected)):
        problems.append(f"{name!r}: recorded but not expected ({recorded[name]})")
    for name, want in expected.items():
        for code in recorded.get(name, []):
            if want is None and code is not None:
                problems.append(f"{name!r}: {code}, expected to be checked")
            elif want is not None and (code is None or not code.startswith(want)):
                problems.append(f"{name!r}: {code}, expected {want}")
            elif code == "E300":
                problems.append(f"{name!r}: internal error E300")
    return problems


def damage_store(out: Path) -> None:
    store = out / ".clausecheck.sqlite"
    with sqlite3.connect(store) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.write_bytes(bytes((i * 131 + 7) % 256 for i in range(8192)))


def run(workdir: Path, jobs: int) -> dict:
    """Build the folder, run the batch, damage its store, run it again; the figures of both."""
    source, out = workdir / "in", workdir / "out"
    expected = build_folder(source, workdir / "scratch")
    rules = write_trap_rule(workdir / "rules")
    first = run_batch_measured(source, out, jobs, rules)
    first["problems"] = check_recorded(expected, read_results(out), EXPECTED_WARNINGS)
    first["lines"] = len(read_results(out))
    damage_store(out)
    second = run_batch_measured(source, out, jobs, rules)
    second["problems"] = check_recorded(expected, read_results(out), EXPECTED_WARNINGS)
    second["lines"] = len(read_results(out))
    if "damaged" not in second["stderr"] or not list(out.glob(".clausecheck.sqlite.broken-*")):
        second["problems"].append("the damaged store was not reported and moved aside")
    return {"files": len(expected), "first run": first, "after damaging the store": second}


def failures(results: dict) -> list[str]:
    reasons = []
    for name in ("first run", "after damaging the store"):
        figures = results[name]
        if not figures["ended_by_itself"]:
            reasons.append(f"{name}: did not end by itself")
        if figures["returncode"] != 2:  # some files are refused: exit 2, never a crash
            reasons.append(f"{name}: exit code {figures['returncode']}")
        if "Traceback" in figures["stderr"]:
            reasons.append(f"{name}: a traceback on stderr")
        reasons += [f"{name}: {problem}" for problem in figures["problems"]]
        if figures["tree_peak_bound_mb"] > MEMORY_LIMIT_MB:
            reasons.append(f"{name}: tree peak up to {figures['tree_peak_bound_mb']} MB > {MEMORY_LIMIT_MB:.0f} MB")
    return reasons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="batch workers (default 2: the machine's cores)")
    parser.add_argument("--keep", type=Path, help="build the folder here and keep it (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="clausecheck-hostile-") as tmp:
        workdir = args.keep or Path(tmp)
        results = run(workdir, args.jobs)
    for name in ("first run", "after damaging the store"):
        figures = results[name]
        print(f"{name}: {results['files']} files, {figures['lines']} lines, {figures['seconds']} s, exit {figures['returncode']}, "
              f"tree peak {figures['tree_peak_sampled_mb']} MB sampled ({figures['samples']} samples, {figures['processes_seen']} processes), "
              f"bound {figures['tree_peak_bound_mb']} MB = parent {figures['parent_peak_mb']} + {args.jobs} × worker {figures['largest_worker_peak_mb']}")
    reasons = failures(results)
    for reason in reasons:
        print(f"  FAILED: {reason}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main())
