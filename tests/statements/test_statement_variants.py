"""Japanese cue words match in their other spellings (Sudachi's dictionary, read when the lexicon loads)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.statements import statements_of
from clausecheck.statements.variants import japanese_variants

pytest.importorskip("sudachipy")


@pytest.fixture(scope="module")
def pack():
    return load_rules()


def features(lexicon, text: str) -> dict:
    (statement,) = statements_of(text, [(0, len(text))], lexicon.compiled("ja"))
    return statement.features()


@pytest.mark.parametrize(
    "text, feature, value",
    [
        ("乙は、本件製品の販売に関し、甲以外の第三者と取り引きしてはならない。", "action", "deal_exclusively"),  # 取引 → 取り引き
        ("甲の損害賠償責任は、委託料の総額を越えないものとする。", "action", "limit_liability"),  # を超えない → を越えない
        ("乙は、本件特許の取り消しを請求しない。", "action", "challenge"),  # 取消 → 取り消し
        ("乙が差し押さえを受けたときは、甲は本契約を解除できる。", "condition", "breach"),  # 差押 → 差し押さえ
        ("甲は、本サービスの内容を変更出来る。", "modality", "right"),  # できる → 出来る
    ],
)
def test_a_cue_matches_in_another_spelling_of_the_same_word(pack, text, feature, value):
    assert value in features(pack.lexicon, text)[feature]
    as_written = replace(pack.lexicon, variants={})  # the cues alone do not see this spelling
    assert value not in features(as_written, text)[feature]


@pytest.mark.parametrize(
    "cue, variant",
    [("引渡", "引き渡し"), ("取消", "取り消し"), ("ことができる", "ことが出来る"), ("いたしません", "致しません"), ("あらかじめ", "予め"), ("申し出", "申出")],
)
def test_variants_are_spellings_the_dictionary_reads_as_the_same_words(cue, variant):
    assert variant in japanese_variants([cue])[cue]


@pytest.mark.parametrize("cue", ["ものとする", "することなく", "re: する(?=。)", "対価~支払う義務を負わない"])
def test_no_variant_makes_another_word(cue):
    # 物とする (「成果物とする」) and 為る are other words; patterns and gap cues are left alone.
    variants = japanese_variants([cue]).get(cue, ())
    assert not any("物" in v or "為" in v for v in variants)
    if cue.startswith("re:") or "~" in cue:
        assert variants == ()
