"""The reviewed .docx copy: one Word comment per finding, on the paragraph that holds the evidence."""

from __future__ import annotations

import hashlib
import io

import pytest

docx = pytest.importorskip("docx")

from clausecheck.engine.runner import CheckOptions  # noqa: E402
from clausecheck.errors import ClausecheckError  # noqa: E402
from clausecheck.pipeline import Settings, check_file  # noqa: E402
from clausecheck.report.docx_comments import AUTHOR, annotate_docx  # noqa: E402
from clausecheck.report.output import write_report  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ONE_SIDED = "Company may terminate this Agreement at any time for any reason."


def build_contract(path, one_sided_in_table: bool = False) -> bytes:
    document = docx.Document()
    document.add_heading("SERVICES AGREEMENT", level=1)
    document.add_paragraph('This Agreement is made between Acme Corporation ("Company") and Beta LLC ("Supplier").')
    document.add_paragraph("")  # empty paragraphs are not blocks: the block count must skip them
    document.add_heading("1. Purpose", level=2)
    document.add_paragraph("The purpose of this Agreement is to evaluate the Supplier's software for the Company.")
    document.add_heading("2. Term and termination", level=2)
    document.add_paragraph("2.1 This Agreement starts on the date of signature and continues for one year.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Fee"
    table.cell(0, 1).text = "JPY 1,000,000"
    if one_sided_in_table:
        document.add_table(rows=1, cols=1).cell(0, 0).text = "2.2 " + ONE_SIDED
    else:
        # The clause spread over several runs with formatting, as Word writes it.
        paragraph = document.add_paragraph("2.2 Company ")
        paragraph.add_run("may terminate").bold = True
        paragraph.add_run(" this Agreement at any time for any reason.")
    document.add_heading("3. Governing law", level=2)
    document.add_paragraph("This Agreement is governed by the laws of Japan.")
    document.save(path)
    return path.read_bytes()


def commented_paragraphs(document) -> dict[str, tuple[str, str]]:
    """comment id → (text of the paragraph where its range starts, text inside the range)."""
    out = {}
    body = document.element.body
    for start in body.iter(f"{W}commentRangeStart"):
        comment_id = start.get(f"{W}id")
        paragraph = start.getparent()
        while paragraph.tag != f"{W}p":
            paragraph = paragraph.getparent()
        inside, collecting = [], False
        for element in body.iter():
            if element.tag == f"{W}commentRangeStart" and element.get(f"{W}id") == comment_id:
                collecting = True
            elif element.tag == f"{W}commentRangeEnd" and element.get(f"{W}id") == comment_id:
                break
            elif collecting and element.tag == f"{W}t":
                inside.append(element.text or "")
        out[comment_id] = ("".join(t.text or "" for t in paragraph.iter(f"{W}t")), "".join(inside))
    return out


@pytest.mark.parametrize("one_sided_in_table", [False, True])
def test_findings_become_comments_on_the_right_paragraphs(tmp_path, one_sided_in_table):
    source = tmp_path / "contract.docx"
    original = build_contract(source, one_sided_in_table)
    report = check_file(source, Settings(check=CheckOptions(party="Supplier")))
    finding = next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")
    reviewed = tmp_path / "contract.reviewed.docx"
    assert write_report(report, "docx", reviewed) == reviewed

    assert source.read_bytes() == original  # the original is never touched
    assert hashlib.sha256(original).hexdigest() == report.document.source.sha256
    annotated = docx.Document(str(reviewed))
    comments = list(annotated.comments)
    expected = sum(max(1, len(f.evidence)) for f in report.findings)
    assert len(comments) == expected
    assert {c.author for c in comments} == {AUTHOR} and {c.initials for c in comments} == {"CC"}
    anchors = commented_paragraphs(annotated)
    termination = [c for c in comments if c.text.startswith(f"[High] {finding.title}")]
    assert len(termination) == 1
    comment = termination[0]
    assert finding.recommendation in comment.text
    assert "Acme Corporation" in comment.text and "the other side" in comment.text
    paragraph_text, range_text = anchors[str(comment.comment_id)]
    assert ONE_SIDED in paragraph_text
    assert range_text == finding.evidence[0].match  # the comment marks the matched words only
    # Splitting runs to anchor the comment keeps the paragraph's words and formatting.
    if not one_sided_in_table:
        paragraph = next(p for p in annotated.paragraphs if ONE_SIDED in p.text)
        assert paragraph.text == "2.2 " + ONE_SIDED
        assert [r.text for r in paragraph.runs if r.bold] == ["may terminate"]
    # Findings without evidence (a missing element) sit on the title.
    for missing in (f for f in report.findings if not f.evidence):
        comment = next(c for c in comments if c.text.startswith(f"[{'High' if missing.severity == 'high' else missing.severity.capitalize()}] {missing.title}"))
        assert anchors[str(comment.comment_id)][0] == "SERVICES AGREEMENT"


def test_evidence_with_a_stale_block_index_is_found_by_its_words(tmp_path):
    from dataclasses import replace

    source = tmp_path / "contract.docx"
    build_contract(source)
    report = check_file(source, Settings(check=CheckOptions(party="Supplier")))
    shifted = replace(
        report,
        findings=tuple(replace(f, evidence=tuple(replace(e, block=1) for e in f.evidence)) for f in report.findings),
    )
    annotated = docx.Document(io.BytesIO(annotate_docx(shifted)))
    anchors = commented_paragraphs(annotated)
    finding = next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")
    comment = next(c for c in annotated.comments if c.text.startswith(f"[High] {finding.title}"))
    assert ONE_SIDED in anchors[str(comment.comment_id)][0]


def test_non_docx_input_is_a_coded_error(tmp_path):
    source = tmp_path / "contract.txt"
    source.write_text("SERVICES AGREEMENT\n\n1. Termination\n" + ONE_SIDED + "\n", encoding="utf-8")
    report = check_file(source)
    with pytest.raises(ClausecheckError) as raised:
        annotate_docx(report)
    assert raised.value.code == "E103" and "--format docx" in raised.value.message


def test_a_file_changed_after_checking_is_refused(tmp_path):
    source = tmp_path / "contract.docx"
    build_contract(source)
    report = check_file(source)
    build_contract(source, one_sided_in_table=True)
    with pytest.raises(ClausecheckError):
        annotate_docx(report)


def test_japanese_contract_gets_japanese_comments_on_its_clauses(tmp_path):
    from report_helpers import JAPANESE_CONTRACT

    source = tmp_path / "共同研究開発契約書.docx"
    document = docx.Document()
    for line in JAPANESE_CONTRACT.splitlines():
        document.add_paragraph(line)
    document.save(source)
    report = check_file(source, Settings(check=CheckOptions(party="乙")))
    assert report.memo_language == "ja"
    finding = next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")
    annotated = docx.Document(io.BytesIO(annotate_docx(report)))
    comment = next(c for c in annotated.comments if c.text.startswith(f"[高] {finding.title}"))
    assert "有利な当事者: 甲 / 株式会社アルファ (相手方)" in comment.text
    paragraph_text, range_text = commented_paragraphs(annotated)[str(comment.comment_id)]
    assert paragraph_text == "甲は、いつでも、何らの理由なく本契約を解除することができる。"
    assert range_text == finding.evidence[0].match
