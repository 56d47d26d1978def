"""Detect the contract type (NDA, PoC, joint development, licence, ...) from title and text.

Cues live in rules/profiles.yaml: title patterns weigh most, body patterns add evidence.
"""

from __future__ import annotations

from clausecheck.engine.compiler import compile_regex
from clausecheck.engine.schema import Profile
from clausecheck.lang import normalise
from clausecheck.model import ContractType, Document

TITLE_WEIGHT = 6.0
BODY_WEIGHT = 1.0
BODY_CAP_PER_CUE = 3


def detect_contract_type(document: Document, profiles: dict[str, Profile]) -> ContractType:
    language = document.language
    title = normalise(document.title or "").text
    head = normalise(document.text[:30000]).text
    scores: dict[str, float] = {}
    for profile in profiles.values():
        score = 0.0
        for pattern in profile.title.get(language, ()) + profile.title.get("en" if language == "ja" else "ja", ()):
            if title and compile_regex(pattern, language).search(title):
                score += TITLE_WEIGHT
                break
        for pattern in profile.body.get(language, ()):
            hits = len(compile_regex(pattern, language).findall(head))
            score += BODY_WEIGHT * min(hits, BODY_CAP_PER_CUE)
        if score:
            scores[profile.id] = score
    if not scores:
        return ContractType("other", 0.0)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    best_id, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(min(1.0, best / (best + second + 2.0) + (0.3 if best >= TITLE_WEIGHT else 0.0)), 2)
    return ContractType(best_id, confidence)
