"""Sentences and provisos of a clause as statements: the features their cue words signal.

A statement is the bag of features found in one sentence (or one proviso), with the cues that
signalled them, so that a rule can ask "a duty to assign results, for free" without caring in
which order or words the sentence says it. A proviso (ただし…, "provided that…", "except…")
is a statement of its own, linked to the one it qualifies, so that an exception can cancel a
finding (`excepted`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property

import regex

from clausecheck.quantities import Quantity
from clausecheck.statements.lexicon import FEATURES, CompiledLexicon, Cue, occurrences
from clausecheck.statements.numbers import quantities_of

# What one statement's features must lie within: a long sentence of a contract often joins
# several statements ("…; Licensee shall…"), and a cue 400 characters away is another one's.
FEATURE_SPAN = {"en": 220, "ja": 110}
# Where a statement ends inside a sentence without a full stop (English lists run on ";").
# ", whereas …" sets a second rule against the first ("A's information is protected only if
# marked, whereas B's is protected whether or not it is marked"): two statements.
_STATEMENT_BREAK = {"en": regex.compile(r";\s+|:\s+(?=\(?[a-z0-9]{1,4}\)\s)|,\s*whereas\s+", regex.IGNORECASE), "ja": regex.compile(r"；")}
# Where a proviso starts inside a sentence: it qualifies what precedes it.
_PROVISO_INSIDE = {
    "ja": regex.compile(r"(?:ただし|但し)[、,]"),
    "en": regex.compile(r"[,;]\s*(?:provided(?:,\s*however,)?\s+that|provided\s+however|except\s+(?:that|where|to\s+the\s+extent)|unless)\b", regex.IGNORECASE),
}
_PROVISO_START = regex.compile(r"\W*(?:ただし|但し|なお|Provided|provided|Notwithstanding|notwithstanding|However|however)")
# A proviso that switches its statement off: 「この限りでない」, "shall not apply".
_CANCELS = regex.compile(r"この限りで(?:は)?な|適用しない|適用されない|shall\s+not\s+apply|does\s+not\s+apply|will\s+not\s+apply", regex.IGNORECASE)
# Strings without which the patterns above cannot match: a clause or sentence that holds none
# of them is not searched (most sentences have no proviso and no semicolon). English ones are
# looked for in the lower-cased text. Each alternative of a pattern above must hold one of its
# strings (tests/statements/test_statements_speed.py checks it).
_BREAK_MARKS = {"en": (";", ":", "whereas"), "ja": ("；",)}
_INSIDE_WORDS = {"en": ("provided", "except", "unless"), "ja": ("ただし", "但し")}
_START_WORDS = ("ただし", "但し", "なお", "Provided", "provided", "Notwithstanding", "notwithstanding", "However", "however")
# Letters that case-insensitive matching reads as an ASCII letter they do not lower-case to.
_ODD_CASE = ("\u017f", "\u0131")  # ſ (long s), ı (dotless i)
_NONE: frozenset[str] = frozenset()
# A statement longer than this is cut for cue matching (a 2 MB "sentence" stays bounded).
MAX_STATEMENT_CHARS = 5000


@dataclass(frozen=True)
class Statement:
    """One sentence or proviso of a clause, in the clause's normalised text."""

    start: int
    end: int
    cues: tuple[Cue, ...]
    proviso: bool = False  # this statement is an exception to the one before it
    excepted: bool = False  # a proviso after it switches it off in part ("この限りでない")
    # The clause text and the lexicon it was read with: its quantities are read from them when
    # first asked for (most statements are never asked).
    source: str = field(default="", repr=False, compare=False)
    reader: CompiledLexicon | None = field(default=None, repr=False, compare=False)

    @cached_property
    def quantities(self) -> tuple[Quantity, ...]:
        """The durations, amounts and percentages it states, each with its meaning (statements/numbers.py)."""
        if self.reader is None:
            return ()
        return quantities_of(self.source, self.start, min(self.end, self.start + MAX_STATEMENT_CHARS), self.reader)

    def values(self, feature: str) -> frozenset[str]:
        return self._features.get(feature, _NONE)

    def features(self) -> dict[str, frozenset[str]]:
        """{feature: its values} for every feature (a new dict: callers add a lead-in's)."""
        return dict(self._features)

    @cached_property
    def _features(self) -> dict[str, frozenset[str]]:
        # Read once per statement, in one pass: rules ask a statement many times.
        found: dict[str, set[str]] = {feature: set() for feature in FEATURES}
        for cue in self.cues:
            found.setdefault(cue[0], set()).add(cue[1])
        return {feature: frozenset(values) for feature, values in found.items()}

    def first(self, feature: str, values) -> Cue | None:
        return next((c for c in self.cues if c.feature == feature and c.value in values), None)

    def close_together(self, wanted: list[tuple[str, frozenset[str]]], span: int, inherited: frozenset[str] = frozenset()) -> bool:
        """True when one cue of each wanted (feature, values) lies within `span` characters of
        the others; features in `inherited` may come from a list item's lead-in instead."""
        groups = []
        for feature, values in wanted:
            positions = [c.start for c in self.cues if c.feature == feature and c.value in values]
            if not positions:
                if feature in inherited:
                    continue
                return False
            groups.append(positions)
        if len(groups) < 2:
            return True
        # Slide over every cue as the window's left edge: small sets, so a direct check.
        for left in sorted({p for group in groups for p in group}):
            if all(any(left <= p <= left + span for p in group) for group in groups):
                return True
        return False


