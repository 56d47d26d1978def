"""What every parser shares: the reading options, and `assemble`, which turns block dicts into a RawDocument.

The parsers (pdf, docx, text) import these from here rather than from the package, whose
registry imports the parsers: one direction, no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from clausecheck.model import HIDDEN_STYLE, Block, RawDocument, Source  # noqa: F401 - HIDDEN_STYLE: the style parsers give hidden text


@dataclass(frozen=True)
class ReadOptions:
    """Limits and secrets for reading one file; defaults are documented in docs/limits.md."""

    password: str | None = None
    max_bytes: int = 50 * 1024 * 1024  # a contract file larger than this is refused (E109)
    max_pages: int = 2000  # PDF pages read at most
    max_unzipped_bytes: int = 200 * 1024 * 1024  # docx parts inflated at most (zip bombs)
    max_chars: int = 20_000_000  # characters of text kept at most
    changes: str = "accepted"  # tracked changes: read the text as accepted, or as the original
    max_pdf_stream_bytes: int = 128 * 1024 * 1024  # one PDF stream (a page's content) inflated at most
    max_pdf_inflated_bytes: int = 512 * 1024 * 1024  # all of a PDF's non-image streams inflated at most
    ocr: str = "auto"  # PDF pages read by OCR: auto (pages without a text layer) | always | never


def assemble(source: Source, pieces: list[dict], warnings=(), headers=()) -> RawDocument:
    """Build a RawDocument from block dicts, giving blocks their index and offsets.

    Offsets refer to the document text that structure builds by joining block texts with
    a newline, so every parser agrees on one coordinate system.
    """
    blocks = []
    offset = 0
    index = 0
    for piece in pieces:
        text = piece["text"]
        if not text.strip():
            continue
        index += 1
        blocks.append(
            Block(
                text=text,
                kind=piece.get("kind", "paragraph"),
                page=piece.get("page"),
                index=index,
                number=piece.get("number"),
                style=piece.get("style"),
                start=offset,
                end=offset + len(text),
                level=piece.get("level"),
                hidden=piece.get("hidden", ()),
            )
        )
        offset += len(text) + 1
    return RawDocument(source=source, blocks=tuple(blocks), warnings=tuple(warnings), headers=tuple(headers))
