"""The statement stage: cue words become features, whatever the wording; bad input stays bounded."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.errors import RuleError
from clausecheck.statements import statements_of
from clausecheck.statements.extract import MAX_STATEMENT_CHARS
from conftest import document_from_text


@pytest.fixture(scope="module")
def pack():
    return load_rules()


def features(pack, text: str, language: str) -> list[dict]:
    lexicon = pack.lexicon.compiled(language)
    return [s.features() for s in statements_of(text, [(0, len(text))], lexicon)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Partner hereby assigns to Company all Results.",
        "All Results shall be assigned by Partner to Company.",
        "Partner agrees to transfer its rights in the Results to Company.",
        "Title to the Results shall pass to Company upon delivery.",
    ],
)
def test_english_inflections_of_one_action_are_one_feature(pack, sentence):
    (statement,) = features(pack, sentence, "en")
    assert "assign" in statement["action"]
    assert "results" in statement["object"]


@pytest.mark.parametrize("sentence", ["乙は、本件成果を甲に譲渡する。", "本件成果に係る権利は、甲に移転するものとする。", "乙は、成果物の権利を甲に譲り渡すものとする。"])
def test_japanese_stems_of_one_action_are_one_feature(pack, sentence):
    (statement,) = features(pack, sentence, "ja")
    assert "assign" in statement["action"]


@pytest.mark.parametrize(
    "sentence, language, modality",
    [
        ("Licensee shall not assign this Agreement.", "en", "prohibition"),
        ("Licensee may terminate this Agreement.", "en", "right"),
        ("Licensee shall pay the fees.", "en", "obligation"),
        ("Company shall not be liable for any lost profits.", "en", "exemption"),
        ("乙は、本契約上の地位を譲渡してはならない。", "ja", "prohibition"),
        ("甲は、本契約を解除することができる。", "ja", "right"),
        ("甲は、乙に生じた損害について責任を負わない。", "ja", "exemption"),
    ],
)
def test_a_longer_modality_cue_outranks_the_one_inside_it(pack, sentence, language, modality):
    (statement,) = features(pack, sentence, language)
    assert modality in statement["modality"]
    inner = {"prohibition": {"obligation", "right"}, "exemption": {"obligation"}}.get(modality, set())
    # "shall" inside "shall not", できる inside できない, 負う inside 負わない do not count
    assert not (statement["modality"] & inner) or modality in ("right", "obligation")


def test_free_is_read_before_the_paid_words_it_contains(pack):
    (statement,) = features(pack, "Supplier shall correct the report without any additional charge.", "en")
    assert "free" in statement["consideration"]


def test_a_proviso_is_its_own_statement_and_marks_what_it_cancels(pack):
    text = "乙は、本件情報を第三者に開示してはならない。ただし、法令に基づく場合は、この限りでない。"
    lexicon = pack.lexicon.compiled("ja")
    first_end = text.index("。") + 1
    statements = statements_of(text, [(0, first_end), (first_end, len(text))], lexicon)
    assert [s.proviso for s in statements] == [False, True]
    assert statements[0].excepted


@pytest.mark.parametrize(
    "text, language",
    [
        ("shall not " * 200_000, "en"),  # a 2 MB "sentence" without a full stop
        ("ただし、" * 10_000 + "甲は解除できる。", "ja"),  # ten thousand nested provisos
        ("１２３４５６７８９０" * 100_000, "ja"),  # a clause of numerals only
        ("provided that, " * 10_000, "en"),
    ],
)
def test_hostile_sentences_are_read_in_bounded_pieces(pack, text, language):
    truncated: list = []
    statements = statements_of(text, [(0, len(text))], pack.lexicon.compiled(language), truncated)
    assert statements
    assert all(c.start - s.start < MAX_STATEMENT_CHARS for s in statements for c in s.cues)
    assert truncated  # each such statement is reported, so the engine can warn


def test_the_engine_warns_about_a_sentence_it_could_not_read_whole(engine):
    document = document_from_text("Company and Partner agree as follows.\n1. Purpose. " + "Partner shall supply parts " * 400, "en")
    report = engine.check(document)
    assert any(w.code == "W211" for w in report.warnings)


def test_findings_of_statement_rules_explain_themselves(engine):
    document = document_from_text(
        'This Agreement is made between Acme Corporation ("Company") and Beta LLC ("Partner").\n'
        "1. Company may terminate this Agreement at any time for any reason on ten days' notice.",
        "en",
    )
    report = engine.check(document)
    finding = next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")
    assert finding.explanation["actor"] == "A"
    assert finding.explanation["modality"] == ["right"]
    assert finding.explanation["action"] == ["terminate"]
    assert finding.explanation["favours"] == finding.favours == "A"
    assert "explanation" in finding.as_dict()


def test_either_party_is_mutual_and_not_flagged(engine):
    document = document_from_text(
        'This Agreement is made between Acme Corporation ("Company") and Beta LLC ("Partner").\n'
        "1. Either party may terminate this Agreement at any time for any reason on ten days' notice.",
        "en",
    )
    report = engine.check(document)
    assert not [f for f in report.findings if f.rule == "termination-for-convenience-one-sided"]


def test_a_list_item_takes_its_actor_and_right_from_the_lead_in(engine):
    document = document_from_text(
        "株式会社アルファ（以下「甲」という。）と株式会社ベータ（以下「乙」という。）は、次のとおり契約を締結する。\n"
        "第10条（解除）\n甲は、乙が次の各号のいずれかに該当したときは、直ちに本契約を解除することができる。\n"
        "(1) 乙の株主構成に変更があったとき\n(2) 乙が本契約に違反したとき",
        "ja",
    )
    report = engine.check(document)
    finding = next(f for f in report.findings if f.rule == "change-of-control-termination")
    assert document.party(finding.favours).aliases[0] == "甲"
    assert "株主" in finding.evidence[0].text


@pytest.mark.parametrize(
    "text, language, other",
    [
        ("株式会社オオゾラ（以下「当社」といいます。）\n第1条 当社は、本サービスを提供します。当社は、サポートを行います。\n第2条 お客様は、利用料金を支払うものとします。お客様は、本規約を遵守します。", "ja", "お客様"),
        ("These terms are between Zephyr Inc. (\"we\") and you.\n1. We will provide the Service. We may update it.\n2. You shall pay the fees. You must not misuse the Service.", "en", "you"),
    ],
)
def test_the_undefined_side_of_terms_of_service_is_a_party(engine, text, language, other):
    document = document_from_text(text, language)
    report = engine.check(document)
    aliases = {a for p in report.document.parties for a in p.all_names}
    assert other in aliases
    assert len(report.document.parties) == 2


def _pack_with(tmp_path: Path, rule: str, lexicon: str | None = None) -> Path:
    folder = tmp_path / "pack"
    (folder / "termination").mkdir(parents=True)
    (folder / "termination" / "my-rule.yaml").write_text(textwrap.dedent(rule), encoding="utf-8")
    if lexicon is not None:
        (folder / "lexicon").mkdir()
        (folder / "lexicon" / "action.yaml").write_text(textwrap.dedent(lexicon), encoding="utf-8")
    return folder


RULE = """\
    kind: risk
    topic: termination
    severity: low
    title: {en: t, ja: t}
    message: {en: m, ja: m}
    recommendation: {en: r, ja: r}
    when:
      action: [%s]
      modality: [right]
