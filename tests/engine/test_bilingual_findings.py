"""Findings of a bilingual contract: each clause checked in its own language, one finding for
both versions of a clause with both quotes, and quotes that are sentences, not headings."""

from __future__ import annotations


import jsonschema
import pytest
from conftest import document_from_text

from clausecheck.structure import find_clause

from clausecheck.engine.runner import CheckOptions
from clausecheck.report.json_report import report_dict, report_schema
from clausecheck.report.render import render_html, render_markdown

from structure.test_bilingual import INTERLEAVED, SEQUENTIAL


def _check(engine, text, **options):
    return engine.check(document_from_text(text), CheckOptions(use_model=False, **options))


def _quotes_in(finding, language):
    return [e for e in finding.evidence if e.language == language]


def test_a_trap_in_both_versions_is_one_finding_with_both_quotes(engine):
    report = _check(engine, INTERLEAVED)
    assigned = [f for f in report.findings if f.rule == "ip-assigned-for-free"]
    assert len(assigned) == 1
    finding = assigned[0]
    assert finding.favours == "A"
    ja, en = _quotes_in(finding, "ja"), _quotes_in(finding, "en")
    assert len(ja) == 1 and len(en) == 1
    assert ja[0].clause == "第2条" and "乙は無償で甲に譲渡する" in ja[0].text
    assert en[0].clause == "Article 2" and "free of charge" in en[0].text
    assert ja[0].parallel == "Article 2" and en[0].parallel == "第2条"


def _version(text: str, language: str) -> str:
    """The preamble and the clauses of one language only: the contract as a one-language reader has it."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    keep = [p for p in paragraphs if (language == "ja") == any("\u3040" <= ch <= "\u9fff" for ch in p)]
    return "\n\n".join(keep) + "\n"


def test_a_rule_both_versions_trigger_is_one_finding_quoting_both(engine):
    both = _check(engine, INTERLEAVED)
    ja_rules = {f.rule for f in _check(engine, _version(INTERLEAVED, "ja")).findings if f.kind == "risk"}
    en_rules = {f.rule for f in _check(engine, _version(INTERLEAVED, "en")).findings if f.kind == "risk"}
    assert ja_rules & en_rules, "the two versions share a finding"
    rules = [f.rule for f in both.findings]
    assert len(rules) == len(set(rules))
    for finding in both.findings:
        if finding.rule in ja_rules & en_rules:
            assert {e.language for e in finding.evidence} == {"ja", "en"}, finding.rule
            assert len(finding.evidence) == 2


def test_two_rules_reading_the_two_versions_of_one_clause_make_one_finding():
    from clausecheck.engine.bilingual import ParallelVersions
    from clausecheck.model import Evidence, Finding

    document = document_from_text(INTERLEAVED)
    versions = ParallelVersions(document)
    ja_clause, en_clause = find_clause(document, "第2条"), find_clause(document, "Article 2")

    def finding(id, rule, clause, severity="high", topic="ip_assignment", favours="A"):
        evidence = Evidence(clause.number, None, None, clause.start, clause.end, clause.text)
        return Finding(id, rule, topic, "risk", severity, rule, "", "", favours=favours, evidence=(evidence,))

    merged = versions.merged([finding("F1", "ja-rule", ja_clause), finding("F2", "en-rule", en_clause, "medium")])
    assert [(f.id, f.rule) for f in merged] == [("F1", "ja-rule")]
    assert [(e.clause, e.language, e.parallel) for e in merged[0].evidence] == [("第2条", "ja", "Article 2"), ("Article 2", "en", "第2条")]
    # Another topic, another favoured party, or a quote outside the other version: two findings.
    for other in (finding("F2", "en-rule", en_clause, topic="exclusivity"), finding("F2", "en-rule", en_clause, favours="B"),
                  finding("F2", "en-rule", find_clause(document, "Article 3"))):
        assert len(versions.merged([finding("F1", "ja-rule", ja_clause), other])) == 2


def test_each_version_is_checked_in_its_own_language(engine):
    # The trap is only in the English version: it is found, quoted in English.
    english_only = INTERLEAVED.replace("本開発により生じた発明その他の成果は、すべて甲に帰属するものとし、乙は無償で甲に譲渡する。", "本開発により生じた成果の帰属は、別途協議して定める。")
    report = _check(engine, english_only)
    assigned = [f for f in report.findings if f.rule == "ip-assigned-for-free"]
    assert len(assigned) == 1
    assert [e.language for e in assigned[0].evidence] == ["en"]
    assert assigned[0].evidence[0].clause == "Article 2"
    # And only in the Japanese version: found, quoted in Japanese.
    japanese_only = INTERLEAVED.replace(
        "All inventions and other results arising from the development shall belong solely to Party A, and Party B shall assign them to Party A free of charge.",
        "Ownership of the results shall be agreed separately by the parties.",
    )
    report = _check(engine, japanese_only)
    assigned = [f for f in report.findings if f.rule == "ip-assigned-for-free"]
    assert len(assigned) == 1 and [e.language for e in assigned[0].evidence] == ["ja"]


def test_whole_translation_findings_pair_the_versions(engine):
    report = _check(engine, SEQUENTIAL)
    confidentiality = [f for f in report.findings if f.topic == "confidentiality" and f.evidence]
    for finding in confidentiality:
        clauses = {e.clause for e in finding.evidence}
        assert clauses <= {"第2条", "2"}
    assert report.topics["confidentiality"].status == "present"


def test_bilingual_report_validates_and_keeps_schema_version_1(engine):
    report = _check(engine, INTERLEAVED)
    data = report_dict(report)
    assert data["schema_version"] == 1
    jsonschema.validate(data, report_schema())
    finding = next(f for f in data["findings"] if f["rule"] == "ip-assigned-for-free")
    assert {e["language"] for e in finding["evidence"]} == {"ja", "en"}
    assert {e["parallel"] for e in finding["evidence"]} == {"第2条", "Article 2"}


def test_monolingual_reports_do_not_gain_the_fields(engine):
    text = "第1条（成果の帰属）\n本開発により生じた成果は、すべて甲に帰属するものとし、乙は無償で甲に譲渡する。\n"
    data = report_dict(_check(engine, text))
    for finding in data["findings"]:
        for evidence in finding["evidence"]:
            assert "language" not in evidence and "parallel" not in evidence


def test_memo_shows_both_quotes_once(engine):
    report = _check(engine, INTERLEAVED)
    for rendered in (render_html(report), render_markdown(report)):
        assert "乙は無償で甲に譲渡する。" in rendered
        assert "Party B shall assign them to Party A free of charge" in rendered
        assert rendered.count("Party B shall assign them to Party A free of charge") == rendered.count("乙は無償で甲に譲渡する。")


HEADED = [
    ("第1条（独占的実施権の許諾）\n甲は、乙に対し、本特許を実施する権利を許諾する。\n第2条（期間）\n本契約の期間は1年とする。\n", "甲は、乙に対し、本特許を実施する権利を許諾する。"),
    ('LICENSE AGREEMENT\nThis Agreement is made between Alder Ltd. ("Licensor") and Birch Ltd. ("Licensee").\n'
     "1. Unlimited Liability of Licensee\nLicensee shall indemnify Licensor against all losses arising from the Product.\n2. Term\nThis Agreement lasts one year.\n",
     "Licensee shall indemnify Licensor against all losses arising from the Product."),
]


@pytest.mark.parametrize("text, sentence", HEADED)
def test_a_quote_is_never_the_heading_alone(engine, text, sentence):
    report = _check(engine, text)
    document = report.document
    headings = {c.heading for c in document.all_clauses() if c.heading}
    quoted = [e for f in report.findings if f.kind != "lint" for e in f.evidence]
    assert quoted, "the heading words make a finding"
    for evidence in quoted:
        lines = [line.strip() for line in evidence.text.splitlines() if line.strip()]
        assert any(line not in headings and not any(line.endswith(h) or line.endswith(f"（{h}）") for h in headings) for line in lines), evidence.text
    assert any(sentence in e.text for e in quoted)


REFERENCE = """共同開発契約書

