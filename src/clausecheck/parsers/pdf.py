"""PDF: text lines per page through PDFium, running headers removed, paragraphs rebuilt from line geometry.

A PDF knows glyphs and their positions, not paragraphs. This parser reads the text lines
of each page, one page at a time, with PDFium (`pdf_pdfium`: in C, about twenty times
faster than pdfminer), and with pdfplumber only for a page whose glyphs PDFium cannot map
to Unicode (W122); scanned pages are read by OCR when it is installed (`pdf_ocr`, W124).
Before anything is opened, the inflated size of the file's streams is bounded
(`pdf_streams`, E110). Then:

1. Running headers and footers: a line in the top or bottom band of a page (the first or
   last `BAND_LINES` lines) is a running header when its text, with digits replaced, recurs
   in the bands of at least half the pages; a bare page number (`3`, `- 3 -`, `Page 3 of
   12`, `3/12`, `－3－`, `ii`) in a band is dropped when its number keeps the offset from
   the page index that most pages show, or when it is at the page edge once the running
   lines are gone; a year alone on a line of a signature block stays. Both go to
   `RawDocument.headers` (one example per distinct text) and never into the body.
2. Paragraphs: a line starts a new block when it begins with a clause marker (第N条,
   1.1, (a), Article, Section, ...), when the gap above it is clearly larger than the
   document's normal leading, when the line before it stopped short although the first
   word of this line would have fitted (a paragraph end, not a wrap), or when it is
   indented further than a line that ended a sentence. Otherwise it continues the block;
   this holds across a page break, so a clause running over two pages is one block that
   carries the page where it starts.
3. Joining a wrap: Japanese (a CJK character on either side of the break) joins without a
   space. English joins with a space; a word hyphenated at the line end (`exam-` / `ple`)
   is rejoined without the hyphen, unless the hyphenated form is how the word is written
   elsewhere in the document, or the part before the hyphen is a prefix that contracts
   write with a hyphen (`non-`, `self-`, `co-`, ...) and the joined form does not occur.

Problems are reported, not hidden: `(cid:NNN)` noise is stripped and pages with garbled
glyphs are listed in W102; pages without a text layer are listed in W103, and a PDF
where (almost) no page has text raises E108. A PDF with more pages than
`ReadOptions.max_pages` is refused with E109 rather than read in part, because a review
of part of a contract would report the clauses it never read as missing.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from clausecheck.errors import InputError
from clausecheck.model import RawDocument, Source, Warning
from clausecheck.lang import detect_language
from clausecheck.parsers import pdf_ocr, pdf_pdfium
from clausecheck.parsers.base import HIDDEN_STYLE, ReadOptions, assemble
from clausecheck.parsers.pdf_streams import check_inflated_sizes

BAND_LINES = 4  # lines at the top and at the bottom of a page searched for running headers
HEADER_PAGE_SHARE = 0.5  # a band line recurring on at least this share of text pages is a running header
MIN_PAGE_CHARS = 20  # a page with fewer visible characters has no usable text layer
SCANNED_PAGE_SHARE = 0.9  # E108 when at least this share of pages has no text layer
GARBLED_SHARE = 0.01  # W102 when (cid) sequences and replacement glyphs reach this share of a page
GARBLED_MIN_COUNT = 3  # ... and at least this many of them (a stray bullet glyph is not garbling)
EOF_SEARCH_BYTES = 4096  # the end-of-file marker is looked for in this many last bytes
OCR_LANGUAGE_SAMPLE = 200  # characters of text layer that decide the OCR language
pdfium_errors = (pdfium.PdfiumError, OSError, ValueError)

_CID = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-–—‐−~]?\s*\d{1,4}\s*[-–—‐−~]?                                # 3, - 3 -, -3-, －3－ (after NFKC)
      | (?:page|p\.?)\s*[|:.]?\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?    # Page 3, Page 3 of 12, Page | 3
      | \d{1,4}\s*(?:/|of)\s*\d{1,4}                                  # 3/12, 3 of 12
      | [ivxlc]{1,6}                                                  # front-matter pages: ii, iv
      | 第?\s*\d{1,4}\s*(?:ページ|頁)                                 # 3ページ, 第3頁
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_LINE_MARKER = re.compile(
    r"""^(?:
        第\s*[0-9０-９〇一二三四五六七八九十百千]+\s*[条章節款]
      | (?:ARTICLE|Article|SECTION|Section|CLAUSE|Clause)\s+(?:[0-9]{1,3}|[IVXLC]{1,7})\b
      | §\s*[0-9]
      | [0-9]{1,3}(?:\.[0-9]{1,3})+\.?(?=\s|[A-Z(“"]|$)
      | [0-9]{1,3}\.(?=\s)
      | [(（]\s*(?:[a-zA-Z]{1,2}|[ivxlcIVXLC]{1,6}|[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|[ア-ン])\s*[)）]
      | [①-⑳]
      | [０-９]{1,2}[\s\u3000]
      | [0-9]{1,2}[\s\u3000]+(?=[\u3040-\u30ff\u3400-\u9fff])
      | (?:SCHEDULE|Schedule|EXHIBIT|Exhibit|APPENDIX|Appendix|ANNEX|Annex)\s+[0-9A-Z]
      | 別紙|別表|附則|付則|別添
      | WHEREAS|IN\ WITNESS\ WHEREOF
    )""",
    re.VERBOSE,
)
# 項 numbers written without the space after them (２甲は...), trusted after a sentence end.
_JA_PARAGRAPH_NUMBER = re.compile(r"^[0-9０-９]{1,2}(?=[\u3040-\u30ff\u3400-\u9fff])")
# A line ending with one of these words wrapped inside a cross-reference ("Section\n5.2").
_REFERENCE_WORDS = re.compile(r"(?:\b(?:Sections?|Articles?|Clauses?|[Pp]aragraphs?|[Ss]ubsections?|Schedules?|Exhibits?)|第)$")
_SENTENCE_END = re.compile(r"[.。:;：；!?！？][\"”’」』)）]*$")
_HYPHENATED = re.compile(r"(?<![A-Za-z])[A-Za-z]++(?:-[A-Za-z]++)+")
_WORD = re.compile(r"[A-Za-z]+")
_TRAILING_FRAGMENT = re.compile(r"(?<![A-Za-z])([A-Za-z]++)-$")
_LEADING_WORD = re.compile(r"^([A-Za-z]+)")
# Prefixes contracts write with a hyphen; a line-end hyphen after one of them is kept.
HYPHEN_PREFIXES = frozenset({"non", "self", "co", "ex", "quasi", "cross", "anti", "multi", "semi", "third", "well"})


@dataclass(frozen=True)
class _Line:
    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    first_word_width: float  # how much room this line's first word needs on the line above


def is_wide(ch: str) -> bool:
    """CJK ideographs, kana and full-width forms: scripts written without spaces between words."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(unicodedata.normalize("NFKC", text).strip()))


def header_key(text: str) -> str:
    """The text of a band line with page-dependent parts (digits, spacing, case) levelled."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\d+", "#", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def starts_clause(text: str, previous_text: str | None = None) -> bool:
    """True when `text` opens with a clause marker that is not a wrapped cross-reference."""
    if not _LINE_MARKER.match(text):
        return False
    if previous_text and _REFERENCE_WORDS.search(previous_text.rstrip()):
        return False
    return True


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


def _first_word_width(text: str, x0: float, x1: float) -> float:
    if not text:
        return 0.0
    char_width = (x1 - x0) / len(text)
    if is_wide(text[0]):
        return char_width
    word = re.match(r"\S+", text)
    return char_width * (len(word.group(0)) if word else 1)


def open_pdf(path: Path, password: str | None):
    """Open with pdfplumber, turning pdfminer's failures into coded input errors."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return pdfplumber.open(path, password=password or "")
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            if password:
                raise InputError("the password does not open this PDF", code="E107", path=str(path)) from None
            raise InputError("the PDF is encrypted: give its password with --password", code="E106", path=str(path)) from None
        if isinstance(cause, PDFEncryptionError):
            raise InputError(f"the PDF uses an encryption clausecheck cannot open: {cause}", code="E106", path=str(path)) from None
        raise InputError(f"corrupt or truncated PDF: {cause or type(cause).__name__}", code="E105", path=str(path)) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"corrupt or truncated PDF: {exc}", code="E105", path=str(path)) from None


@dataclass(frozen=True)
class _PageText:
    number: int
    lines: list[_Line]
    visible_chars: int
    garbled: bool
    has_images: bool


def _read_page(page) -> _PageText:
    lines: list[_Line] = []
    visible = 0
    noise = 0
    for line in page.extract_text_lines(return_chars=False):
        raw = line["text"]
        cid_count = len(_CID.findall(raw))
        text = re.sub(r"[ \t]{2,}", " ", _CID.sub("", raw)).strip() if cid_count else raw.strip()
        noise += cid_count + sum(1 for ch in text if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF)
        visible += sum(1 for ch in text if not ch.isspace())
        if not text:
            continue
        x0, x1 = float(line["x0"]), float(line["x1"])
        lines.append(_Line(text, page.page_number, x0, x1, float(line["top"]), float(line["bottom"]), _first_word_width(text, x0, x1)))
    garbled = noise >= GARBLED_MIN_COUNT and noise >= GARBLED_SHARE * max(visible, 1)
    has_images = bool(page.images) if visible < MIN_PAGE_CHARS else False
    return _PageText(page.page_number, lines, visible, garbled, has_images)


def split_running_headers(pages: list[_PageText]) -> tuple[list[list[_Line]], list[str]]:
    """Body lines per page, and the running headers/footers and page numbers taken out."""
    text_pages = [p for p in pages if p.lines]
    pages_per_key: dict[str, set[int]] = {}
    for page in text_pages:
        for line in _band(page.lines):
            # a numbered clause line is body text even when its wording recurs (1.1 ..., 2.1 ...)
            if not _LINE_MARKER.match(line.text):
                pages_per_key.setdefault(header_key(line.text), set()).add(page.number)
    needed = max(2, HEADER_PAGE_SHARE * len(text_pages))
    # Page-number shapes (`#`, `- # -`) are left to the edge rule below: as a recurring key
    # they would also take a bare year out of a signature block.
    running = {key for key, seen in pages_per_key.items() if len(seen) >= needed and not is_page_number(key.replace("#", "1"))}

    # Printed page numbers usually run at a fixed offset from the PDF's page index (a cover
    # page is not counted): the offset most pages agree on identifies a page number anywhere
    # in the band.
    offsets: Counter[int] = Counter()
    for page in text_pages:
        offsets.update({value - page.number for line in _band(page.lines) if (value := _page_number_value(line.text)) is not None})
    offset, support = offsets.most_common(1)[0] if offsets else (None, 0)
    if support < needed:
        offset = None

    headers: dict[str, str] = {}
    bodies: list[list[_Line]] = []
    for page in pages:
        band = {id(line) for line in _band(page.lines)}

        def is_furniture(line: _Line) -> bool:
            if id(line) not in band:
                return False
            if header_key(line.text) in running:
                return True
            value = _page_number_value(line.text)
            return offset is not None and value is not None and value - page.number == offset

        removed = [line for line in page.lines if is_furniture(line)]
        kept = [line for line in page.lines if not is_furniture(line)]
        # Any other bare number goes only from the page edge, so that a bare number with body
        # text between it and the edge (a year in a signature block) stays in the body.
        first, last = 0, len(kept)
        while first < last and id(kept[first]) in band and is_page_number(kept[first].text):
            first += 1
        while last > first and id(kept[last - 1]) in band and is_page_number(kept[last - 1].text):
            last -= 1
        for line in removed + kept[:first] + kept[last:]:
            headers.setdefault(header_key(line.text), line.text)
        bodies.append(kept[first:last])
    return bodies, list(headers.values())


def _page_number_value(text: str) -> int | None:
    """The number a page-number line prints (`- 3 -` → 3, `Page 3 of 12` → 3), if it is one."""
    if not is_page_number(text):
        return None
    digits = re.search(r"\d+", unicodedata.normalize("NFKC", text))
    return int(digits.group(0)) if digits else None


def _band(lines: list[_Line]) -> list[_Line]:
    if len(lines) <= 2 * BAND_LINES:
        return list(lines)
    return lines[:BAND_LINES] + lines[-BAND_LINES:]


@dataclass(frozen=True)
class _Layout:
    """What normal looks like in this document: the right margin and the leading."""

    right_edge: float
    paragraph_gap: float  # a gap above a line larger than this starts a paragraph


def measure_layout(bodies: list[list[_Line]]) -> _Layout:
    edges = [max(line.x1 for line in body) for body in bodies if body]
    gaps: list[float] = []
    heights: list[float] = []
    for body in bodies:
        for above, line in zip(body, body[1:]):
            height = line.bottom - line.top
            gap = line.top - above.bottom
            heights.append(height)
            if 0 <= gap < 3 * max(height, 1):
                gaps.append(gap)
    height = statistics.median(heights) if heights else 10.0
    normal_gap = statistics.median(gaps) if gaps else 0.3 * height
    return _Layout(statistics.median(edges) if edges else 0.0, normal_gap + 0.6 * height)


def starts_block(line: _Line, above: _Line | None, layout: _Layout) -> bool:
    """Whether `line` opens a new paragraph rather than continuing the one `above`."""
    if above is None:
        return True
    if starts_clause(line.text, above.text):
        return True
    if _JA_PARAGRAPH_NUMBER.match(line.text) and above.text.endswith("。"):
        return True
    if line.page != above.page:
        # The last line of a page is often short although its sentence goes on (filings
        # re-paginated from another layout), so across a page break the sentence decides;
        # a short line is trusted only before a line that opens like a new paragraph.
        if ends_sentence(above.text) or is_caps_heading(above.text) or is_caps_heading(line.text):
            return True
        return _stopped_short(above, line, layout) and (is_wide(line.text[0]) or _opens_capitalised(line.text))
    if line.top - above.bottom > layout.paragraph_gap:
        return True
    if _stopped_short(above, line, layout):
        return True
    # A first-line indent: Japanese indents a new paragraph by one full-width character,
    # English by several characters.
    char_width = (line.x1 - line.x0) / max(len(line.text), 1)
    indent = (0.8 if is_wide(line.text[0]) else 1.5) * char_width
    return line.x0 > above.x0 + indent and ends_sentence(above.text)


def is_caps_heading(text: str) -> bool:
    """A short line in capitals (TABLE OF CONTENTS, CONFIDENTIALITY) is a heading of its own."""
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    return len(letters) >= 3 and len(text) <= 80 and all(ch.isupper() for ch in letters) and not text.endswith((",", ";"))


def _opens_capitalised(text: str) -> bool:
    first = next((ch for ch in text if ch.isalpha()), "")
    return first.isupper()


def _stopped_short(above: _Line, line: _Line, layout: _Layout) -> bool:
    """The line above ended although this line's first word would have fitted after it."""
    char_width = (above.x1 - above.x0) / max(len(above.text), 1)
    space = 0.0 if is_wide(line.text[0]) else char_width
    return above.x1 + space + line.first_word_width + char_width < layout.right_edge


class _Vocabulary:
    """Words as the document writes them, to decide a line-end hyphen."""

    def __init__(self, bodies: list[list[_Line]]):
        self.hyphenated: set[str] = set()
        self.words: set[str] = set()
        for body in bodies:
            for line in body:
                self.hyphenated.update(word.lower() for word in _HYPHENATED.findall(line.text))
                self.words.update(word.lower() for word in _WORD.findall(line.text))

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        head, tail = head.lower(), tail.lower()
        if f"{head}-{tail}" in self.hyphenated:
            return True
        if head + tail in self.words:
            return False
        return head in HYPHEN_PREFIXES


def join_wrapped(left: str, right: str, vocabulary: _Vocabulary) -> str:
    """Join two lines of one paragraph the way the script writes a line wrap."""
    if not left:
        return right
    last, first = left[-1], right[0]
    fragment = _TRAILING_FRAGMENT.search(left)
    if fragment:
        following = _LEADING_WORD.match(right)
        if following and first.islower() and not vocabulary.keeps_hyphen(fragment.group(1), following.group(1)):
            return left[:-1] + right
        return left + right  # a real hyphen: non-\nexclusive, mid-\n2020
    if last == "-" and left[-2:-1].isalnum():
        return left + right  # 10-\nK, 2024-\n2025
    if is_wide(last) or is_wide(first) or last in "—/":
        return left + right
    return left + " " + right


def build_blocks(bodies: list[list[_Line]]) -> list[dict]:
    layout = measure_layout(bodies)
    vocabulary = _Vocabulary(bodies)
    pieces: list[dict] = []
    above: _Line | None = None
    for body in bodies:
        for line in body:
            if starts_block(line, above, layout):
                pieces.append({"text": line.text, "kind": "paragraph", "page": line.page})
            else:
                pieces[-1]["text"] = join_wrapped(pieces[-1]["text"], line.text, vocabulary)
            above = line
    return pieces


def _page_list(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:20])
    return shown + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")


def parse(path: Path, source: Source, options: ReadOptions) -> RawDocument:
    check_inflated_sizes(path, options.max_pdf_stream_bytes, options.max_pdf_inflated_bytes)
    document = _open_pdfium(path, options.password)
    plumber = None
    try:
        count = len(document)
        if count > options.max_pages:
            raise InputError(f"the PDF has {count:,} pages, over the limit of {options.max_pages:,}", code="E109", path=str(path))
        if count == 0:
            raise InputError("corrupt or truncated PDF: no page can be read", code="E105", path=str(path))
        pages: list[_PageText] = []
        hidden: list[dict] = []
        read_by_pdfplumber: list[int] = []
        columns: list[int] = []
        chars = 0
        for index in range(count):
            number = index + 1
            try:
                fast = pdf_pdfium.read_page(document, index)
            except pdfium_errors as exc:
                raise InputError(f"corrupt or truncated PDF (page {number}): {exc}", code="E105", path=str(path)) from None
            page = _fast_page(fast, number)
            if _reads_badly(fast, page.visible_chars):
                plumber = plumber or open_pdf(path, options.password)
                page = _plumber_page(plumber, index, path)
                read_by_pdfplumber.append(number)
            else:
                hidden.extend({"text": s.text, "kind": "paragraph", "page": number, "style": HIDDEN_STYLE} for s in fast.segments if s.hidden)
                if fast.columns:
                    columns.append(number)
            chars += page.visible_chars
            if chars > options.max_chars:
                raise InputError(f"text of more than {options.max_chars:,} characters is over the limit", code="E109", path=str(path))
            pages.append(page)
        ocr_done = _ocr_pages(document, pages, options.ocr, path)
    finally:
        document.close()
        if plumber is not None:
            # PDF.close() would build every page object first; release the caches and the file only.
            plumber.flush_cache()
            plumber.stream.close()

    source = Source(source.path, "pdf", source.sha256, len(pages), source.size)
    textless = [p.number for p in pages if p.visible_chars < MIN_PAGE_CHARS]
    if not pages or len(textless) >= SCANNED_PAGE_SHARE * len(pages):
        raise InputError(_no_text_message(options.ocr), code="E108", path=str(path))

    warnings: list[Warning] = []
    missing = [p.number for p in pages if p.visible_chars < MIN_PAGE_CHARS and p.has_images]
    if missing:
        warnings.append(Warning("W103", f"no text layer on page(s) {_page_list(missing)}: scanned; {_ocr_hint(options.ocr)}", tuple(missing)))
    for number, confidence, languages in ocr_done:
        trust = f"below {pdf_ocr.LOW_CONFIDENCE:.0f}%: what it reads there is not enough on its own" if confidence < pdf_ocr.LOW_CONFIDENCE else "readable"
        warnings.append(Warning("W124", f"page {number} read by OCR (Tesseract {languages}), mean confidence {confidence:.0f}%: {trust}", (number,), round(confidence, 1)))
    garbled = [p.number for p in pages if p.garbled]
    if garbled:
        warnings.append(Warning("W102", f"garbled or missing glyphs on page(s) {_page_list(garbled)}: the font has no usable text mapping", tuple(garbled)))
    if read_by_pdfplumber:
        pages_read = _page_list(read_by_pdfplumber)
        warnings.append(Warning("W122", f"page(s) {pages_read} read with pdfplumber: the fast reader found glyphs without a text mapping there", tuple(read_by_pdfplumber)))
    if columns:
        warnings.append(Warning("W123", f"page(s) {_page_list(columns)} laid out in two columns: read column by column", tuple(columns)))
    hidden_pages = sorted({piece["page"] for piece in hidden})
    if hidden_pages:
        warnings.append(
            Warning(
                "W121",
                f"hidden text on page(s) {_page_list(hidden_pages)} (invisible, white or outside the page): read, but never taken as the only evidence",
                tuple(hidden_pages),
            )
        )

    bodies, headers = split_running_headers(pages)
    return assemble(source, build_blocks(bodies) + hidden, warnings, headers)


def _ocr_pages(document, pages: list[_PageText], mode: str, path: Path) -> list[tuple[int, float, str]]:
    """OCR the pages `mode` asks for (auto: scanned pages; always: every page) in place; (page, confidence, languages) of each."""
    if mode == "never":
        return []
    wanted = [i for i, page in enumerate(pages) if mode == "always" or (page.visible_chars < MIN_PAGE_CHARS and page.has_images)]
    if not wanted or pdf_ocr.unavailable_reason() is not None:
        return []
    text = " ".join(line.text for page in pages if page.visible_chars >= MIN_PAGE_CHARS for line in page.lines)
    language = detect_language(text) if len(text) >= OCR_LANGUAGE_SAMPLE else None
    done: list[tuple[int, float, str]] = []
    for i in wanted:
        try:
            result = pdf_ocr.ocr_page(document, i, language or "ja")
            if language is None:
                # No text layer to tell the language: the first OCR'd page tells it.
                language = detect_language(" ".join(line.text for line in result.lines))
                if language == "en":
                    result = pdf_ocr.ocr_page(document, i, language)
        except RuntimeError as exc:  # pytesseract's timeout and Tesseract's own failures
            raise InputError(f"OCR of page {i + 1} failed: {exc}", code="E112" if "timeout" in str(exc).lower() else "E105", path=str(path)) from None
        number = pages[i].number
        lines = [_Line(line.text, number, line.x0, line.x1, line.top, line.bottom, _first_word_width(line.text, line.x0, line.x1)) for line in result.lines]
        visible = sum(len(line.text) - line.text.count(" ") for line in lines)
        if visible < MIN_PAGE_CHARS:
            continue  # OCR found no text either: the page stays listed in W103
        pages[i] = _PageText(number, lines, visible, False, pages[i].has_images)
        done.append((number, result.confidence, result.language))
    return done


def _ocr_hint(mode: str) -> str:
    if mode == "never":
        return "OCR was switched off (--ocr never)"
    reason = pdf_ocr.unavailable_reason()
    return f"to read them, {reason}" if reason else "OCR found no text there"


def _no_text_message(mode: str) -> str:
    if mode == "never":
        return "no text layer: scanned document, and OCR was switched off (--ocr never)"
    reason = pdf_ocr.unavailable_reason()
    if reason:
        return f"no text layer: scanned document; to read it, {reason}, then check it again (--ocr auto)"
    return "no text layer, and OCR found no text either"


def _open_pdfium(path: Path, password: str | None):
    """Open with PDFium, turning its load errors into coded input errors."""
    try:
        document = pdf_pdfium.open_document(path, password)
    except pdfium_errors as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            if password:
                raise InputError("the password does not open this PDF", code="E107", path=str(path)) from None
            raise InputError("the PDF is encrypted: give its password with --password", code="E106", path=str(path)) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise InputError("the PDF uses an encryption clausecheck cannot open", code="E106", path=str(path)) from None
        raise InputError(f"corrupt or truncated PDF: {exc}", code="E105", path=str(path)) from None
    if not _ends_properly(path):
        document.close()
        raise InputError("corrupt or truncated PDF: the file ends before its end-of-file marker", code="E105", path=str(path))
    return document


def _ends_properly(path: Path) -> bool:
    """A whole PDF ends with %%EOF (PDFium would silently read what is left of a cut file)."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - EOF_SEARCH_BYTES))
        return b"%%EOF" in handle.read()


def _fast_page(fast: pdf_pdfium.PageRead, number: int) -> _PageText:
    lines = [
        _Line(segment.text, number, segment.x0, segment.x1, segment.top, segment.bottom, _first_word_width(segment.text, segment.x0, segment.x1))
        for segment in fast.segments
        if not segment.hidden
    ]
    visible = sum(len(line.text) - line.text.count(" ") for line in lines)
    return _PageText(number, lines, visible, False, fast.has_images if visible < MIN_PAGE_CHARS else False)


def _reads_badly(fast: pdf_pdfium.PageRead, visible: int) -> bool:
    """Glyphs without a text mapping: pdfplumber reads the page (and reports the noise as W102)."""
    return fast.unmapped >= GARBLED_MIN_COUNT and fast.unmapped >= GARBLED_SHARE * max(visible, 1)


def _plumber_page(pdf, index: int, path: Path) -> _PageText:
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    try:
        for number, page_object in enumerate(PDFPage.create_pages(pdf.doc)):
            if number == index:
                page = Page(pdf, page_object, page_number=index + 1, initial_doctop=0)
                try:
                    return _read_page(page)
                finally:
                    page.close()
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types on broken streams
        raise InputError(f"corrupt or truncated PDF (page {index + 1}): {exc or type(exc).__name__}", code="E105", path=str(path)) from None
    raise InputError(f"corrupt PDF: page {index + 1} is missing from its page tree", code="E105", path=str(path))
