"""Fuzz the readers and the engine: anything raised that is not a ClausecheckError is a bug.

Inputs come from hypothesis strategies, run in batches until a time budget is spent:

- `random-bytes`: random bytes saved as .pdf, .docx, .txt or .md and given to `read_file`;
- `mutated-files`: real files (a docx and a PDF built here, English and Japanese texts,
  and corpus files when `--corpus` is given) with bytes flipped, cut, inserted or deleted;
- `docx-xml`: a valid zip whose `word/document.xml` is a mutated real document part, so
  the XML and numbering code is reached instead of the zip checks;
- `text-engine`: random contract-like text (clause numbers, Japanese, invisible and
  full-width characters, variation selectors, tag characters, Hangul fillers, Cyrillic and
  Greek look-alikes, long lines) through structure and the engine;
- `long-runs`: lines made of long runs (up to 60,000) of spaces, tabs, dots, digits,
  letters and clause-number pieces through the text parser, structure and the engine, so a
  regex that backtracks shows up as a slow example;
- `rule-yaml`: a rule file with anchors, aliases and merge keys, mutated, through the
  loader (alone, without the built-in pack): only RuleError may come out.

The mutation seeds include the second round's hostile formats: ISO-2022-JP and BOM-less
UTF-16 text, a Strict Open XML .docx, and a .docx with footnotes, hidden runs, a text box
and a numbering level that starts at 2,600,000,000.

A crash is shrunk by hypothesis to a small input and written to `--crashes` as a file
that reproduces it (`python -c "from clausecheck.parsers import read_file; read_file(F)"`).

From the command line each target runs in a process of its own, so that its memory can be
measured apart: the report gives that process's peak RSS (VmHWM), the peak of the largest
process it started (OCR, for one), and the slowest single input. An input still running
after `HANG_SECONDS` is a hang: its process is stopped and the input kept as a reproducer.
The run fails (exit 1) on a crash, a hang, or a peak above `MEMORY_LIMIT_MB`.

    python benchmarks/fuzz.py --seconds 60
    python benchmarks/fuzz.py --seconds 600 --target mutated-files --corpus ../shared/corpus
"""

from __future__ import annotations

import argparse
import faulthandler
import hashlib
import io
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

SUFFIXES = (".pdf", ".docx", ".txt", ".md")
SLOW_EXAMPLE_SECONDS = 10.0
# No single input may take longer: a batch stops a file at its --timeout (300 s by default),
# but a small fuzzed input taking a minute already means a parser or regex out of bounds.
HANG_SECONDS = 60.0
# One process checking one file at a time (a batch worker does the same) must stay below
# this, so that a batch's parent and two workers fit in the 1.5 GB of docs/limits.md.
MEMORY_LIMIT_MB = 1000.0

CONTRACT_EN = """MASTER SERVICES AGREEMENT
This Agreement is made between Acme Inc. ("Acme") and Beta LLC ("Supplier").
1. Definitions
1.1 "Confidential Information" means any information disclosed by a party.
2. Exclusivity. Supplier shall be the exclusive supplier of the Products in Japan for three (3) years.
3. Term and Termination
3.1 This Agreement renews automatically for successive one (1) year terms unless either party gives ninety (90) days notice.
(a) Acme may terminate this Agreement for convenience on thirty (30) days written notice.
4. Liability. IN NO EVENT SHALL SUPPLIER'S LIABILITY EXCEED THE FEES PAID.
5. Governing Law. This Agreement is governed by the laws of Japan; the Tokyo District Court has exclusive jurisdiction.
"""

