"""Build the clause tree from blocks: numbered clauses, headings, recitals, schedules.

The tree is built with a stack of numbering styles, the way a reader does it: a marker
of a style already on the stack closes everything below it (a sibling); a new style
opens a child. Headings on their own line (（目的）, ALL-CAPS lines) are attached to the
clause that follows them.

Around the numbered body: a table of contents (titled, dotted, or found when the numbering
starts again at 1) becomes one `toc` clause; cover lines join the preamble; lettered lines
before the first numbered clause are recitals; `IN WITNESS WHEREOF` opens the signature
block, which an annex after it closes again. In a bilingual contract a paragraph in the
other language becomes its own child of the article, so each clause has one language, and
第N条 and Article N (or "N.") are two parallel numberings: each opens a clause of its own
language at the top level instead of nesting in the other.

In a Japanese article, "1." / "１．" numbers 項 (paragraphs) unless the text it follows
introduces a list (次の各号…), where it numbers 号 (items); a list numbered like its 項 is
nested under it and ends where the 項 numbering goes on.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from clausecheck.lang import detect_language, language_of_counts, script_counts
from clausecheck.model import Block, Clause
from clausecheck.bilingual import block_language, is_bilingual
from clausecheck.structure.numbering import Marker, find_marker

# Styles that start a top-level clause when nothing else is open.
TOP_STYLES = ("ja-chapter", "en-article", "ja-article", "dec1", "schedule")
_RE_JA_HEADING_LINE = re.compile(r"^[（(【〔]([^（）()【】〔〕]{1,30})[）)】〕]$")
_RE_JA_INLINE_HEADING = re.compile(r"^[（(【〔]([^（）()【】〔〕]{1,30})[）)】〕][\s　]*")
_RE_TOC_LINE = re.compile(r"(?:(?<!\.)\.{4,}+|(?<!…)…{2,}+|(?<!・)・{4,}+|(?<!\s) *+\t)\s*+\d{1,3}\s*+$")
_RE_TOC_TITLE = re.compile(r"^(TABLE OF CONTENTS|Table of Contents|CONTENTS|Contents|INDEX|目\s*次)\b")
# A line of a contents list: short, and ends with a page number ("Section 2.1 Licence 5").
_RE_TOC_ENTRY = re.compile(r"(?:(?<=[^\s\d])\s++|(?<![^\d])\s{2,}+)(\d{1,3}|[ivxlc]{1,6})\s*+$")
_RE_RECITAL = re.compile(r"^(WHEREAS|Whereas|RECITALS?|Recitals?|BACKGROUND|WITNESSETH)\b")
_RE_SIGNATURE = re.compile(
    r"^(IN WITNESS WHEREOF|In Witness Whereof|In witness whereof|本契約(の)?締結の証として|以上の(合意の)?証として|(上記|本)契約の成立を証するため|署名欄"
    r"|SIGNATURE PAGE|Signature Page|\[Signature Page)"
)
_RE_TITLE_LINE = re.compile(r"(AGREEMENT|Agreement|CONTRACT|契約書|覚書|合意書)\s*[）)]?$")
_RE_EN_HEADING_PREFIX = re.compile(r"^([A-Z][A-Za-z0-9,'’&/\- ]{1,70}?)[.:]\s+(?=\S)")
_RE_PARENTHESISED = re.compile(r"^[(（]([^()（）]{1,60})[)）]$")
# A text that introduces a list of 号: 「次の各号のいずれかに該当したときは」「次に掲げる事項」「以下のとおり：」
# (「前各号」 looks back at one).
_RE_JA_LIST_LEAD = re.compile(r"(?<!前)各号|(?:次|以下)に掲げる|(?:次|以下)の(?:事項|とおり|いずれか|場合|行為|情報|義務|条件)|[:：]\s*$")
# A 項 is a sentence with its own subject (「受託者は、」「甲が、」) that ends in 。; a 号 ends in
# とき / こと / 場合 or is a phrase without a full stop.
_RE_JA_ITEM_ENDING = re.compile(r"(?:とき|こと|場合|もの|者|等)[。．]?$")
_RE_JA_SUBJECT = re.compile(r"^.{0,25}?[はが]、")
# The longest text a heading may be: beyond it a line is a sentence (a heading that long would
# squeeze every column a clause label is shown in).
HEADING_MAX_CHARS = 80


@dataclass
class _Open:
    marker: Marker | None
    style: str
    number: str | None
    heading: str | None
    blocks: list[Block] = field(default_factory=list)
    children: list["_Open"] = field(default_factory=list)
    kind: str = "clause"
    language: str | None = None  # the language of the numbering it belongs to (bilingual contracts)


def is_caps_heading(text: str) -> bool:
    """A short line in capitals (e.g. CONFIDENTIALITY) reads as a heading."""
    if len(text) > 80:
        return False  # (checked first: paragraphs are long, and the letters need not be listed)
    letters = [ch for ch in text if ch.isalpha() and ch.isascii()]
    return 3 <= len(letters) and all(ch.isupper() for ch in letters) and not text.endswith((",", ";", "。", "、"))


def reads_as_sentence(text: str) -> bool:
    """A line with a subject and a verb, too long or too punctuated to be a clause heading."""
    text = text.strip()
    if len(text) > HEADING_MAX_CHARS or "。" in text:
        return True
    if any("\u3040" <= ch <= "\u9fff" for ch in text[:40]):
        return bool(re.search(r"[はが]、", text))
    return len(text.split()) > 12


def _split_heading(marker: Marker, language_hint: str) -> tuple[str | None, str]:
    rest = marker.rest.strip()
    m = _RE_PARENTHESISED.match(rest)
    if m and not marker.style.startswith("ja"):
        return m.group(1).strip(), ""  # Article 1 (Purpose)
    if marker.style.startswith("ja") or any("\u3040" <= ch <= "\u9fff" for ch in rest[:40]):
        # Japanese text under any numbering style: only （見出し） is a heading.
        m = _RE_JA_INLINE_HEADING.match(rest)
        if m:
            return m.group(1).strip(), rest[m.end():]
        if marker.style in ("ja-article", "ja-chapter") and rest and not rest.endswith(("。", "、")) and not reads_as_sentence(rest):
            return rest, ""  # 第1条　秘密情報の定義（Definition of …）: the whole line is the heading
        return None, rest
    if not rest:
        return None, rest
    if len(rest) <= 80 and not rest.endswith((".", ";", ",")) and (rest[:1].isupper()):
        words = rest.split()
        if len(words) <= 10 and sum(w[:1].isupper() for w in words) >= max(1, len(words) // 2):
            return rest, ""
    small_words = ("and", "or", "of", "the", "for", "to", "in", "on", "with", "&")
    if len(rest) <= 60 and rest.endswith(".") and ". " not in rest and len(rest.split()) <= 5 and all(
        w[:1].isupper() or w.lower() in small_words for w in rest.split()
    ):
        return rest.rstrip(".:"), ""  # "5. Data." — a heading closed by a full stop
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
    tails: list[_Open] = []
    toc: _Open | None = None
    toc_open = False
    translation: _Open | None = None  # a paragraph in the other language of a bilingual contract
    bilingual = is_bilingual(blocks, text)
    default_language = detect_language(text)
    # Each numbering of a bilingual contract counts on its own: "1. Purpose" after １．～１０．
    # of the Japanese version starts the English one (not a contents list, not a jump back).
    previous_of_lane: dict[str, dict[str, int]] = {}
    lane: str | None = None

    def open_clause(node: _Open) -> None:
        nonlocal seen_top
        if bilingual and node.style in TOP_STYLES and any(n.style in TOP_STYLES and n.language not in (None, node.language) for n in stack):
            stack.clear()  # 第2条 after Article 1: the other numbering, not a sub-clause of it
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
            annex = find_marker(raw)
            if annex is None or annex.style != "schedule":
                tail.blocks.append(block)
                continue
            # An exhibit after the signatures is an annex again, not part of the signature block.
            tails.append(tail)
            tail = None
            stack.clear()
        # A table of contents lists the clauses; it must not produce them a second time.
        if toc_open and _continues_toc(raw):
            toc.blocks.append(block)
            continue
        toc_open = False
        no_numbered_open = not any(node.number for node in stack)
        if (_RE_TOC_TITLE.match(raw) and no_numbered_open and (len(raw) < 200 or _continues_toc(raw))) or (_RE_TOC_LINE.search(raw) and len(raw) < 120):
            toc = toc or _Open(None, "toc", None, None, kind="toc")
            toc.blocks.append(block)
            toc_open = bool(_RE_TOC_TITLE.match(raw)) or toc_open
            continue
        if _RE_SIGNATURE.match(raw) and seen_top:
            tail = _Open(None, "signature", None, None, kind="signature")
            tail.blocks.append(block)
            continue
        m = _RE_JA_HEADING_LINE.match(raw)
        if m and not block.number:
            pending_heading, pending_heading_block = m.group(1), block
            continue
        marker = _marker_for(block, previous, stack, bilingual, default_language)
        if bilingual and marker is not None and marker.style in TOP_STYLES:
            marker_lane = _marker_language(marker, default_language)
            if marker_lane != lane:
                if lane is not None:
                    previous_of_lane[lane] = previous
                previous, lane = previous_of_lane.get(marker_lane, {}), marker_lane
        if marker is not None and marker.style in TOP_STYLES and marker.value == 1 and (previous.get(marker.style) or 0) >= 2:
            listed = _contents_listing(roots)
            if listed:
                # The numbering starts again: what came before was a contents list.
                toc = toc or _Open(None, "toc", None, None, kind="toc")
                for node in listed:
                    roots.remove(node)
                entries = sorted((b for node in listed for n in _walk_open([node]) for b in n.blocks), key=lambda b: b.start)
                # The last entry ran on into the text after the contents list (title, preamble).
                first_long = next((i for i, b in enumerate(entries) if len(b.text) > 300), len(entries))
                toc.blocks.extend(entries[:first_long])
                preamble.blocks.extend(entries[first_long:])
                toc.blocks.sort(key=lambda b: b.start)
                stack.clear()
                previous.clear()
        if marker is not None and _plausible(marker, stack, previous):
            translation = None
            heading, _body = _split_heading(marker, "ja" if marker.style.startswith("ja") else "en")
            heading = _tidy_heading(heading)
            if pending_heading and marker.style in TOP_STYLES + ("ja-article",):
                heading = heading or pending_heading
            node = _Open(marker, marker.style, marker.label, heading, kind="schedule" if marker.style == "schedule" else "clause",
                         language=_marker_language(marker, default_language))
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
        if stack and stack[-1].heading is None and stack[-1].marker is not None and not stack[-1].marker.rest.strip() \
                and len(stack[-1].blocks) == 1 and not stack[-1].children and (block.kind == "heading" or is_caps_heading(raw)) and not reads_as_sentence(raw):
            # ARTICLE I / DEFINITIONS on two lines: the second line is the article's heading.
            stack[-1].heading = _tidy_heading(raw)
            stack[-1].blocks.append(block)
            continue
        if (block.kind == "heading" and not reads_as_sentence(raw)) or (is_caps_heading(raw) and len(raw) < 60 and not _RE_RECITAL.match(raw)):
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
        if bilingual and stack and len(raw) < 40 and stack[0].language and block_language(raw) not in (None, stack[0].language):
            # "English Translation" between the two versions: it heads what follows.
            pending_heading, pending_heading_block = None, block
            continue
        if stack:
            language = _other_language(block, stack)
            if translation is not None and language == translation.heading:
                translation.blocks.append(block)
                continue
            translation = None
            if language is not None:
                # A parallel translation belongs to the article, not to its last item.
                translation = _Open(None, "translation", None, language, kind="clause")
                translation.blocks.append(block)
                stack[0].children.append(translation)
                continue
            stack[-1].blocks.append(block)
        else:
            preamble.blocks.append(block)
    if pending_heading_block is not None:
        (stack[-1].blocks if stack else preamble.blocks).append(pending_heading_block)

    roots = _settle_front_matter(roots, preamble)
    for node in _walk_open(roots):
        if node.style == "translation":
            node.heading = None  # the language was only a working label
    result: list[Clause] = []
    if toc is not None:
        result.append(_freeze(toc, text, 0, ""))
    others = [b.start for node in _walk_open(roots) for b in node.blocks] + [b.start for b in (toc.blocks if toc else [])]
    for part in _split_around(preamble, others):
        result.append(_freeze(part, text, 0, ""))
    for node in roots:
        result.append(_freeze(node, text, 1, ""))
    if tail is not None:
        tails.append(tail)
    for signature in tails:
        result.append(_freeze(signature, text, 1, ""))
    return tuple(sorted(result, key=lambda c: c.start))


# The sentence that introduces the parties marks the text around it as the preamble.
_RE_PARTIES_SENTENCE = re.compile(r"\b(?:by and between|by and among|entered into|is made (?:and entered into )?(?:as of|on|this|by))\b|(?:以下「[^」]{1,20}」という。?）と)", re.IGNORECASE)
_RECITAL_STYLES = ("letter-dot", "paren-ALPHA", "alpha", "paren-num", "roman", "paren-ROMAN")


def _settle_front_matter(roots: list[_Open], preamble: _Open) -> list[_Open]:
    """Before the first numbered clause: cover lines join the preamble, lettered lines are recitals.

    A cover page in capitals (EXECUTION VERSION, the parties' names, AND) reads like a run of
    headings; only a heading with a real body of text is a clause of its own.
    """
    first_numbered = next((i for i, node in enumerate(roots) if node.style in TOP_STYLES), len(roots))
    kept: list[_Open] = []
    for i, node in enumerate(roots):
        body = " ".join(b.text for b in node.blocks)[:1500]
        cover = len(body) < 200 or (node.heading and _RE_TITLE_LINE.search(node.heading)) or _RE_PARTIES_SENTENCE.search(body)
        if i < first_numbered < len(roots) and node.style == "headed" and not node.children and cover:
            preamble.blocks.extend(node.blocks)
            continue
        if i < first_numbered < len(roots) and node.style in _RECITAL_STYLES:
            node.kind = "recital"
        kept.append(node)
    preamble.blocks.sort(key=lambda b: b.start)
    return kept


def _contents_listing(roots: list[_Open]) -> list[_Open]:
    """The numbered roots when they are all one-line entries (a contents list), else []."""
    first = next((i for i, node in enumerate(roots) if node.style in TOP_STYLES), None)
    if first is None:
        return []
    listed = roots[first:]
    numbered = [node for node in listed if node.number]
    if len(numbered) < 3:
        return []
    # Contents entries are short lines (with page numbers glued on, or not); clauses have
    # paragraphs. Only the last entry may run on into the text that follows the list.
    if any(len(b.text) > 300 for node in listed[:-1] for n in _walk_open([node]) for b in n.blocks):
        return []
    if len(listed[-1].blocks[0].text) > 300 if listed[-1].blocks else False:
        return []
    return listed


def _continues_toc(raw: str) -> bool:
    """A contents line: a short entry, or a run of entries, ending with a page number.

    Texts that lost their line breaks put a whole contents page on one line
    ("ARTICLE IX GENERAL PROVISIONS 16 9.1 Entire Agreement 16 9.2 …"): a long line still
    reads as contents when it holds (almost) no sentence.
    """
    if len(raw) < 150:
        return bool(_RE_TOC_ENTRY.search(raw)) or (find_marker(raw) is not None and len(raw) < 90 and not raw.endswith((".", "。")))
    if len(raw) > 5000 or not _RE_TOC_ENTRY.search(raw):
        return False
    sentences = len(re.findall(r"[a-z]{2}[.;:]\s+[A-Z]", raw))
    page_numbers = len(re.findall(r"[A-Za-z)]\s+\d{1,3}\s+(?=\d|[A-Z])", raw))
    return sentences <= 2 and page_numbers >= 3


def _split_around(preamble: _Open, others: list[int]) -> list[_Open]:
    """The preamble as one clause per unbroken run of its blocks (a contents list may cut it in two)."""
    if not preamble.blocks:
        return []
    blocks = sorted(preamble.blocks, key=lambda b: b.start)
    others = sorted(others)
    runs: list[list[Block]] = [[blocks[0]]]
    for block in blocks[1:]:
        # Another clause's block between the two preamble blocks breaks the run.
        if bisect.bisect_left(others, block.start) > bisect.bisect_right(others, runs[-1][-1].start):
            runs.append([block])
        else:
            runs[-1].append(block)
    return [_Open(None, "preamble", None, None, blocks=run, kind="preamble") for run in runs]


def _tidy_heading(heading: str | None) -> str | None:
    """Drop underlines typed as dashes ("Definitions.  -------") and runs of spaces."""
    if heading is None:
        return None
    heading = re.sub(r"[-_=]{3,}", " ", heading)
    heading = " ".join(heading.split()).rstrip(" .:")
    return heading or None


def _walk_open(nodes: list[_Open]):
    for node in nodes:
        yield node
        yield from _walk_open(node.children)


def _other_language(block: Block, stack: list[_Open]) -> str | None:
    """The block's language when it is a full paragraph in a language other than the clause's."""
    text = block.text
    if len(text) < 40 or len(text.split()) < 6 and not any("\u3040" <= ch <= "\u9fff" for ch in text[:200]):
        return None
    head = next((b.text for node in stack[:1] for b in node.blocks), "")
    if not head:
        return None
    language = detect_language(text)
    # The article's numbering says its language (第12条 (Limitation of Liability) is Japanese).
    return language if language != (stack[0].language or detect_language(head)) else None


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
    "ja-item-paren": 3, "ja-item-circled": 3, "ja-item-dot": 3, "ja-item-kanji": 3, "dec3": 3, "alpha": 3, "letter-dot": 3, "paren-num": 3,
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
    if node.style.startswith("dec") and not parent.style.startswith("dec") and _STYLE_RANK.get(parent.style, 3) >= 3:
        return False  # 2.1.1 after (b)(ii) closes the list items: decimal numbers do not nest in them
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


def _marker_for(block: Block, previous: dict[str, int], stack: list[_Open], bilingual: bool = False, default_language: str = "ja") -> Marker | None:
    marker = None
    if block.number:
        marker = find_marker(block.number + " " + block.text, previous)
    marker = marker or find_marker(block.text, previous)
    if marker is not None and marker.style == "dec1" and any(node.style == "ja-article" for node in stack):
        if bilingual and _marker_language(marker, default_language) != "ja":
            return marker  # "1. Purpose" of the English version: a section of its own numbering
        # Inside 第N条, "1." numbers 項, or 号 where the text before introduces a list.
        return _paragraph_or_item(marker, stack, previous)
    return marker


def _marker_language(marker: Marker, default_language: str) -> str:
    """The language of the numbering a marker belongs to: 第N条 is Japanese, Article N English;
    a decimal or list number is in the language of the words after it."""
    if marker.style.startswith("ja"):
        return "ja"
    cjk, latin = script_counts(marker.rest[:200])
    if cjk or latin:
        return language_of_counts(cjk, latin)  # "Matter 1" is English however short
    return "en" if marker.style == "en-article" else default_language


def _paragraph_or_item(marker: Marker, stack: list[_Open], previous: dict[str, int]) -> Marker:
    """A "1." inside 第N条: a 項 (paragraph) or a 号 (an item of a list the text before introduces).

    A number that goes on with the open list is an item, one that goes on with the 項 a 項;
    where both would (item 1 then "2."), the sentence decides: a 項 has its own subject and
    ends in 。, a 号 is a ground or a thing (「…したとき」).
    """
    value = marker.value
    paragraph = Marker(str(value), "ja-paragraph", value, marker.rest)
    item = Marker(f"{value}.", "ja-item-dot", value, marker.rest)
    top = stack[-1]
    if top.style == "ja-item-dot":
        goes_on_items = previous.get("ja-item-dot") == value - 1
        # An article's first 項 goes unnumbered: after it, the next is 2.
        goes_on_paragraphs = (previous.get("ja-paragraph") or 1) + 1 == value
        if goes_on_items and goes_on_paragraphs:
            return paragraph if _reads_as_paragraph(marker.rest) else item
        if goes_on_paragraphs:
            return paragraph
        return item
    if top.style in ("ja-article", "ja-paragraph"):
        body = " ".join(b.text for b in top.blocks).strip()
        if _RE_JA_LIST_LEAD.search(body[-200:]) and not (top.children and top.children[-1].style == "ja-item-dot"):
            return item
        return paragraph
    return item


def _reads_as_paragraph(text: str) -> bool:
    text = text.strip()
    return bool(_RE_JA_SUBJECT.search(text)) and text.endswith("。") and not _RE_JA_ITEM_ENDING.search(text)


def _plausible(marker: Marker, stack: list[_Open], previous: dict[str, int]) -> bool:
    """Reject numbers that break the sequence badly (a year, an amount, a list in a table)."""
    style = marker.style
    if style == "schedule" and not previous:
        return False  # "Exhibit 10.11" above the title is a filing label, not an annex
    if style in ("ja-article", "en-article", "schedule", "ja-chapter"):
        last = previous.get(style)
        if style == "ja-article" and "の" in marker.label:
            return last is None or 0 <= marker.value - last <= 1  # 第12条の2 follows 第12条
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
    parent_number = parent_number or ""
    if not node.number:
        return parent_number or None
    number = node.number
    if node.style == "ja-paragraph":
        return f"{parent_number}{number}項" if parent_number else f"{number}項"
    if node.style.startswith("dec") and "." in number:
        # 第5条 5.1 is cited 第5条5.1; 5.1 under "5." or "Article 5" stands on its own.
        return f"{parent_number}{number}" if parent_number.startswith("第") and parent_number.endswith("条") else number
    if node.style.startswith("dec") and parent_number.startswith("Article"):
        return number
    if parent_number and node.style not in TOP_STYLES:
        return f"{parent_number}{number}"
    return number
