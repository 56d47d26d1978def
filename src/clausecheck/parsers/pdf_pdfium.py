"""PDF text lines through PDFium (pypdfium2): the fast reader of parsers/pdf.py.

PDFium extracts a page's text in C, about twenty times faster than pdfminer's Python
layout analysis, and marks its own line breaks. This module turns a page into the text
lines the PDF parser works with (text, page, x0, x1, top, bottom in pdfplumber's top-down
coordinates), in reading order:

- a normal page is read from PDFium's page text, split at its line breaks; each line's
  position comes from the font-height boxes of its first and last characters, and lines
  sharing one baseline are merged left to right, as pdfplumber does;
- a page laid out in two columns (a vertical gutter that almost no text row crosses, with
  many rows holding text on both sides) is read character by character and the columns in
  order: left column, then right, with a line running across the gutter (a title) closing
  the columns above it;
- text a reader of the printed page does not see (render mode 3 "invisible", white fill,
  or drawn outside the page) is read too, but into lines of its own marked `hidden`, so
  that it is reported (W121) and never taken as the only evidence of anything.
- a page whose text is mostly turned a quarter or half turn (a landscape table drawn
  sideways, a rotated annex) is read from PDFium's lines placed in the text's own
  direction, so its lines come in reading order instead of as one column of letters.

A page this reader cannot read well (unmapped glyphs: U+FFFD, private-use or control
characters) is left to pdfplumber by the caller, which reports the `(cid:N)` noise as W102.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

WORD_GAP = 0.15  # a gap between two characters' advance boxes wider than this share of the font height is a word space
ROW_TOLERANCE = 3.0  # points: lines whose tops differ by less sit on one row (pdfplumber's y_tolerance)
GUTTER_MIN_WIDTH = 8.0  # points of empty page between two columns
GUTTER_MAX_CROSSING = 0.08  # share of text rows that may run across a gutter (a title, a centred heading)
COLUMN_MIN_ROWS = 8  # rows holding text on both sides of the gutter before a page counts as two columns
COLUMN_MIN_SHARE = 0.5  # ... and the share of the page's rows they make up
COLUMN_MIN_WIDTH = 0.25  # share of the page width the text of each column fills on a typical row
WHITE = 245  # a fill colour with every channel at least this light is invisible on paper
INVISIBLE_ALPHA = 10  # a fill this transparent is invisible
MAX_FORM_DEPTH = 8  # form XObjects nested deeper than this are not searched for hidden text

# Characters PDFium gives for glyphs it cannot map to Unicode.
_UNMAPPED = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFD))
# PDFium's mark for a hyphen at a line end, after which it joins the next line without a break.
_LINE_END_HYPHEN = "\ufffe"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]+")
_LINE = re.compile("[^\r\n\ufffe]+\ufffe?|\ufffe")  # one line of PDFium's page text


@dataclass(frozen=True)
class Segment:
    """A piece of text on one row, with its box in top-down page coordinates."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    hidden: bool = False
    first: int = -1  # index of its first character on the PDFium text page
    last: int = -1  # ... and of its last


@dataclass(frozen=True)
class PageRead:
    """What the fast reader found on one page."""

    segments: list[Segment]  # in reading order, one text line each
    unmapped: int  # characters PDFium could not map to Unicode
    has_images: bool
    columns: bool  # read as two columns
    hidden: int  # hidden characters read


def open_document(path, password: str | None):
    """The pypdfium2 document, or the PdfiumError that says why not."""
    return pdfium.PdfDocument(str(path), password=password or None)


def read_page(document, index: int) -> PageRead:
    """Read page `index` (0-based) of an open document into text segments."""
    page = document[index]
    textpage = page.get_textpage()
    try:
        return _read(page, textpage)
    finally:
        textpage.close()
        page.close()