株式会社ミナト精機（以下「甲」という。）と株式会社ソラリス（以下「乙」という。）は、次のとおり契約を締結する。

第2条（成果の帰属）

本開発により生じた発明その他の成果は、すべて甲に帰属するものとし、乙は無償で甲に譲渡する。

English reference: All inventions and other results of the development belong solely to Party A (甲), and Party B (乙) shall assign them to Party A free of charge.

第3条（販売）

乙は、本製品を自由に販売することができる。

English reference: Party B shall sell the Product exclusively through Party A and shall not appoint any other distributor.
"""


def test_a_translation_paragraph_quotes_but_does_not_decide_alone(engine):
    report = _check(engine, REFERENCE)
    assigned = next(f for f in report.findings if f.rule == "ip-assigned-for-free")
    assert {e.language for e in assigned.evidence} == {"ja", "en"}
    assert all(e.clause == "第2条" for e in assigned.evidence)
    # Exclusivity is only in the English reference of 第3条, not in the article itself.
    assert report.topics["exclusivity"].status == "absent"
    assert not [f for f in report.findings if f.topic == "exclusivity"]
    # Written as the article itself, the same words are read.
    article = REFERENCE.replace("乙は、本製品を自由に販売することができる。", "甲は、乙に対し、本製品の日本国内における独占的販売権を付与する。")
    assert _check(engine, article).topics["exclusivity"].status == "present"


def test_where_the_versions_disagree_on_whom_a_clause_favours_the_contract_language_decides():
    from types import SimpleNamespace

    from clausecheck.engine.bilingual import document_language_decides

    def hit(language, favours):
        return SimpleNamespace(unit=SimpleNamespace(language=language), favours=favours, subject=None)

    ja_a, en_b, en_a = hit("ja", "A"), hit("en", "B"), hit("en", "A")
    assert document_language_decides([ja_a, en_b, en_a], "ja") == [ja_a, en_a]
    assert document_language_decides([ja_a, en_a], "ja") == [ja_a, en_a]  # they agree
    assert document_language_decides([en_b, en_a], "ja") == [en_b, en_a]  # read in English only: left as it is
    both = [ja_a, hit("ja", "B"), en_b]
    assert document_language_decides(both, "ja") == both  # the contract's own version is split: nothing to decide by
