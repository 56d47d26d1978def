"""References in the memo's language: the English form of a Japanese reference, from rules/references.yaml.

Rules cite guidelines and statutes as they are published (公正取引委員会「知的財産の利用に関する
独占禁止法上の指針」第4-5(8)); a memo in English gives them in English, so the reader can tell
what is cited without reading Japanese. The phrases and patterns are data; this applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReferenceForms:
    phrases: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # language → (original, form), longest first
    patterns: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # language → (regex, replacement)


def localise(reference: str, language: str, forms: ReferenceForms) -> str:
    phrases = forms.phrases.get(language)
    if not phrases:
        return reference
    text = reference
    for original, form in phrases:
        text = text.replace(original, form)
    for pattern, replacement in forms.patterns.get(language, ()):
        text = re.sub(pattern, replacement, text)
    return text.strip()


def localise_all(references: tuple[str, ...], language: str, forms: ReferenceForms) -> tuple[str, ...]:
    return tuple(localise(reference, language, forms) for reference in references)
