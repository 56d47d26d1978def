"""The compiler's shortcuts must never change what a rule finds, only how often it runs."""

from __future__ import annotations

import random

import pytest
import regex

from clausecheck.engine.compiler import LiteralIndex, backtracking_is_bounded, compile_regex, leading_literals, required_literals
from clausecheck.pipeline import engine_for


def _naive_viable(patterns: list[str], lowered: str) -> list[int]:
    viable = []
    for i, pattern in enumerate(patterns):
        groups = required_literals(pattern) or ()
        if all(any(word in lowered for word in group) for group in groups):
            viable.append(i)
    return viable


def _indices(viable) -> list[int]:
    return [index for index, _starts in viable]


def test_prefilter_finds_words_inside_words_and_overlapping_ones():
    patterns = [r"\bpay(?:able)?\b", r"\bpayable\s+within\b", r"\bayable\b", r"\bable\s+to\b[^.]{0,20}\bpay\b", r"[a-z]+"]
    prefilter = LiteralIndex(patterns)
    for text in ["payable", "pay", "repayable within", "able to pay", "", "nothing here", "PAYABLE"]:
        lowered = text.lower()
        assert _indices(prefilter.viable(lowered)) == _naive_viable(patterns, lowered), text
    # A pattern with no usable literal always runs; one whose word is absent never does.
    assert _indices(prefilter.viable("zzz")) == [4]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_prefilter_agrees_with_a_substring_test_for_every_built_in_pattern(language):
    patterns = [pattern for _rule, pattern in engine_for(()).compiled(language).regex_rules]
    prefilter = LiteralIndex(patterns)
    words = sorted({word for pattern in patterns for group in required_literals(pattern) or () for word in group})
    rng = random.Random(5)
    for _ in range(300):
        # Texts of the rule words themselves, cut and glued, so that groups are met by halves.
        pieces = [rng.choice(words)[rng.randrange(0, 2):] for _ in range(rng.randrange(0, 40))]
        lowered = (" " if language == "en" else "").join(pieces).lower()
        assert _indices(prefilter.viable(lowered)) == _naive_viable(patterns, lowered)


def test_a_positive_lookaround_word_is_required_and_a_negative_one_is_not():
    behind = required_literals(r"(?<=\bimprovements\b[^.;]{0,40})\bshall\s+vest\b")
    assert ("improvements",) in behind and ("vest",) in behind
    ahead = required_literals(r"\bvest\b(?=[^.;]{0,40}\blicensor\b)")
    assert ("licensor",) in ahead
    negative = required_literals(r"(?<!\bnot\s)\bvest\b(?![^.;]{0,40}\bjointly\b)")
    assert negative == (("vest",),)


def test_prefilter_with_a_lookbehind_word_still_finds_every_match():
    pattern = r"(?<=\bimprovements\b[^.;]{0,40})\bshall\s+vest\b"
    prefilter = LiteralIndex([pattern])
    matching = "all improvements made by licensee shall vest in licensor"
    assert regex.search(pattern, matching) and _indices(prefilter.viable(matching)) == [0]
    assert prefilter.viable("all results shall vest in licensor") == []


def test_only_a_clause_that_could_hold_a_phrase_is_tokenised():
    compiled = engine_for(()).compiled("en")
    assert compiled.phrases
    assert compiled.needs_tokens_for("pricing on a most favored nation basis")
    # The phrase's tokens, written with other spacing, still count: "most-favored-nation" is
    # read as most / - / favored / - / nation, the tokens of the hyphenated phrase.
    assert compiled.needs_tokens_for("on a most - favored - nation basis")
    # "most" alone (the first token of the phrases) does not send a clause to the tokeniser.
    assert not compiled.needs_tokens_for("most of the products shall be delivered")


def test_the_phrase_filter_never_hides_a_phrase_match():
    """Every text the PhraseMatcher matches passes the filter, whatever its spacing and case."""
    from clausecheck.lang import pipeline

    compiled = engine_for(()).compiled("en")
    phrase_matcher, _ = compiled.matchers()
    nlp = pipeline("en")
    rng = random.Random(3)
    phrases = [phrase for phrases in compiled.phrases.values() for phrase in phrases]
    matched = 0
    for _ in range(300):
        # The phrase's own tokens, glued or spaced at random, in random case.
        tokens = [token.text for token in nlp.make_doc(rng.choice(phrases))]
        joined = "".join(token + rng.choice(["", " "]) for token in tokens)
        cased = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in joined)
        text = f"The Supplier grants {cased} terms."
        if phrase_matcher(nlp.make_doc(text)):
            matched += 1
            assert compiled.needs_tokens_for(text.lower()), text
    assert matched > 50


def test_checking_a_contract_without_phrases_never_imports_spacy(tmp_path):
    """spaCy costs about 0.4 s to import: a clause must need it before it is loaded."""
    import subprocess
    import sys

    contract = tmp_path / "contract.txt"
    contract.write_text("SERVICES AGREEMENT\n\n1. Term. This Agreement ends on 31 March 2027.\n\n2. Governing Law. This Agreement shall be governed by the laws of Japan.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from clausecheck.pipeline import check_file\n"
        f"report = check_file({str(contract)!r})\n"
        "print(report.topics['governing_law'].status, 'spacy' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["present", "False"]


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"\b(?:shall|will|must)\s+not\s+disclose", {"shall", "will", "must"}),
        (r"(?<=\bby\s)(?:licensee|licensor)\b", {"licensee", "licensor"}),
        (r"\bsh(?:all|ould)\b", {"shall", "should"}),  # the parser's shared prefix, glued back
        (r"\b(?:agrees?\s+to|undertakes)\b", {"agree", "undertakes"}),
        (r"(?:exclusive)+\s+licen[cs]e", {"exclusive"}),
        (r"\b(?:a|an)\s+exclusive", None),  # too short to help
        (r"\s*exclusive", None),  # may start with a space
        (r"(?:exclusive)?\s+licen[cs]e", None),  # may start without the word
        (r"\bexclusively\s+to\s+{PARTY}", None),  # a placeholder's text differs per document
        (r"\b{PARTY}\s+shall", None),
    ],
)
def test_leading_literals_are_where_every_match_starts(pattern, starts):
    assert leading_literals(pattern) == (frozenset(starts) if starts else None)


