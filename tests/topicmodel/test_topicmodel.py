"""The shipped topic model: it loads, is the version reports name, scores sentences it never
saw as their topic, joins the rules without making findings, and --no-model is rules only."""

from __future__ import annotations

import json

import numpy
import pytest
from click.testing import CliRunner

from clausecheck.cli import main
from clausecheck.engine.runner import CheckOptions
from clausecheck.report.json_report import report_dict
from clausecheck.topicmodel.features import ngrams
from clausecheck.topicmodel.model import shipped_model, shipped_version
from clausecheck.topicmodel.units import document_units, sentence_spans
from conftest import document_from_text

# Written for this test, in no training document: (language, sentence, its topic).
HELD_BACK = [
    ("en", "Neither party shall reveal the other party's secret business information to any outsider, and each shall keep it confidential for three years.", "confidentiality"),
    ("en", "This Agreement is governed by and construed in accordance with the laws of the State of Oregon.", "governing_law"),
    ("en", "Neither party may assign or transfer this Agreement without the prior written consent of the other party.", "anti_assignment"),
    ("en", "In no event shall either party's aggregate liability under this Agreement exceed the fees paid in the twelve months before the claim.", "liability_cap"),
    ("ja", "乙は、本件業務に関して知り得た甲の技術上の情報を、第三者に漏えいしてはならず、厳に秘密として管理する。", "confidentiality"),
    ("ja", "本契約の準拠法は日本法とする。", "governing_law"),
    ("ja", "甲及び乙は、相手方の事前の書面による承諾なく、本契約上の地位を第三者に譲渡してはならない。", "anti_assignment"),
]

EN_CONTRACT = """SERVICES AGREEMENT

This Services Agreement is made between Alder Works Ltd. ("Supplier") and Birch Foods Inc. ("Customer").

1. Services
Supplier shall deliver the monthly inventory forecasts described in Schedule A.

2. Fees
Customer shall pay Supplier USD 2,000 per month within thirty days of invoice.

3. Secrecy
Whatever either side learns about the other's recipes, suppliers and prices stays between the two of them and is not passed on to anyone else.

4. Governing Law
This Agreement is governed by the laws of England and Wales.

5. Duration
This Agreement commences on the Effective Date and continues for two years, after which it expires.
"""


@pytest.fixture(scope="module")
def model():
    loaded = shipped_model()
    assert loaded is not None, "the topic model is not in the package (src/clausecheck/models/topics.json)"
    return loaded


def _sentence_scores(model, language: str, sentence: str) -> dict[str, float]:
    language_model = model.languages[language]
    scores = language_model.scores([language_model.ids(sentence)])[0]
    return dict(zip(language_model.topics, scores.tolist()))


def test_model_loads_with_every_topic_and_names_its_version(model):
    from clausecheck.engine.schema import TOPICS

    assert set(model.languages) == {"en", "ja"}
    for language_model in model.languages.values():
        assert language_model.topics == TOPICS
        assert language_model.coef.shape == (len(language_model.vocabulary) + len(language_model.char_keys), len(TOPICS))
        assert numpy.all(language_model.grey <= language_model.threshold)
    assert model.version == shipped_version() == model.meta["version"]


@pytest.mark.parametrize(("language", "sentence", "topic"), HELD_BACK, ids=[f"{t}:{lang}" for lang, _, t in HELD_BACK])
def test_held_back_sentences_score_highest_for_their_topic(model, language, sentence, topic):
    scores = _sentence_scores(model, language, sentence)
    assert max(scores, key=scores.get) == topic, sorted(scores.items(), key=lambda item: -item[1])[:3]


def _expected_pairs(language_model, texts):
    return sorted((row, i) for row, text in enumerate(texts) for i in map(language_model.feature_id, ngrams(text, language_model.language)) if i is not None)


def test_checking_sees_exactly_the_training_features(model):
    # The English word cache and the vectorised Japanese keys are shortcuts: they must give
    # the same features as `ngrams`, the definition training uses.
    for language, sentence, _ in HELD_BACK:
        language_model = model.languages[language]
        expected = [i for _, i in _expected_pairs(language_model, [sentence])]
        assert expected, "a held-back sentence with no known feature tests nothing"
        assert sorted(language_model.ids(sentence).tolist()) == expected
        assert sorted(language_model.ids(sentence).tolist()) == expected  # second time from the cache


