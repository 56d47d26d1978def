"""Findings of a bilingual contract: one finding for both language versions, with a quote from each.

A contract written in Japanese and English says each thing twice, and each version is checked
in its own language. A trap both versions carry is one point for the reader: its finding quotes
the Japanese and the English clause, each quote marked with its language and the clause it
translates (`Evidence.language`, `Evidence.parallel`). Where the two versions are read by two
rules of one topic that judge the same way (one rule's words in Japanese, another's in
English), the second finding joins the first.

A translation paragraph inside an article (「第5条 … English Reference — Article 5: …」) is a
reference rendering, often abridged: read in its own language it quotes what the article says,
but it does not on its own make a topic present or a finding (the article's own version is the
contract). Parallel articles (第2条 / Article 2) are full versions and each counts.
"""

from __future__ import annotations

from dataclasses import replace

from clausecheck.model import Clause, Document, Evidence, Finding
from clausecheck.bilingual import parallel_clauses

# Finding kinds that quote what a clause says (a `missing` finding has no quote; a `lint`
# finding quotes drafting, which each version has on its own).
_QUOTED_KINDS = ("risk", "note")


class ParallelVersions:
    """The clauses of a bilingual contract with their counterparts in the other language."""

    def __init__(self, document: Document):
        self._versions: list[tuple[Clause, Clause, str | None]] = []  # (clause, counterpart, counterpart's citation)
        for japanese, english in parallel_clauses(document):
            self._versions.append((japanese, english, english.number or japanese.number))
            self._versions.append((english, japanese, japanese.number))

    def __bool__(self) -> bool:
        return bool(self._versions)

    def version_of(self, offset: int) -> tuple[Clause, Clause, str | None] | None:
        """The innermost version clause holding `offset` (a translation paragraph inside its
        article is the English version, the rest of the article the Japanese one)."""
        found = None
        for version in self._versions:
            clause = version[0]
            if clause.start <= offset < clause.end and (found is None or clause.end - clause.start < found[0].end - found[0].start):
                found = version
        return found

    def translates_any(self, offset: int, offsets: list[int]) -> bool:
        """Whether the clause at `offset` is the other version of a clause holding one of `offsets`."""
        version = self.version_of(offset)
        if version is None:
            return False
        counterpart = version[1]
        return any((other := self.version_of(o)) is not None and other[0] is counterpart for o in offsets)

    def tagged(self, evidence: Evidence) -> Evidence:
        version = self.version_of(evidence.start)
        if version is None:
            return evidence
        clause, _, counterpart = version
        return replace(evidence, language=clause.language, parallel=counterpart)

    def with_counterparts(self, chosen: list[Evidence], candidates: list[Evidence]) -> list[Evidence]:
        """`chosen` quotes, each followed by the quote of the same finding in the other version
        of its clause when `candidates` (all its quotes) hold one."""
        out = [self.tagged(e) for e in chosen]
        seen = {(e.start, e.end) for e in out}
        for evidence in list(out):
            version = self.version_of(evidence.start)
            if version is None:
                continue
            counterpart = version[1]
            if any(self._in(other, counterpart) for other in out):
                continue
            extra = next((c for c in candidates if (c.start, c.end) not in seen and self._in(c, counterpart)), None)
            if extra is not None:
                seen.add((extra.start, extra.end))
                out.append(self.tagged(extra))
        return out

    def merged(self, findings: list[Finding]) -> list[Finding]:
        """Every quote tagged; a finding whose quotes are all the other version of another
        finding's clauses (same topic, kind and favoured party) joined to it; ids renumbered."""
        kept: list[Finding] = []
        for finding in findings:
            finding = replace(finding, evidence=tuple(self.tagged(e) for e in finding.evidence))
            target = next((i for i, k in enumerate(kept) if self._translates(k, finding)), None)
            if target is not None:
                kept[target] = replace(kept[target], evidence=kept[target].evidence + finding.evidence)
                continue
            kept.append(finding)
        return [replace(finding, id=f"F{i}") for i, finding in enumerate(kept, start=1)]

    def _in(self, evidence: Evidence, clause: Clause) -> bool:
        version = self.version_of(evidence.start)
        return version is not None and version[0] is clause

    def _translates(self, first: Finding, second: Finding) -> bool:
        if first.kind not in _QUOTED_KINDS or (first.kind, first.topic, first.favours) != (second.kind, second.topic, second.favours):
            return False
        if not first.evidence or not second.evidence:
            return False
        first_languages = {e.language for e in first.evidence}
        second_languages = {e.language for e in second.evidence}
        if None in first_languages | second_languages or len(first_languages) != 1 or first_languages & second_languages:
            return False
        versions = [self.version_of(e.start) for e in first.evidence]
        if any(version is None for version in versions):
            return False  # a quote outside every paired clause translates nothing
        counterparts = [version[1] for version in versions if version is not None]
        return all(any(self._in(e, clause) for clause in counterparts) for e in second.evidence)


def drop_lone_reference_hits(outcomes: dict) -> None:
    """Hits read in a translation paragraph: topic hits kept only where the article's own text
    has a hit of the same topic; finding hits set aside as quotes (`reference_hits`), so they
    never make a finding or decide whom it favours.

    `outcomes` maps a rule id to the engine's outcome (`topic_hits`, `finding_hits`,
    `reference_hits`), each hit with `rule` and `unit` (`unit.reference`, `unit.clause.number`).
    """
    topics_read = {(hit.rule.topic, hit.unit.clause.number) for outcome in outcomes.values() for hit in outcome.topic_hits if not hit.unit.reference}
    for outcome in outcomes.values():
        if any(hit.unit.reference for hit in outcome.topic_hits):
            outcome.topic_hits = [h for h in outcome.topic_hits
                                  if not h.unit.reference or (h.unit.clause.number and (h.rule.topic, h.unit.clause.number) in topics_read)]
        if any(hit.unit.reference for hit in outcome.finding_hits):
            outcome.reference_hits = [h for h in outcome.finding_hits if h.unit.reference]
            outcome.finding_hits = [h for h in outcome.finding_hits if not h.unit.reference]


def document_language_decides(hits: list, language: str) -> list:
    """Where the two versions read whom a rule's clause favours differently, the version in the
    contract's own language decides: the other version's hits that disagree are left out.

    Each hit has `favours`, `subject` and `unit.language`. Versions that agree, or a rule read
    in one language only, are left as they are.
    """
    own = [h for h in hits if h.unit.language == language]
    if not own or len(own) == len(hits):
        return hits
    own_reading = {h.favours for h in own if h.favours}
    readings = {h.favours for h in hits if h.favours}
    if len(own_reading) != 1 or len(readings) == 1:
        return hits
    decided = next(iter(own_reading))
    return own + [h for h in hits if h.unit.language != language and h.favours == decided]
