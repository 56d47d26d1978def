"""Survival clauses: which articles they cite, and what a cited article's restraint becomes."""

from __future__ import annotations

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.engine.survival import cited_articles
from clausecheck.errors import RuleError


@pytest.fixture(scope="module")
def citations():
    return load_rules([]).citations


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("第3条、第5条から第7条まで及び第11条の規定は、本契約終了後五年間有効に存続する。", "ja", {3, 5, 6, 7, 11}),
        ("第十二条第2項及び第十四条の規定は、本契約の終了後もなお効力を有する。", "ja", {12, 14}),
        ("Sections 4, 7.2 and 9 to 11 survive any termination of this Agreement.", "en", {4, 7, 9, 10, 11}),
        ("Articles 5 through 7 shall survive the expiry of this Agreement.", "en", {5, 6, 7}),
        ("This Agreement ends on 31 December 2027.", "en", set()),
    ],
)
def test_the_articles_a_survival_clause_cites(citations, text, language, expected):
    assert cited_articles(text, language, citations) == expected


def test_a_citation_pattern_without_its_list_group_is_a_rule_error(tmp_path):
    (tmp_path / "citations.yaml").write_text("en:\n  patterns: ['Section (\\d+)']\n  ranges: [to]\n", encoding="utf-8")
    with pytest.raises(RuleError) as error:
        load_rules([tmp_path])
    assert any(p.code == "E203" and "list" in p.message for p in error.value.problems)


def test_a_restraint_cited_by_a_survival_clause_outlives_the_contract_and_both_are_quoted(engine):
    from conftest import document_from_text

    text = (
        "株式会社大和（以下「甲」という。）と株式会社ルミナ（以下「乙」という。）は、次のとおり契約を締結する。\n"
        "第1条（競業の禁止）\n乙は、甲の書面による承諾なく、本製品と競合する製品を製造し、又は販売してはならない。\n"
        "第2条（有効期間）\n本契約の有効期間は一年間とする。\n"
        "第3条（存続）\n第1条の規定は、本契約の終了後二年間なお効力を有する。"
    )
    report = engine.check(document_from_text(text, "ja"))
    finding = next(f for f in report.findings if f.rule == "non-compete-after-term")
    quotes = " ".join(e.text for e in finding.evidence)
    assert finding.favours == "A" and "競合する製品" in quotes and "終了後二年間" in quotes
