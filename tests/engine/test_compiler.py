"""The compiler's shortcuts must never change what a rule finds, only how often it runs."""

from __future__ import annotations

import random

import pytest
import regex

from clausecheck.engine.compiler import LiteralPrefilter, required_literals
from clausecheck.pipeline import engine_for


def _naive_viable(patterns: list[str], lowered: str) -> list[int]:
    viable = []
    for i, pattern in enumerate(patterns):
        groups = required_literals(pattern) or ()
        if all(any(word in lowered for word in group) for group in groups):
            viable.append(i)
    return viable


def test_prefilter_finds_words_inside_words_and_overlapping_ones():
    patterns = [r"\bpay(?:able)?\b", r"\bpayable\s+within\b", r"\bayable\b", r"\bable\s+to\b[^.]{0,20}\bpay\b", r"[a-z]+"]
    prefilter = LiteralPrefilter(patterns)
    for text in ["payable", "pay", "repayable within", "able to pay", "", "nothing here", "PAYABLE"]:
        lowered = text.lower()
        assert prefilter.viable(lowered) == _naive_viable(patterns, lowered), text
    # A pattern with no usable literal always runs; one whose word is absent never does.
    assert prefilter.viable("zzz") == [4]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_prefilter_agrees_with_a_substring_test_for_every_built_in_pattern(language):
    patterns = [pattern for _rule, pattern in engine_for(()).compiled(language).regex_rules]
    prefilter = LiteralPrefilter(patterns)
    words = sorted({word for pattern in patterns for group in required_literals(pattern) or () for word in group})
    rng = random.Random(5)
    for _ in range(300):
        # Texts of the rule words themselves, cut and glued, so that groups are met by halves.
        pieces = [rng.choice(words)[rng.randrange(0, 2):] for _ in range(rng.randrange(0, 40))]
        lowered = (" " if language == "en" else "").join(pieces).lower()
        assert prefilter.viable(lowered) == _naive_viable(patterns, lowered)


def test_a_positive_lookaround_word_is_required_and_a_negative_one_is_not():
    behind = required_literals(r"(?<=\bimprovements\b[^.;]{0,40})\bshall\s+vest\b")
    assert ("improvements",) in behind and ("vest",) in behind
    ahead = required_literals(r"\bvest\b(?=[^.;]{0,40}\blicensor\b)")
    assert ("licensor",) in ahead
    negative = required_literals(r"(?<!\bnot\s)\bvest\b(?![^.;]{0,40}\bjointly\b)")
    assert negative == (("vest",),)


def test_prefilter_with_a_lookbehind_word_still_finds_every_match():
    pattern = r"(?<=\bimprovements\b[^.;]{0,40})\bshall\s+vest\b"
    prefilter = LiteralPrefilter([pattern])
    matching = "all improvements made by licensee shall vest in licensor"
    assert regex.search(pattern, matching) and prefilter.viable(matching) == [0]
    assert prefilter.viable("all results shall vest in licensor") == []


def test_only_a_clause_with_every_token_of_a_phrase_is_tokenised():
    compiled = engine_for(()).compiled("en")
    assert compiled.phrase_matcher is not None
    assert compiled.needs_tokens_for("pricing on a most favored nation basis")
    # "most" alone (the first token of the phrases) no longer sends a clause to the tokeniser.
    assert not compiled.needs_tokens_for("most of the products shall be delivered")
