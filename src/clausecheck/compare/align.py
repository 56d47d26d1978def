"""Align the articles of a draft with those of a template: by identical text, then by similarity, heading and number.

The unit is the article (第N条, Article/Section N): a chapter (第1章, Chapter 2) is looked
through to its articles. Texts are compared without their number and heading, NFKC-folded
and with whitespace ignored, so renumbering alone never makes two articles differ.

Similarity is rapidfuzz's normalised Indel ratio. To stay bounded on huge inputs (a 5,000
clause template), an article is only scored against draft articles near its relative
position, plus those with the same heading; identical texts are paired first by hash.
Pairs are then taken greedily, best score first, above a threshold; an article left without
a partner is missing (template) or added (draft). Order is judged on the pairs: the longest
run that keeps its order is in place, the other pairs are moved.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from clausecheck.model import Clause, Document

# A chapter, part or section group holding articles: looked through, never compared itself.
CHAPTER = re.compile(r"^(?:第[0-9一二三四五六七八九十百]+[章編節]|(?:chapter|part)\s+[0-9ivxlc]+)", re.IGNORECASE)
UNIT_KINDS = ("clause", "schedule")
MATCH_THRESHOLD = 55.0  # below this similarity two articles are different articles
HEADING_MATCH_THRESHOLD = 15.0  # ... unless their headings say the same (目的 / 目的): then it is that article, changed
HEADING_SAME = 80.0  # headings this similar (or one inside the other) name the same article
ALL_PAIRS_LIMIT = 250_000  # template × draft articles scored exhaustively up to this many pairs
WINDOW = 60  # otherwise: draft articles this close to the relative position are scored
PLACE_WEIGHT = 5.0  # score lost by a candidate at the other end of the document (relative places 0..1)
MAX_COMPARED_CHARS = 6_000  # longer article texts are compared on this many characters


@dataclass(frozen=True)
class Unit:
    """One article as the alignment sees it."""

    clause: Clause
    position: int
    number: str
    heading: str
    body: str  # text without number and heading, folded, for comparing


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[tuple[int, int, float], ...]  # (template position, draft position, similarity 0..100)
    in_order: frozenset[tuple[int, int]]
    template: tuple[Unit, ...]
    draft: tuple[Unit, ...]


def fold(text: str, language: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()) if language == "ja" else " ".join(folded.lower().split())


def articles(document: Document) -> list[Clause]:
    """The document's articles in order, chapters looked through."""
    found: list[Clause] = []

    def visit(clause: Clause) -> None:
        label = unicodedata.normalize("NFKC", clause.number or clause.heading or "")
        if CHAPTER.match(label) and clause.children:
            for child in clause.children:
                visit(child)
        elif clause.kind in UNIT_KINDS:
            found.append(clause)

    for clause in document.clauses:
        visit(clause)
    return found


def body_of(clause: Clause) -> str:
    """The clause text without its leading number and heading (in either order, bracketed or not)."""
    text = clause.text
    head, rest = text[:200], text[200:]
    for label in (clause.heading, clause.number):
        if label:
            head = head.replace(label, "", 1)
    return head.lstrip(" \t\n　（）()【】[].．:：、-—") + rest


def units_of(document: Document) -> tuple[Unit, ...]:
    language = document.language
    return tuple(
        Unit(clause, position, fold(clause.number or "", language), fold(clause.heading or "", language),
             fold(body_of(clause), language)[:MAX_COMPARED_CHARS])
        for position, clause in enumerate(articles(document))
    )


def align(template: tuple[Unit, ...], draft: tuple[Unit, ...]) -> Alignment:
    pairs: list[tuple[int, int, float]] = []
    used_template: set[int] = set()
    used_draft: set[int] = set()
    _pair_identical(template, draft, pairs, used_template, used_draft)
    candidates = _scored_candidates(template, draft, used_template, used_draft)
    for score, t, d, similarity in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if t in used_template or d in used_draft:
            continue
        pairs.append((t, d, similarity))
        used_template.add(t)
        used_draft.add(d)
    pairs.sort()
    return Alignment(tuple(pairs), _longest_in_order(pairs), template, draft)


