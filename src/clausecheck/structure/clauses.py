"""Build the clause tree from blocks: numbered clauses, headings, recitals, schedules.

The tree is built with a stack of numbering styles, the way a reader does it: a marker
of a style already on the stack closes everything below it (a sibling); a new style
opens a child. Headings on their own line (（目的）, ALL-CAPS lines) are attached to the
clause that follows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clausecheck.lang import detect_language
from clausecheck.model import Block, Clause
from clausecheck.structure.numbering import Marker, find_marker

# Styles that start a top-level clause when nothing else is open.
TOP_STYLES = ("ja-chapter", "en-article", "ja-article", "dec1", "schedule")
_RE_JA_HEADING_LINE = re.compile(r"^[（(【〔]([^（）()【】〔〕]{1,30})[）)】〕]$")
_RE_JA_INLINE_HEADING = re.compile(r"^[（(【〔]([^（）()【】〔〕]{1,30})[）)】〕][\s　]*")
_RE_TOC_LINE = re.compile(r"(\.{4,}|…{2,}|・{4,}|\t)\s*\d{1,3}\s*$")
_RE_RECITAL = re.compile(r"^(WHEREAS|Whereas|RECITALS?|Recitals?|BACKGROUND|WITNESSETH)\b")
_RE_SIGNATURE = re.compile(r"^(IN WITNESS WHEREOF|In Witness Whereof|本契約(の)?締結の証として|以上の(合意の)?証として|上記契約の成立を証するため)")
_RE_TITLE_LINE = re.compile(r"(AGREEMENT|Agreement|CONTRACT|契約書|覚書|合意書)\s*[）)]?$")
_RE_EN_HEADING_PREFIX = re.compile(r"^([A-Z][A-Za-z0-9,'’&/\- ]{1,70}?)[.:]\s+(?=\S)")


@dataclass
class _Open:
    marker: Marker | None
    style: str
    number: str | None
    heading: str | None
    blocks: list[Block] = field(default_factory=list)
    children: list["_Open"] = field(default_factory=list)
    kind: str = "clause"


def is_caps_heading(text: str) -> bool:
    """A short line in capitals (e.g. CONFIDENTIALITY) reads as a heading."""
    letters = [ch for ch in text if ch.isalpha()]
    return 3 <= len(letters) and len(text) <= 80 and all(ch.isupper() for ch in letters if ch.isascii()) and not text.endswith((",", ";"))


def _split_heading(marker: Marker, language_hint: str) -> tuple[str | None, str]:
    rest = marker.rest.strip()
    if marker.style.startswith("ja"):
        m = _RE_JA_INLINE_HEADING.match(rest)
        if m:
            return m.group(1).strip(), rest[m.end():]
        return None, rest
    if not rest:
        return None, rest
    if len(rest) <= 80 and not rest.endswith((".", ";", ",")) and (rest[:1].isupper()):
        words = rest.split()
        if len(words) <= 10 and sum(w[:1].isupper() for w in words) >= max(1, len(words) // 2):
            return rest, ""
    m = _RE_EN_HEADING_PREFIX.match(rest)
    if m:
        words = m.group(1).split()
        if len(words) <= 8 and sum(w[:1].isupper() or not w.isalpha() for w in words) >= max(1, len(words) - 2):
            return m.group(1).strip(), rest[m.end():]
    return None, rest


def build_clauses(blocks: tuple[Block, ...], text: str) -> tuple[Clause, ...]:
    """Clauses of the document, top level first, each with its children."""
    roots: list[_Open] = []
    stack: list[_Open] = []
    pending_heading: str | None = None
    pending_heading_block: Block | None = None
    previous: dict[str, int] = {}
    seen_top = False
    preamble = _Open(None, "preamble", None, None, kind="preamble")
    tail: _Open | None = None

    def open_clause(node: _Open) -> None:
        nonlocal seen_top
        while stack and not _is_child_style(stack[-1], node):
            stack.pop()
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
            seen_top = True
        stack.append(node)

    for block in blocks:
        raw = block.text.strip()
        if tail is not None:
            tail.blocks.append(block)
            continue
        if _RE_TOC_LINE.search(raw) and len(raw) < 120:
            continue  # table-of-contents lines are not the clauses themselves
        if _RE_SIGNATURE.match(raw) and seen_top:
            tail = _Open(None, "signature", None, None, kind="signature")
            tail.blocks.append(block)
            continue
        m = _RE_JA_HEADING_LINE.match(raw)
        if m and not block.number:
            pending_heading, pending_heading_block = m.group(1), block
            continue
        marker = _marker_for(block, previous, stack)
        if marker is not None and _plausible(marker, stack, previous):
            heading, _body = _split_heading(marker, "ja" if marker.style.startswith("ja") else "en")
            if pending_heading and marker.style in TOP_STYLES + ("ja-article",):
                heading = heading or pending_heading
            node = _Open(marker, marker.style, marker.label, heading, kind="schedule" if marker.style == "schedule" else "clause")
            if pending_heading_block is not None and marker.style in TOP_STYLES:
                node.blocks.append(pending_heading_block)
            node.blocks.append(block)
            open_clause(node)
            previous[marker.style] = marker.value
            for style in list(previous):
                if _rank_below(style, marker.style, stack):
                    previous.pop(style, None)
            pending_heading, pending_heading_block = None, None
            continue
        if pending_heading_block is not None:
            # A heading line not followed by a number: an unnumbered clause with that heading.
            node = _Open(None, "headed", None, pending_heading)
            node.blocks.append(pending_heading_block)
            node.blocks.append(block)
            _open_unnumbered(node, stack, roots)
            pending_heading, pending_heading_block = None, None
            continue
        if not seen_top and not stack and _RE_TITLE_LINE.search(raw) and len(raw) < 120:
            preamble.blocks.append(block)  # the title, however it is styled
            continue
        if block.kind == "heading" or (is_caps_heading(raw) and len(raw) < 60 and not _RE_RECITAL.match(raw)):
            if not stack or stack[-1].style in ("headed",) or not stack[-1].number or block.kind == "heading":
                node = _Open(None, "headed", None, raw.rstrip(".:"))
                node.blocks.append(block)
                if not seen_top and not roots and not preamble.blocks:
                    preamble.blocks.append(block)  # the title line
                    continue
                _open_unnumbered(node, stack, roots)
                seen_top = True
                continue
        if _RE_RECITAL.match(raw) and not seen_top:
            preamble.blocks.append(block)
            continue
        if stack:
            stack[-1].blocks.append(block)
        else:
            preamble.blocks.append(block)
    if pending_heading_block is not None:
        (stack[-1].blocks if stack else preamble.blocks).append(pending_heading_block)

    result: list[Clause] = []
    if preamble.blocks:
        result.append(_freeze(preamble, text, 0, ""))
    for node in roots:
        result.append(_freeze(node, text, 1, ""))
    if tail is not None:
        result.append(_freeze(tail, text, 1, ""))
    return tuple(sorted(result, key=lambda c: c.start))


def _open_unnumbered(node: _Open, stack: list[_Open], roots: list[_Open]) -> None:
    # An unnumbered heading closes open numbered sub-clauses but nests inside an Article.
    while stack and stack[-1].style not in ("en-article", "ja-chapter"):
        stack.pop()
    if stack:
        stack[-1].children.append(node)
    else:
        roots.append(node)
    stack.append(node)


_STYLE_RANK = {
    "ja-chapter": 0, "en-article": 0, "schedule": 0,
    "ja-article": 1, "dec1": 1, "headed": 1,
    "ja-paragraph": 2, "dec2": 2,
    "ja-item-paren": 3, "ja-item-circled": 3, "ja-item-kanji": 3, "dec3": 3, "alpha": 3, "letter-dot": 3, "paren-num": 3,
    "ja-item-paren-kanji": 4, "ja-item-kana": 4, "dec4": 4, "roman": 4, "paren-ALPHA": 4, "paren-ROMAN": 5, "dec5": 5,
}


def _is_child_style(parent: _Open, node: _Open) -> bool:
    """Whether `node` nests under `parent` (else `parent` is closed first)."""
    if parent.style == node.style:
        return False
    if node.style == "schedule":
        return False
    if parent.style == "schedule":
        return True
    parent_rank = _STYLE_RANK.get(parent.style, 3)
    node_rank = _STYLE_RANK.get(node.style, 3)
    if parent.style.startswith("dec") and node.style.startswith("dec"):
        parent_path = parent.marker.path if parent.marker else ()
        node_path = node.marker.path if node.marker else ()
        return len(node_path) > len(parent_path) and node_path[: len(parent_path)] == parent_path
    if node_rank < parent_rank:
        return False
    if node_rank == parent_rank:
        # Two item styles at one rank: the later one nests (e.g. (a) inside (1)).
        return node_rank >= 3
    return True


def _rank_below(style: str, than: str, stack) -> bool:
    return _STYLE_RANK.get(style, 3) > _STYLE_RANK.get(than, 3) and style != than


def _marker_for(block: Block, previous: dict[str, int], stack: list[_Open]) -> Marker | None:
    if block.number:
        marker = find_marker(block.number + " " + block.text, previous)
        if marker:
            return marker
    return find_marker(block.text, previous)


def _plausible(marker: Marker, stack: list[_Open], previous: dict[str, int]) -> bool:
    """Reject numbers that break the sequence badly (a year, an amount, a list in a table)."""
    style = marker.style
    if style == "schedule" and not previous:
        return False  # "Exhibit 10.11" above the title is a filing label, not an annex
    if style in ("ja-article", "en-article", "schedule", "ja-chapter"):
        last = previous.get(style)
        return last is None or 0 < marker.value - last <= 5 or marker.value == 1
    if style.startswith("dec"):
        parts = marker.path
        if len(parts) == 1:
            last = previous.get("dec1")
            if last is None:
                return parts[0] <= 3
            return 0 < parts[0] - last <= 3
        # 5.2 belongs with an open 5 (or 5.1): otherwise it is a reference-like number
        open_dec = [node for node in stack if node.style.startswith("dec") and node.marker]
        if open_dec:
            top = open_dec[0].marker.path
            if parts[0] != top[0]:
                last = previous.get("dec1")
                return last is not None and 0 < parts[0] - last <= 3 and parts[1] <= 2
            return True
        return parts[-1] <= 2 or previous.get(style) is not None
    last = previous.get(style)
    if last is None:
        return marker.value <= 2
    return 0 < marker.value - last <= 3 or marker.value == 1


def _freeze(node: _Open, text: str, level: int, parent_number: str) -> Clause:
    children = tuple(_freeze(child, text, level + 1, _citation(node, parent_number)) for child in node.children)
    own_blocks = list(node.blocks)
    all_starts = [b.start for b in own_blocks] + [c.start for c in children]
    all_ends = [b.end for b in own_blocks] + [c.end for c in children]
    start = min(all_starts) if all_starts else 0
    end = max(all_ends) if all_ends else 0
    pages = [b.page for b in own_blocks if b.page is not None]
    page = pages[0] if pages else (children[0].page if children else None)
    body = text[start:end]
    return Clause(
        number=_citation(node, parent_number) if node.number else None,
        heading=node.heading,
        text=body,
        start=start,
        end=end,
        level=level,
        page=page,
        block_indexes=tuple(sorted({b.index for b in own_blocks})),
        children=children,
        language=detect_language(body) if body else None,
        kind=node.kind,
    )


def _citation(node: _Open, parent_number: str) -> str | None:
    """How a reader cites the clause: 第7条2項(1), 5.2(a), Article 3."""
    if not node.number:
        return parent_number or None
    number = node.number
    if node.style == "ja-paragraph":
        return f"{parent_number}{number}項" if parent_number else f"{number}項"
    if node.style.startswith("dec") and "." in number:
        return number
    if node.style.startswith("dec") and parent_number.startswith("Article"):
        return number
    if parent_number and node.style not in TOP_STYLES:
        return f"{parent_number}{number}"
    return number
