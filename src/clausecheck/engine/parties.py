"""Who a sentence is about: the party that holds the right or bears the duty it states.

The subject of a contract sentence is, in nearly every drafting style, the first party
named with a subject marker: `甲は` / `乙が` in Japanese, `Licensee shall` / `Company may`
in English. A mutual subject (`甲及び乙は`, `either party`, `each Party`) makes the sentence
mutual. The words for both come from rules/parties.yaml, so a lawyer can extend them.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from clausecheck.model import Document, Party

MUTUAL = "mutual"

DEFAULT_WORDS = {
    "mutual_subjects": {
        "en": (r"either\s+party", r"each\s+party", r"neither\s+party", r"(?:both|the)\s+parties", r"each\s+of\s+the\s+parties", r"a\s+party"),
        "ja": (r"甲(?:及び|および|又は|または|もしくは|若しくは|・|、)乙", r"乙(?:及び|および|又は|または|・|、)甲", r"各当事者", r"いずれの当事者", r"両当事者", r"当事者の一方", r"いずれか一方", r"甲乙(?:双方|いずれ|は|が)", r"相互に"),
    },
    "subject_markers": {
        "en": (r"\s*(?:,[^,]{0,60},\s*)?(?:shall|may|will|must|agrees?|hereby|is|has|can|could|acknowledges?|reserves?|retains?|owns?|grants?|assigns?|covenants?|represents?|warrants?|undertakes?|should|at\s+its|in\s+its|alone|solely|have)\b",),
        "ja": (r"(?:は|が|も|において|のみが|のみ|だけが)",),
    },
}


@dataclass(frozen=True)
class PartyIndex:
    """Compiled lookups for one document's parties."""

    parties: tuple[Party, ...]
    subject_pattern: object | None
    mutual_pattern: object
    alias_to_id: dict[str, str]
    alternation: str  # regex alternation of every alias, longest first

    def other(self, party_id: str) -> str | None:
        others = [p.id for p in self.parties if p.id != party_id]
        return others[0] if len(others) == 1 else None


def build_index(document: Document, language: str, words: dict | None = None) -> PartyIndex:
    words = {**DEFAULT_WORDS, **(words or {})}
    alias_to_id: dict[str, str] = {}
    for party in document.parties:
        for alias in party.all_names:
            if alias and len(alias) <= 80:
                alias_to_id.setdefault(alias, party.id)
    aliases = sorted(alias_to_id, key=len, reverse=True)
    alternation = "|".join(regex.escape(a) for a in aliases) if aliases else "(?!)"
    mutual_words = words.get("mutual_subjects", {}).get(language) or DEFAULT_WORDS["mutual_subjects"][language]
    mutual_pattern = regex.compile("|".join(f"(?:{w})" for w in mutual_words), regex.IGNORECASE)
    subject_pattern = None
    if aliases:
        markers = words.get("subject_markers", {}).get(language) or DEFAULT_WORDS["subject_markers"][language]
        marker = "|".join(f"(?:{m})" for m in markers)
        boundary_before = r"(?<![\w])" if language == "en" else ""
        subject_pattern = regex.compile(f"{boundary_before}(?P<alias>{alternation})(?={marker})", regex.IGNORECASE if language == "en" else 0)
    return PartyIndex(document.parties, subject_pattern, mutual_pattern, alias_to_id, alternation)


def subject_of(sentence: str, index: PartyIndex, match_offset: int | None = None) -> str | None:
    """`mutual`, a party id, or None when the sentence names no party as its subject."""
    first_mutual = index.mutual_pattern.search(sentence)
    first_party = index.subject_pattern.search(sentence) if index.subject_pattern else None
    if first_mutual and (not first_party or first_mutual.start() <= first_party.start()):
        return MUTUAL
    if first_party:
        alias = first_party.group("alias")
        return index.alias_to_id.get(alias) or next(
            (pid for a, pid in index.alias_to_id.items() if a.lower() == alias.lower()), None
        )
    return None


def resolve_party(document: Document, wanted: str | None) -> str | None:
    """The id of the party a user named with --party (alias, name or id), or None."""
    if not wanted:
        return None
    wanted_folded = wanted.strip().casefold()
    for party in document.parties:
        if wanted_folded == party.id.casefold():
            return party.id
        for name in party.all_names:
            if name.casefold() == wanted_folded:
                return party.id
    for party in document.parties:
        for name in party.all_names:
            if wanted_folded in name.casefold() and len(wanted_folded) >= 3:
                return party.id
    return None
