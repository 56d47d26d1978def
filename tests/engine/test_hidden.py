"""HiddenText: which spans of a document's text a reader cannot see."""

from __future__ import annotations

from clausecheck.engine.hidden import HiddenText
from clausecheck.model import Block, Document, Source


def _document(blocks: list[Block]) -> Document:
    return Document(Source("x.docx", "docx", "0" * 64), "", tuple(blocks), (), "en", None, (), (), ())


def test_spans_are_in_document_offsets_and_merged():
    hidden = HiddenText(_document([Block("aaaa bbbb", start=0, end=9, hidden=((5, 9),)), Block("cccc", start=10, end=14, hidden=((0, 4),))]))
    assert hidden
    assert hidden.overlaps(5, 6) and hidden.overlaps(0, 6) and hidden.overlaps(12, 20)
    assert not hidden.overlaps(0, 5) and not hidden.overlaps(14, 20)
    assert not hidden.overlaps(9, 10)  # the line break between two hidden blocks is not hidden
    assert hidden.overlaps(9, 11)


def test_a_document_without_hidden_text_is_falsy():
    assert not HiddenText(_document([Block("visible", start=0, end=7)]))
