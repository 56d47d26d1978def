"""The verdict line, the read-quality banner, and the reader's perspective in the memo."""

from __future__ import annotations

import dataclasses

from clausecheck.model import Warning
from clausecheck.report.render import context, render_html
from clausecheck.report.strings import STRINGS
from clausecheck.report.verdict import level_of, verdict_of
from report_helpers import english_report, japanese_report, report_from_text

FAIR_NDA = """MUTUAL NON-DISCLOSURE AGREEMENT
This Agreement is made between Acme Corporation ("Acme") and Beta LLC ("Beta").
1. Purpose
The purpose of this Agreement is to evaluate a possible collaboration.
2. Confidentiality
Each party shall keep the other party's Confidential Information confidential and use it only for the purpose.
3. Term
This Agreement continues for two years from the date of signature.
"""


def test_levels():
    assert level_of([("risk", "high"), ("note", "info")]) == "negotiate"
    assert level_of([("missing", "medium"), ("lint", "high")]) == "questions"  # a drafting slip is fixed, not negotiated
    assert level_of([("note", "info"), ("lint", "medium")]) == "clear"


def test_verdict_line_names_the_high_issues_in_the_memo_language():
    report = japanese_report()
    verdict = verdict_of(report, STRINGS["ja"])
    assert verdict.level == "negotiate"
    assert verdict.text.startswith("署名前に交渉が必要: 重大な論点")
    html = render_html(report)
    assert verdict.text in html
    for finding in verdict.top:  # the top issues link to their findings
        assert f'href="#{finding.id}"' in html
    assert len(verdict.top) <= 3


def test_a_clean_contract_reads_whole_text_read_not_no_limits():
    html = render_html(report_from_text(FAIR_NDA))
    assert "Whole text read." in html
    assert "No limits detected" not in html


def test_unread_pages_are_named_in_the_banner():
    report = english_report()
    unreadable = dataclasses.replace(report, warnings=report.warnings + (Warning("W103", "pages without text", (3, 4)),))
    html = render_html(unreadable)
    assert "Pages 3, 4 could not be read" in html
    assert "part of the text could not be read" in verdict_of(unreadable, STRINGS["en"]).text


def test_warnings_are_in_the_memo_language():
    report = report_from_text("業務委託契約書\n第1条（委託料）\n甲は、乙に対し、委託料として金●円を支払う。\n", language="ja")
    html = render_html(report)
    assert STRINGS["ja"]["warning_texts"]["W108"] in html
    assert "未完成の文書（空欄あり）" in verdict_of(report, STRINGS["ja"]).text
    assert 'id="lint"' in html  # drafting issues have their own section


def test_points_in_your_favour_are_notes_without_a_request():
    report = english_report(party="Company")
    notes = [f for f in report.findings if f.kind == "note"]
    assert notes, "the sample gives Company a one-sided right"
    view = context(report)
    assert {f["id"] for f in view["notes"]} == {f.id for f in notes}
    asked = {q["finding"] for q in view["questions"]}
    assert not asked & {f.id for f in notes}
    html = render_html(report)
    assert STRINGS["en"]["no_change_needed"] in html


def test_a_neutral_review_lists_points_without_taking_a_side():
    report = english_report(party=None)
    view = context(report)
    assert view["questions"]
    questions = {f.question for f in report.findings if f.question}
    assert not any(q["text"] in questions for q in view["questions"])
    html = render_html(report)
    assert "Points to discuss" in html and "Questions for the counterparty" not in html
