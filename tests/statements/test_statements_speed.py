"""The statement stage's shortcuts stay faithful: every pattern it skips is one that cannot match."""

from __future__ import annotations

import pytest

from clausecheck.statements import extract


def _alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    parts, depth, current, escaped = [], 0, "", False
    for ch in source:
        if escaped:
            current += ch
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            current += ch
            continue
        depth += ch in "([" 
        depth -= ch in ")]"
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


@pytest.mark.parametrize(
    "patterns, marks",
    [
        (extract._STATEMENT_BREAK, extract._BREAK_MARKS),
        (extract._PROVISO_INSIDE, extract._INSIDE_WORDS),
        ({"any": extract._PROVISO_START}, {"any": extract._START_WORDS}),
    ],
)
def test_every_alternative_of_a_prefiltered_pattern_holds_one_of_its_marks(patterns, marks):
    # A pattern edited without its marks would silently stop matching the new alternative.
    for language, pattern in patterns.items():
        words = marks[language]
        for alternative in _alternatives(pattern.pattern):
            assert any(word in alternative.lower() or word in alternative for word in words), (language, alternative)
