"""How the engine tells whom a clause favours beyond its grammatical subject: role words bound to
one party by a definition, "likewise" sentences, terms that bind both sides alike, and gaps both
sides share."""

from __future__ import annotations

import pytest

from clausecheck.errors import RuleError
from clausecheck.engine.loader import load_rules
from clausecheck.engine.parties import with_conventional_parties
from conftest import document_from_text

JA_PREAMBLE = "株式会社大和（以下「甲」という。）と株式会社ルミナ（以下「乙」という。）は、次のとおり契約を締結する。\n"
EN_PREAMBLE = 'This Agreement is made between Arbor Pharma Ltd ("Sponsor") and Quill Labs Inc. ("Lab").\n'


@pytest.fixture(scope="module")
def party_words():
    return load_rules([]).party_words


def _aliases(text: str, language: str, party_words) -> dict[str, set[str]]:
    document = with_conventional_parties(document_from_text(text, language), party_words)
    return {p.id: set(p.all_names) for p in document.parties}


# -- role words a definition binds to one party ---------------------------------------------


def test_a_definition_makes_a_role_word_one_partys_name_in_japanese(party_words):
    text = JA_PREAMBLE + "第2条（定義）\n「開示者」とは、秘密情報を開示する当事者として甲をいい、「受領者」とは、その開示を受ける当事者として乙をいう。\n第3条　受領者は、秘密情報を第三者に開示してはならない。"
    aliases = _aliases(text, "ja", party_words)
    assert "開示者" in aliases["A"] and "受領者" in aliases["B"]


def test_a_definition_makes_a_role_word_one_partys_name_in_english(party_words):
    text = EN_PREAMBLE + '1. Definitions. "Recipient" means Lab, and "Discloser" means Sponsor.\n2. Recipient shall not disclose Confidential Information.'
    aliases = _aliases(text, "en", party_words)
    assert "Recipient" in aliases["B"] and "Discloser" in aliases["A"]


@pytest.mark.parametrize(
    "definition",
    [
        # A generic definition names no party: the role word stays either party's.
        "「受領者」とは、秘密情報の開示を受けた当事者をいう。",
        # Bound to both sides (each party in turn): still generic.
        "「受領者」とは、甲が開示する場合には乙をいい、乙が開示する場合には甲をいう。",
    ],
)
def test_a_role_word_not_tied_to_one_party_stays_generic(party_words, definition):
    aliases = _aliases(JA_PREAMBLE + "第2条　" + definition + "\n第3条　受領者は、秘密情報を第三者に開示してはならない。", "ja", party_words)
    assert all("受領者" not in names for names in aliases.values())


def test_a_role_binding_without_both_placeholders_is_a_rule_error(tmp_path):
    (tmp_path / "parties.yaml").write_text("role_bindings:\n  ja:\n    - '「{role}」とは'\n", encoding="utf-8")
    with pytest.raises(RuleError) as error:
        load_rules([tmp_path])
    assert any(p.code == "E203" and "{party}" in p.message for p in error.value.problems)


def test_bound_role_words_make_a_one_way_nda_one_sided(engine):
    text = JA_PREAMBLE + (
        "第2条（定義）\n「開示者」とは、本契約に基づき情報を開示する当事者として甲をいい、「受領者」とは、情報の開示を受ける当事者として乙をいう。\n"
        "第3条（損害賠償）\n受領者が本契約に違反したときは、受領者は、開示者に生じた一切の損害（逸失利益を含む。）を賠償する。"
    )
    report = engine.check(document_from_text(text, "ja"))
    liability = [f for f in report.findings if f.topic in ("liability_cap", "uncapped_liability") and f.kind == "risk"]
    assert liability and all(f.favours == "A" for f in liability)


# -- "likewise": a sentence that extends the rule of the one before it -----------------------


@pytest.mark.parametrize(
    "clause",
    [
        "第8条　本開発から生じた発明に係る権利は、甲に帰属する。乙が単独でした発明についても同様とする。",
        "第8条　本開発の成果に係る知的財産権は甲に帰属する。乙のみが創作した成果物についても同様とする。",
    ],
)
def test_a_likewise_sentence_extends_ownership_to_what_the_other_side_made(engine, clause):
    report = engine.check(document_from_text(JA_PREAMBLE + clause, "ja"))
    finding = next(f for f in report.findings if f.rule == "ip-results-owned-whoever-created")
    assert finding.favours == "A"