MANY_TEXTS = {
    "ja": ["第1条（目的）本契約は、甲及び乙の共同研究の条件を定める。", "", "𠮷野家は「ＡＢＣ」のNDAをlicenseとして１２３日保持する。", "秘密情報・個人情報；技術情報", "a", "乙は秘密を守る"],
    "en": ["The Receiving Party shall hold the Confidential Information in confidence.", "", "Licensee's licence, licensee's LICENCE licence.", "of of of of", "x", "This Agreement is governed by the laws of Oregon."],
}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_document_at_a_time_gives_each_text_its_own_features(model, language):
    language_model = model.languages[language]
    texts = MANY_TEXTS[language]
    rows, ids = language_model.pairs(texts)
    assert sorted(zip(rows.tolist(), ids.tolist())) == _expected_pairs(language_model, texts)
    assert language_model.pairs([])[0].size == 0


def test_features_and_units_are_the_same_every_time():
    text = "第1条（目的）\n本契約は、甲及び乙の共同研究の条件を定める。\n第2条（秘密保持）\n乙は秘密を守る。"
    assert ngrams(text, "ja") == ngrams(text, "ja")
    assert sentence_spans("One. Two.\nThree", "en") == [(0, 4), (5, 9), (10, 15)]
    document = document_from_text(text, "ja")
    units = document_units(document)
    assert units == document_units(document)
    assert {u.kind for u in units} == {"sentence", "clause"}


def test_model_joins_the_rules_as_evidence_and_never_as_a_finding(engine, model):
    document = document_from_text(EN_CONTRACT, "en")
    rules_only = engine.check(document, CheckOptions(use_model=False))
    combined = engine.check(document, CheckOptions())
    assert combined.model_version == model.version and rules_only.model_version is None
    # What the rules found stays as they found it; findings other than `missing` are untouched.
    for topic, result in rules_only.topics.items():
        if result.status == "present":
            assert combined.topics[topic] == result
    def judged(report):  # ids renumber when a missing finding goes
        return [(f.rule, f.kind, f.severity, f.favours, f.evidence) for f in report.findings if f.kind != "missing"]

    assert judged(combined) == judged(rules_only)
    by_model = {t: r for t, r in combined.topics.items() if any(e.detector == "model" for e in r.evidence)}
    assert by_model, "the model found nothing the rules missed in a contract worded to avoid the rules' words"
    for topic, result in by_model.items():
        assert rules_only.topics[topic].status != "present"
        assert result.status in ("present", "uncertain")
        (evidence,) = result.evidence
        assert evidence.text == document.text[evidence.start : evidence.end] and 0 <= evidence.score <= 1
    # A missing finding disappears only for a topic the model found.
    missing_before = {f.topic for f in rules_only.findings if f.kind == "missing"}
    missing_after = {f.topic for f in combined.findings if f.kind == "missing"}
    assert missing_after <= missing_before
    assert missing_before - missing_after == {t for t in missing_before if t in by_model}


def test_cli_no_model_is_rules_only_and_reports_are_deterministic(tmp_path, model):
    contract = tmp_path / "services.txt"
    contract.write_text(EN_CONTRACT, encoding="utf-8")
    runner = CliRunner()

    def report(*options):
        result = runner.invoke(main, ["check", str(contract), "--format", "json", *options])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    with_model, again, rules_only = report(), report(), report("--no-model")
    assert with_model == again
    assert with_model["tool"]["model_version"] == model.version
    assert rules_only["tool"]["model_version"] is None
    detectors = {e.get("detector") for t in rules_only["topics"].values() for e in t["evidence"]}
    assert detectors <= {"rule"}
    assert any(e.get("detector") == "model" for t in with_model["topics"].values() for e in t["evidence"])
    version = runner.invoke(main, ["--version"])
    assert version.exit_code == 0 and model.version in version.output and "rules" in version.output


def test_no_model_is_exactly_the_engine_without_a_model(engine, monkeypatch):
    document = document_from_text(EN_CONTRACT, "en")
    no_model = report_dict(engine.check(document, CheckOptions(use_model=False)))
    monkeypatch.setattr("clausecheck.engine.runner.shipped_model", lambda: None)
    without_artefact = report_dict(engine.check(document, CheckOptions()))
    assert no_model == without_artefact
    assert all(e["detector"] == "rule" for t in no_model["topics"].values() for e in t["evidence"])