CONTRACT_JA = """共同研究開発契約書
株式会社甲（以下「甲」という。）と乙合同会社（以下「乙」という。）は、次のとおり契約する。
第1条（目的）
本契約は、甲乙が共同して行う研究開発の条件を定めることを目的とする。
第２条（秘密保持）
１　甲及び乙は、相手方の秘密情報を第三者に開示してはならない。
２　前項の規定は、本契約終了後３年間存続する。
第三条（知的財産権の帰属）
本研究により生じた知的財産権は、甲に帰属する。ただし、乙の単独発明はこの限りでない。
（１）甲は、乙に対し独占的な実施権を許諾する。
①　乙は、甲の書面による承諾なく本契約上の地位を譲渡してはならない。
第4条（解除）甲は、３０日前までに通知することにより、いつでも本契約を解除できる。
"""

# Characters that stress normalisation, numbering and tokenisation.
TEXT_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:()[]\"'-–—/%$¥\n\n\t"
    "第条項号甲乙丙前後本契約秘密独占解除知的財産権帰属はがのをにてとし、。「」（）１２３①②一二三十百"
    "ｱｶﾞﾞﾟＡＢＣ１２"
    "\u200b\u200c\u200d\u00ad\u202e\u202c\u2066\ufeff\u3000\u0301\u3099\ufffd\x00\x0c"
    "\ufe0f\U000e0041\U000e0100\u3164\uffa0\u0435\u043e\u0445\u03bd\u03bf"
)
# Pieces whose long runs make a backtracking regex quadratic.
RUN_UNITS = (" ", "\t", "\u3000", ".", "…", "1", "a", "A", "(a)", "1.", " 1", "第", "甲", "Source: ", ", ", "aA", "・", "-")
RULE_YAML = """kind: detect
topic: exclusivity
scope: sentence
title: &title {en: Exclusive, ja: 独占}
message: *title
en: &en
  phrases: &words [exclusive distributor, sole distributor]
  regex: ['\\bexclusive\\s+(?:right|licen[cs]e)']
ja:
  <<: *en
  unless: ['独占的でない']
"""


@dataclass
class TargetResult:
    name: str
    seconds: float = 0.0
    executions: int = 0
    coded_errors: int = 0
    crashes: list[dict] = field(default_factory=list)
    slow: list[dict] = field(default_factory=list)
    slowest: dict = field(default_factory=dict)  # seconds, suffix, size, sha256 of the slowest input
    hangs: list[dict] = field(default_factory=list)
    peak_rss_mb: float | None = None  # the target's own process (VmHWM), when run apart
    hang_seconds: float = HANG_SECONDS
    children_peak_rss_mb: float | None = None  # the largest process the target started

    def failures(self) -> list[str]:
        """Why this target's run is not clean (empty when it is)."""
        reasons = [f"{len(self.crashes)} crash(es)"] if self.crashes else []
        if self.hangs:
            reasons.append(f"{len(self.hangs)} hang(s) over {self.hang_seconds:.0f} s")
        if self.slowest.get("seconds", 0) > self.hang_seconds:
            reasons.append(f"slowest input {self.slowest['seconds']:.1f} s > {self.hang_seconds:.0f} s")
        for what, peak in (("process", self.peak_rss_mb), ("child process", self.children_peak_rss_mb)):
            if peak is not None and peak > MEMORY_LIMIT_MB:
                reasons.append(f"{what} peak {peak:.0f} MB > {MEMORY_LIMIT_MB:.0f} MB")
        return reasons


# -- seeds -----------------------------------------------------------------------------------


