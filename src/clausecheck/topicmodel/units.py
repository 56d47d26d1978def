"""Cut a Document into the pieces the topic model scores: each top-level clause and its sentences.

A clause's topic can be carried by one sentence ("The Receiving Party shall hold … in
confidence") or only by the clause read whole (a purpose stated across two sentences), so
both are scored and the better one counts. Offsets are into `Document.text`, so evidence
quotes the contract's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausecheck.model import Document

SENTENCE_MAX_CHARS = 1500  # a "sentence" longer than this (a table flattened into one line) is cut
_SKIPPED_KINDS = ("toc", "signature")
_RE_SENTENCE_END = {
    # 。 closing a bracket (「…」という。）) does not end the sentence.
    "ja": re.compile(r"(?<=[。！？])(?![)）」』])|\n"),
    "en": re.compile(r"(?<=[.;:!?])\s+(?=[\"“(]?[A-Z0-9(])|\n"),
}


@dataclass(frozen=True)
class Unit:
    start: int  # in Document.text
    end: int
    language: str
    kind: str  # "sentence" | "clause"
    clause: int  # index of the top-level clause in Document.clauses


def document_units(document: Document) -> list[Unit]:
    """Every sentence of every top-level clause, then every top-level clause itself."""
    sentences: list[Unit] = []
    clauses: list[Unit] = []
    for index, clause in enumerate(document.clauses):
        if clause.kind in _SKIPPED_KINDS or not clause.text.strip():
            continue
        language = clause.language if clause.language in ("en", "ja") else document.language
        language = language if language in ("en", "ja") else "en"
        for start, end in sentence_spans(clause.text, language):
            sentences.append(Unit(clause.start + start, clause.start + end, language, "sentence", index))
        clauses.append(Unit(clause.start, clause.end, language, "clause", index))
    return sentences + clauses


def visible_text(document: Document) -> str:
    """`Document.text` with hidden text (Block.hidden: Word's hidden, white or 1 pt runs)
    blanked, offsets kept: words a reader cannot see must not make a topic present."""
    hidden = [(block.start + start, block.start + end) for block in document.blocks for start, end in block.hidden]
    if not hidden:
        return document.text
    characters = list(document.text)
    for start, end in hidden:
        characters[start:end] = " " * (end - start)
    return "".join(characters)


def sentence_spans(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence of `text`, cut at SENTENCE_MAX_CHARS."""
    spans = []
    start = 0
    for m in _RE_SENTENCE_END[language].finditer(text):
        spans.extend(_pieces(text, start, m.start() if m.group(0).isspace() else m.end()))
        start = m.end()
    spans.extend(_pieces(text, start, len(text)))
    return spans


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return []
    return [(s, min(s + SENTENCE_MAX_CHARS, end)) for s in range(start, end, SENTENCE_MAX_CHARS)]
