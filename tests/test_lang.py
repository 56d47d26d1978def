"""Language detection, normalisation with its offset map, and the tokeniser size limit."""

from __future__ import annotations

import pytest

from clausecheck.lang import (
    INVISIBLE,
    SUDACHI_MAX_BYTES,
    detect_language,
    normalise,
    pipeline,
    split_for_tokeniser,
)
from conftest import document_from_text


@pytest.mark.parametrize(
    "text, language",
    [
        ("This Agreement is made between Acme Inc. and Beta LLC.", "en"),
        ("本契約は、甲と乙との間で締結される。", "ja"),
        ("第1条 本契約はAcme Inc.（以下「甲」という。）とBeta LLC（以下「乙」という。）の間で締結される。", "ja"),
        ("1.1 The Recipient shall keep the information confidential（秘密保持）for five years after disclosure.", "en"),
        ("", "en"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "original, expected",
    [
        ("ex\u200bclusive", "exclusive"),
        ("独\u200b占", "独占"),
        ("soft\u00adware", "software"),
        ("\u202eexclusive\u202c", "exclusive"),
        ("\ufeffAgreement", "Agreement"),
        ("ＥＸＣＬＵＳＩＶＥ", "EXCLUSIVE"),
        ("ｶﾞｲﾄﾞ", "ガイド"),
        ("１２３４", "1234"),
        ("㈱アルファ", "(株)アルファ"),
    ],
)
def test_normalise_folds_and_removes_invisible_characters(original, expected):
    normalised = normalise(original)
    assert normalised.text == expected
    assert not any(ch in INVISIBLE for ch in normalised.text)


def test_invisible_characters_do_not_hide_a_word_from_matching():
    text = "The Licensee is granted an ex\u200bclusive licence; 乙は独\u200b占的に販売する。"
    normalised = normalise(text)
    for word in ("exclusive", "独占"):
        start = normalised.text.index(word)
        orig_start, orig_end = normalised.to_original(start, start + len(word))
        # The evidence is cut from the original, invisible character and all.
        assert text[orig_start:orig_end].replace("\u200b", "") == word


def test_offsets_map_back_exactly_through_width_folding():
    text = "第１２条　ＡＢＣ社は、ｶﾞｲﾄﾞに従う。"
    normalised = normalise(text)
    start = normalised.text.index("ABC")
    assert normalised.to_original(start, start + 3) == (text.index("ＡＢＣ"), text.index("ＡＢＣ") + 3)
    start = normalised.text.index("ガイド")
    orig = normalised.to_original(start, start + 3)
    assert text[orig[0]:orig[1]] == "ｶﾞｲﾄﾞ"
    assert normalised.to_original(0, len(normalised.text)) == (0, len(text))


def test_split_for_tokeniser_keeps_every_piece_under_the_byte_limit():
    text = ("本契約の有効期間は一年とする。" * 3000) + ("😀" * 20000)
    pieces = split_for_tokeniser(text, "ja")
    assert len(pieces) > 1
    assert "".join(piece for _, piece in pieces) == text
    for offset, piece in pieces:
        assert text[offset:offset + len(piece)] == piece
        assert len(piece.encode("utf-8")) <= SUDACHI_MAX_BYTES
    assert split_for_tokeniser("short", "ja") == [(0, "short")]


def _long_japanese_contract(articles: int) -> str:
    lines = ["業務委託契約書", "株式会社アルファ（以下「甲」という。）と株式会社ベータ（以下「乙」という。）は、次のとおり契約を締結する。"]
    for number in range(1, articles + 1):
        lines.append(f"（第{number}の事項）")
        lines.append(f"第{number}条　甲及び乙は、本契約第{number}条に定める事項について、誠実に協議し、相手方の書面による事前の承諾なく第三者に開示してはならない。")
        lines.append("２　前項の規定にかかわらず、法令に基づき開示を求められた場合はこの限りでない。ただし、事前に相手方に通知するものとする。")
        lines.append("（１）　裁判所の命令による場合")
        lines.append("（２）　監督官庁の要請による場合")
    return "\n".join(lines)


def test_a_hundred_page_japanese_contract_tokenises_and_parses():
    text = _long_japanese_contract(200)
    assert len(text.encode("utf-8")) > 2 * SUDACHI_MAX_BYTES
    document = document_from_text(text)
    articles = [c for c in document.clauses if c.kind == "clause"]
    assert [c.number for c in articles] == [f"第{n}条" for n in range(1, 201)]
    assert all(c.heading == f"第{n}の事項" for n, c in zip(range(1, 201), articles))
    assert [c.number for c in articles[-1].children] == ["第200条2項"]
    assert [c.number for c in articles[-1].children[0].children] == ["第200条2項(1)", "第200条2項(2)"]
    nlp = pipeline("ja")
    tokens = 0
    for offset, piece in split_for_tokeniser(document.text, "ja"):
        doc = nlp(piece)
        tokens += len(doc)
        assert doc.text == document.text[offset:offset + len(piece)]
    assert tokens > 10_000


@pytest.mark.parametrize(
    "text",
    ["1. Exclusivity. Licensor grants Licensee an ex\u200bclusive licence in Japan.", "第1条　乙は、本製品を独\u200b占的に販売する権利を有する。"],
)
def test_rules_see_through_invisible_characters(engine, text):
    from clausecheck.engine.runner import CheckOptions

    report = engine.check(document_from_text(text), CheckOptions())
    assert report.topics["exclusivity"].status == "present"


def test_detect_language_counts_as_the_character_loop_did():
    """The regex count gives the language the per-character loop over is_cjk gave."""
    import random

    from clausecheck.lang import detect_language, is_cjk

    def by_loop(text: str) -> str:
        cjk = latin = 0
        for ch in text[:200_000]:
            if is_cjk(ch):
                cjk += 1
            elif ch.isalpha() and ch.isascii():
                latin += 1
        return "en" if cjk == 0 else ("ja" if cjk * 4 >= latin * 0.5 else "en")

    generator = random.Random(7)
    alphabet = "abcXYZ 甲乙あアｱ１1.,\u3000éß\u3400\u4dbf\uf900\uff66\uff9f\u30ff\u3040"
    for _ in range(3000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 60)))
        assert detect_language(text) == by_loop(text), text


def test_normalised_texts_are_shared_and_bounded(monkeypatch):
    from clausecheck import lang

    text = "第１条（目的）　本契約は、ｅｘ\u200bclusive な取引を定める。"
    first = lang.normalise(text)
    assert lang.normalise(text) is first  # lint and the engine share one result
    assert lang.normalise("".join(text)) == lang._normalise(text)
    monkeypatch.setattr(lang, "NORMALISED_CACHE_CHARS", 100)
    for number in range(50):
        lang.normalise(f"clause {number} " * 3)
    assert lang._normalised_chars <= 100 and sum(map(len, lang._normalised)) == lang._normalised_chars
    too_long = "x" * 101
    assert lang.normalise(too_long).text == too_long and too_long not in lang._normalised