def _read(page, textpage) -> PageRead:
    height = page.get_height()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the BMP: text indexes and char indexes differ
        text = "".join(_char_text(textpage, i) for i in range(count))
    unmapped = sum(text.count(ch) for ch in _UNMAPPED if ch in text) + _private_use(text)
    hidden_objects = _hidden_objects(page) if count else set()
    turns = _quarter_turns(textpage, text) if count else 0
    if turns:
        segments = _turned_segments(textpage, text, turns, hidden_objects)
        return PageRead(segments, unmapped, _has_images(page) if count < 64 else False, False, sum(len(s.text) for s in segments if s.hidden))
    has_images = _has_images(page) if count < 64 else False
    rects = _text_rects(textpage) if count else []  # PDFium works the runs out anew on each count: once
    gutter = _gutter(rects, page.get_width()) if count else None
    segments = None
    if not hidden_objects and gutter is None:
        segments = _line_segments(textpage, text, height, _missing_spaces(textpage, text, rects))
    if segments is None:
        segments = _char_segments(textpage, text, height, hidden_objects, gutter)
    hidden = sum(len(s.text) for s in segments if s.hidden)
    return PageRead(_reading_order(segments, gutter, textpage, text, height), unmapped, has_images, gutter is not None, hidden)


def _private_use(text: str) -> int:
    if text.isascii():
        return 0
    return sum(map(len, _PRIVATE_USE.findall(text)))


def _char_text(textpage, index: int) -> str:
    code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
    return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _loose_box(textpage, index: int, rect) -> tuple[float, float, float, float]:
    pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, index, rect)
    return rect.left, rect.right, rect.top, rect.bottom


def _line_segments(textpage, text: str, height: float, spaces: set[int]) -> list[Segment] | None:
    """PDFium's own lines: the page text split at its breaks, placed by their end characters.

    None when a line's first and last characters sit on different rows (PDFium joined a
    heading and a page number drawn far apart): then the page is read character by character.
    `spaces` are the character indexes before which a space is missing between two text runs.
    """
    rect = pdfium_c.FS_RECTF()
    segments: list[Segment] = []
    for line in _LINE.finditer(text):
        start, stop = line.span()  # a line-end hyphen stays on its line
        raw = line.group(0)
        piece = "".join(" " + ch if start + i in spaces else ch for i, ch in enumerate(raw)) if spaces and not spaces.isdisjoint(range(start, stop)) else raw
        piece = piece.replace(_LINE_END_HYPHEN, "-")
        first = start + (len(raw) - len(raw.lstrip()))
        last = stop - 1 - (len(raw) - len(raw.rstrip()))
        if first <= last:
            left, right, top, bottom = _loose_box(textpage, first, rect)
            left2, right2, top2, bottom2 = _loose_box(textpage, last, rect)
            if bottom2 >= top or bottom >= top2:
                return None
            segments.append(Segment(" ".join(piece.split()), min(left, left2), max(right, right2), height - max(top, top2), height - min(bottom, bottom2), False, first, last))
    return segments


def _text_rects(textpage) -> list[tuple[float, float, float, float]]:
    """PDFium's rectangles of the page's text runs, (left, bottom, right, top) each."""
    return [textpage.get_rect(i) for i in range(textpage.count_rects())]


def _missing_spaces(textpage, text: str, rects: list[tuple[float, float, float, float]]) -> set[int]:
    """Character indexes where one text run ends and the next starts after a gap with no space between.

    PDFium adds a space where a run of text jumps ahead on the line, but not always; text
    runs are PDFium's rectangles, and where two on one row stand apart while the text runs
    on without a space, the characters' advance boxes decide: a gap wider than WORD_GAP
    of the font height is a word space (kerning inside a word stays well below it).
    """
    spaces: set[int] = set()
    rect = pdfium_c.FS_RECTF()
    previous = None
    for left, bottom, right, top in rects:
        if previous is not None:
            p_left, p_bottom, p_right, p_top = previous
            same_row = bottom < p_top and p_bottom < top
            if same_row and left - p_right > 1.0:
                index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage.raw, left + 0.5, (top + bottom) / 2, 1.0, 1.0)
                if 0 < index < len(text) and not text[index].isspace() and not text[index - 1].isspace():
                    before_right = _loose_box(textpage, index - 1, rect)[1]
                    left_edge, _, char_top, char_bottom = _loose_box(textpage, index, rect)
                    if left_edge - before_right > WORD_GAP * (char_top - char_bottom):
                        spaces.add(index)
        previous = (left, bottom, right, top)
    return spaces