def _segments(text: str, sentences: list[tuple[int, int]], language: str) -> list[tuple[int, int, bool]]:
    """Sentence spans cut where a proviso begins; (start, end, is_proviso)."""
    known = language if language in _PROVISO_INSIDE else "en"
    inside = _PROVISO_INSIDE[known]
    breaks = _STATEMENT_BREAK[known]
    openers = occurrences(text, _START_WORDS)
    # The English marks and proviso words are looked for in the lower-cased text, where its
    # offsets are the text's own; otherwise (a letter that lower-cases to two) every sentence
    # is searched.
    haystack = text
    if known == "en":
        lowered = text.lower()
        haystack = lowered if len(lowered) == len(text) and not any(ch in text for ch in _ODD_CASE) else None
    marks = occurrences(haystack, _BREAK_MARKS[known]) if haystack is not None else None
    proviso_words = occurrences(haystack, _INSIDE_WORDS[known]) if haystack is not None else None
    pieces: list[tuple[int, int]] = []
    for start, end in sentences:
        cut_from = start
        stop = min(end, start + MAX_STATEMENT_CHARS)
        if marks is None or _any_between(marks, start, stop):
            for m in breaks.finditer(text, start, stop):
                if m.start() > cut_from + 5:
                    pieces.append((cut_from, m.start()))
                    cut_from = m.end()
        pieces.append((cut_from, end))
    out: list[tuple[int, int, bool]] = []
    for start, end in pieces:
        is_proviso = _any_between(openers, start, end) and _PROVISO_START.match(text, start, end) is not None
        stop = min(end, start + MAX_STATEMENT_CHARS)
        cut = None
        if proviso_words is None or _any_between(proviso_words, start, stop):
            cut = inside.search(text, start, stop)
        if cut and cut.start() > start + 5:
            out.append((start, cut.start(), is_proviso))
            out.append((cut.start(), end, True))
        else:
            out.append((start, end, is_proviso))
    return out


def _any_between(positions: list[int], start: int, stop: int) -> bool:
    """True when one of the sorted `positions` lies in [start, stop)."""
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < stop


def statements_of(text: str, sentences: list[tuple[int, int]], lexicon: CompiledLexicon, truncated: list | None = None) -> tuple[Statement, ...]:
    """The statements of one clause: `text` is its normalised text, `sentences` its spans.

    Cues are read from the first MAX_STATEMENT_CHARS of each statement only, so a "sentence"
    of two megabytes without a full stop costs what a long clause costs; each such statement
    is appended to `truncated` (as its span) for the caller to warn about.
    """
    segments = _segments(text, sentences, lexicon.language)
    cues = _cues_by_chunk(text, segments, lexicon)
    starts = [cue[2] for cue in cues]  # cues are in order of start
    ends = [cue[3] for cue in cues]
    statements: list[Statement] = []
    index = 0
    last = len(segments) - 1
    for position, (start, end, is_proviso) in enumerate(segments):
        stop = min(end, start + MAX_STATEMENT_CHARS)
        if stop < end and truncated is not None:
            truncated.append((start, end))
        index = max(index, bisect_left(starts, start, index))
        upto = bisect_left(starts, stop, index)
        own = tuple(cues[index:upto])
        if own and max(ends[index:upto]) > stop:  # a cue that runs on into the next statement
            own = tuple(cue for cue in own if cue[3] <= stop)
        excepted = False
        if position < last:
            following = segments[position + 1]
            excepted = following[2] and _CANCELS.search(text, following[0], min(following[1], following[0] + MAX_STATEMENT_CHARS)) is not None
        statements.append(Statement(start, end, own, is_proviso, excepted, text, lexicon))
    return tuple(statements)


# Cues are read a chunk of statements at a time: one pass for a whole ordinary clause, and
# never more than this much text in one pass (the first MAX_STATEMENT_CHARS of each statement).
_CHUNK_CHARS = 20_000


def _cues_by_chunk(text: str, segments, lexicon: CompiledLexicon) -> list[Cue]:
    """The cues of the statements' text, in order of (start, end, feature, value)."""
    spans = [(start, min(end, start + MAX_STATEMENT_CHARS)) for start, end, _ in segments]
    cues: list[Cue] = []
    chunk_start = chunk_stop = None
    for start, stop in spans + [(None, None)]:
        # A skipped stretch (the cut-off end of a long statement) ends a chunk; the white space
        # between sentences does not.
        if chunk_start is not None and (start is None or start - chunk_stop > 200 or stop - chunk_start > _CHUNK_CHARS):
            # Each chunk's cues come sorted and lie after the previous chunk's: the whole list
            # stays in order.
            cues.extend(lexicon.find(text[chunk_start:chunk_stop], chunk_start))
            chunk_start = None
        if start is None:
            break
        if chunk_start is None:
            chunk_start = start
        chunk_stop = stop
    return cues
