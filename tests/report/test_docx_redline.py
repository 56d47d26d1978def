"""`--format docx --redline`: suggested wording as real tracked changes, the finding as a comment on them."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from revision_docs import build_draft

from clausecheck.cli import main
from clausecheck.pipeline import check_file, read_document
from clausecheck.report.docx_redline import target_sentence

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["ja_joint_development.docx", "en_joint_development.docx"]


@pytest.fixture(scope="module", params=SAMPLES)
def redlined(request, tmp_path_factory):
    """(sample path, its report, the redlined copy, the sample's sha256 before the run)."""
    from click.testing import CliRunner

    sample = ROOT / "sample_contracts" / request.param
    before = hashlib.sha256(sample.read_bytes()).hexdigest()
    out = tmp_path_factory.mktemp("redline") / sample.name.replace(".docx", ".redline.docx")
    result = CliRunner().invoke(main, ["check", str(sample), "--format", "docx", "--redline", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return sample, check_file(sample), out, before


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_one_tracked_change_per_suggestion(redlined):
    _sample, report, out, _before = redlined
    wanted = {}
    for finding in report.findings:
        sentence = target_sentence(finding.evidence[0]) if finding.suggestion and finding.evidence else ""
        if sentence:
            wanted.setdefault((finding.evidence[0].start, finding.evidence[0].end), (sentence, finding.suggestion))
    assert len(wanted) >= 5
    changes = read_document(out).changes
    assert sorted((c.before, c.after) for c in changes) == sorted(wanted.values())
    assert all(c.kind == "replacement" and c.author == "clausecheck" and c.date for c in changes)
    xml = _document_xml(out)
    assert len(re.findall(r"<w:del ", xml)) == len(re.findall(r"<w:ins ", xml)) == len(wanted)


def test_the_finding_is_a_comment_anchored_on_the_change(redlined):
    _sample, report, out, _before = redlined
    xml = _document_xml(out)
    # Each revision pair sits inside the ranges of the comments on it, one of them the finding with the suggestion.
    pairs = re.findall(r'((?:<w:commentRangeStart w:id="\d+"/>)+)<w:del .*?</w:del><w:ins .*?</w:ins>((?:<w:commentRangeEnd w:id="\d+"/>'
                       r'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="\d+"/></w:r>)+)', xml)
    assert len(pairs) == len(read_document(out).changes)
    comments = {str(c.comment_id): c.text for c in docx.Document(str(out)).comments}
    for starts, ends in pairs:
        opened = re.findall(r'w:id="(\d+)"', starts)
        assert sorted(opened) == sorted(set(re.findall(r'commentRangeEnd w:id="(\d+)"', ends)))
        assert any(f"{f.id} · {f.rule}" in comments[i] and f.suggestion in comments[i] for i in opened for f in report.findings if f.suggestion)


def test_python_docx_reads_it_and_the_original_is_untouched(redlined):
    sample, report, out, before = redlined
    assert hashlib.sha256(sample.read_bytes()).hexdigest() == before
    copy = docx.Document(str(out))
    assert len(copy.paragraphs) > 10
    assert len(list(copy.comments)) >= len(report.findings)


def test_libreoffice_converts_the_copy(redlined, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian libreoffice-writer) is not installed")
    _sample, _report, out, _before = redlined
    run = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                          "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"), str(out)],
                         capture_output=True, text=True, timeout=180)
    converted = tmp_path / "out" / out.name
    assert run.returncode == 0 and converted.is_file(), run.stderr
    # LibreOffice understood the revisions: it writes them back as revisions by clausecheck.
    again = read_document(converted).changes
    assert len(again) == len(read_document(out).changes)
    assert {c.author for c in again} == {"clausecheck"}


def test_a_sentence_split_over_runs_is_replaced_whole(tmp_path):
    path = build_draft(tmp_path / "split.docx", [
        ("p", ["業務委託契約書"]),
        ("p", ["株式会社甲野（以下「甲」という。）と株式会社乙山（以下「乙」という。）は、次のとおり契約を締結する。"]),
        ("p", ["第1条（解約）"]),
        ("p", ["甲は、乙に対して30日前までに", "書面で通知することにより、", "いつでも本契約を解約することができる。"]),
    ])
    from clausecheck.report.docx_redline import redline_docx

    report = check_file(path)
    finding = next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")
    out = tmp_path / "split.redline.docx"
    out.write_bytes(redline_docx(report))
    changes = read_document(out).changes
    assert [(c.before, c.after) for c in changes] == [(target_sentence(finding.evidence[0]), finding.suggestion)]
    assert "甲および乙は" in finding.suggestion and "30日" in finding.suggestion  # aliases and the period filled in


def test_redline_needs_the_docx_format():
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["check", str(ROOT / "sample_contracts" / SAMPLES[0]), "--redline", "--format", "json"])
    assert result.exit_code == 2 and "--format docx" in result.output
