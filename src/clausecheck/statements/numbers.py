"""The quantities of a statement, each with what it is for: a payment term, a notice period, a cap.

The numbers are read by engine/quantities.py (durations in days, amounts, percentages; kanji
and full-width numerals). What one is for is said by the words next to it: 「60日以内に支払う」
is a payment term, 「3か月前までに通知する」 a notice period, "shall not exceed $100,000" a
cap. Those words are the cues of rules/lexicon/quantity.yaml; the quantity takes the meaning of
the nearest one that applies to its kind, else its kind's fallback (a duration with no word near
it is a plain `duration`).

A statement's quantities are read when a rule first asks for them (`Statement.quantities`):
reading every number of every sentence would cost more than the rest of the statement stage,
and a rule asks only of the statements its other features already describe.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

from clausecheck.quantities import Quantity, amounts, durations, percents
from clausecheck.statements.lexicon import MEANING, CompiledLexicon, Cue, Lexicon

# How far from a number the word that says what it is for may be, in characters.
MEANING_SPAN = {"en": 220, "ja": 110}

_READERS = (durations, amounts, percents)


def quantities_of(text: str, start: int, stop: int, reader: CompiledLexicon) -> tuple[Quantity, ...]:
    """The quantities of `text[start:stop]` (a statement of a clause), with their meanings, as
    spans of `text`."""
    piece = text[start:stop]
    found = quantities_in(piece, start)
    if not found:
        return ()
    words = tuple(reader.lexicon.compiled(reader.language, meanings=True).find(piece, start))
    return with_meanings(found, words, reader.lexicon, MEANING_SPAN.get(reader.language, MEANING_SPAN["en"]))


def quantities_in(text: str, shift: int = 0) -> list[Quantity]:
    """Every duration, amount and percentage of `text`, as spans moved by `shift`, in order."""
    found: list[Quantity] = []
    for reader in _READERS:
        found.extend(reader(text))
    if shift:
        found = [replace(q, start=q.start + shift, end=q.end + shift) for q in found]
    found.sort(key=lambda q: (q.start, q.end, q.type))
    return found


def with_meanings(quantities, cues: tuple[Cue, ...], lexicon: Lexicon, span: int) -> tuple[Quantity, ...]:
    """`quantities` of one statement, each with the meaning its nearest cue (within `span`
    characters) gives it; on a tie, the meaning listed first in quantity.yaml."""
    if not quantities:
        return ()
    meanings = lexicon.meanings
    order = {meaning: position for position, meaning in enumerate(meanings)}
    words = sorted((c for c in cues if c.feature == MEANING and c.value in meanings), key=lambda c: c.start)
    starts = [c.start for c in words]
    longest = max((c.end - c.start for c in words), default=0)
    out = []
    for quantity in quantities:
        best = None
        # Only the cues that can lie within `span` of it: a clause of numbers and cue words
        # costs what its neighbourhoods cost, not quantities × cues.
        for cue in words[bisect_left(starts, quantity.start - span - longest):bisect_right(starts, quantity.end + span)]:
            if quantity.type not in meanings[cue.value][0]:
                continue
            distance = max(0, cue.start - quantity.end, quantity.start - cue.end)
            if distance > span:
                continue
            key = (distance, order[cue.value])
            if best is None or key < best[0]:
                best = (key, cue.value)
        meaning = best[1] if best is not None else fallback(lexicon, quantity.type)
        out.append(replace(quantity, meaning=meaning))
    return tuple(out)


def fallback(lexicon: Lexicon, kind: str) -> str | None:
    """The meaning of a `kind` of quantity that no cue qualifies."""
    return next((meaning for meaning, (kinds, is_fallback) in lexicon.meanings.items() if is_fallback and kind in kinds), None)
