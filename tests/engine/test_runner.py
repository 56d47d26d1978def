"""The engine's judgement: perspective, one-sidedness, required elements, unreadable text."""

from __future__ import annotations

import pytest

from clausecheck.engine.runner import CheckOptions
from clausecheck.model import Document, Warning
from conftest import document_from_text

ONE_SIDED_JA = """共同研究開発契約書
株式会社大手（以下「甲」という。）と株式会社小手（以下「乙」という。）は、次のとおり契約を締結する。
（目的）
第1条　本契約は、甲乙が共同で新素材を開発することを目的とする。
（解除）
第2条　甲は、いつでも、何らの理由なく本契約を解除することができる。
"""


def test_without_party_the_one_sided_clause_is_a_risk_favouring_its_holder(engine):
    report = engine.check(document_from_text(ONE_SIDED_JA, "ja"))
    finding = next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")
    assert (finding.kind, finding.severity, finding.favours) == ("risk", "high", "A")
    assert finding.evidence[0].clause == "第2条"
    assert "解除することができる" in finding.evidence[0].text
    assert report.one_sidedness["A"]["high"] >= 1
    assert report.perspective is None


@pytest.mark.parametrize("party, kind, severity", [("乙", "risk", "high"), ("株式会社小手", "risk", "high"), ("甲", "note", "info")])
def test_with_party_the_same_clause_is_a_risk_or_a_note(engine, party, kind, severity):
    report = engine.check(document_from_text(ONE_SIDED_JA, "ja"), CheckOptions(party=party))
    finding = next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")
    assert (finding.kind, finding.severity) == (kind, severity)


def test_an_unknown_party_keeps_the_review_neutral_and_says_so(engine):
    report = engine.check(document_from_text(ONE_SIDED_JA, "ja"), CheckOptions(party="丙"))
    assert report.perspective is None
    assert any(w.code == "W201" for w in report.warnings)


def test_mutual_wording_is_not_one_sided(engine):
    text = ONE_SIDED_JA.replace("甲は、いつでも", "甲または乙は、いつでも")
    report = engine.check(document_from_text(text, "ja"))
    assert not [f for f in report.findings if f.rule == "termination-for-convenience-one-sided"]
    assert report.topics["termination_for_convenience"].status == "present"


def test_required_elements_missing_for_the_contract_type(engine):
    report = engine.check(document_from_text(ONE_SIDED_JA, "ja"))
    assert report.contract_type.id == "joint_development"
    missing = {f.topic for f in report.findings if f.kind == "missing"}
    assert {"confidentiality", "ip_ownership", "cost_sharing"} <= missing
    assert "purpose" not in missing and report.topics["purpose"].status == "present"
    # Every topic of the vocabulary has a status.
    assert report.topics["mfn"].status == "absent"


def test_an_unreadable_document_is_uncertain_never_absent(engine):
    readable = document_from_text("1. Page one.", "en")
    scanned = Document(**{**readable.__dict__, "warnings": (Warning("W103", "no text layer", (1, 2, 3)),)})
    report = engine.check(scanned)
    assert {r.status for r in report.topics.values()} == {"uncertain"}
    assert not [f for f in report.findings if f.kind == "missing"]


def test_invisible_characters_do_not_hide_a_clause_and_quotes_stay_original(engine):
    text = "LICENSE AGREEMENT\n1. Licensor grants Licensee an ex\u200bclusive license to the Patents."
    report = engine.check(document_from_text(text, "en"))
    assert report.topics["exclusivity"].status == "present"
    assert "ex\u200bclusive" in report.topics["exclusivity"].evidence[0].text
    assert any(w.code == "W105" for w in report.warnings)


def test_pages_that_could_not_be_read_make_absence_uncertain_but_keep_what_was_read(engine):
    readable = document_from_text("LICENSE AGREEMENT\n1. Licensor grants Licensee an exclusive license to the Patents.", "en")
    partly_scanned = Document(**{**readable.__dict__, "warnings": (Warning("W103", "pages 3-4 have no text layer", (3, 4)),)})
    report = engine.check(partly_scanned)
    assert report.topics["exclusivity"].status == "present"
    assert report.topics["governing_law"].status == "uncertain"
    assert not [f for f in report.findings if f.kind == "missing"]


def test_same_input_same_report(engine):
    first = engine.check(document_from_text(ONE_SIDED_JA, "ja"))
    second = engine.check(document_from_text(ONE_SIDED_JA, "ja"))
    assert first.findings == second.findings and first.topics == second.topics


@pytest.mark.parametrize(
    ("customer_indemnifies", "expected"),
    [(True, None), (False, "B")],
)
def test_cover_page_terms_tell_mutual_indemnities_from_one_sided_ones(engine, customer_indemnifies, expected):
    """Terms that name their parties only as roles (Provider, Customer) are judged like any contract."""
    text = """CLOUD SERVICE TERMS
These terms apply to the Order Form signed by the parties named on the Cover Page.
1. Service. Provider will make the Cloud Service available to Customer.
2. Fees. Customer will pay the Fees within 30 days of invoice.
3. Support. Provider will provide support. Customer will report incidents promptly.
4. Accounts. Customer will keep its passwords secret.
5. Indemnity.
5.1 Provider will defend Customer from any third-party claim that the Cloud Service infringes a patent and will indemnify Customer against the resulting damages.
"""
    if customer_indemnifies:
        text += "5.2 Customer will defend Provider from any third-party claim arising from Customer Data and will indemnify Provider against the resulting damages.\n"
    report = engine.check(document_from_text(text))
    finding = next((f for f in report.findings if f.rule == "indemnity-one-sided"), None)
    assert (finding.favours if finding else None) == expected
