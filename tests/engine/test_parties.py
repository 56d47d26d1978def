"""Subject detection: who a contract sentence is about, in Japanese and English."""

from __future__ import annotations

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.engine.parties import MUTUAL, build_index, resolve_party, subject_of
from conftest import corpus_path, document_from_text

JA_PREAMBLE = "株式会社大手（以下「甲」という。）と株式会社小手（以下「乙」という。）は、次のとおり契約を締結する。\n第1条　甲及び乙は、誠実に協議する。"
EN_PREAMBLE = 'This Agreement is made between Acme Corporation ("Licensor") and Beta LLC ("Licensee").\n1. The parties agree as follows.'
# The topics whose rules judge IP, confidentiality and competition restraints.
IP_AND_COMPETITION_TOPICS = {
    "purpose", "roles", "ip_ownership", "ip_assignment", "ip_joint_ownership", "license_grant",
    "grant_back", "confidentiality", "exclusivity", "non_compete", "mfn", "non_solicit",
}
NDA_ONE_WAY = 'This Agreement is made between Acme Corporation ("Discloser") and Beta LLC ("Recipient").\n1. The parties agree as follows.'
NDA_MUTUAL = 'This Agreement is made between Acme Corporation ("Acme") and Beta LLC ("Beta").\n1. Each party may disclose Confidential Information to the other.'


@pytest.fixture(scope="module")
def party_words():
    return load_rules([]).party_words


def _index(text: str, language: str, party_words):
    document = document_from_text(text, language)
    return document, build_index(document, language, party_words)


def _party_of(document, alias: str) -> str:
    party_id = resolve_party(document, alias)
    assert party_id is not None, f"{alias} not found among {[p.all_names for p in document.parties]}"
    return party_id


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("甲は、乙に対し、本件成果を無償で使用させるものとする。", "甲"),
        ("乙は、甲の事前の書面による承諾なく、秘密情報を第三者に開示してはならない。", "乙"),
        ("乙が本契約に違反した場合、甲は、催告を要せず直ちに本契約を解除することができる。", "甲"),
        ("甲は、乙が本契約に違反した場合、直ちに本契約を解除することができる。", "甲"),
        ("乙は本契約に違反した場合、甲は本契約を解除できる。", "甲"),
        ("乙が開発した改良技術に係る知的財産権は、甲に帰属する。", "甲"),
        ("本研究により生じた一切の知的財産権は、甲に帰属する。", "甲"),
        ("甲及び乙は、相手方の秘密情報を秘密として保持する。", MUTUAL),
        ("甲または乙は、90日前までに書面で通知することにより本契約を解約できる。", MUTUAL),
        ("各当事者は、自らの費用を負担する。", MUTUAL),
        ("甲乙は、本件について誠実に協議する。", MUTUAL),
        ("甲は、乙と相互に協議のうえ、本件成果を無償で使用することができる。", "甲"),
        ("本契約は、締結日から1年間有効とする。", None),
    ],
)
def test_japanese_subject(sentence, expected, party_words):
    document, index = _index(JA_PREAMBLE, "ja", party_words)
    want = expected if expected in (MUTUAL, None) else _party_of(document, expected)
    assert subject_of(sentence, index) == want


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Licensee shall pay the royalties within thirty days.", "Licensee"),
        ("The Licensor may terminate this Agreement upon notice.", "Licensor"),
        ("If Licensee fails to pay any amount when due, Licensor may terminate this Agreement.", "Licensor"),
        ("Subject to the terms of this Agreement, Licensor hereby grants to Licensee a licence.", "Licensor"),
        ("Each party shall keep the other party's Confidential Information confidential.", MUTUAL),
        ("Neither party may assign this Agreement without consent.", MUTUAL),
        ("All Improvements shall be owned exclusively by Licensor.", "Licensor"),
        ("This Agreement is governed by the laws of Japan.", None),
    ],
)
def test_english_subject(sentence, expected, party_words):
    document, index = _index(EN_PREAMBLE, "en", party_words)
    want = expected if expected in (MUTUAL, None) else _party_of(document, expected)
    assert subject_of(sentence, index) == want


def test_role_words_are_one_party_when_the_preamble_defines_them(party_words):
    document, index = _index(NDA_ONE_WAY, "en", party_words)
    assert subject_of("Recipient shall hold the Confidential Information in strict confidence.", index) == _party_of(document, "Recipient")


def test_role_words_are_mutual_when_the_preamble_does_not_define_them(party_words):
    _, index = _index(NDA_MUTUAL, "en", party_words)
    assert subject_of("The Recipient shall hold the Confidential Information in strict confidence.", index) == MUTUAL
    assert subject_of("Acme shall pay the costs of the evaluation.", index) is not None


@pytest.mark.parametrize(
    "name",
    ["oi_model_v1_1_nda_shinsozai.txt", "oi_model_v1_2_poc_shinsozai.txt", "oi_model_v1_3_joint_rd_shinsozai.txt", "oi_model_v1_4_license_shinsozai.txt"],
)
def test_fair_model_contracts_have_no_high_one_sided_finding(name, engine):
    from clausecheck.pipeline import read_document

    document = read_document(corpus_path("ja", name))
    report = engine.check(document)
    one_sided_high = [f for f in report.findings if f.favours and f.severity == "high" and f.topic in IP_AND_COMPETITION_TOPICS]
    assert one_sided_high == [], [(f.rule, f.favours, f.evidence[0].text[:80]) for f in one_sided_high]


def test_one_way_nda_is_reported_as_favouring_the_discloser(engine):
    from clausecheck.pipeline import read_document

    document = read_document(corpus_path("ja", "faultray_nda_one_way_bilingual.md"))
    report = engine.check(document)
    one_way = [f for f in report.findings if f.rule == "confidentiality-one-way"]
    assert len(one_way) == 1
    assert one_way[0].favours == _party_of(document, "開示者")


def test_english_reporting_verb_defers_to_the_proposition(party_words):
    document, index = _index(EN_PREAMBLE, "en", party_words)
    sentence = "Licensee agrees that all Improvements shall be the sole property of Licensor."
    assert subject_of(sentence, index) == _party_of(document, "Licensor")


@pytest.mark.parametrize(
    ("language", "preamble", "sentence", "words", "expected"),
    [
        ("ja", JA_PREAMBLE, "乙は本製品に本商標を付すように努めるものとし、甲は、乙に対し、本商標の使用権を無償で付与する。", "使用権", "甲"),
        ("ja", JA_PREAMBLE, "乙は本製品に本商標を付すように努めるものとし、甲は、乙に対し、本商標の使用権を無償で付与する。", "付す", "乙"),
        ("en", EN_PREAMBLE, "Licensor shall deliver the Software and Licensee shall pay the fees within ninety days.", "pay", "Licensee"),
    ],
)
def test_match_offset_picks_the_clause_of_the_match(language, preamble, sentence, words, expected, party_words):
    document, index = _index(preamble, language, party_words)
    assert subject_of(sentence, index, sentence.index(words)) == _party_of(document, expected)


def test_a_match_on_a_holder_phrase_is_about_the_holder(party_words):
    document, index = _index(JA_PREAMBLE, "ja", party_words)
    sentence = "乙が開発した改良技術については、乙は甲に通知するものとし、当該改良技術に関する権利は甲に帰属する。"
    assert subject_of(sentence, index, sentence.rindex("甲に帰属")) == _party_of(document, "甲")
    assert subject_of(sentence, index) == _party_of(document, "乙")
