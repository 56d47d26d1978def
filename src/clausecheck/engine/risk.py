"""`risk` rules, and `conditional` ones whose companion is missing: a trap found in the contract.

One finding per rule: its evidence, the side it favours (a note, not a risk, when that is the
reader's side) and the statement features that explain it.
"""

from __future__ import annotations

from clausecheck.engine.bilingual import document_language_decides
from clausecheck.engine.hits import _evidence_list, _finding_fields, _Hit, _original_offset, _RuleOutcome
from clausecheck.engine.mutuality import favoured_side
from clausecheck.engine.parties import MUTUAL
from clausecheck.engine.perspective import advice_fields
from clausecheck.engine.schema import Rule
from clausecheck.model import SEVERITY_ORDER, Document

_MODALITY_PRIORITY = ("prohibition", "exemption", "right", "state", "obligation")


# A side "dominates" a contract when it is favoured by at least this many one-sided findings
# and by at least twice as many as the other side.
_DOMINANT_MIN_FINDINGS = 3


def _dominant_party(drafts: list[tuple[int, int, dict]]) -> tuple[str | None, int, int]:
    """The side most of the one-sided findings favour, with its count and the total; None
    when no side leads clearly (a fair contract, or one-sided terms both ways)."""
    counts: dict[str, int] = {}
    for _, _, fields in drafts:
        favours = fields.get("favours")
        if fields["kind"] in ("risk", "note") and favours and favours != MUTUAL:
            counts[favours] = counts.get(favours, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    total = sum(counts.values())
    if not ranked or ranked[0][1] < _DOMINANT_MIN_FINDINGS:
        return None, 0, total
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None, 0, total
    return ranked[0][0], ranked[0][1], total


def _dominant_explanation(party_id: str, lead: int, total: int, document: Document) -> dict:
    party = document.party(party_id)
    name = party.all_names[0] if party and party.all_names else party_id
    return {
        "favours": party_id,
        "favours_from": "dominant",
        "said": {
            "en": f"binds both sides alike; {lead} of the contract's {total} one-sided terms favour {name} → favours {name}",
            "ja": f"双方に同じく適用されるが、本契約の一方的な条項{total}件中{lead}件が{name}に有利 → {name}に有利",
        },
    }


def _explanation(hits: list[_Hit], favours: str | None, document: Document, lexicon) -> dict:
    """The statement features behind a finding (DESIGN.md §8): what the first matching
    statement says, feature by feature, whom that favours, and the same in plain words of
    both memo languages (「乙 · 義務 · 譲渡 · 成果 · 無償 → 甲に有利」)."""
    hit = next((h for h in sorted(hits, key=lambda h: (h.unit.clause.start, h.start)) if h.statement is not None), None)
    if hit is None:
        return {}
    out: dict = {"actor": hit.subject}
    said_values: list[tuple[str, str]] = []
    for feature in ("modality", "action", "object", "consideration", "time", "condition"):
        asked = hit.pattern.values(feature)
        said = hit.statement.values(feature) | (hit.lead_in.values(feature) if hit.lead_in is not None else frozenset())
        values = sorted(said & asked) if asked else []
        if feature == "modality" and len(values) > 1:
            # "must · may not" reads as nonsense: say the one that binds most.
            values = [next(m for m in _MODALITY_PRIORITY if m in values)]
        if values:
            out[feature] = values
            said_values += [(feature, v) for v in values]
    out["favours"] = favours
    # The number a `when.quantity` asked for: 「９０日 (支払期限)」.
    quantity = next((q for q in hit.statement.quantities if hit.pattern.quantity.holds_for(q)), None) if hit.pattern.quantity else None
    if quantity is not None:
        out["quantity"] = {"text": quantity.text, "value": quantity.value, "type": quantity.type, "meaning": quantity.meaning}

    def name(party_id: str | None, language: str) -> str:
        if party_id == MUTUAL:
            return "both parties" if language == "en" else "双方"
        party = document.party(party_id) if party_id else None
        return party.all_names[0] if party and party.all_names else ("?" if language == "en" else "不明")

    words = {}
    for language in ("en", "ja"):
        parts = [name(hit.subject, language)] + [lexicon.label(f, v, language) for f, v in said_values]
        if quantity is not None:
            parts.append(f"{quantity.text} ({lexicon.label('quantity', quantity.meaning or quantity.type, language)})")
        line = " · ".join(parts)
        if favours:
            line += f" → favours {name(favours, 'en')}" if language == "en" else f" → {name(favours, 'ja')}に有利"
        words[language] = line
    out["said"] = words
    return out


def risk_hits(outcome: _RuleOutcome | None, versions=None, document_language: str = "") -> list[_Hit]:
    """The hits a rule's finding rests on (none when it did not fire)."""
    if outcome is None or not outcome.finding_hits:
        return []
    hits = outcome.finding_hits
    statement_hits = [h for h in hits if h.statement is not None]
    if statement_hits:
        # Where a rule's statement and its regexes both read a sentence, the statement's
        # reading of who acts is the one to trust; a regex hit elsewhere still counts.
        def read_by_a_statement(hit: _Hit) -> bool:
            return any(s.unit is hit.unit and s.start < hit.end and hit.start < s.end for s in statement_hits)

        hits = statement_hits + [h for h in hits if h.statement is None and not read_by_a_statement(h)]
        if versions:
            # The other version of a clause a statement read says the same thing: the statement's reading stands.
            read = [_original_offset(h.unit, h.start) for h in statement_hits]
            hits = [h for h in hits if h.statement is not None or not versions.translates_any(_original_offset(h.unit, h.start), read)]
    if versions:
        hits = document_language_decides(hits, document_language)
    return hits


def risk_draft(rule: Rule, hits: list[_Hit], document: Document, perspective: str | None, language: str, lexicon, outcome: _RuleOutcome | None = None, versions=None):
    """(severity order, position, finding fields) of the rule's finding, or None when its hits
    are mutual where only a one-sided clause counts."""
    one_sided, favours, hits, shared_gap = favoured_side(rule, hits)
    if not one_sided:
        return None
    kind, severity = "risk", rule.severity
    if shared_gap:
        kind, severity = "note", "info"  # a gap both sides share: worth knowing
    if perspective and favours:
        if favours == perspective:
            kind, severity = "note", "info"
    evidence = _evidence_list(document, hits, limit=rule.max_evidence)
    if versions and outcome is not None:
        # The other version's quote may come from a hit the reading of who acts set aside.
        every_hit = outcome.finding_hits + outcome.reference_hits
        evidence = versions.with_counterparts(evidence, _evidence_list(document, every_hit, limit=len(every_hit)))
    first = min(_original_offset(h.unit, h.start) for h in hits)
    fields = _finding_fields(rule, kind, severity, favours, evidence, language)
    fields.update(advice_fields(rule, kind, favours, perspective, tuple(p.id for p in document.parties), language))
    fields["explanation"] = _explanation(hits, favours, document, lexicon)
    return (SEVERITY_ORDER[severity], first, fields)


def dominant_drafts(by_dominant: list[tuple[Rule, list[_Hit]]], drafts: list[tuple[int, int, dict]], document: Document, perspective: str | None, language: str) -> list[tuple[int, int, dict]]:
    """The findings of rules whose favour is told from the others' (`favours: dominant`)."""
    out: list[tuple[int, int, dict]] = []
    if by_dominant:
        dominant, lead, total = _dominant_party(drafts)
        for rule, hits in by_dominant:
            kind, severity = "risk", rule.severity
            if perspective and dominant == perspective:
                kind, severity = "note", "info"
            fields = _finding_fields(rule, kind, severity, dominant, _evidence_list(document, hits, limit=rule.max_evidence), language)
            fields["explanation"] = _dominant_explanation(dominant, lead, total, document) if dominant else {}
            out.append((SEVERITY_ORDER[severity], min(_original_offset(h.unit, h.start) for h in hits), fields))
    return out
