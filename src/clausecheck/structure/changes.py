"""Place a draft's tracked changes in `Document.text` and name the clause each one touches.

The parser reports each revision with the words before it on its line; those words plus the
changed words are looked up in the text the rules read (accepted or original reading),
moving forward through the document so that a phrase repeated in several clauses is placed
where the revision really is. Words the reading does not contain (a deletion in the
accepted text, an insertion in the original) are placed as an empty span where they stood.
"""

from __future__ import annotations

import bisect

from clausecheck.model import Change, Document, TrackedChange

SEARCH_BEHIND = 2_000  # characters before the previous change where the next one may also be
# Changes come in document order, so a search forward from the previous one costs, summed
# over all changes, about one pass over the text; only a search that fails reads to the end.
# After this many failures (a hostile or garbled draft) the rest search a window only.
FULL_SEARCHES_FAILED = 100
SEARCH_WINDOW = 20_000


def place_changes(document: Document, changes: tuple[TrackedChange, ...], view: str) -> tuple[Change, ...]:
    """Every tracked change with its span in `document.text`, its block and its clause label."""
    text = document.text
    cursor = 0
    placed: list[Change] = []
    block_starts = [block.start for block in document.blocks]
    leaves = sorted(document.leaf_clauses(), key=lambda clause: clause.start)
    leaf_starts = [clause.start for clause in leaves]
    budget = _SearchBudget()
    for number, change in enumerate(changes, start=1):
        prefix = change.accepted_prefix if view == "accepted" else change.original_prefix
        suffix = change.accepted_suffix if view == "accepted" else change.original_suffix
        present = change.after if view == "accepted" else change.before
        start, end, cursor = _locate(text, prefix, present.strip("\n"), suffix, cursor, budget)
        block = _at(document.blocks, block_starts, start)
        clause = _at(leaves, leaf_starts, start)
        placed.append(Change(
            id=f"C{number}",
            kind=change.kind,
            author=change.author,
            date=change.date,
            before=change.before,
            after=change.after,
            clause=clause.label() if clause is not None else None,
            start=start,
            end=end,
            block=block.index if block is not None else None,
        ))
    return tuple(placed)


class _SearchBudget:
    """How many searches to the end of the text have failed so far in one document."""

    def __init__(self) -> None:
        self.failed = 0

    def limit(self, cursor: int, text_length: int) -> int:
        return text_length if self.failed < FULL_SEARCHES_FAILED else cursor + SEARCH_WINDOW


def _locate(text: str, prefix: str, present: str, suffix: str, cursor: int, budget: _SearchBudget) -> tuple[int, int, int]:
    """(start, end, new cursor) of `present` between `prefix` and `suffix`, searching forward from `cursor` first."""
    prefix, suffix = prefix.lstrip(), suffix.rstrip()
    for wanted_prefix, wanted_suffix in ((prefix, suffix), (prefix, suffix[:12]), (prefix, ""), (prefix[-12:], ""), ("", suffix), ("", "")):
        needle = wanted_prefix + present + wanted_suffix
        if not needle.strip():
            continue
        found = text.find(needle, cursor, budget.limit(cursor, len(text)))
        if found < 0:
            budget.failed += 1
            found = text.find(needle, max(0, cursor - SEARCH_BEHIND), cursor + len(needle))
        if found >= 0:
            start = found + len(wanted_prefix)
            end = start + len(present)
            return start, end, max(cursor, end)
    return cursor, cursor, cursor


def _at(items, starts: list[int], offset: int):
    """The last item starting at or before `offset` (blocks and leaf clauses are in text order).

    An empty span on a boundary (a deleted paragraph) belongs to what comes before it.
    """
    position = bisect.bisect_right(starts, offset) - 1
    return items[position] if position >= 0 else None
