"""Compile every document-independent pattern of an engine up front, once, before workers fork.

The runner compiles a rule's regex on first use (lru-cached): in a batch every forked
worker would compile the same few hundred patterns again, and the `regex` module's parser
is pure Python. Compiled once in the parent, the caches are inherited by every worker.
Patterns with party placeholders ({PARTY}, {US}, {THEM}) depend on each document's party
names and are compiled when a document needs them, as before.
"""

from __future__ import annotations

from clausecheck.engine.compiler import PLACEHOLDERS, compile_folded, compile_regex, matches_folded


def precompile(engine, languages=("en", "ja")) -> int:
    """Fill the regex caches the runner reads for `engine`'s rules; return how many patterns."""
    count = 0
    for language in languages:
        compiled = engine.compiled(language)
        for _rule, pattern in compiled.regex_rules:
            if any(placeholder in pattern for placeholder in PLACEHOLDERS):
                continue
            try:
                if matches_folded(pattern):
                    compile_folded(pattern)
                compile_regex(pattern, language)
            except Exception:  # noqa: BLE001 - a pattern that fails here fails the same way when used
                continue
            count += 1
    return count
