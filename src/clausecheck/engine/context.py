"""A rule's context patterns (inside, not_inside, unless, requires) searched in its scope, under
the document's regex budget: a pattern that runs too long is skipped, never hangs the run.
"""

from __future__ import annotations

import time
from functools import lru_cache

from clausecheck.engine.budget import CURRENT_BUDGET, context_key
from clausecheck.engine.compiler import REGEX_TIMEOUT_SECONDS, backtracking_is_bounded, compile_regex, expand_placeholders


def _any_search(patterns, text: str, language: str, aliases: dict[str, str]) -> bool:
    budget = CURRENT_BUDGET.get()
    for pattern in patterns:
        key, timed = context_key(pattern), not backtracking_is_bounded(pattern)
        if budget is not None and not budget.allows(key, timed):
            continue
        started = time.perf_counter()
        try:
            timeout = budget.timeout() if budget is not None else REGEX_TIMEOUT_SECONDS
            if compile_regex(expand_placeholders(pattern, aliases), language).search(text, timeout=timeout):
                return True
        except TimeoutError:
            if budget is not None:
                budget.timed_out(key)
            continue
        finally:
            if budget is not None:
                budget.charge(key, time.perf_counter() - started, timed)
    return False


def _scope_search(scope: str, patterns, text: str, language: str, aliases: dict[str, str]) -> bool:
    """`_any_search` over a rule's scope text. Every hit of a document-scope rule asks the
    same question of the same document, so that answer is kept rather than searched again."""
    if scope == "document":
        return _document_search(tuple(patterns), text, language, tuple(sorted(aliases.items())))
    return _any_search(patterns, text, language, aliases)


@lru_cache(maxsize=32)  # a key holds the document text: keep few
def _document_search(patterns: tuple[str, ...], text: str, language: str, aliases: tuple[tuple[str, str], ...]) -> bool:
    return _any_search(patterns, text, language, dict(aliases))