def _char_segments(textpage, text: str, height: float, hidden_objects: set[int], gutter: float | None) -> list[Segment]:
    """Segments built character by character: split at line breaks, at the gutter and where hiddenness changes."""
    rect = pdfium_c.FS_RECTF()
    segments: list[Segment] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]  # x0, x1, top, bottom (top-down)
    state = {"hidden": False, "first": -1, "last": -1}

    def flush() -> None:
        piece = " ".join("".join(chars).split())
        if piece:
            segments.append(Segment(piece, box[0], box[1], box[2], box[3], state["hidden"], state["first"], state["last"]))
        chars.clear()

    for index, ch in enumerate(text):
        if ch in "\r\n":
            flush()
            continue
        if ch == " " and pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1:
            if chars:
                chars.append(" ")
            continue
        left, right, top, bottom = _loose_box(textpage, index, rect)
        hidden = bool(hidden_objects) and _object_address(pdfium_c.FPDFText_GetTextObject(textpage.raw, index)) in hidden_objects
        crosses = gutter is not None and chars and box[1] <= gutter <= left
        new_row = chars and (height - bottom <= box[2] or height - top >= box[3])
        if chars and (hidden != state["hidden"] or crosses or new_row):
            flush()
        if not chars:
            if ch == " ":
                continue
            box[:] = [left, right, height - top, height - bottom]
            state["hidden"], state["first"] = hidden, index
        else:
            box[0], box[1] = min(box[0], left), max(box[1], right)
            box[2], box[3] = min(box[2], height - top), max(box[3], height - bottom)
        chars.append("-" if ch == _LINE_END_HYPHEN else ch)
        state["last"] = index
        if ch == _LINE_END_HYPHEN:
            flush()
    flush()
    return segments


def _reading_order(segments: list[Segment], gutter: float | None, textpage, text: str, height: float) -> list[Segment]:
    """Segments merged into rows (one line each), top to bottom; two columns one after the other."""
    def rows(pieces: list[Segment]) -> list[Segment]:
        return _rows(pieces, textpage, text, height)

    if gutter is None:
        return rows(segments)
    ordered: list[Segment] = []
    left: list[Segment] = []
    right: list[Segment] = []
    for segment in sorted(segments, key=lambda s: (s.top, s.x0)):
        if segment.x1 <= gutter + 1:
            left.append(segment)
        elif segment.x0 >= gutter - 1:
            right.append(segment)
        else:  # runs across the gutter: the columns above it end here
            ordered += rows(left) + rows(right)
            left, right = [], []
            ordered.append(segment)
    return ordered + rows(left) + rows(right)


def _rows(segments: list[Segment], textpage, text: str, height: float) -> list[Segment]:
    """Merge segments on one row (tops within ROW_TOLERANCE) left to right, rows top to bottom."""
    rows: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.top, s.x0)):
        if rows and abs(segment.top - rows[-1][0].top) <= ROW_TOLERANCE and segment.hidden == rows[-1][0].hidden:
            rows[-1].append(segment)
        else:
            rows.append([segment])
    merged: list[Segment] = []
    for row in rows:
        if len(row) == 1:
            merged.append(row[0])
            continue
        row.sort(key=lambda s: s.x0)
        overlapping = any(b.x0 < a.x1 - 1 for a, b in zip(row, row[1:]))
        line = _interleaved(row, textpage, text) if overlapping else " ".join(s.text for s in row)
        merged.append(Segment(line, row[0].x0, max(s.x1 for s in row), min(s.top for s in row), max(s.bottom for s in row), row[0].hidden, row[0].first, row[-1].last))
    return merged


