"""What a finding quotes: the sentence that does something, never a clause heading alone.

A rule may be set off by the words of a heading (「第1条（独占的実施権の許諾）」, "Unlimited
Liability of Licensee"); the reader then needs the sentence under it to see what the clause
really grants or imposes. A quote that is only a heading line runs on to the end of the first
sentence of the clause's text, so the heading stays (it holds the match) and the operative
sentence is there to read.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from clausecheck.model import Block, Clause, Document

# Where the first sentence after a heading ends: 。 (not inside 「…」), or an English full stop
# before the next sentence.
_RE_SENTENCE_END = re.compile(r"。(?![)）」』])|(?<=[.;!?])\s+(?=[\"“(]?[A-Z0-9(])")


# A heading line is short: a longer quote is a sentence and is left as it is, unlooked at.
_HEADING_LINE_MAX_CHARS = 160


def operative_span(document: Document, clause: Clause, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """`(start, end)` unchanged, or run on to the clause's first sentence when the quote is a heading line alone."""
    if end - start > _HEADING_LINE_MAX_CHARS or clause.kind not in ("clause", "schedule"):
        return start, end  # a title in the preamble heads the whole contract, not the line after it
    blocks = document.blocks
    position = _block_position(blocks, start)
    if position is None or not _is_heading_line(blocks[position], clause, document.text[start:end]):
        return start, end
    following = next((b for b in blocks[position + 1:] if b.text.strip()), None)
    if following is None or following.start >= clause.end:
        return start, end
    body = document.text[following.start:min(following.end, clause.end)]
    m = _RE_SENTENCE_END.search(body)
    sentence_end = following.start + (m.end() if m else len(body.rstrip()))
    return start, max(end, min(sentence_end, start + max_chars))


# The blocks last asked about and their start offsets: one document at a time, replaced whole
# (one assignment) so that threads checking two documents never mix the two.
_starts_of: tuple = ((), [])


def _block_position(blocks: tuple[Block, ...], offset: int) -> int | None:
    """The index of the block holding `offset` (blocks are in document order)."""
    global _starts_of
    cached_blocks, starts = _starts_of
    if cached_blocks is not blocks:
        starts = [b.start for b in blocks]
        _starts_of = (blocks, starts)
    position = bisect_right(starts, offset) - 1
    if position < 0 or not blocks[position].start <= offset < blocks[position].end:
        return None
    return position


def _is_heading_line(block: Block, clause: Clause, quoted: str) -> bool:
    """The quote is one whole line that only names a clause: a heading block, or a number with
    the heading after it (第1条（目的）, 4. Unlimited Liability) and nothing else."""
    quoted, line = quoted.strip(), block.text.strip()
    # The quote may leave out the number ("4." reads as a sentence of its own).
    if not quoted or not line.endswith(quoted):
        return False
    if block.kind == "heading":
        return True
    headings = [c.heading for c in clause.walk() if c.heading and c.start <= block.start < c.end]
    return any(line.endswith((heading, f"（{heading}）", f"({heading})", f"{heading}.", f"{heading}:")) and len(line) <= len(heading) + 14
               for heading in headings)
