"""Who a hit favours, and whether a clause is mutual.

A hit is about the party its sentence or statement names as actor, holder, beneficiary, payer
or deciding party (DESIGN.md §5); a rule whose hits favour both sides, or whose subject is
both parties, gives each side the same and is not one-sided.
"""

from __future__ import annotations

from functools import lru_cache

import regex
from clausecheck.engine.hits import _Hit, _sentence_around, _Unit
from clausecheck.engine.parties import MUTUAL, PartyIndex, subject_of
from clausecheck.engine.schema import Rule, StatementPattern
from clausecheck.statements import Statement


def _statement_party(hit: _Hit, index: PartyIndex, sentence: str, sentence_start: int) -> bool:
    """Set the hit's actor and favoured party from its statement; False when the pattern's
    `actor` condition does not hold (a mutual sentence where one party must act)."""
    statement, pattern, rule = hit.statement, hit.pattern, hit.rule
    text = hit.unit.norm.text
    if hit.likewise and hit.lead_in is not None:
        # Who holds the right or the duty is said in the sentence the "likewise" extends.
        statement = hit.lead_in
        sentence_start, sentence_end = _sentence_around(hit.unit, statement.start)
        sentence = text[sentence_start:sentence_end]
    lead_subject = None
    if hit.lead_in is not None and not hit.likewise:
        lead_start, lead_end = _sentence_around(hit.unit, hit.lead_in.start)
        lead_subject = _actor_of(hit.lead_in, pattern, index, text[lead_start:lead_end], lead_start)
    asked = pattern.values("modality") | pattern.values("action")
    if lead_subject is not None and not any(c.value in asked for c in statement.cues if c.feature in ("modality", "action")):
        # The item names a ground (「(2) 乙が本契約に違反したとき」); the right and who holds
        # it are the lead-in's (「甲は、…次の各号のいずれかに該当したときは、解除できる」).
        subject = lead_subject
    else:
        # A list item with no subject of its own takes the lead-in's
        # (「受領者は、…次の義務を負う。(a) …開示しないこと」).
        subject = _actor_of(statement, pattern, index, sentence, sentence_start) or lead_subject
    if subject is None:
        # "…all costs of the Programme shall be borne by Partner": no subject, but a holder.
        # "Nothing in this Agreement restricts Company from…": neither; the first one named acts.
        subject = _holder_in(sentence, index) or _first_named(sentence, index)
    if pattern.actor == "party" and (subject is None or subject == MUTUAL):
        return False
    if pattern.actor == "mutual" and subject != MUTUAL:
        return False
    if pattern.actor == "none" and subject is not None:
        return False
    hit.subject = subject
    if rule.party is None:
        return True
    mode = pattern.favours or rule.party.favours
    if mode == "auto":
        modalities = pattern.values("modality") & statement.values("modality")
        mode = "holder" if "state" in modalities else "actor" if modalities & {"right", "exemption"} else "other"
    single = subject if subject and subject != MUTUAL else None
    if mode in ("subject", "actor"):
        favours = single
    elif mode == "other":
        favours = index.other(single) if single else None
    elif mode == "holder":
        favours = _holder_in(sentence, index) or single
    elif mode == "named":
        favours = _named_in_cues(text, hit, index) or single
    elif mode == "payer":
        # A cost of being paid (振込手数料, bank charges) is one-sided only when it falls on the
        # side that is paid: who pays is said in the clause's own duty to pay.
        payer = _payer_in(hit.unit, index)
        bearer = _bearer_of(statement, index, sentence, sentence_start) or single
        if payer is None or bearer is None or payer == bearer:
            return False
        favours = payer
    else:  # beneficiary
        favours = _beneficiary_in(sentence, index, single) or (index.other(single) if single else None)
    hit.favours = favours if favours != MUTUAL else None
    return True


def _actor_of(statement: Statement, pattern: StatementPattern, index: PartyIndex, sentence: str, sentence_start: int) -> str | None:
    """The subject of the clause that holds the pattern's words (a sentence may join two
    clauses with their own subjects): read from the first cue the pattern asks for."""
    anchor = None
    # English names the actor right before its modal verb ("Supplier will undertake…"), so
    # the modality is the surest anchor; Japanese ends on its predicate, so the action is.
    order = ("modality", "action", "object") if index.language == "en" else ("action", "modality", "object")
    for feature in order:
        values = pattern.values(feature)
        cue = statement.first(feature, values) if values else None
        if cue is not None:
            anchor = cue
            break
    offset = max(0, (anchor.start if anchor is not None else statement.start) - sentence_start)
    if index.language == "en" and anchor is not None:
        # "Licensor represents and warrants that … Licensee will …": the actor of a
        # statement is named before its own verb, not inside what it reports.
        return subject_of(sentence[: max(offset, anchor.end - sentence_start)], index, offset)
    return _holder_at(sentence, index, offset) or subject_of(sentence, index, offset)