def test_a_sentence_that_states_its_own_rule_before_likewise_is_not_an_extension(engine):
    # 「乙に帰属するものとし、…についても同様とする」: the sentence says who holds it itself.
    clause = "第8条　乙が単独でした発明は乙に帰属するものとし、乙が単独で作成した著作物についても同様とする。"
    report = engine.check(document_from_text(JA_PREAMBLE + clause, "ja"))
    assert not [f for f in report.findings if f.rule == "ip-results-owned-whoever-created" and f.favours == "A"]


# -- terms that bind both sides alike: the side the rest of the contract favours --------------

ONE_SIDED_EN = (
    "2. Sponsor may terminate this Agreement at any time for convenience on notice; Lab may not terminate it before the end of the term.\n"
    "3. Lab shall indemnify Sponsor against all claims arising from the Research.\n"
    "4. Lab shall not, during the term and for three years after it, develop or sell any product that competes with the Product.\n"
    "5. All inventions made in the Research shall be the sole property of Sponsor, whether made by Sponsor or by Lab.\n"
)
RENEWAL_EN = "9. This Agreement renews automatically for successive one-year terms unless a party gives notice of non-renewal at least six (6) months before the end of the then-current term.\n"


def test_a_long_renewal_notice_favours_the_side_the_contract_favours(engine):
    report = engine.check(document_from_text(EN_PREAMBLE + ONE_SIDED_EN + RENEWAL_EN, "en"))
    finding = next(f for f in report.findings if f.rule == "renewal-notice-over-90-days")
    assert finding.favours == "A"
    assert finding.explanation["favours_from"] == "dominant"
    assert "Sponsor" in finding.explanation["said"]["en"]


def test_without_a_clear_lead_a_long_renewal_notice_names_no_party(engine):
    report = engine.check(document_from_text(EN_PREAMBLE + "2. Each party shall keep the other's information confidential.\n" + RENEWAL_EN, "en"))
    finding = next(f for f in report.findings if f.rule == "renewal-notice-over-90-days")
    assert finding.favours is None and finding.explanation == {}


def test_the_dominant_side_reading_is_a_note_for_that_side(engine):
    from clausecheck.engine.runner import CheckOptions

    report = engine.check(document_from_text(EN_PREAMBLE + ONE_SIDED_EN + RENEWAL_EN, "en"), CheckOptions(party="Sponsor"))
    finding = next(f for f in report.findings if f.rule == "renewal-notice-over-90-days")
    assert (finding.kind, finding.severity) == ("note", "info")


def test_an_unknown_mutual_as_is_a_rule_error(tmp_path):
    rule = tmp_path / "r.yaml"
    rule.write_text(
        "kind: risk\ntopic: confidentiality\nseverity: low\nparty:\n  favours: subject\n  mutual_as: maybe\n"
        "title: {en: t, ja: t}\nmessage: {en: m, ja: m}\nen:\n  regex: ['\\bsecret\\b']\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as error:
        load_rules([tmp_path])
    assert any(p.code == "E203" and "mutual_as" in p.message for p in error.value.problems)


# -- a gap both sides share is a note, one side's gap a risk ---------------------------------


def test_a_gap_in_a_mutual_duty_is_a_note_and_in_a_one_way_duty_a_risk(engine):
    mutual = JA_PREAMBLE + "第2条　甲及び乙は、相手方から開示された秘密情報を秘密として保持し、第三者に開示してはならない。\n第3条　本契約の有効期間は1年間とする。"
    one_way = JA_PREAMBLE + "第2条　乙は、甲から開示された秘密情報を秘密として保持し、第三者に開示してはならない。\n第3条　本契約の有効期間は1年間とする。"
    gaps = ("confidentiality-no-return", "compelled-disclosure-without-notice")
    for rule in gaps:
        finding = next(f for f in engine.check(document_from_text(mutual, "ja")).findings if f.rule == rule)
        assert (finding.kind, finding.severity, finding.favours) == ("note", "info", None)
        finding = next(f for f in engine.check(document_from_text(one_way, "ja")).findings if f.rule == rule)
        assert finding.kind == "risk" and finding.favours == "B"
