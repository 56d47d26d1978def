"""What every check kind shares: a clause as the matchers see it (`_Unit`), one match (`_Hit`),
what a rule collected (`_RuleOutcome`), and the evidence a finding quotes from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clausecheck.engine.quotes import operative_span
from clausecheck.engine.schema import Rule, StatementPattern
from clausecheck.lang import NormalisedText
from clausecheck.model import Clause, Document, Evidence
from clausecheck.statements import Statement

EVIDENCE_MAX_CHARS = 500


@dataclass
class _Unit:
    """A top-level clause as the matchers see it."""

    clause: Clause
    language: str
    norm: NormalisedText
    sentences: list[tuple[int, int]]
    statements: tuple = ()  # set by the statement stage, read when one statement needs another
    document_units: list = field(default_factory=list)  # every unit of the document (shared list)
    survives: tuple | None = None  # (unit, statement) of a survival clause that cites this article
    reference: bool = False  # a translation paragraph inside an article of the other language


@dataclass
class _Hit:
    rule: Rule
    unit: _Unit
    start: int  # in the unit's normalised text
    end: int
    subject: str | None = None
    favours: str | None = None
    statement: Statement | None = None  # set when a `when:` pattern matched a statement
    pattern: StatementPattern | None = None
    lead_in: Statement | None = None  # the sentence that introduces the list item matched
    likewise: bool = False  # the statement extends its lead-in's rule ("…についても同様とする")
    survives: tuple | None = None  # the survival statement that made it hold after the term


@dataclass
class _RuleOutcome:
    topic_hits: list[_Hit] = field(default_factory=list)
    finding_hits: list[_Hit] = field(default_factory=list)
    reference_hits: list[_Hit] = field(default_factory=list)  # read in a translation paragraph: quoted, never deciding


def _finding_fields(rule: Rule, kind: str, severity: str, favours, evidence, language: str) -> dict:
    return {
        "rule": rule.id,
        "topic": rule.topic,
        "kind": kind,
        "severity": severity,
        "title": rule.text("title", language),
        "message": rule.text("message", language),
        "why": rule.text("why", language),
        "recommendation": rule.text("recommendation", language),
        "question": rule.text("question", language),
        "favours": favours,
        "references": rule.references,
        "evidence": tuple(evidence),
    }


def _sentence_around(unit: _Unit, offset: int) -> tuple[int, int]:
    for start, end in unit.sentences:
        if start <= offset < end:
            return start, end
    return 0, len(unit.norm.text)


def _original_span(unit: _Unit, start: int, end: int) -> tuple[int, int]:
    orig_start, orig_end = unit.norm.to_original(start, end)
    return unit.clause.start + orig_start, unit.clause.start + orig_end


def _original_offset(unit: _Unit, norm_offset: int) -> int:
    start, _ = unit.norm.to_original(norm_offset, norm_offset + 1)
    return unit.clause.start + start


def _deepest(clause: Clause, offset: int) -> Clause:
    found = clause
    for sub in clause.walk():
        if sub.start <= offset < sub.end:
            found = sub
    return found


def _evidence_list(document: Document, hits: list[_Hit], limit: int) -> list[Evidence]:
    seen: set[tuple[int, int]] = set()
    evidence: list[Evidence] = []
    for hit in sorted(hits, key=lambda h: (h.unit.clause.start, h.start)):
        item = _evidence(document, hit)
        key = (item.start, item.end)
        # A quote inside one already kept (the sentence under a heading quoted with it) says
        # nothing new; one that starts where a kept one does and runs further replaces it.
        if key in seen or any(start <= item.start and item.end <= end for start, end in seen):
            continue
        longer = next((i for i, kept in enumerate(evidence) if kept.start == item.start and kept.end < item.end), None)
        if longer is not None:
            seen.discard((evidence[longer].start, evidence[longer].end))
            seen.add(key)
            evidence[longer] = item
            continue
        seen.add(key)
        evidence.append(item)
        if len(evidence) >= limit:
            break
    return evidence


def _evidence(document: Document, hit: _Hit) -> Evidence:
    unit = hit.unit
    s_start, s_end = _sentence_around(unit, hit.start)
    # A match may run past its first sentence (a heading line above it): quote through the
    # end of the sentence where it ends.
    s_end = max(s_end, _sentence_around(unit, max(hit.end - 1, hit.start))[1])
    orig_s_start, orig_s_end = unit.norm.to_original(s_start, s_end)
    orig_m_start, orig_m_end = unit.norm.to_original(hit.start, hit.end)
    base = unit.clause.start
    match_start, match_end = base + orig_m_start, base + orig_m_end
    # The quote must hold the match whole.
    start, end = min(base + orig_s_start, match_start), max(base + orig_s_end, match_end)
    start, end = operative_span(document, _deepest(unit.clause, match_start), start, end, EVIDENCE_MAX_CHARS)
    if end - start > EVIDENCE_MAX_CHARS:
        # Keep the match in view: a window around it, cut at the sentence edges.
        half = (EVIDENCE_MAX_CHARS - (match_end - match_start)) // 2
        start = max(start, match_start - max(half, 40))
        end = min(end, max(match_end + max(half, 40), start + EVIDENCE_MAX_CHARS))
    text = document.text[start:end]
    stripped_left = len(text) - len(text.lstrip())
    text = text.strip()
    start += stripped_left
    end = start + len(text)
    clause = _deepest(unit.clause, match_start)
    block = document.block_at(match_start)
    return Evidence(
        clause=clause.number or unit.clause.number or clause.heading,
        page=block.page if block else clause.page,
        block=block.index if block else None,
        start=start,
        end=end,
        text=text,
        match=document.text[match_start:match_end],
        match_start=max(0, match_start - start),
    )
