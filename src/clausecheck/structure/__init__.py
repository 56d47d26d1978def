"""Structure: turn a parser's blocks into a `Document` with clauses, parties and definitions."""

from __future__ import annotations

from clausecheck.lang import detect_language
from clausecheck.model import Document, RawDocument
from clausecheck.structure.clauses import build_clauses
from clausecheck.structure.parties import find_definitions, find_effective_date, find_parties, find_title


def build_document(raw: RawDocument, language: str | None = None) -> Document:
    """Everything the checker knows about the file, located in `Document.text`."""
    text = "\n".join(block.text for block in raw.blocks)
    if language in (None, "auto"):
        language = detect_language(text)
    clauses = build_clauses(raw.blocks, text)
    preamble = next((c.text for c in clauses if c.kind == "preamble"), "")
    if not preamble and clauses:
        preamble = text[: clauses[0].start]
    signature = next((c.text for c in clauses if c.kind == "signature"), "")
    parties = find_parties(preamble, text, language)
    if not parties and signature:
        parties = find_parties(signature, signature, language)
    return Document(
        source=raw.source,
        text=text,
        blocks=raw.blocks,
        clauses=clauses,
        language=language,
        title=find_title(raw.blocks, language),
        parties=parties,
        definitions=find_definitions(text, clauses, language),
        warnings=raw.warnings,
        effective_date=find_effective_date(preamble, text, language),
        headers=raw.headers,
    )