"""


def test_a_when_naming_an_unknown_feature_value_is_reported_where_it_is_written(tmp_path):
    folder = _pack_with(tmp_path, RULE % "cancel_everything")
    with pytest.raises(RuleError) as error:
        load_rules([folder])
    problem = next(p for p in error.value.problems if p.code == "E213")
    assert problem.path.endswith("my-rule.yaml") and problem.line == 8


def test_a_user_lexicon_adds_values_and_cue_words(tmp_path):
    folder = _pack_with(tmp_path, RULE % "cancel_everything", "cancel_everything:\n  en: [tear up]\n  ja: [破棄]\n")
    pack = load_rules([folder])
    assert "tear up" in pack.lexicon.entries["action"]["cancel_everything"]["en"]
    assert "terminate" in pack.lexicon.entries["action"]  # the built-in values stay


def test_a_malformed_lexicon_entry_is_an_error(tmp_path):
    folder = _pack_with(tmp_path, RULE % "terminate", "Bad Id:\n  en: [x]\n")
    with pytest.raises(RuleError) as error:
        load_rules([folder])
    assert any(p.code == "E212" for p in error.value.problems)


def test_a_gap_cue_search_out_of_time_gives_no_cue_and_no_error():
    from clausecheck.engine.loader import load_rules

    compiled = load_rules([]).lexicon.compiled("en")

    calls = []

    class Slow:
        def finditer(self, *args, **kwargs):
            calls.append(args)
            raise TimeoutError("regex time limit")

    text = "Licensor shall bear all costs of the audit."
    assert any(c[0] == "action" and c[1] == "bear_costs" for c in compiled.find(text))
    saved = list(compiled.gap_patterns)
    try:
        compiled.gap_patterns[:] = [(f, v, parts, Slow()) for f, v, parts, _ in saved]
        cues = compiled.find(text)  # must not raise
        assert calls, "the gap cue was not searched"
        assert not any(c[0] == "action" and c[1] == "bear_costs" and text[c[2]:c[3]].startswith("bear all costs") and c[3] - c[2] > len("bear all") for c in cues)
    finally:
        compiled.gap_patterns[:] = saved
