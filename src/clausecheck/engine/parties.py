"""Who a sentence is about: the party that holds the right or bears the duty it states.

The subject of a contract sentence is, in nearly every drafting style, a party named with a
subject marker: `甲は` / `乙が` in Japanese, `Licensee shall` / `Company may` in English. A
mutual subject (`甲及び乙は`, `either party`, `each Party`) makes the sentence mutual.

These refinements make it hold on real contracts:

- a conditional clause (`乙が…した場合、甲は…できる`, `If Licensee fails to pay, Licensor
  may …`) names a party that is not the subject; the main clause's subject is the one
  before the final predicate, so conditional clauses are set aside first;
- in Japanese the topic marker は outranks が: `甲は、乙が…したときは…できる` is about 甲;
- role words (`Recipient`, `Disclosing Party`, `受領者`) stand for whichever party plays the
  role unless the preamble ties them to one party, so they are mutual subjects only when
  they are not a party's alias;
- a sentence with no subject but a holder (`成果は甲に帰属する`, `shall be owned by
  Company`) is about the holder, and so is a rule match that starts with a holder phrase;
- when a sentence joins two clauses with their own subjects (`乙は…ものとし、甲は…`), the
  subject nearest before the rule's match is the one that counts.

The words for all of these come from rules/parties.yaml, so a lawyer can extend them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import regex

from clausecheck.model import Document, Party

MUTUAL = "mutual"
# A longer "alias" is a misread sentence, not a name to match.
MAX_ALIAS_CHARS = 80

# Japanese markers that make a party the main clause's topic, ranked before が subjects.
_JA_TOPIC_MARKERS = ("は", "のみが", "のみ", "だけが", "において", "も")


@dataclass(frozen=True)
class PartyIndex:
    """One document's party lookups, as pattern sources compiled on first use.

    Most documents have few or no hits of party-aware rules; compiling the alias
    alternations only when a hit is judged keeps them off the engine's per-document cost.
    """

    parties: tuple[Party, ...]
    subject_source: str | None
    mutual_source: str
    alias_to_id: dict[str, str]
    alternation: str  # regex alternation of every alias, longest first
    language: str = "en"
    conditional_source: str | None = None
    holder_source: str | None = None
    flags: int = 0
    receiving_source: str | None = None

    subject_pattern = property(lambda self: _compiled(self.subject_source, self.flags))
    mutual_pattern = property(lambda self: _compiled(self.mutual_source, self.flags))
    conditional_pattern = property(lambda self: _compiled(self.conditional_source, self.flags))
    holder_pattern = property(lambda self: _compiled(self.holder_source, self.flags))
    receiving_pattern = property(lambda self: _compiled(self.receiving_source, self.flags))

    def other(self, party_id: str) -> str | None:
        others = [p.id for p in self.parties if p.id != party_id]
        return others[0] if len(others) == 1 else None

    def party_id(self, alias: str) -> str | None:
        return self.alias_to_id.get(alias) or next(
            (pid for a, pid in self.alias_to_id.items() if a.casefold() == alias.casefold()), None
        )


@lru_cache(maxsize=64)
def _compiled(source: str | None, flags: int):
    return None if source is None else regex.compile(source, flags)


def _words(words: dict, key: str, language: str) -> tuple[str, ...]:
    return tuple(words.get(key, {}).get(language) or ())


def _any_of(patterns) -> str:
    """One alternation of `patterns`; with none, a pattern that never matches (not one that always does)."""
    patterns = list(patterns)
    return "|".join(f"(?:{p})" for p in patterns) if patterns else "(?!)"


def build_index(document: Document, language: str, words: dict) -> PartyIndex:
    """The party lookups of `document` (compiled on first use); `words` is the rule pack's parties.yaml."""
    alias_to_id: dict[str, str] = {}
    for party in document.parties:
        for alias in party.all_names:
            if alias and len(alias) <= MAX_ALIAS_CHARS:
                alias_to_id.setdefault(alias, party.id)
    aliases = sorted(alias_to_id, key=len, reverse=True)
    alternation = "|".join(regex.escape(a) for a in aliases) if aliases else "(?!)"
    flags = regex.IGNORECASE if language == "en" else 0
    boundary_before = r"(?<![\w])" if language == "en" else ""

    mutual_words = list(_words(words, "mutual_subjects", language))
    if len(aliases) >= 2:
        # Both parties named together as one subject: 委託者及び受託者は, "Licensor and Licensee shall".
        joiners = _any_of(_words(words, "party_joiners", language))
        mutual_words.append(f"{boundary_before}(?:{alternation})(?:{joiners})(?:{alternation})")
    # A role word not tied to one party by the preamble stands for either party.
    folded_aliases = {a.casefold() for a in aliases}
    for role in _words(words, "generic_aliases", language):
        if not any(regex.fullmatch(role, alias, flags) for alias in folded_aliases | set(aliases)):
            mutual_words.append(f"{boundary_before}{role}(?![\\w])" if language == "en" else role)
    subject_source = None
    holder_source = None
    if aliases:
        marker = _any_of(_words(words, "subject_markers", language))
        subject_source = f"{boundary_before}(?P<alias>{alternation})(?P<marker>{marker})"
        # A holder marker precedes the alias in English ("owned by Company") and follows it
        # in Japanese ("甲に帰属する").
        holders = _any_of(_words(words, "holder_markers", language))
        if language == "en":
            holder_source = f"(?:{holders})(?P<alias>{alternation})(?![\\w])"
        else:
            holder_source = f"(?P<alias>{alternation})(?:{holders})"
    conditional_source = _any_of(_words(words, "conditional_clauses", language))
    receiving = _words(words, "receiving_verbs", language)
    receiving_source = f"{boundary_before}(?P<alias>{alternation})(?:{_any_of(receiving)})" if aliases and receiving else None
    return PartyIndex(document.parties, subject_source, _any_of(mutual_words), alias_to_id, alternation, language, conditional_source, holder_source, flags, receiving_source)