def _pair_identical(template, draft, pairs, used_template, used_draft) -> None:
    """Identical texts pair first, in order, when both sides have as many copies of the text.

    Boilerplate repeated in a long contract has several copies; when their counts differ, a
    copy was removed or added and the scored pass decides, nearest relative place first.
    """
    in_draft: dict[str, list[int]] = {}
    in_template: dict[str, list[int]] = {}
    for unit in draft:
        if unit.body:
            in_draft.setdefault(unit.body, []).append(unit.position)
    for unit in template:
        if unit.body in in_draft:
            in_template.setdefault(unit.body, []).append(unit.position)
    for body, template_positions in in_template.items():
        draft_positions = in_draft[body]
        if len(template_positions) != len(draft_positions):
            continue  # a copy was removed or added: scoring with positions decides which
        chosen = list(zip(template_positions, draft_positions))
        for t, d in chosen:
            pairs.append((t, d, 100.0))
            used_template.add(t)
            used_draft.add(d)


def _scored_candidates(template, draft, used_template, used_draft) -> list[tuple[float, int, int, float]]:
    """(score, template position, draft position, similarity) for the pairs worth considering."""
    left = [u for u in template if u.position not in used_template]
    right = [u for u in draft if u.position not in used_draft]
    if not left or not right:
        return []
    candidates = []
    if len(left) * len(right) <= ALL_PAIRS_LIMIT:
        matrix = process.cdist([u.body for u in left], [u.body for u in right], scorer=fuzz.ratio, workers=1)
        for i, t in enumerate(left):
            for j, d in enumerate(right):
                _consider(t, d, float(matrix[i][j]), candidates, _drift(t, d, template, draft))
        return candidates
    by_heading: dict[str, list]= {}
    for unit in right:
        if unit.heading:
            by_heading.setdefault(unit.heading, []).append(unit)
    right_positions = [u.position for u in right]
    scale = max(len(draft), 1) / max(len(template), 1)
    for t in left:
        middle = bisect.bisect_left(right_positions, int(t.position * scale))
        nearby = right[max(0, middle - WINDOW): middle + WINDOW]
        chosen = {u.position: u for u in nearby + by_heading.get(t.heading, [])[:WINDOW]}
        for d in chosen.values():
            _consider(t, d, fuzz.ratio(t.body, d.body), candidates, _drift(t, d, template, draft))
    return candidates


def _drift(t: Unit, d: Unit, template, draft) -> float:
    """How far apart two articles sit, as a share of their documents (0 = same relative place)."""
    return abs(t.position / max(len(template), 1) - d.position / max(len(draft), 1))


def same_heading(first: str, second: str) -> bool:
    if not first or not second:
        return False
    return first == second or (min(len(first), len(second)) >= 2 and (first in second or second in first)) \
        or fuzz.ratio(first, second) >= HEADING_SAME


def _consider(t: Unit, d: Unit, similarity: float, candidates: list, drift: float = 0.0) -> None:
    headings_agree = same_heading(t.heading, d.heading)
    if similarity < MATCH_THRESHOLD and not (headings_agree and similarity >= HEADING_MATCH_THRESHOLD):
        return
    # Text decides; a shared heading or number, then the nearer place, break ties between near-equal candidates.
    score = similarity + (8.0 if headings_agree else 0.0) + (2.0 if t.number and t.number == d.number else 0.0) - PLACE_WEIGHT * drift
    candidates.append((score, t.position, d.position, similarity))


def _longest_in_order(pairs: list[tuple[int, int, float]]) -> frozenset[tuple[int, int]]:
    """The largest set of pairs whose draft order follows the template order (patience sorting, O(n log n))."""
    tails: list[int] = []  # draft positions ending the best run of each length
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_t, d, _s) in enumerate(pairs):
        length = bisect.bisect_left(tails, d)
        if length == len(tails):
            tails.append(d)
            tail_index.append(index)
        else:
            tails[length] = d
            tail_index[length] = index
        previous[index] = tail_index[length - 1] if length else -1
    kept = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        kept.add((pairs[index][0], pairs[index][1]))
        index = previous[index]
    return frozenset(kept)
