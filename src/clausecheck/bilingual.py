"""Bilingual contracts: the language of a block, whether a contract is written in two, and its
parallel versions (第2条 and Article 2, an article and the translation paragraph under it).

A Japanese contract with its English translation beside it or after it says everything twice.
Each version is checked in its own language; a finding that both versions carry is one point
for the reader, not two, so the engine needs to know which clause translates which.
"""

from __future__ import annotations

import re
from dataclasses import replace

from clausecheck.lang import language_of_counts, script_counts
from clausecheck.model import Clause, Document, Party

# A block needs this many letters (a kanji counts for four) before its language is told.
MIN_LETTERS = 8
# Each language must hold this share of the text of the blocks long enough to tell.
MIN_SHARE = 0.2
# The shorter numbering must have this share of the longer one's clauses to be its translation.
PARALLEL_SHARE = 0.6
# 'Minato Seiki Co., Ltd. ("Party A")': the name a party is given in the English preamble.
_RE_EN_DEFINED_NAME = re.compile(r"[(（]\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?)?(?:the\s+)?[\"“]([^\"”]{1,40})[\"”]\s*[)）]", re.IGNORECASE)
_RE_ORDINAL = re.compile(r"^(?:第(\d+)条|Article\s+(\d+)|Section\s+(\d+)|(\d+))$")


def block_language(text: str) -> str | None:
    """`ja` or `en` for a text with enough letters to tell, else None."""
    cjk, latin = script_counts(text[:2000])
    if cjk * 4 + latin < MIN_LETTERS:
        return None
    return language_of_counts(cjk, latin)


def is_bilingual(blocks, text: str | None = None) -> bool:
    """Whether a real share of the text is in each language (not an English name in a Japanese
    contract, not a Japanese address in an English one). `text`: the blocks' text, when joined already."""
    cjk, latin = script_counts(text if text is not None else "".join(block.text for block in blocks))
    if cjk * 2 < MIN_SHARE * latin or latin < MIN_SHARE * cjk:
        return False  # one script all but alone: no block-by-block look needed
    weight = {"ja": 0, "en": 0}
    for block in blocks:
        if len(block.text) < 30:
            continue
        language = block_language(block.text)
        if language is not None:
            weight[language] += len(block.text) * (2 if language == "ja" else 1)  # a kanji says what two letters say
    total = weight["ja"] + weight["en"]
    return total > 0 and min(weight.values()) >= MIN_SHARE * total


def ordinal(number: str | None) -> int | None:
    """The article's place in its numbering: 第12条, Article 12, Section 12 and 12 are all 12."""
    m = _RE_ORDINAL.match(number or "")
    if not m:
        return None
    return int(next(group for group in m.groups() if group))


def translation_parts(clause: Clause, language: str) -> list[tuple[Clause, str]]:
    """A top-level clause cut into the runs of one language each, with that language.

    An article whose translation is a child paragraph (「第5条 … English Reference — Article 5: …」)
    gives the article's own text and the translation as two parts, each a Clause located in
    `Document.text`, so each is read by the rules of its language.
    """
    others = [child for child in clause.children if child.number is not None or child.language in (None, language)]
    # Only a translation between the article's sub-clauses is cut out: one inside the span of
    # a sub-clause (a title in Chinese within a licence's (a)) stays part of it.
    translations = [child for child in clause.children if child.number is None and child.language not in (None, language)
                    and not any(other.start < child.start < other.end for other in others)]
    if not translations:
        return [(clause, language)]
    parts: list[tuple[Clause, str]] = []
    cursor = clause.start
    offset = 0
    for child in translations:
        if child.start > cursor:
            parts.append((_part(clause, cursor, child.start, offset), language))
        # Cited as the article it translates.
        parts.append((replace(child, number=clause.number), child.language or language))
        cursor = child.end
        offset = cursor - clause.start
    if cursor < clause.end and clause.text[offset:].strip():
        parts.append((_part(clause, cursor, clause.end, offset), language))
    return parts


def _part(clause: Clause, start: int, end: int, offset: int) -> Clause:
    children = tuple(c for c in clause.children if start <= c.start and c.end <= end)
    return replace(clause, text=clause.text[offset: offset + end - start], start=start, end=end, children=children,
                   heading=clause.heading if start == clause.start else None)


def parallel_clauses(document: Document) -> list[tuple[Clause, Clause]]:
    """(Japanese clause, English clause) for each clause of a bilingual contract and its translation.

    Numbered top-level clauses pair by their place in their numbering (第2条 ↔ Article 2 ↔ 2.);
    a translation paragraph inside an article pairs with the article.
    """
    if not is_bilingual(document.blocks, document.text):
        return []  # a Chinese title in an English licence is no second version of it
    pairs: list[tuple[Clause, Clause]] = []
    by_language: dict[str, dict[int, Clause]] = {"ja": {}, "en": {}}
    for clause in document.clauses:
        if clause.kind != "clause" or clause.language not in by_language:
            continue
        place = ordinal(clause.number)
        if place is not None:
            by_language[clause.language].setdefault(place, clause)
        for child in clause.children:
            if child.number is None and child.language in by_language and child.language != clause.language:
                pairs.append((clause, child) if clause.language == "ja" else (child, clause))
    counts = sorted(len(numbered) for numbered in by_language.values())
    # Two numberings of about the same length translate each other; 第1条…第20条 and an annex
    # listing "1." to "3." do not.
    if counts[0] >= PARALLEL_SHARE * counts[1]:
        for place, japanese in by_language["ja"].items():
            english = by_language["en"].get(place)
            if english is not None:
                pairs.append((japanese, english))
    return sorted(pairs, key=lambda pair: pair[0].start)


def with_translated_aliases(parties: tuple[Party, ...], preamble: str) -> tuple[Party, ...]:
    """The parties with the names the other version's preamble gives them ("Party A" for 甲).

    The English preamble of a Japanese contract names the same parties in the same order; only
    when it defines exactly one name per party are they paired, so a defined "Agreement" or a
    third name never lands on the wrong side.
    """
    if len(parties) < 2:
        return parties
    english = "\n".join(line for line in preamble.splitlines() if block_language(line) == "en")
    known = {alias.casefold() for party in parties for alias in party.all_names}
    names = list(dict.fromkeys(m.group(1).strip() for m in _RE_EN_DEFINED_NAME.finditer(english)))
    if len(names) != len(parties) or any(name.casefold() in known for name in names):
        return parties
    return tuple(replace(party, aliases=party.aliases + (name,)) for party, name in zip(parties, names))