def _holder_at(sentence: str, index: PartyIndex, offset: int) -> str | None:
    """Japanese: the party of a holder phrase that carries the statement's own verb
    (「振込手数料は受託者の負担とし、委託者は…」: the cost is 受託者's, whoever the topic is)."""
    if index.holder_pattern is None:
        return None
    for m in index.holder_pattern.finditer(sentence):
        if m.start() <= offset <= m.end() + 2:
            return index.party_id(m.group("alias"))
    return None


_PAY_DUTY = StatementPattern((("action", frozenset({"pay"})), ("modality", frozenset({"obligation"}))))


def _payer_in(unit: _Unit, index: PartyIndex) -> str | None:
    """The party the contract makes pay (「委託者は、…委託料を支払う」, "Company shall pay …"):
    the one its own clause names, else the one most of the contract's duties to pay bind."""
    def payers(of_unit: _Unit) -> list[str]:
        found = []
        for statement in of_unit.statements:
            features = statement.features()
            if not _PAY_DUTY.matches(features, statement.proviso):
                continue
            fee = statement.first("object", {"bank_fee"})
            pay = statement.first("action", {"pay"})
            if fee is not None and (pay is None or pay.start > fee.start):
                continue  # a sentence about the fee alone says who bears it, not who pays
            start, end = _sentence_around(of_unit, statement.start)
            actor = _actor_of(statement, _PAY_DUTY, index, of_unit.norm.text[start:end], start)
            if actor and actor != MUTUAL:
                found.append(actor)
        return found

    own = payers(unit)
    if own:
        return own[0]
    counts: dict[str, int] = {}
    for other in unit.document_units:
        if other is not unit:
            for actor in payers(other):
                counts[actor] = counts.get(actor, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None  # both sides pay as much: who is paid cannot be told
    return ranked[0][0]


def _bearer_of(statement: Statement, index: PartyIndex, sentence: str, sentence_start: int) -> str | None:
    """Who bears the fee the statement names, read at the fee, not at the sentence's first
    verb: "Licensee shall pay …, and Licensor shall be responsible for any bank charges",
    「委託者は…支払うものとし、送金手数料は受託者が負担する」."""
    fee = statement.first("object", {"bank_fee"})
    if fee is None:
        return None
    if index.language == "en":
        before = [c for c in statement.cues if c.feature == "modality" and c.start < fee.start]
        if not before:
            return None
        cue = before[-1]
        return subject_of(sentence[: cue.end - sentence_start], index, cue.start - sentence_start)
    after = [c for c in statement.cues if c.feature == "action" and c.value in ("bear_costs", "pay") and c.start >= fee.end]
    if not after:
        return None
    offset = after[0].start - sentence_start
    return _holder_at(sentence, index, offset) or subject_of(sentence, index, offset)


def _first_named(sentence: str, index: PartyIndex) -> str | None:
    """The party named first in a sentence without a subject; both sides when a mutual phrase
    comes first (「甲及び乙が相互に開示する情報は…」)."""
    if not index.alias_to_id:
        return None
    m = _alias_pattern(index.alternation, index.language).search(sentence)
    if m is None:
        return None
    both = index.mutual_pattern.search(sentence)
    return MUTUAL if both is not None and both.start() <= m.start() else index.party_id(m.group(0))


@lru_cache(maxsize=256)
def _alias_pattern(alternation: str, language: str):
    if language == "en":
        return regex.compile(f"(?<![\\w])(?:{alternation})(?![\\w])", regex.IGNORECASE)
    return regex.compile(f"(?:{alternation})")


def _named_in_cues(text: str, hit: _Hit, index: PartyIndex) -> str | None:
    """The party a condition or time cue of the pattern names: inside the cue ("until Company
    notifies", "in Licensor's sole judgement"), else the last one named just before it
    (「トウカイが…承認した日」, 「甲が判断したとき」)."""
    if not index.alias_to_id:
        return None
    pattern = _alias_pattern(index.alternation, index.language)
    for statement in (hit.statement, hit.lead_in):
        if statement is None:
            continue
        for feature in ("time", "condition", "modality"):
            values = hit.pattern.values(feature)
            if not values:
                continue
            cue = statement.first(feature, values)
            if cue is None:
                continue
            inside = pattern.search(text, cue.start, cue.end)
            if inside:
                return index.party_id(inside.group(0))
            if index.language != "ja":
                return None  # English: the actor, named before its verb, decides
            window_start = max(statement.start, cue.start - 60)
            before = list(pattern.finditer(text, window_start, cue.start))
            # The agent of the deciding verb is marked が/は (甲が…乙に通知する日): prefer it
            # to a party named later as the one told (乙に).
            agents = [m for m in before if text.startswith(("が", "は"), m.end())]
            chosen = agents[-1] if agents else before[-1] if before else None
            if chosen is not None:
                return index.party_id(chosen.group(0))
    return None


def _holder_in(sentence: str, index: PartyIndex) -> str | None:
    if index.holder_pattern is None:
        return None
    m = index.holder_pattern.search(sentence)
    return index.party_id(m.group("alias")) if m else None


_RECIPIENT_MARKERS = {
    "ja": r"(?:に対し(?:て)?|へ|に)",
    "en": r"(?:to|for|with|in\s+favou?r\s+of|on\s+behalf\s+of|grants?|appoints?)\s+(?:the\s+)?",
}


@lru_cache(maxsize=256)
def _recipient_pattern(alternation: str, language: str):
    if language == "ja":
        return regex.compile(f"(?P<alias>{alternation}){_RECIPIENT_MARKERS['ja']}")
    return regex.compile(f"{_RECIPIENT_MARKERS['en']}(?P<alias>{alternation})(?![\\w])", regex.IGNORECASE)


def _beneficiary_in(sentence: str, index: PartyIndex, subject: str | None) -> str | None:
    """The party a sentence gives to (乙は甲に対し…開示する, "assigns to Company"), not its actor."""
    if not index.alias_to_id:
        return None
    # The first party named as a recipient, even when it also looks like the subject: in
    # "the prices at which Partner supplies units to Company shall be…" the subject read
    # nearest the verb is Company, which is who receives.
    found = [index.party_id(m.group("alias")) for m in _recipient_pattern(index.alternation, index.language).finditer(sentence)]
    found = [party for party in found if party]
    if not found and subject and index.receiving_pattern is not None:
        # "Distributor is hereby appointed as the exclusive distributor": the subject receives.
        m = index.receiving_pattern.search(sentence)
        if m and index.party_id(m.group("alias")) == subject:
            return subject
    return next((p for p in found if p != subject), found[0] if found else None)


def regex_party(hit: _Hit, index: PartyIndex, sentence: str, sentence_start: int, sentence_end: int) -> None:
    """The subject and favoured party of a regex hit: the subject of its sentence (of the
    sentence where it ends, or the clause's first), and the side the rule says it favours."""
    rule, unit = hit.rule, hit.unit
    subject = subject_of(sentence, index, hit.start - sentence_start)
    if subject is None and hit.end > sentence_end:
        # The match began in a heading line; its sentence is where it ends.
        end_start, end_end = _sentence_around(unit, hit.end - 1)
        subject = subject_of(unit.norm.text[end_start:end_end], index)
    if subject is None:
        # The subject is often at the head of the clause: "甲は、次の各号の場合…"
        first_start, first_end = unit.sentences[0] if unit.sentences else (0, 0)
        subject = subject_of(unit.norm.text[first_start:first_end], index)
    if subject is None and _first_named(sentence, index) == MUTUAL:
        subject = MUTUAL  # 「甲及び乙が相互に開示する情報は…」: about both sides
    hit.subject = subject
    if subject and subject != MUTUAL:
        hit.favours = subject if rule.party.favours == "subject" else index.other(subject)

def favoured_side(rule: Rule, hits: list[_Hit]) -> tuple[bool, str | None, list[_Hit], bool]:
    """(one-sided, the side favoured, the hits that show it, a gap both sides share): a rule
    that only counts when one side alone has the clause is not a finding when its hits are
    mutual; one whose mutual case is a note (`party.mutual_as: note`) says so."""
    favours = None
    if rule.party is not None:
        favoured = {h.favours for h in hits if h.favours}
        mutual = MUTUAL in {h.subject for h in hits} or len(favoured) > 1
        if rule.party.one_sided_only and mutual:
            return False, None, hits, False
        if len(favoured) == 1:
            favours = next(iter(favoured))
            hits = [h for h in hits if h.favours == favours] or hits
        elif mutual and rule.party.mutual_as == "note":
            return True, favours, hits, True
    return True, favours, hits, False