def _interleaved(row: list[Segment], textpage, text: str) -> str:
    """The row's characters in left-to-right order: a superscript (β², 11th) back inside its word."""
    rect = pdfium_c.FS_RECTF()
    placed: list[tuple[float, float, float, str]] = []
    for segment in row:
        if segment.first < 0:
            return " ".join(s.text for s in row)
        for index in range(segment.first, segment.last + 1):
            ch = text[index]
            if ch in "\r\n":
                continue
            left, right, top, bottom = _loose_box(textpage, index, rect)
            placed.append((left, right, top - bottom, " " if ch.isspace() else "-" if ch == _LINE_END_HYPHEN else ch))
    placed.sort(key=lambda c: c[0])
    out: list[str] = []
    previous_right = None
    for left, right, size, ch in placed:
        if previous_right is not None and left - previous_right > WORD_GAP * size:
            out.append(" ")
        out.append(ch)
        previous_right = right if previous_right is None else max(previous_right, right)
    return " ".join("".join(out).split())


def _gutter(boxes: list[tuple[float, float, float, float]], width: float) -> float | None:
    """The x of an empty vertical strip between two columns of text (`boxes`: the text runs'
    (left, bottom, right, top)), or None for a one-column page."""
    if len(boxes) < 2 * COLUMN_MIN_ROWS:
        return None
    rows: list[list[tuple[float, float]]] = []
    row_top: list[float] = []
    for left, bottom, right, top in sorted(boxes, key=lambda b: -b[3]):
        if row_top and abs(row_top[-1] - top) <= ROW_TOLERANCE:
            rows[-1].append((left, right))
        else:
            rows.append([(left, right)])
            row_top.append(top)
    if len(rows) < COLUMN_MIN_ROWS:
        return None
    # Coverage of the middle of the page by text rows, swept from left to right.
    low, high = 0.25 * width, 0.75 * width
    events: list[tuple[float, int]] = []
    for row in rows:
        for left, right in _merge_spans(row):
            if right > low and left < high:
                events.append((max(left, low), 1))
                events.append((min(right, high), -1))
    events.sort()
    best: tuple[int, float, float] | None = None  # (rows covering, start, end) of the emptiest strip
    covering, position = 0, low
    for x, change in events + [(high, 0)]:
        if x - position >= GUTTER_MIN_WIDTH and (best is None or covering < best[0] or covering == best[0] and x - position > best[2] - best[1]):
            best = (covering, position, x)
        covering += change
        position = x
    if best is None or best[0] > GUTTER_MAX_CROSSING * len(rows):
        return None
    gutter = (best[1] + best[2]) / 2
    both = [row for row in rows if any(r <= gutter for _, r in row) and any(l >= gutter for l, _ in row)]
    if len(both) < COLUMN_MIN_ROWS or len(both) < COLUMN_MIN_SHARE * len(rows):
        return None
    # Both sides hold running text, not a column of page numbers (a contents list) or labels.
    left_width = statistics.median(sum(min(r, gutter) - l for l, r in row if l < gutter) for row in both)
    right_width = statistics.median(sum(r - max(l, gutter) for l, r in row if r > gutter) for row in both)
    if min(left_width, right_width) < COLUMN_MIN_WIDTH * width:
        return None
    return gutter


def _merge_spans(row: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for left, right in sorted(row):
        if merged and left <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], right)
        else:
            merged.append([left, right])
    return [(left, right) for left, right in merged]


def _object_address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _page_objects(container, count_fn, get_fn, depth: int = 0, outside=None):
    """Every page object of a page or form with whether it lies off the page; forms searched recursively.

    Bounds are only comparable with the page box for the page's own objects (a form's
    objects are placed in the form's space): an object inside a form is off the page when
    the form is.
    """
    for i in range(count_fn(container)):
        obj = get_fn(container, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        # Only text lies hidden, and a form passes its place on to the text inside it.
        off_page = outside(obj) if depth == 0 and outside is not None and kind in _PLACED_KINDS else False
        yield obj, kind, off_page
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            for inner, inner_kind, inner_off in _page_objects(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, depth + 1):
                yield inner, inner_kind, inner_off or off_page


_PLACED_KINDS = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM)


