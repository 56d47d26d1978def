"""Tracked changes of a .docx: every insertion, deletion and move listed with clause, author and text.

The drafts are built here with real revision marks (`revision_docs`); a LibreOffice-saved
copy is checked too where LibreOffice is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from revision_docs import DATE, EN_DRAFT, JA_DRAFT, build_draft

from clausecheck.parsers import ReadOptions
from clausecheck.pipeline import Settings, check_file, read_document
from clausecheck.report.json_report import dumps, report_dict, report_schema

# (kind, clause, author, before, after) of every change in JA_DRAFT, in document order.
JA_EXPECTED = [
    ("insertion", "第2条", "甲法務部", "", "無償で"),
    ("replacement", "第3条", "甲法務部", "1年", "5年"),
    ("deletion", "第4条", "乙担当者", "書面による承諾なく", ""),
    ("insertion", "第5条", "甲法務部", "", "各自"),
    ("move", "第6条", "甲法務部", "", "電子メールによる通知も書面とみなす。"),
    ("move", "第7条", "甲法務部", "電子メールによる通知も書面とみなす。", ""),
]


def settings(view: str) -> Settings:
    return Settings(read=ReadOptions(changes=view))


@pytest.fixture(scope="module")
def ja_draft(tmp_path_factory):
    return build_draft(tmp_path_factory.mktemp("drafts") / "ja_draft.docx", JA_DRAFT)


@pytest.fixture(scope="module")
def en_draft(tmp_path_factory):
    return build_draft(tmp_path_factory.mktemp("drafts") / "en_draft.docx", EN_DRAFT)


def listed(document) -> list[tuple]:
    # The numbered paragraph under 第6条 is its first 項 (第6条1項): cited by its article here.
    return [(c.kind, c.clause.split("1.")[0].removesuffix("1項") if c.clause else None, c.author, c.before, c.after) for c in document.changes]


@pytest.mark.parametrize("view", ["accepted", "original"])
def test_every_change_is_listed_with_clause_author_and_text(ja_draft, view):
    document = read_document(ja_draft, settings(view))
    assert listed(document) == JA_EXPECTED
    assert all(change.date == DATE for change in document.changes)
    assert document.changes_view == view


@pytest.mark.parametrize("view, present, absent", [
    ("accepted", ["無償で甲に譲渡", "5年とする", "費用は各自負担", "開示してはならない"], ["1年", "書面による承諾なく"]),
    ("original", ["知的財産権を甲に譲渡", "1年とする", "書面による承諾なく第三者", "費用は負担"], ["無償", "5年", "各自"]),
])
def test_each_reading_holds_its_own_text(ja_draft, view, present, absent):
    document = read_document(ja_draft, settings(view))
    for words in present:
        assert words in document.text
    for words in absent:
        assert words not in document.text


@pytest.mark.parametrize("view", ["accepted", "original"])
def test_a_change_is_placed_on_its_words_in_the_text_the_rules_read(ja_draft, view):
    document = read_document(ja_draft, settings(view))
    for change in document.changes:
        shown = change.after if view == "accepted" else change.before
        assert document.text[change.start:change.end] == shown


def test_moved_text_is_read_once_where_it_arrives(ja_draft):
    accepted = read_document(ja_draft, settings("accepted")).text
    original = read_document(ja_draft, settings("original")).text
    sentence = "電子メールによる通知も書面とみなす。"
    assert accepted.count(sentence) == original.count(sentence) == 1
    assert accepted.index(sentence) < accepted.index("第7条")
    assert original.index(sentence) > original.index("第7条")


@pytest.mark.parametrize("draft, rule", [("ja_draft", "ip-assigned-for-free"), ("en_draft", "ip-assigned-for-free")])
def test_the_reading_decides_the_findings_where_a_change_makes_the_trap(draft, rule, request):
    path = request.getfixturevalue(draft)
    accepted = check_file(path, settings("accepted"))
    original = check_file(path, settings("original"))
    flagged = [f for f in accepted.findings if f.rule == rule]
    assert flagged and not any(f.rule == rule for f in original.findings)
    inserted = next(c for c in accepted.document.changes if "無償" in c.after or "free of charge" in c.after)
    assert inserted.id in flagged[0].changes  # the finding says a change made it


def test_the_report_lists_the_changes_and_satisfies_the_schema(ja_draft):
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(dumps(report_dict(check_file(ja_draft))))
    jsonschema.validate(data, report_schema())
    assert [(c["kind"], c["author"], c["before"], c["after"]) for c in data["changes"]] == [(k, a, b, f) for k, _c, a, b, f in JA_EXPECTED]
    assert data["changes_view"] == "accepted"
    assert any(f.get("changes") for f in data["findings"])


def test_the_memo_shows_the_changes_section(ja_draft):
    from clausecheck.report.render import render_html, render_markdown

    report = check_file(ja_draft)
    html = render_html(report)
    assert "このドラフトで提案された変更" in html and "甲法務部" in html and "書面による承諾なく" in html
    assert 'href="#change-C1"' in html  # the finding links to the change that made it
    markdown = render_markdown(report)
    assert "このドラフトで提案された変更" in markdown and "~~書面による承諾なく~~" in markdown


def test_many_changes_of_repeated_wording_are_each_placed_in_their_own_clause(tmp_path):
    """The same words inserted in 300 clauses: each change is placed in its clause, in order."""
    blocks = [("p", ["契約書"])]
    for number in range(1, 301):
        blocks += [("p", [f"第{number}条（事項{number}）"]), ("p", ["甲および乙は、", ("ins", "書面により", "甲法務部"), "協議する。"])]
    document = read_document(build_draft(tmp_path / "many.docx", blocks))
    assert [c.clause for c in document.changes] == [f"第{n}条" for n in range(1, 301)]
    assert all(document.text[c.start:c.end] == "書面により" for c in document.changes)


def test_a_document_without_changes_has_none(tmp_path):
    path = build_draft(tmp_path / "plain.docx", [("p", ["第1条（目的）"]), ("p", ["甲および乙は、共同研究を行う。"])])
    report = check_file(path)
    assert report.document.changes == ()
    assert "changes" not in report_dict(report)


def test_a_libreoffice_saved_draft_round_trips(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian libreoffice-writer) is not installed")
    # LibreOffice turns a bare content control into a form field and drops revisions inside
    # it, so the saved draft is the same one with that paragraph as a plain one.
    blocks = [("p", pieces) if kind == "sdt" else (kind, pieces) for kind, pieces in JA_DRAFT]
    ja_draft = build_draft(tmp_path / "ja_draft.docx", blocks)
    profile = tmp_path / "profile"
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"), str(ja_draft)],
                   check=True, capture_output=True, timeout=180)
    saved = read_document(tmp_path / "out" / ja_draft.name)
    kinds_and_texts = [(c.kind, c.before, c.after) for c in saved.changes]
    # LibreOffice keeps every revision and its author (it may write a replacement as two changes).
    for _kind, _clause, author, before, after in JA_EXPECTED:
        assert any(before in b and after in a for _k, b, a in kinds_and_texts) or (
            before and after and any(b == before for _k, b, _a in kinds_and_texts) and any(a == after for _k, _b, a in kinds_and_texts))
    assert {c.author for c in saved.changes} == {"甲法務部", "乙担当者"}


def test_inserted_rows_and_paragraph_marks_are_undone_in_the_original(tmp_path):
    """A row inserted into a table, and a paragraph split by an inserted mark, as Word writes them."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("第1条（費用）")
    first = document.add_paragraph("費用は甲が負担する。")
    document.add_paragraph("ただし、別途合意した費用を除く。")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "既存の行"
    table.cell(1, 0).text = "追加された行"

    def marker(tag):
        element = OxmlElement(tag)
        for name, value in (("w:id", "90"), ("w:author", "甲法務部"), ("w:date", DATE)):
            element.set(qn(name), value)
        return element

    # The first paragraph's mark was inserted: before the change the two paragraphs were one.
    mark_properties = OxmlElement("w:rPr")
    mark_properties.append(marker("w:ins"))
    first._p.get_or_add_pPr().append(mark_properties)
    row_properties = table.rows[1]._tr.get_or_add_trPr()
    row_properties.append(marker("w:ins"))
    path = tmp_path / "rows.docx"
    document.save(path)
    accepted = read_document(path, settings("accepted")).text
    original = read_document(path, settings("original")).text
    assert "追加された行" in accepted and "追加された行" not in original
    assert "費用は甲が負担する。\nただし" in accepted
    assert "費用は甲が負担する。ただし" in original
