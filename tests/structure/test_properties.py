"""Properties that hold for any input: a valid Document, an exact offset map, numeral round trips."""

from __future__ import annotations

from conftest import document_from_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clausecheck.lang import INVISIBLE, confusable_latin, normalise
from clausecheck.numerals import kanji_to_int, roman_to_int

# Pieces that exercise the clause builder: markers of every style, headings, furniture.
FRAGMENTS = [
    "第1条", "第十二条", "第3条の2", "第１章　総則", "（目的）", "２　", "（１）", "①", "一　", "ア　", "別紙1", "附則", "記",
    "ただし、", "（以下「甲」という。）", "「秘密情報」とは",
    "ARTICLE I", "Article 2", "Section 5.2", "1.", "1.1", "2.1.1", "(a)", "(i)", "(A)", "A.", "WHEREAS,", "RECITALS",
    "IN WITNESS WHEREOF", "TABLE OF CONTENTS", "EXHIBIT A", "Schedule 1", "CONFIDENTIALITY", "## ", "**", "*", "> ", "| a | b |",
    "Source: ACME INC, 10-K, 1/1/2020", "Page 3 of 12", "12", '("Licensor")', 'between Acme Inc. ("Acme") and Beta LLC ("Beta")',
    "\u200b", "\u00ad", "\u202e", "　", "   ", "\t", "English Reference — Article 5: the Receiving Party may use it.",
]
pieces = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))
contract_texts = st.lists(st.tuples(pieces, st.sampled_from(["\n", " ", "", "\n\n", "   "])), max_size=40).map(
    lambda parts: "".join(piece + sep for piece, sep in parts)
)


def _check_document(document):
    text = document.text
    previous_end = -1
    for block in document.blocks:
        assert block.start > previous_end
        assert text[block.start:block.end] == block.text
        previous_end = block.end
    for clause in document.clauses:
        assert clause.level in (0, 1)
    starts = [c.start for c in document.clauses]
    assert starts == sorted(starts)
    for clause in document.all_clauses():
        assert 0 <= clause.start <= clause.end <= len(text)
        assert text[clause.start:clause.end] == clause.text
        for child in clause.children:
            assert clause.start <= child.start <= child.end <= clause.end
            assert child.level == clause.level + 1
    for definition in document.definitions:
        assert 0 <= definition.start <= definition.end <= len(text)
    assert [p.id for p in document.parties] == [chr(ord("A") + i) for i in range(len(document.parties))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contract_texts)
def test_any_text_gives_a_valid_document(text):
    _check_document(document_from_text(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contract_texts)
def test_any_markdown_gives_a_valid_document(text):
    _check_document(document_from_text(text, suffix=".md"))


_FOLD = str.maketrans(confusable_latin())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("AΕ")
def test_normalised_spans_map_back_inside_the_original(text):
    normalised = normalise(text)
    n = len(normalised.text)
    assert len(normalised.origin) == n
    assert list(normalised.origin) == sorted(normalised.origin)
    for start in range(n + 1):
        for end in range(start, min(n, start + 4) + 1):
            orig_start, orig_end = normalised.to_original(start, end)
            assert 0 <= orig_start <= orig_end <= len(text)
            # The original span, normalised on its own, holds the normalised span — up to the
            # look-alike letters that are folded only inside a Latin word ('AΕ' → 'AE', but
            # 'Ε' alone stays Greek): fold those the same way on both sides.
            alone = normalise(text[orig_start:orig_end]).text.translate(_FOLD)
            assert normalised.text[start:end].translate(_FOLD) in alone
    assert normalised.removed_invisible == sum(ch in INVISIBLE for ch in text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60), st.data())
def test_ascii_round_trips_exactly(text, data):
    normalised = normalise(text)
    assert normalised.text == text
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert normalised.to_original(start, end) == (start, end)


def _kanji(number: int) -> str:
    digits = "〇一二三四五六七八九"
    out = ""
    for value, unit in ((100, "百"), (10, "十")):
        count, number = divmod(number, value)
        if count:
            out += ("" if count == 1 else digits[count]) + unit
    return out + (digits[number] if number else "")


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


@given(st.integers(1, 999))
def test_kanji_numerals_round_trip(number):
    assert kanji_to_int(_kanji(number)) == number
    assert kanji_to_int(str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == number


@given(st.integers(1, 399))
def test_roman_numerals_round_trip(number):
    assert roman_to_int(_roman(number)) == number
    assert roman_to_int(_roman(number).upper()) == number


def test_numeral_examples():
    assert [kanji_to_int(k) for k in ("十二", "二十一", "百五", "三百十", "九百九十九", "十")] == [12, 21, 105, 310, 999, 10]
    assert kanji_to_int("条") is None
    assert [roman_to_int(r) for r in ("iv", "IX", "xiv", "XL")] == [4, 9, 14, 40]
    assert roman_to_int("abc") is None