def _hidden_objects(page) -> set[int]:
    """Addresses of the text objects no reader of the printed page sees."""
    hidden: set[int] = set()
    left, bottom, right, top = page.get_cropbox()
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    x0, y0, x1, y1 = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()

    def outside(obj) -> bool:
        if not pdfium_c.FPDFPageObj_GetBounds(obj, x0, y0, x1, y1):
            return False
        return x1.value <= left or x0.value >= right or y1.value <= bottom or y0.value >= top

    for obj, kind, off_page in _page_objects(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, outside=outside):
        if kind != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
        invisible = off_page or mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
        if not invisible and mode in (pdfium_c.FPDF_TEXTRENDERMODE_FILL, pdfium_c.FPDF_TEXTRENDERMODE_FILL_CLIP):
            if pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
                invisible = a.value <= INVISIBLE_ALPHA or min(r.value, g.value, b.value) >= WHITE
        if invisible:
            hidden.add(_object_address(obj))
    return hidden


def _has_images(page) -> bool:
    return any(kind == pdfium_c.FPDF_PAGEOBJ_IMAGE for _, kind, _ in _page_objects(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject))


def _quarter_turns(textpage, text: str) -> int:
    """1, 2 or 3 when most of the page's characters are turned that many quarter turns; else 0.

    PDFium gives each character's angle (clockwise, in radians); a sample of the visible
    characters decides, so a sideways page number or stamp does not turn a whole page.
    """
    visible = [i for i in range(0, len(text), max(1, len(text) // 200)) if not text[i].isspace()][:200]
    if len(visible) < 8:
        return 0
    turns = [round(pdfium_c.FPDFText_GetCharAngle(textpage.raw, i) / (math.pi / 2)) % 4 for i in visible]
    most = max(range(4), key=turns.count)
    return most if most and turns.count(most) >= 0.6 * len(turns) else 0


def _turned_segments(textpage, text: str, turns: int, hidden_objects: set[int]) -> list[Segment]:
    """PDFium's lines, each placed in the turned text's own frame (along it, and down the lines)."""
    # The text's direction, for PDFium's clockwise angle: (cos a, -sin a); its "up" (sin a, cos a).
    cos, sin = ((1, 0), (0, 1), (-1, 0), (0, -1))[turns]
    rect = pdfium_c.FS_RECTF()
    placed = []
    for line in _LINE.finditer(text):
        start, stop = line.span()
        raw = line.group(0)
        first, last = start + (len(raw) - len(raw.lstrip())), stop - 1 - (len(raw) - len(raw.rstrip()))
        if first > last:
            continue
        along, up = [], []
        for index in (first, last):
            left, right, top, bottom = _loose_box(textpage, index, rect)
            for x, y in ((left, top), (left, bottom), (right, top), (right, bottom)):
                along.append(x * cos - y * sin)
                up.append(x * sin + y * cos)
        hidden = bool(hidden_objects) and _object_address(pdfium_c.FPDFText_GetTextObject(textpage.raw, first)) in hidden_objects
        placed.append((" ".join(raw.replace(_LINE_END_HYPHEN, "-").split()), min(along), max(along), max(up), min(up), hidden, first, last))
    if not placed:
        return []
    # Top-down in the text's frame, from the highest line: positive like any page's coordinates.
    ceiling = max(p[3] for p in placed)
    left_edge = min(p[1] for p in placed)
    segments = sorted((Segment(t, x0 - left_edge, x1 - left_edge, ceiling - top, ceiling - bottom, hidden, first, last)
                       for t, x0, x1, top, bottom, hidden, first, last in placed), key=lambda s: s.top)
    rows: list[list[Segment]] = []
    for segment in segments:  # lines on one row (tops within ROW_TOLERANCE) left to right
        if rows and segment.top - rows[-1][0].top <= ROW_TOLERANCE:
            rows[-1].append(segment)
        else:
            rows.append([segment])
    return [segment for row in rows for segment in sorted(row, key=lambda s: s.x0)]
