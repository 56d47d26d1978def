"""Which articles a survival clause keeps in force after the contract ends.

Drafters often put a restraint's reach after the term in a clause of its own: 「第3条、第5条から
第7条まで及び第11条の規定は、本契約終了後五年間有効に存続する」, "Sections 4 (Exclusivity) and 9
survive any termination". Read alone, the exclusivity of 第7条 or Section 4 says nothing about
the time after the term; read with the survival clause, it outlives the contract. This module
finds the survival statements (time `after_term` in rules/lexicon/time.yaml), reads the articles
they cite (rules/citations.yaml) and returns them, so the runner can read each cited article's
statements as holding after the term too.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from clausecheck.engine.lint import article_value
from clausecheck.numerals import kanji_to_int

# A survival clause cites a handful of articles; a longer list is a table of contents.
MAX_CITED_ARTICLES = 40


@dataclass(frozen=True)
class Citations:
    """rules/citations.yaml compiled, per language."""

    patterns: dict[str, tuple]  # language → compiled patterns, each with a group `list`
    ranges: dict[str, tuple[str, ...]]  # language → the words that join the ends of a range


def cited_articles(text: str, language: str, citations: Citations) -> set[int]:
    """The article numbers `text` cites, ranges expanded (第5条から第7条まで → 5, 6, 7)."""
    found: set[int] = set()
    joiners = citations.ranges.get(language, ())
    for pattern in citations.patterns.get(language, ()):
        for m in pattern.finditer(text, timeout=1.0):
            found |= _numbers_of(m.group("list"), language, joiners)
            if len(found) > MAX_CITED_ARTICLES:
                return set()
    return found


def _numbers_of(listed: str, language: str, joiners: tuple[str, ...]) -> set[int]:
    # The article of each cited number: in 「第5条2項」 or "4.2" only the first level counts.
    if language == "ja":
        pieces = regex.findall(r"第\s*([0-9一二三四五六七八九十百]+)\s*条|(" + "|".join(regex.escape(j) for j in joiners) + r")", listed) if joiners else []
        tokens = [("n", kanji_to_int(n)) if n else ("r", None) for n, _ in pieces]
    else:
        tokens = []
        for m in regex.finditer(r"(\d{1,3})(?:\.\d{1,3})*(?:\s?\([a-z0-9]{1,4}\))*|(" + "|".join(regex.escape(j) for j in joiners) + r")", listed):
            tokens.append(("n", int(m.group(1))) if m.group(1) else ("r", None))
    numbers: set[int] = set()
    previous = None
    pending_range = False
    for kind, value in tokens:
        if kind == "r":
            pending_range = previous is not None
            continue
        if value is None:
            continue
        if pending_range and previous is not None and 0 < value - previous <= MAX_CITED_ARTICLES:
            numbers.update(range(previous, value + 1))
        else:
            numbers.add(value)
        previous, pending_range = value, False
    return numbers


def surviving_articles(units, citations: Citations) -> dict[int, tuple]:
    """Article number → (unit, statement) of the survival statement that keeps it in force."""
    out: dict[int, tuple] = {}
    for unit in units:
        for statement in unit.statements:
            if "after_term" not in statement.values("time"):
                continue
            text = unit.norm.text[statement.start:statement.end]
            for number in sorted(cited_articles(text, unit.language, citations)):
                out.setdefault(number, (unit, statement))
    return out


def article_of(clause) -> int | None:
    """The article number of a top-level clause (第7条, Article 7, 7.), if it has one."""
    return article_value(clause.number) if clause.number else None
