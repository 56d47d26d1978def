"""`conditional` rules: a pattern that is a finding only when its companion is absent.

IP assigned → consideration stated; automatic renewal → a notice period to stop it: the
rule's `requires` patterns are searched in the rule's scope around the hit.
"""

from __future__ import annotations

from clausecheck.engine.context import _scope_search
from clausecheck.engine.schema import LanguageBlock, Rule


def _mask_terms(text: str, terms: tuple[str, ...]) -> str:
    """`text` with each of `terms` blanked out (same length, so offsets hold)."""
    for term in terms:
        if term and term in text:
            text = text.replace(term, " " * len(term))
    return text


def companion_found(rule: Rule, block: LanguageBlock, scope_text: str, language: str, aliases: dict[str, str], unlimited_terms: tuple[str, ...]) -> bool:
    """True when a conditional rule's companion is in the scope: then its hit is no finding.

    A limit named by a defined term that the contract defines as none ("Territory" means all
    countries of the world) limits nothing: such terms are masked before the search."""
    return _scope_search(rule.scope, block.requires, _mask_terms(scope_text, unlimited_terms), language, aliases)
