"""Compile every document-independent pattern of an engine up front, once, before workers fork.

The runner compiles a rule's regex on first use (memoised, engine/memo.py): in a batch every
forked worker would compile the same few hundred patterns again, and the `regex` module's
parser is pure Python. Compiled once in the parent, the memo tables are inherited by every
worker, and engine/pack_cache.py saves them with the cached pack for the next process.
Patterns with party placeholders ({PARTY}, {US}, {THEM}) depend on each document's party
names and are compiled when a document needs them, as before; what the runner reads from
the pattern as written (its backtracking bound) is worked out here for them too.
"""

from __future__ import annotations

from clausecheck.engine.compiler import PLACEHOLDERS, backtracking_is_bounded, compile_folded, compile_regex, matches_folded


def precompile(engine, languages=("en", "ja")) -> int:
    """Fill the pattern memo tables the runner reads for `engine`'s rules; return how many patterns."""
    count = 0
    for language in languages:
        compiled = engine.compiled(language)
        for _rule, pattern in compiled.regex_rules:
            if _warm(pattern, language, folded=True):
                count += 1
        for rule in engine.pack.active():
            block = rule.languages.get(language)
            if block is None:
                continue
            for pattern in (*block.unless, *block.inside, *block.not_inside, *block.requires):
                _warm(pattern, language, folded=False)  # context patterns (see runner._any_search)
    return count


def _warm(pattern: str, language: str, folded: bool) -> bool:
    try:
        backtracking_is_bounded(pattern)
        if any(placeholder in pattern for placeholder in PLACEHOLDERS):
            return False
        if folded and matches_folded(pattern):
            compile_folded(pattern)
        compile_regex(pattern, language)
    except Exception:  # noqa: BLE001 - a pattern that fails here fails the same way when used
        return False
    return True