def _main_clause_start(sentence: str, index: PartyIndex) -> int:
    """Where the main clause begins once leading conditional clauses are set aside."""
    if index.conditional_pattern is None:
        return 0
    if index.language == "en":
        m = index.conditional_pattern.match(sentence)
        return m.end() if m else 0
    last_end = 0
    for m in index.conditional_pattern.finditer(sentence):
        last_end = m.end()
    return last_end


def _ja_subject(sentence: str, index: PartyIndex, offset: int | None) -> str | None:
    """Japanese: a は-topic outside a conditional clause, else the holder, else a main-clause が.

    The holder outranks a が subject because が also marks the subject of a relative clause:
    in `乙が開発した改良技術は甲に帰属する` the sentence is about 甲. When the sentence joins
    two clauses (`乙は…ものとし、甲は…付与する`), the topic nearest before the match wins.
    """
    candidates = []  # (start, end, party id or MUTUAL, is_topic)
    for m in index.mutual_pattern.finditer(sentence):
        after = sentence[m.end():m.end() + 4]
        # 相互に / 各自 qualify a verb; only a mutual word carrying a topic marker heads the sentence.
        candidates.append((m.start(), m.end(), MUTUAL, m.group(0).endswith("は") or after.startswith(_JA_TOPIC_MARKERS)))
    if index.subject_pattern is not None:
        for m in index.subject_pattern.finditer(sentence):
            if any(start <= m.start() < end for start, end, _, _ in candidates):
                continue  # part of a mutual subject such as 甲及び乙は
            candidates.append((m.start(), m.end(), index.party_id(m.group("alias")), m.group("marker").startswith(_JA_TOPIC_MARKERS)))
    candidates.sort()
    conditional_spans = [(m.start(), m.end()) for m in index.conditional_pattern.finditer(sentence)] if index.conditional_pattern else []

    def in_conditional(position: int) -> bool:
        # A は after a party inside a conditional (乙は…場合) is contrastive, not the topic,
        # unless a comma closes it first (甲は、乙が…場合): then it heads the sentence.
        for start, end in conditional_spans:
            if start <= position < end:
                return sentence.find("、", position, end - 1) == -1
        return False

    topics = [who for start, _, who, is_topic in candidates if is_topic and who and not in_conditional(start)]
    if topics:
        if offset is not None:
            before = [who for start, _, who, is_topic in candidates if is_topic and who and not in_conditional(start) and start < offset]
            if before:
                return before[-1]
        return topics[0]
    holder = _holder(sentence, index)
    if holder:
        return holder
    main_start = _main_clause_start(sentence, index)
    for start, _, who, _ in candidates:
        if start >= main_start and who:
            return who
    return None


