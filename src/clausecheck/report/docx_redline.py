"""A redlined copy of a .docx contract: suggested wording written over flagged sentences as tracked changes.

`--format docx --redline` gives the drafter what they can accept or reject in Word: each
finding whose rule has a suggestion (`engine.suggestions`) replaces its evidence sentence
with a real revision — the sentence's runs wrapped in `w:del` (text moved to `w:delText`),
the suggestion in a `w:ins` right after — by author "clausecheck", dated the day of the run,
with the finding as a comment anchored on both. Every other finding becomes a comment as in
`docx_comments`. A sentence is only replaced where the evidence is found word for word in
one paragraph's runs, and only once: a second suggestion for the same words stays a comment.
The original file is only read.
"""

from __future__ import annotations

import copy
import io
from datetime import date

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run

from clausecheck.model import Evidence, Finding, Report
from clausecheck.report.docx_comments import AUTHOR, INITIALS, DocxBlock, clean, comment_text, find_block, open_original, runs_for

SUGGESTION_NOTE = {"en": "Suggested wording (tracked change)", "ja": "修正文案（変更履歴として挿入）"}
SENTENCE_ENDS = ("。", ".", "．", ";", "；")
_TEXT_TO_DELETED = {qn("w:t"): qn("w:delText"), qn("w:instrText"): qn("w:delInstrText")}


def revision_date() -> str:
    """The day of the run as Word's dateTime: one date for every change, the same all day."""
    return date.today().isoformat() + "T00:00:00Z"


def redline_docx(report: Report) -> bytes:
    """The original .docx with suggestions as tracked changes and every finding as a comment, as bytes."""
    document, blocks, strings = open_original(report)
    language = report.memo_language if report.memo_language in SUGGESTION_NOTE else "en"
    revision_ids = _RevisionIds(document)
    when = revision_date()
    replaced: set[tuple[int, int]] = set()
    redlined: dict[int, tuple] = {}  # id(block) → (w:del, w:ins, anchor runs) of its replaced sentence
    for finding in report.findings:
        if not finding.evidence:
            document.add_comment(runs_for(blocks[0], ""), text=comment_text(finding, None, report, strings), author=AUTHOR, initials=INITIALS)
            continue
        for position, evidence in enumerate(finding.evidence):
            block = find_block(blocks, evidence) or blocks[0]
            text = comment_text(finding, evidence, report, strings)
            span = (evidence.start, evidence.end)
            runs = None
            if position == 0 and finding.suggestion and span not in replaced:
                runs = _sentence_runs(block, evidence)
            if runs:
                replaced.add(span)
                text = clean(f"{text}\n{SUGGESTION_NOTE[language]}: {finding.suggestion}")
                redlined[id(block)] = _replace_with_suggestion(runs, finding, revision_ids, when)
                deletion, insertion, anchor = redlined[id(block)]
                document.add_comment(anchor, text=text, author=AUTHOR, initials=INITIALS)
                _markers_outside(deletion, insertion)
            elif id(block) in redlined:
                # The block's sentence is now inside the revision: comment on the same words.
                deletion, insertion, anchor = redlined[id(block)]
                document.add_comment(anchor, text=text, author=AUTHOR, initials=INITIALS)
                _markers_outside(deletion, insertion)
            else:
                document.add_comment(runs_for(block, evidence.match), text=text, author=AUTHOR, initials=INITIALS)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _RevisionIds:
    """Fresh `w:id`s for revisions, above every id the document already uses (comments, bookmarks, revisions)."""

    def __init__(self, document):
        used = [int(value) for value in document.element.body.xpath("//@w:id") if str(value).isdigit()]
        self.next = max(used, default=0) + 10_000

    def take(self) -> str:
        self.next += 1
        return str(self.next)


def target_sentence(evidence: Evidence) -> str:
    """The sentence a suggestion replaces: the evidence line holding most of the match, when it is a full sentence.

    Evidence may span a heading and its first sentence ("（改良技術）\n乙は、…"); a heading or
    a list item without a full stop is never replaced (the suggestion is a sentence).
    """
    match_start = evidence.match_start
    match_end = match_start + max(len(evidence.match), 1)
    line_start, best, best_overlap = 0, "", 0
    for line in evidence.text.split("\n"):
        line_end = line_start + len(line)
        overlap = min(line_end, match_end) - max(line_start, match_start)
        if overlap > best_overlap:
            best, best_overlap = line.strip(), overlap
        line_start = line_end + 1
    return best if best.rstrip("」』）)\"'").endswith(SENTENCE_ENDS) else ""


def _sentence_runs(block: DocxBlock, evidence: Evidence) -> list[Run] | None:
    """The runs holding exactly the evidence sentence, all in one paragraph, or None."""
    sentence = target_sentence(evidence)
    if not sentence or not any(sentence in paragraph.text for paragraph in block.paragraphs):
        return None
    runs = runs_for(block, sentence)
    if "".join(run.text for run in runs) != sentence:
        return None
    parent = runs[0]._r.getparent()
    if any(run._r.getparent() is not parent for run in runs):
        return None
    return runs


def _replace_with_suggestion(runs: list[Run], finding: Finding, revision_ids: _RevisionIds, when: str):
    """Wrap `runs` in a `w:del` and put the suggestion in a `w:ins` after it.

    Returns the two revision elements and the runs (first deleted, inserted) to anchor a comment on.
    """
    first, last = runs[0]._r, runs[-1]._r
    deletion = OxmlElement("w:del", attrs={qn("w:id"): revision_ids.take(), qn("w:author"): AUTHOR, qn("w:date"): when})
    insertion = OxmlElement("w:ins", attrs={qn("w:id"): revision_ids.take(), qn("w:author"): AUTHOR, qn("w:date"): when})
    first.addprevious(deletion)
    members = []
    element = first
    while element is not None:
        members.append(element)
        if element is last:
            break
        element = element.getnext()
    for member in members:
        deletion.append(member)  # appending moves the element out of the paragraph
        for text_element in member.iter(*_TEXT_TO_DELETED):
            text_element.tag = _TEXT_TO_DELETED[text_element.tag]
    new_run = OxmlElement("w:r")
    properties = first.find(qn("w:rPr"))
    if properties is not None:
        new_run.append(copy.deepcopy(properties))
    text_element = OxmlElement("w:t", attrs={qn("xml:space"): "preserve"})
    text_element.text = clean(finding.suggestion)
    new_run.append(text_element)
    insertion.append(new_run)
    deletion.addnext(insertion)
    _markers_outside(deletion, insertion)  # comments made on these words before they were replaced
    return deletion, insertion, [Run(first, runs[0]._parent), Run(new_run, runs[0]._parent)]


def _markers_outside(deletion, insertion) -> None:
    """Move the comment's range marks and reference out of the revisions.

    python-docx puts them beside the anchor runs, i.e. inside `w:del` / `w:ins`; there,
    rejecting the insertion would also remove the comment's reference.
    """
    for start in deletion.findall(qn("w:commentRangeStart")) + insertion.findall(qn("w:commentRangeStart")):
        deletion.addprevious(start)
    trailing = [child for revision in (deletion, insertion) for child in revision if child.tag == qn("w:commentRangeEnd")
                or (child.tag == qn("w:r") and child.find(qn("w:commentReference")) is not None)]
    for element in reversed(trailing):
        insertion.addnext(element)