def test_a_pattern_tried_only_where_its_leading_words_are_finds_what_finditer_finds():
    """The runner's anchored matching, replayed on the built-in patterns and corpus-like text."""
    from clausecheck.engine.runner import _matches_from

    engine = engine_for(())
    patterns = [pattern for _rule, pattern in engine.compiled("en").regex_rules if leading_literals(pattern)]
    index = LiteralIndex(patterns)
    words = sorted({word for pattern in patterns for group in required_literals(pattern) or () for word in group})
    rng = random.Random(7)
    checked = 0
    for _ in range(150):
        text = " ".join(rng.choice(words + ["the", "Licensee", "shall", "not", ".", ";", "of", "all", "in", "to", "its"]) for _ in range(rng.randrange(5, 80)))
        lowered = text.lower()
        for i, starts in index.viable(lowered):
            compiled = compile_regex(patterns[i], "en")
            expected = [m.span() for m in compiled.finditer(text)]
            for timed in (True, False):
                assert [m.span() for m in _matches_from(compiled, text, starts, timed)] == expected, patterns[i]
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("pattern", "bounded"),
    [
        (r"\b(?:shall|will)\s+not\b[^.;]{0,120}\b(?:solicit|hire)", True),
        (r"\s+(?:of)\s+", True),
        (r"(?:\s+of)?\s+", True),  # an unbounded repeat on each side of "of", or one alone
        (r"(?:a\s+b|c)\s+", True),
        (r"\w+\s+\w+", True),  # a word character is never a space: each split is forced
        (r"\s+(?:\w+\s+){0,3}(?:hold|keep)", True),  # a few rounds of disjoint repeats
        (r"(?<=\bby\s+\w+)x", True),  # a lookaround is read the same way
        (r"\bfoo[^.;]{0,150}\bbar\b[^.;]{0,120}\bbaz", True),  # gaps: the product of their bounds
        (r"[^.;]{0,150}[^.;]{0,150}", True),
        (r"(a+)+$", False),  # a repeat of a repeat: exponential
        (r"(a|aa)+", False),  # a repeat of alternatives
        (r"(?:a|aa){0,3}", False),
        (r"(?:\w+\s*){0,3}x", False),  # rounds that can meet without a space between
        (r"(?:\w+\s+){0,20}x", False),  # too many rounds
        (r"\w+\s*\w+", False),  # two repeats with nothing required between: quadratic
        (r"\w+x\w+", False),  # "x" is a word character too
        (r"\w+[^.;]{0,150}\w+", False),  # a gap can be empty
        (r".*.*", False),
        (r"\s+(?:of\s+)?\s+", False),
        (r"(?:a\s+|b\s+)\s+", False),
        (r"(?P<a>x)(?P=a)", False),
        (r"(?<=\bby\s*\w+\w+)x", False),  # a lookaround is checked as well
        (r"\bfoo[^。]{0,40}bar", False),  # Japanese gaps are widened to a group before compiling
    ],
)
def test_backtracking_is_bounded_refuses_what_can_explode(pattern, bounded):
    assert backtracking_is_bounded(pattern) is bounded


def test_an_exploding_pattern_is_still_stopped_by_the_time_limit():
    from clausecheck.engine.runner import _matches_from

    pattern = r"\b(?:alpha|beta)(?:a|aa)+$"  # the `regex` module's guards do not stop this one
    assert leading_literals(pattern) == frozenset({"alpha", "beta"}) and not backtracking_is_bounded(pattern)
    text = "alpha" + "a" * 60 + "!"  # about 10^12 ways to split the run
    with pytest.raises(TimeoutError):
        list(_matches_from(compile_regex(pattern, "en"), text, [0], timed=True))


def test_built_in_patterns_judged_bounded_stay_fast_on_hostile_text():
    """What `backtracking_is_bounded` promises, tried on the built-in patterns it passes:
    one try at a leading word never comes near the time limit, even on long runs of spaces,
    word characters or the pattern's own words with no punctuation to stop the gaps."""
    engine = engine_for(())
    rng = random.Random(13)
    tried = 0
    for language in ("en", "ja"):
        for _rule, pattern in engine.compiled(language).regex_rules:
            starts = leading_literals(pattern)
            if not starts or not backtracking_is_bounded(pattern):
                continue
            compiled = compile_regex(pattern, language)
            words = regex.findall(r"[A-Za-z]{2,}|[^\x00-\x7f]{1,4}", pattern) or ["x"]
            for word in sorted(starts):
                for tail in (" " * 4000, "a" * 4000, " ".join(rng.choice(words) for _ in range(800)), "".join(rng.choice(words) for _ in range(800))):
                    compiled.match(word + tail, 0, timeout=1.0)  # TimeoutError fails the test
                    tried += 1
    assert tried > 1000
