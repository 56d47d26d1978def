"""The difference between two versions of a clause: word by word (English) or character by character (Japanese).

Japanese has no spaces between words, so a character diff is the honest unit there; English
is compared on words and punctuation marks. rapidfuzz computes the edit script (Indel, on
token sequences); the text of each step is cut from the original clause, with the spacing
after it, so that the steps joined read as the clause was written.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Indel

_EN_TOKEN = re.compile(r"\w+|[^\w\s]")
_JA_TOKEN = re.compile(r"\S")
MAX_DIFF_TOKENS = 20_000  # longer clauses are shown as one deletion and one insertion


def tokens(text: str, language: str) -> list[tuple[str, int, int]]:
    pattern = _JA_TOKEN if language == "ja" else _EN_TOKEN
    return [(m.group().lower() if language != "ja" else m.group(), m.start(), m.end()) for m in pattern.finditer(text)]


def diff(before: str, after: str, language: str) -> tuple[tuple[str, str], ...]:
    """(op, text) steps turning `before` into `after`; op is equal | delete | insert."""
    old, new = tokens(before, language), tokens(after, language)
    if len(old) > MAX_DIFF_TOKENS or len(new) > MAX_DIFF_TOKENS:
        return (("delete", before), ("insert", after))
    steps: list[tuple[str, str]] = []
    pending_old: list[int] = []  # token ranges removed / added since the last equal run
    pending_new: list[int] = []

    def flush() -> None:
        # A replacement reads best as what went, then what came.
        if pending_old:
            steps.append(("delete", _span(before, old, min(pending_old), max(pending_old))))
        if pending_new:
            steps.append(("insert", _span(after, new, min(pending_new), max(pending_new))))
        pending_old.clear()
        pending_new.clear()

    for tag, i1, i2, j1, j2 in Indel.opcodes([t[0] for t in old], [t[0] for t in new]):
        if tag == "equal":
            flush()
            steps.append(("equal", _span(after, new, j1, j2)))
            continue
        if i2 > i1:
            pending_old.extend((i1, i2))
        if j2 > j1:
            pending_new.extend((j1, j2))
    flush()
    return tuple(steps)


def _span(text: str, toks: list[tuple[str, int, int]], first: int, last: int) -> str:
    """The text of tokens first..last-1 with the spacing after them, so that steps join as written."""
    end = toks[last][1] if last < len(toks) else toks[last - 1][2]
    return text[toks[first][1]:end]
