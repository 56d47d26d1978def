"""A reviewed copy of a .docx contract: each finding becomes a Word comment on its clause.

The original file is only read. Its blocks are rebuilt the way the docx parser counts
them (non-empty body paragraphs and table cells, in order), so `Evidence.block` (1-based)
points at the paragraph to comment on; when that paragraph does not hold the quoted words
the evidence is looked up by its text, nearest to the expected block first. Comment text is
plain text: python-docx writes it as XML character data, so contract text stays inert.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from clausecheck.errors import InputError, RuntimeCheckError
from clausecheck.model import Evidence, Finding, Report
from clausecheck.report.strings import STRINGS

AUTHOR = "clausecheck"
INITIALS = "CC"
# Characters XML 1.0 cannot carry; lxml refuses them, so they are dropped from comment text.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WORD_TEXT_ELEMENTS = {"rPr", "t"}


@dataclass
class DocxBlock:
    """One block as the parser counts it: the paragraphs holding its text, and that text."""

    paragraphs: list
    text: str
    key: str  # normalised text, for matching evidence against it


def squeeze(text: str) -> str:
    """NFKC without any whitespace: how evidence and paragraph text are compared."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def docx_blocks(document) -> list[DocxBlock]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[DocxBlock] = []

    def add(paragraphs: list) -> None:
        text = "\n".join(p.text for p in paragraphs).strip()
        if text:
            blocks.append(DocxBlock([p for p in paragraphs if p.text.strip()], text, squeeze(text)))

    def visit_table(table) -> None:
        seen_cells = set()
        for row in table.rows:
            for cell in row.cells:
                if id(cell._tc) in seen_cells:  # a merged cell repeats across the cells it spans
                    continue
                seen_cells.add(id(cell._tc))
                add(list(cell.paragraphs))

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            add([item])
        elif isinstance(item, Table):
            visit_table(item)
    return blocks


def clean(text: str) -> str:
    return XML_ILLEGAL.sub("", text)


def comment_text(finding: Finding, evidence: Evidence | None, report: Report, strings: dict) -> str:
    lines = [f"[{strings[finding.severity]}] {finding.title}"]
    if finding.message:
        lines.append(finding.message)
    # Advice said to the reader only when the point goes against the reader (engine/perspective.py).
    label = strings["ask_for"] if report.perspective and finding.kind != "note" else strings["ask_for_neutral"]
    lines.append(f"{label}: {finding.recommendation}")
    if finding.favours:
        party = report.document.party(finding.favours)
        name = " / ".join(party.all_names) if party else finding.favours
        if report.perspective:
            name += f" ({strings['you'] if finding.favours == report.perspective else strings['them']})"
        lines.append(f"{strings['favours']}: {name}")
    if evidence is not None and evidence.clause:
        lines.append(f"{strings['clause']}: {evidence.clause}")
    lines.append(f"{finding.id} · {finding.rule}")
    return clean("\n".join(lines))


def find_block(blocks: list[DocxBlock], evidence: Evidence) -> DocxBlock | None:
    """The block holding the evidence: the one it names if the words are there, else the nearest that has them."""
    text_key, match_key = squeeze(evidence.text), squeeze(evidence.match)

    def score(block: DocxBlock) -> int:
        if text_key and text_key in block.key:
            return 3
        if match_key and match_key in block.key:
            return 2
        # Evidence may carry a clause number Word keeps outside the text (auto-numbering).
        if len(block.key) >= 8 and block.key in text_key:
            return 1
        return 0

    expected = (evidence.block or 0) - 1
    if 0 <= expected < len(blocks) and score(blocks[expected]) >= 2:
        return blocks[expected]
    candidates = [(score(b), -abs(i - expected), i) for i, b in enumerate(blocks)]
    best = max(candidates, default=(0, 0, -1))
    return blocks[best[2]] if best[0] > 0 else None


def split_run(run, at: int):
    """Split a plain-text run in two at character `at`; return the right half (or None if not plain)."""
    from docx.text.run import Run

    if {child.tag.rsplit("}", 1)[-1] for child in run._r} - WORD_TEXT_ELEMENTS:
        return None
    text = run.text
    right_element = copy.deepcopy(run._r)
    run._r.addnext(right_element)
    right = Run(right_element, run._parent)
    right.text = text[at:]
    run.text = text[:at]
    return right


def runs_for(block: DocxBlock, match: str) -> list:
    """The runs covering `match` inside the block (splitting plain runs at its edges), else the whole block."""
    for paragraph in block.paragraphs:
        runs = list(paragraph.runs)
        if not match or not runs or "".join(r.text for r in runs) != paragraph.text:
            continue
        start = paragraph.text.find(match)
        if start < 0:
            continue
        end = start + len(match)
        covering, position = [], 0
        for run in runs:
            run_start, run_end = position, position + len(run.text)
            position = run_end
            if run_end <= start or run_start >= end:
                continue
            if run_start < start:
                right = split_run(run, start - run_start)
                if right is None:
                    covering = []
                    break
                run, run_start = right, start
            if run_end > end:
                if split_run(run, end - run_start) is None:
                    covering = []
                    break
            covering.append(run)
        if covering:
            return covering
    all_runs = [run for paragraph in block.paragraphs for run in paragraph.runs]
    if all_runs:
        return all_runs
    # A paragraph whose text sits only in hyperlinks or fields has no direct run: add an empty one.
    return [block.paragraphs[0].add_run("")]


def open_original(report: Report):
    """The checked .docx opened again (python-docx Document), its blocks and the memo strings.

    Refuses an input that is not Word, or whose bytes changed since it was checked.
    """
    import docx

    source = report.document.source
    if source.format != "docx":
        raise InputError(
            f"--format docx writes comments into a Word file, but this input is {source.format}; use --format html, md or json",
            code="E103",
            path=source.path,
        )
    original = Path(source.path).read_bytes()
    if hashlib.sha256(original).hexdigest() != source.sha256:
        raise RuntimeCheckError("the file changed while it was being checked; check it again", path=source.path)
    try:
        document = docx.Document(io.BytesIO(original))
    except (ValueError, KeyError) as exc:
        # python-docx writes only .docx: a .docm, a template or a Strict package is read for
        # the review, but a commented copy of it cannot be written.
        raise InputError(
            f"--format docx writes comments into a Word Document (.docx) only, and this file is another kind ({exc}); "
            "use --format html, md or json, or save it as a Word Document",
            code="E103",
            path=source.path,
        ) from None
    blocks = docx_blocks(document)
    if not blocks:
        raise InputError("the Word file has no text to comment on", code="E102", path=source.path)
    return document, blocks, STRINGS.get(report.memo_language, STRINGS["en"])


def annotate_docx(report: Report) -> bytes:
    """The original .docx with one Word comment per finding and evidence, as bytes."""
    document, blocks, strings = open_original(report)
    for finding in report.findings:
        if not finding.evidence:
            # A missing element has no place in the text: comment on the title (first block).
            document.add_comment(runs_for(blocks[0], ""), text=comment_text(finding, None, report, strings), author=AUTHOR, initials=INITIALS)
            continue
        for evidence in finding.evidence:
            block = find_block(blocks, evidence) or blocks[0]
            runs = runs_for(block, evidence.match)
            document.add_comment(runs, text=comment_text(finding, evidence, report, strings), author=AUTHOR, initials=INITIALS)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
