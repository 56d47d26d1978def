"""Detect the contract type (NDA, PoC, joint development, licence, ...) from title and text.

Cues live in rules/profiles.yaml. A contract names its type in its title ("共同研究開発契約書",
"Software Hosting Agreement"), so title patterns weigh most; where the parser found no title
(a cover page, an exhibit number), the first short lines of the text stand in for it at a
lower weight. Body patterns add evidence, each capped so that one word repeated a hundred
times cannot outvote the title. When a title names two types ("Licence and Development
Agreement"), the one named first leads.
"""

from __future__ import annotations

from clausecheck.engine.compiler import compile_regex
from clausecheck.engine.schema import Profile
from clausecheck.lang import normalise
from clausecheck.model import ContractType, Document

TITLE_WEIGHT = 10.0
HEADING_WEIGHT = 6.0  # a title pattern found in the first short lines of the text
FIRST_NAMED_BONUS = 1.5  # the type named first in a title with several
BODY_WEIGHT = 1.0
BODY_CAP_PER_CUE = 3
BODY_CHARS = 30000
HEADING_LINES = 8
HEADING_LINE_MAX_CHARS = 120
OTHER = "other"


def _heading_lines(text: str) -> str:
    """The first short lines of a document: where a missed title usually sits."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) <= HEADING_LINE_MAX_CHARS:
            lines.append(stripped)
        if len(lines) >= HEADING_LINES:
            break
    return "\n".join(lines)


def _first_position(patterns: tuple[str, ...], text: str, language: str) -> int | None:
    positions = []
    for pattern in patterns:
        m = compile_regex(pattern, language).search(text)
        if m:
            positions.append(m.start())
    return min(positions) if positions else None


def score_types(document: Document, profiles: dict[str, Profile]) -> dict[str, float]:
    """Each contract type's score for this document (types with no cue are left out)."""
    language = document.language
    other_language = "en" if language == "ja" else "ja"
    title = normalise(document.title or "").text
    headings = normalise(_heading_lines(document.text[:5000])).text
    body = normalise(document.text[:BODY_CHARS]).text
    scores: dict[str, float] = {}
    title_positions: dict[str, int] = {}
    for profile in profiles.values():
        title_patterns = profile.title.get(language, ()) + profile.title.get(other_language, ())
        score = 0.0
        position = _first_position(title_patterns, title, language) if title else None
        if position is not None:
            score += TITLE_WEIGHT
            title_positions[profile.id] = position
        elif headings and _first_position(title_patterns, headings, language) is not None:
            score += HEADING_WEIGHT
        for pattern in profile.body.get(language, ()):
            hits = len(compile_regex(pattern, language).findall(body))
            score += BODY_WEIGHT * min(hits, BODY_CAP_PER_CUE)
        if score:
            scores[profile.id] = score
    if len(title_positions) > 1:
        first = min(title_positions, key=lambda type_id: (title_positions[type_id], type_id))
        scores[first] += FIRST_NAMED_BONUS
    return scores


def detect_contract_type(document: Document, profiles: dict[str, Profile]) -> ContractType:
    scores = score_types(document, profiles)
    if not scores:
        return ContractType(OTHER, 0.0)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    best_id, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    named = best >= HEADING_WEIGHT
    confidence = round(min(1.0, best / (best + second + 2.0) + (0.3 if named else 0.0)), 2)
    return ContractType(best_id, confidence)