def _holder(sentence: str, index: PartyIndex) -> str | None:
    holder = index.holder_pattern.search(sentence) if index.holder_pattern is not None else None
    return index.party_id(holder.group("alias")) if holder else None


_EN_REPORTING = regex.compile(r"\s*(?:hereby\s+)?(?:agrees?|acknowledges?|understands?|confirms?|represents?|warrants?|covenants?|accepts?)(?:\s+and\s+\w+)?\s+that\b", regex.IGNORECASE)


def _en_subject(sentence: str, index: PartyIndex, offset: int | None = None) -> str | None:
    main_start = _main_clause_start(sentence, index)
    main = sentence[main_start:]
    # "Consultant agrees that all Inventions shall be owned by Company": the proposition
    # after "agrees that" says who holds the right; the reporting subject only consents.
    if index.subject_pattern is not None:
        head = index.subject_pattern.search(main)
        if head and not index.mutual_pattern.search(main, 0, head.start()):
            reported = _EN_REPORTING.match(main, head.end("alias"))
            if reported:
                inner = main[reported.end():]
                return _en_subject(inner, index) or _holder(inner, index) or index.party_id(head.group("alias"))
    for text, shift in ((main, main_start), (sentence, 0)) if main_start else ((sentence, 0),):
        found = [(m.start(), MUTUAL) for m in index.mutual_pattern.finditer(text)]
        if index.subject_pattern is not None:
            found += [(m.start(), index.party_id(m.group("alias"))) for m in index.subject_pattern.finditer(text)]
        found.sort(key=lambda item: item[0])
        if not found:
            continue
        # "Supplier shall deliver the goods and Company shall pay…": the subject nearest
        # before the matched words is the one that holds the right or duty.
        if offset is not None:
            before = [who for start, who in found if start + shift < offset]
            if before:
                return before[-1]
        return found[0][1]
    return None


def subject_of(sentence: str, index: PartyIndex, match_offset: int | None = None) -> str | None:
    """`mutual`, a party id, or None when the sentence names no party as its subject or holder.

    `match_offset` (where the rule's words start in the sentence) picks the right clause
    when a sentence joins two, each with its own subject.
    """
    # A match that starts with a holder phrase ("owned by Company", "甲に帰属") is about
    # the holder, whoever else the sentence names.
    if match_offset is not None and index.holder_pattern is not None:
        holder = index.holder_pattern.match(sentence, match_offset)
        if holder:
            return index.party_id(holder.group("alias"))
    if index.language == "ja":
        return _ja_subject(sentence, index, match_offset)
    return _en_subject(sentence, index, match_offset) or _holder(sentence, index)


# A conventional word counts as a side only when it is the subject of this many sentences.
_MIN_CONVENTIONAL_SUBJECTS = 2


