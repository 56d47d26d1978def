"""Where a document's hidden text lies, so that a hit in it is never the only evidence.

Parsers mark text a reader of the page cannot see (`Block.hidden`: Word's hidden, white or
1 pt text). A contract can hide "exclusive" in white to make a checker report exclusivity,
or hide a clause to make it look present: the engine drops every hit whose matched words
touch hidden text, so a topic or finding stands on visible words alone.
"""

from __future__ import annotations

from bisect import bisect_right

from clausecheck.model import Document


class HiddenText:
    """The hidden spans of a document in `Document.text` offsets, sorted and merged."""

    def __init__(self, document: Document):
        spans = sorted((block.start + start, block.start + end) for block in document.blocks for start, end in block.hidden)
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self._starts = [start for start, _ in merged]
        self._spans = merged

    def __bool__(self) -> bool:
        return bool(self._spans)

    def overlaps(self, start: int, end: int) -> bool:
        """True when the half-open span [start, end) shares a character with hidden text."""
        index = bisect_right(self._starts, max(end - 1, start)) - 1
        return index >= 0 and self._spans[index][1] > start