def build_seeds(corpus: Path | None = None) -> dict[str, bytes]:
    """Real files of every format, named by what they are."""
    import docx
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    seeds: dict[str, bytes] = {"contract_en.txt": CONTRACT_EN.encode(), "contract_ja.txt": CONTRACT_JA.encode("utf-8"), "contract_ja_sjis.txt": CONTRACT_JA.encode("cp932"), "contract_en.md": ("# " + CONTRACT_EN.replace("\n1.", "\n## 1.")).encode()}
    document = docx.Document()
    for line in (CONTRACT_EN + CONTRACT_JA).splitlines():
        if line.startswith(("1.", "2.", "第1条", "第２条")):
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "甲"
    table.cell(1, 1).text = "Supplier"
    buffer = io.BytesIO()
    document.save(buffer)
    seeds["contract.docx"] = buffer.getvalue()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(2):
        y = 800
        for line in CONTRACT_EN.splitlines():
            pdf.drawString(40, y, line[:95])
            y -= 18
        pdf.drawString(280, 30, f"- {page + 1} -")
        pdf.showPage()
    pdf.save()
    seeds["contract.pdf"] = buffer.getvalue()
    seeds["contract_ja_iso2022.txt"] = CONTRACT_JA.encode("iso2022_jp_ext", errors="replace")  # ① is not in JIS X 0208
    seeds["contract_en_utf16le.txt"] = CONTRACT_EN.encode("utf-16-le")  # no BOM
    seeds["contract_strict.docx"] = strict_docx(seeds["contract.docx"])
    seeds["contract_notes.docx"] = notes_docx(seeds["contract.docx"])
    if corpus and corpus.is_dir():
        for pattern in ("standard/*.docx", "standard/*.pdf", "ja/*.txt"):
            for path in sorted(corpus.glob(pattern))[:2]:
                if path.stat().st_size < 400_000:
                    seeds[path.name] = path.read_bytes()
    return seeds


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STRICT = (
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/", b"http://purl.oclc.org/ooxml/officeDocument/"),
    (b"http://schemas.openxmlformats.org/wordprocessingml/2006/", b"http://purl.oclc.org/ooxml/wordprocessingml/"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/", b"http://purl.oclc.org/ooxml/drawingml/"),
)


def _rewrite_docx(seed_docx: bytes, change, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def strict_docx(seed_docx: bytes) -> bytes:
    """The seed saved as Strict Open XML: every transitional URI under purl.oclc.org."""

    def change(name: str, data: bytes) -> bytes:
        if name.endswith((".xml", ".rels")):
            for transitional, strict in _STRICT:
                data = data.replace(transitional, strict)
        return data

    return _rewrite_docx(seed_docx, change)


def notes_docx(seed_docx: bytes) -> bytes:
    """The seed with a footnote, a hidden and a white run, a text box and a numbering bomb."""
    footnotes = (f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W_NS}">'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:id="1"><w:p><w:r><w:t>Supplier shall be the exclusive supplier.</w:t></w:r></w:p></w:footnote></w:footnotes>').encode()
    extra_body = (b'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr></w:pPr><w:r><w:t>Numbered. </w:t></w:r>'
                  b'<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden exclusive</w:t></w:r><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>white</w:t></w:r>'
                  b'<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed text.</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>')
    numbering = (f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="77"><w:lvl w:ilvl="0"><w:start w:val="2600000000"/>'
                 '<w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1.%1"/></w:lvl></w:abstractNum>'
                 f'<w:num xmlns:w="{W_NS}" w:numId="77"><w:abstractNumId w:val="77"/></w:num>').encode()

    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b"<w:sectPr", extra_body + b"<w:sectPr", 1)
        if name == "word/numbering.xml":
            return data.replace(b"</w:numbering>", numbering + b"</w:numbering>")
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
        return data

    return _rewrite_docx(seed_docx, change, {"word/footnotes.xml": footnotes})


def document_xml(seed_docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as archive:
        return archive.read("word/document.xml")


def replace_document_xml(seed_docx: bytes, xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, xml if item.filename == "word/document.xml" else source.read(item.filename))
    return out.getvalue()


# -- mutations ---------------------------------------------------------------------------------

MUTATION = st.tuples(st.sampled_from(("flip", "cut", "insert", "delete", "repeat")), st.floats(0, 1), st.binary(min_size=1, max_size=16))


def mutate(data: bytes, operations) -> bytes:
    """Apply (kind, where, payload) operations; `where` is a fraction of the length."""
    buffer = bytearray(data)
    for kind, where, payload in operations:
        at = min(int(where * len(buffer)), max(len(buffer) - 1, 0))
        if kind == "flip" and buffer:
            for i, value in enumerate(payload):
                if at + i < len(buffer):
                    buffer[at + i] ^= value or 0xFF
        elif kind == "cut":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = payload
        elif kind == "delete":
            del buffer[at : at + len(payload) * 8]
        elif kind == "repeat":
            buffer[at:at] = bytes(buffer[at : at + len(payload) * 4]) * 8
    return bytes(buffer)


# -- the runs ------------------------------------------------------------------------------------


class Harness:
    """Runs one target's checks and keeps the counts and the (shrunk) crashing inputs."""

    def __init__(self, result: TargetResult, workdir: Path, crashes_dir: Path | None, current: Path | None = None):
        self.result = result
        self.workdir = workdir
        self.crashes_dir = crashes_dir
        # When set, each input is written here before it runs and the process exits with a
        # traceback if it runs past its hang_seconds: the parent then keeps this file as the hang.
        self.current = current
        self.last_failure: tuple[str, bytes, BaseException] | None = None
        self.slowest_data = b""  # the slowest input so far, kept to be written as a reproducer

    def read(self, data: bytes, suffix: str, check: bool = False) -> None:
        """`read_file` on the bytes; with `check`, the whole of `check_file` (structure, engine)."""
        from clausecheck.errors import ClausecheckError
        from clausecheck.parsers import read_file
        from clausecheck.pipeline import check_file

        path = self.workdir / f"input{suffix}"
        path.write_bytes(data)
        self._run(lambda: check_file(path) if check else read_file(path), suffix, data, ClausecheckError)

    def check_text(self, text: str, language: str | None) -> None:
        from clausecheck.errors import ClausecheckError
        from clausecheck.pipeline import engine_for
        from clausecheck.report.json_report import dumps, report_dict

        def run():
            from clausecheck.model import Source
            from clausecheck.parsers import assemble
            from clausecheck.parsers.text import split_paragraphs
            from clausecheck.structure import build_document

            raw = assemble(Source("fuzz.txt", "txt", "0" * 64, None, len(text)), split_paragraphs(text, markdown=False))
            document = build_document(raw, language)
            report = engine_for(()).check(document)
            dumps(report_dict(report))
            for result in report.topics.values():
                for evidence in result.evidence:
                    # Evidence is cut from the document text through the offset maps.
                    if document.text[evidence.start : evidence.end] != evidence.text and evidence.text not in document.text:
                        raise AssertionError(f"evidence {evidence.text!r} is not the document's own text")

        self._run(run, ".txt", text.encode("utf-8", "surrogatepass"), ClausecheckError)

    def load_rule_yaml(self, text: bytes) -> None:
        """The loader on one rule file (without the built-in pack): RuleError or a pack."""
        from clausecheck.engine.loader import load_rules
        from clausecheck.errors import RuleError

        folder = self.workdir / "pack"
        folder.mkdir(exist_ok=True)
        (folder / "fuzz-rule.yaml").write_bytes(text)
        self._run(lambda: load_rules([folder], include_builtin=False), ".yaml", text, RuleError)

    def _run(self, action, suffix: str, data: bytes, expected) -> None:
        self.result.executions += 1
        if self.current is not None:
            self.current.with_suffix(suffix).write_bytes(data)
            self.current.write_text(suffix, encoding="utf-8")  # which of the files is the input
            faulthandler.dump_traceback_later(self.result.hang_seconds, exit=True)
        started = time.perf_counter()
        try:
            action()
        except expected:
            self.result.coded_errors += 1
        except Exception as error:
            self.last_failure = (suffix, data, error)
            raise
        finally:
            elapsed = time.perf_counter() - started
            if self.current is not None:
                faulthandler.cancel_dump_traceback_later()
            if elapsed > self.result.slowest.get("seconds", -1.0):
                self.result.slowest = {"seconds": round(elapsed, 3), "suffix": suffix, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()[:16]}
                self.slowest_data = data
            if elapsed > SLOW_EXAMPLE_SECONDS:
                self.result.slow.append({"seconds": round(elapsed, 1), "suffix": suffix, "sha256": hashlib.sha256(data).hexdigest()[:16]})

    def record_crash(self) -> None:
        suffix, data, error = self.last_failure
        digest = hashlib.sha256(data).hexdigest()[:16]
        entry = {"error": f"{type(error).__name__}: {error}"[:500], "suffix": suffix, "size": len(data), "sha256": digest, "where": "".join(traceback.format_tb(error.__traceback__)[-3:])[-1500:]}
        if self.crashes_dir:
            self.crashes_dir.mkdir(parents=True, exist_ok=True)
            reproducer = self.crashes_dir / f"crash-{digest}{suffix}"
            reproducer.write_bytes(data)
            entry["file"] = str(reproducer)
        self.result.crashes.append(entry)


def _strategy(target: str, seeds: dict[str, bytes]):
    binary_seeds = sorted(seeds)
    docx_seeds = [name for name in binary_seeds if name.endswith(".docx")]
    if target == "random-bytes":
        head = st.sampled_from((b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xd0\xcf\x11\xe0", b"\xff\xfe"))
        return st.tuples(st.sampled_from(SUFFIXES), head, st.binary(min_size=1, max_size=4096))
    if target == "mutated-files":
        return st.tuples(st.sampled_from(binary_seeds), st.lists(MUTATION, min_size=1, max_size=6))
    if target == "docx-xml":
        return st.tuples(st.sampled_from(docx_seeds), st.lists(MUTATION, min_size=1, max_size=8))
    if target == "text-engine":
        lines = st.text(alphabet=TEXT_ALPHABET, max_size=300)
        return st.tuples(st.lists(lines, max_size=40), st.sampled_from((None, "en", "ja")))
    if target == "long-runs":
        runs = st.lists(st.tuples(st.sampled_from(RUN_UNITS), st.integers(1, 60_000)), min_size=1, max_size=4)
        return st.tuples(st.lists(runs, min_size=1, max_size=3), st.sampled_from((None, "en", "ja")))
    if target == "rule-yaml":
        return st.lists(MUTATION, min_size=1, max_size=8)
    raise ValueError(f"unknown target {target!r}")


TARGETS = ("random-bytes", "mutated-files", "docx-xml", "text-engine", "long-runs", "rule-yaml")


def _warm_up(target: str, seeds: dict[str, bytes], workdir: Path) -> None:
    """One seed through the target's path first, so that loading models and compiling rules
    once is not counted as the slowest input."""
    harness = Harness(TargetResult("warm-up"), workdir, None)
    try:
        if target in ("text-engine", "long-runs"):
            harness.check_text(CONTRACT_EN, "en")
            harness.check_text(CONTRACT_JA, "ja")
        elif target == "rule-yaml":
            harness.load_rule_yaml(RULE_YAML.encode())
        else:
            harness.read(seeds["contract.docx"], ".docx", check=True)
            harness.read(seeds["contract.pdf"], ".pdf", check=True)
    except Exception:  # noqa: BLE001 - a seed that crashes is found again by the run itself
        pass


def run_target(target: str, seconds: float, corpus: Path | None = None, crashes_dir: Path | None = None, batch: int = 25,
               current: Path | None = None, hang_seconds: float = HANG_SECONDS) -> TargetResult:
    """Fuzz `target` for about `seconds`; crashes are shrunk, recorded and the run goes on."""
    seeds = build_seeds(corpus)
    result = TargetResult(target, hang_seconds=hang_seconds)
    strategy = _strategy(target, seeds)
    xml_cache = {name: document_xml(data) for name, data in seeds.items() if name.endswith(".docx")}
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(prefix="clausecheck-fuzz-") as tmp:
        _warm_up(target, seeds, Path(tmp))
        # The budget is for fuzzing: it starts once the models are loaded and the rules compiled.
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        harness = Harness(result, Path(tmp), crashes_dir, current)

        def body(example):
            if time.perf_counter() > deadline:
                return  # the budget is spent: let the batch finish without work
            if target == "random-bytes":
                suffix, head, data = example
                harness.read(head + data, suffix)
            elif target == "mutated-files":
                name, operations = example
                harness.read(mutate(seeds[name], operations), Path(name).suffix, check=True)
            elif target == "docx-xml":
                name, operations = example
                harness.read(replace_document_xml(seeds[name], mutate(xml_cache[name], operations)), ".docx", check=True)
            elif target == "long-runs":
                lines, language = example
                text = "\n".join("".join((unit * count)[:count * len(unit)] for unit, count in runs) for runs in lines)
                harness.check_text(f"MUTUAL NON-DISCLOSURE AGREEMENT\n{text}\n2. Governing Law. The laws of Japan.", language)
            elif target == "rule-yaml":
                harness.load_rule_yaml(mutate(RULE_YAML.encode(), example))
            else:
                lines, language = example
                harness.check_text("\n".join(lines), language)

        seen: set[str] = set()
        while time.perf_counter() < deadline:
            run = seed(rng.getrandbits(64))(
                settings(max_examples=batch, deadline=None, database=None, derandomize=False, print_blob=False, suppress_health_check=list(HealthCheck))(given(strategy)(body))
            )
            try:
                run()
            except Exception:  # noqa: BLE001 - a non-coded exception: the shrunk input is kept
                if harness.last_failure is not None:
                    key = f"{type(harness.last_failure[2]).__name__}:{harness.last_failure[2]}"[:200]
                    if key not in seen:
                        seen.add(key)
                        harness.record_crash()
                    harness.last_failure = None
        if crashes_dir and harness.slowest_data:
            crashes_dir.mkdir(parents=True, exist_ok=True)
            slowest = crashes_dir / f"slowest-{target}{result.slowest['suffix']}"
            slowest.write_bytes(harness.slowest_data)
            result.slowest["file"] = str(slowest)
    result.seconds = time.perf_counter() - started
    return result


def _vm_hwm_mb() -> float:
    """This process's own peak RSS; ru_maxrss can carry a parent's peak over exec."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_target_isolated(target: str, seconds: float, corpus: Path | None, crashes_dir: Path, hang_seconds: float = HANG_SECONDS) -> TargetResult:
    """`run_target` in a fresh process of its own, with its peak memory and any hang measured."""
    with tempfile.TemporaryDirectory(prefix="clausecheck-fuzz-run-") as tmp:
        report, current = Path(tmp) / "result.json", Path(tmp) / "current"
        command = [sys.executable, __file__, "--run-one", target, "--seconds", str(seconds), "--crashes", str(crashes_dir), "--current", str(current), "--json", str(report), "--hang-seconds", str(hang_seconds)]
        if corpus:
            command += ["--corpus", str(corpus)]
        started = time.perf_counter()
        # Imports and seeds take a few seconds; past the budget only the last input can still run.
        deadline = started + seconds + hang_seconds + 120
        process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        status, usage, stopped = 0, None, False
        while usage is None:
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                usage = rusage
            elif time.perf_counter() > deadline and not stopped:
                process.kill()  # the watchdog inside did not fire: a hang in C that holds everything
                stopped = True
            else:
                time.sleep(0.5)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr = process.stderr.read().decode("utf-8", "replace")
        process.stderr.close()
        if report.exists():
            data = json.loads(report.read_text(encoding="utf-8"))
            result = TargetResult(**data)
        else:  # the process did not finish: a hang (watchdog), a kill, or memory exhausted
            result = TargetResult(target, seconds=time.perf_counter() - started, peak_rss_mb=usage.ru_maxrss / 1024, hang_seconds=hang_seconds)
            hang = {"error": f"exit {process.returncode}" + (" after the deadline" if stopped else ""), "stderr": stderr[-3000:]}
            if current.exists():
                suffix = current.read_text(encoding="utf-8")
                data = current.with_suffix(suffix).read_bytes()
                crashes_dir.mkdir(parents=True, exist_ok=True)
                reproducer = crashes_dir / f"hang-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
                reproducer.write_bytes(data)
                hang.update(file=str(reproducer), size=len(data))
            result.hangs.append(hang)
        return result


def _print_result(result: TargetResult) -> None:
    rate = result.executions / max(result.seconds, 1e-9)
    slowest = result.slowest
    memory = f"peak RSS {result.peak_rss_mb:.0f} MB" if result.peak_rss_mb is not None else "peak RSS not measured"
    if result.children_peak_rss_mb:
        memory += f" (largest child {result.children_peak_rss_mb:.0f} MB)"
    print(
        f"{result.name:14} {result.executions:7} executions in {result.seconds:5.0f} s ({rate:6.1f}/s), coded errors {result.coded_errors}, "
        f"crashes {len(result.crashes)}, hangs {len(result.hangs)}, slow {len(result.slow)}, "
        f"slowest input {slowest.get('seconds', 0):.2f} s ({slowest.get('file', slowest.get('suffix', '-'))}, {slowest.get('size', 0)} bytes), {memory}",
        flush=True,
    )
    for crash in result.crashes:
        print(f"  CRASH {crash['error']}\n    reproducer: {crash.get('file', crash['sha256'])} ({crash['size']} bytes)\n{crash['where']}", flush=True)
    for hang in result.hangs:
        print(f"  HANG {hang['error']}, reproducer: {hang.get('file', 'none')}\n{hang['stderr']}", flush=True)
    for slow in result.slow:
        print(f"  SLOW {slow}", flush=True)
    for reason in result.failures():
        print(f"  OVER A LIMIT: {reason}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="time budget per target")
    parser.add_argument("--target", action="append", choices=TARGETS, help="only this target (repeatable)")
    parser.add_argument("--corpus", type=Path, help="add real corpus files as mutation seeds")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"), help="folder for reproducer files: crashes, hangs and each target's slowest input")
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    parser.add_argument("--in-process", action="store_true", help="run the targets in this process (no memory figures, no hang watchdog)")
    parser.add_argument("--hang-seconds", type=float, default=HANG_SECONDS, help="an input running longer is a hang")
    parser.add_argument("--run-one", choices=TARGETS, help=argparse.SUPPRESS)  # the per-target process
    parser.add_argument("--current", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # broken PDFs are the point here

    if args.run_one:
        result = run_target(args.run_one, args.seconds, args.corpus, args.crashes, current=args.current, hang_seconds=args.hang_seconds)
        result.peak_rss_mb = _vm_hwm_mb()
        # The kernel's peak of the largest process it waited for; a process started by exec
        # can carry this one's RSS in it, so the figure may over-state, never under-state.
        result.children_peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 or None
        args.json.write_text(json.dumps(result.__dict__, ensure_ascii=False), encoding="utf-8")
        return 0

    results = []
    for target in args.target or TARGETS:
        if args.in_process:
            result = run_target(target, args.seconds, args.corpus, args.crashes, hang_seconds=args.hang_seconds)
        else:
            result = run_target_isolated(target, args.seconds, args.corpus, args.crashes, args.hang_seconds)
        results.append(result)
        _print_result(result)
    print(f"fuzz driver peak RSS {_vm_hwm_mb():.0f} MB; limits: {MEMORY_LIMIT_MB:.0f} MB per process, {args.hang_seconds:.0f} s per input", flush=True)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if any(r.failures() for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
