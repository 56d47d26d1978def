"""Structure: turn a parser's blocks into a `Document` with clauses, parties and definitions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from clausecheck.lang import detect_language
from clausecheck.model import Clause, Document, RawDocument
from clausecheck.bilingual import is_bilingual, with_translated_aliases
from clausecheck.structure.changes import place_changes
from clausecheck.structure.clauses import build_clauses
from clausecheck.structure.parties import find_definitions, find_effective_date, find_parties, find_title


def build_document(raw: RawDocument, language: str | None = None) -> Document:
    """Everything the checker knows about the file, located in `Document.text`."""
    text = "\n".join(block.text for block in raw.blocks)
    if language in (None, "auto"):
        language = detect_language(text)
    clauses = build_clauses(raw.blocks, text)
    preamble = _preamble_text(clauses, text)
    signature = next((c.text for c in clauses if c.kind == "signature"), "")
    parties = find_parties(preamble, text, language, signature or text[-3000:])
    if is_bilingual(raw.blocks, text):
        parties = with_translated_aliases(parties, preamble)
    document = Document(
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
    if raw.changes:
        document = replace(document, changes=place_changes(document, raw.changes, raw.changes_view), changes_view=raw.changes_view)
    return document


def _preamble_text(clauses, text: str) -> str:
    """Text before the first numbered clause: where the parties and the date are named.

    That is the preamble clauses (a contents list between them left out); failing those,
    the text before the first numbered clause, or the first 4,000 characters.
    """
    preambles = "\n".join(c.text[:8000] for c in clauses if c.kind == "preamble")
    if len(preambles) >= 200:
        return preambles
    first_numbered = next((c.start for c in clauses if c.number and c.kind == "clause"), None)
    if first_numbered is None:
        return text[:4000]
    return text[: min(first_numbered, 8000)] or text[:4000]


def _citation_key(citation: str) -> str:
    """One spelling per citation: 第５条 ５．１ → 第5条5.1; 第7条第2項第1号 → 第7条2項(1); Section 5.2 → 5.2."""
    key = unicodedata.normalize("NFKC", citation)
    key = re.sub(r"\s+", "", key)
    key = re.sub(r"第(\d+)項", r"\1項", key)
    key = re.sub(r"第(\d+)号", r"(\1)", key)
    key = re.sub(r"^(?:Section|SECTION|Clause|CLAUSE|§)", "", key)
    return key.rstrip(".")


def find_clause(document: Document, citation: str) -> Clause | None:
    """The clause a reader means by `citation` (第5条5.1, 第7条2項, 5.2(b), Section 5.2), or None.

    An exact citation wins; otherwise a citation that ends one clause number and no other
    (5.2(b) for 第5条5.2(b)) still resolves.
    """
    wanted = _citation_key(citation)
    if not wanted:
        return None
    numbered = [c for c in document.all_clauses() if c.number]
    exact = [c for c in numbered if _citation_key(c.number) == wanted]
    if exact:
        return exact[0]
    tails = [c for c in numbered if _citation_key(c.number).endswith(wanted)]
    return tails[0] if len(tails) == 1 else None