def with_conventional_parties(document: Document, words: dict) -> Document:
    """`document` with the sides its conventional words name (parties.yaml `conventional_parties`).

    Terms of service define 当社 (or "we") and call the other side お客様 ("you") without ever
    defining it; a template may use 甲 and 乙 and never say who they are. When the words of both
    sides are each the subject of sentences, the side whose word a defined party already has
    joins that party and the other side becomes (or joins) the other party. A Document is
    never changed: a new one is returned.
    """
    parties = list(document.parties)
    changed = False
    bound = _role_bindings(document, words)
    if bound:
        parties = [replace(p, aliases=p.aliases + bound[p.id]) if p.id in bound else p for p in parties]
        changed = True
    # Role words in the other language of a bilingual contract (受領者 → "Recipient").
    for group in words.get("role_equivalents", ()):
        folded = {w.casefold() for w in group}
        for position, party in enumerate(parties):
            if not any(a.casefold() in folded for a in party.all_names):
                continue
            known = {a.casefold() for p in parties for a in p.all_names}
            extra = tuple(w for w in group if w.casefold() not in known and _subject_count(document.text, w, "en" if w.isascii() else "ja") >= _MIN_CONVENTIONAL_SUBJECTS)
            if extra:
                parties[position] = replace(party, aliases=party.aliases + extra)
                changed = True
    pairs = words.get("conventional_parties", {}).get(document.language, ())
    if not pairs or len(parties) > 2:
        return replace(document, parties=tuple(parties)) if changed else document
    for side_a, side_b in pairs:
        # A word is in use when the contract makes it a party's name ('Coral ("we")') or
        # uses it as the subject of sentences.
        named = {a.casefold() for p in parties for a in p.all_names}

        def in_use(word: str) -> bool:
            return word.casefold() in named or _subject_count(document.text, word, document.language) >= _MIN_CONVENTIONAL_SUBJECTS

        used_a = [w for w in side_a if in_use(w)]
        used_b = [w for w in side_b if in_use(w)]
        if not used_a or not used_b:
            continue
        known = {a.casefold(): p.id for p in parties for a in p.all_names}
        owner_a = next((known[w.casefold()] for w in side_a if w.casefold() in known), None)
        owner_b = next((known[w.casefold()] for w in side_b if w.casefold() in known), None)
        if owner_a is not None and owner_a == owner_b:
            continue
        for side_words, owner in ((used_a, owner_a), (used_b, owner_b)):
            if owner is None:
                others = [p for p in parties if p.id not in (owner_a, owner_b)]
                if len(parties) >= 2 and others:
                    owner = others[0].id
                elif len(parties) < 2:
                    owner = chr(ord("A") + len(parties))
                    parties.append(Party(owner, (), ()))
                else:
                    continue
                if side_words is used_a:
                    owner_a = owner
                else:
                    owner_b = owner
            position = next(i for i, p in enumerate(parties) if p.id == owner)
            party = parties[position]
            # Once a side is found by the words it is the subject of, all its words name it:
            # "our" and "your" are the possessives of a side already told by "we" and "you".
            words_of_side = side_a if side_words is used_a else side_b
            new_aliases = tuple(w for w in words_of_side if w.casefold() not in {a.casefold() for a in party.all_names})
            if new_aliases:
                parties[position] = replace(party, aliases=party.aliases + new_aliases)
                changed = True
    return replace(document, parties=tuple(parties)) if changed else document


def _role_bindings(document: Document, words: dict) -> dict[str, tuple[str, ...]]:
    """Role words the contract's definitions make one party's name (parties.yaml `role_bindings`):
    in a one-way NDA 「受領者」とは…乙をいう, so 受領者 is 乙 there, not either party. A role
    bound to two parties stays generic."""
    language = document.language
    templates = _words(words, "role_bindings", language)
    roles = _words(words, "generic_aliases", language)
    names = sorted({a for p in document.parties for a in p.all_names if a and len(a) <= MAX_ALIAS_CHARS}, key=len, reverse=True)
    if not templates or not roles or not names:
        return {}
    flags = regex.IGNORECASE if language == "en" else 0
    role_group = "(?P<role>" + "|".join(f"(?:{r})" for r in roles) + ")"
    party_group = "(?P<party>" + "|".join(regex.escape(n) for n in names) + ")"
    owners: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for template in templates:
        pattern = regex.compile(template.replace("{role}", role_group).replace("{party}", party_group), flags)
        for match in pattern.finditer(document.text, timeout=1.0):
            party_id = next((p.id for p in document.parties if match["party"] in p.all_names or match["party"].casefold() in {a.casefold() for a in p.all_names}), None)
            if party_id is None:
                continue
            key = match["role"].casefold()
            owners.setdefault(key, set()).add(party_id)
            spelled.setdefault(key, match["role"])
    bound: dict[str, tuple[str, ...]] = {}
    for key, party_ids in owners.items():
        if len(party_ids) != 1:
            continue
        party_id = next(iter(party_ids))
        party = next(p for p in document.parties if p.id == party_id)
        if key not in {a.casefold() for a in party.all_names}:
            bound[party_id] = bound.get(party_id, ()) + (spelled[key],)
    return bound


@lru_cache(maxsize=256)
def _subject_pattern(word: str, language: str):
    if language == "en":
        return regex.compile(rf"(?<![\w]){regex.escape(word)}\s+(?:shall|may|will|must|agrees?|are|is|has|have|can|acknowledges?|represents?|warrants?)\b", regex.IGNORECASE)
    return regex.compile(rf"{regex.escape(word)}(?:は|が|も|に対し|の)")


def _subject_count(text: str, word: str, language: str) -> int:
    return sum(1 for _ in zip(range(_MIN_CONVENTIONAL_SUBJECTS), _subject_pattern(word, language).finditer(text)))


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
