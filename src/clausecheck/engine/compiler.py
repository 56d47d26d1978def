"""Compile a rule pack into matchers: one PhraseMatcher and one Matcher per language.

All phrases and token patterns of a language go into a single PhraseMatcher and a single
Matcher, keyed by rule id, so a clause is tokenised once and matched once for all rules.
Regular expressions use the `regex` module, whose `timeout` stops a catastrophic pattern
(such as `(a+)+$`) instead of hanging the run. Party placeholders ({PARTY}, {US}, {THEM})
are expanded per document, since aliases differ from contract to contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from clausecheck.engine.schema import Rule

PLACEHOLDERS = ("{PARTY}", "{US}", "{THEM}")
REGEX_TIMEOUT_SECONDS = 0.5


def _expand_dummy(pattern: str) -> str:
    for placeholder in PLACEHOLDERS:
        pattern = pattern.replace(placeholder, "(?:甲|乙|Party)")
    return pattern


def check_regex(pattern: str) -> str | None:
    """An error message when `pattern` does not compile, else None."""
    try:
        regex.compile(_expand_dummy(pattern), regex.IGNORECASE | regex.VERSION0)
    except (regex.error, OverflowError, RecursionError) as exc:
        return str(exc)
    return None


def check_token_pattern(pattern, language: str) -> str | None:
    """Validate a spaCy Matcher pattern (a list of token dicts) as spaCy itself does."""
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        return "a token pattern is a non-empty list of token mappings, e.g. [{LOWER: exclusive}]"
    from spacy.matcher import Matcher

    from clausecheck.lang import pipeline

    matcher = Matcher(pipeline(language).vocab, validate=True)
    try:
        matcher.add("check", [pattern])
    except Exception as exc:  # spaCy raises ValueError / MatchPatternError with coded text
        return str(exc).splitlines()[0][:300]
    return None


@lru_cache(maxsize=4096)
def compile_regex(pattern: str, language: str):
    flags = regex.IGNORECASE | regex.VERSION0
    if language == "en":
        flags |= regex.ASCII if False else 0
    return regex.compile(pattern, flags)


def expand_placeholders(pattern: str, aliases: dict[str, str]) -> str:
    """Replace {PARTY}/{US}/{THEM} with an alternation of the document's party aliases."""
    if "{" not in pattern:
        return pattern
    for placeholder in PLACEHOLDERS:
        if placeholder in pattern:
            pattern = pattern.replace(placeholder, aliases.get(placeholder, "(?!)"))
    return pattern


@dataclass
class CompiledLanguage:
    language: str
    phrase_matcher: object | None
    token_matcher: object | None
    regex_rules: list[tuple[Rule, str]] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def needs_tokens(self) -> bool:
        return self.phrase_matcher is not None or self.token_matcher is not None


def compile_rules(rules: list[Rule], language: str) -> CompiledLanguage:
    """Matchers for every active rule with a block in `language`."""
    from spacy.matcher import Matcher, PhraseMatcher

    from clausecheck.lang import normalise, pipeline

    nlp = pipeline(language)
    attr = "LOWER" if language == "en" else "ORTH"
    phrase_matcher = PhraseMatcher(nlp.vocab, attr=attr)
    token_matcher = Matcher(nlp.vocab, validate=True)
    has_phrases = has_tokens = False
    compiled = CompiledLanguage(language, None, None)
    for rule in rules:
        block = rule.languages.get(language)
        if block is None or rule.disabled:
            continue
        compiled.rules[rule.id] = rule
        if block.phrases:
            docs = [nlp.make_doc(normalise(p).text) for p in block.phrases]
            phrase_matcher.add(rule.id, docs)
            has_phrases = True
        if block.patterns:
            token_matcher.add(rule.id, [list(p) for p in block.patterns])
            has_tokens = True
        for pattern in block.regex:
            compiled.regex_rules.append((rule, pattern))
    compiled.phrase_matcher = phrase_matcher if has_phrases else None
    compiled.token_matcher = token_matcher if has_tokens else None
    return compiled
