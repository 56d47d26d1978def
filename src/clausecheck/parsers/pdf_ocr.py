"""OCR of scanned PDF pages: PDFium renders the page, Tesseract reads it (the optional `ocr` extra).

`pip install "clausecheck[ocr]"` brings pytesseract; Tesseract itself and its Japanese and
English data come from the system (Debian: `tesseract-ocr tesseract-ocr-jpn
tesseract-ocr-eng`). pytesseract on a page image rendered by pypdfium2 was chosen over
ocrmypdf by measurement (docs/performance.md): ocrmypdf writes a whole new PDF through
Ghostscript and qpdf to add a text layer that would then be read again, while the checker
only needs the words and where they are.

A page is rendered at `DPI` in grey, read with Tesseract's word boxes, and turned into
lines with the same geometry as a text-layer line (points, top-down), so running headers,
page numbers and paragraphs are found exactly as on a born-digital page. Tesseract puts a
space between Japanese characters; spaces between two wide characters are taken out. Each
page's mean word confidence (0-100, weighted by characters) is kept: the report marks
every OCR'd page with it and a topic whose only evidence lies on a page below
`LOW_CONFIDENCE` is `uncertain`.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from clausecheck.model import LOW_CONFIDENCE  # noqa: F401 - parsers.pdf reads it here; the engine reads it from model

DPI = 300  # Tesseract reads body text best at 300 dpi
PAGE_TIMEOUT_SECONDS = 120  # one page's OCR at most (the batch's per-file timeout still applies)
# Tesseract's jpn model reads the Latin names and numbers of a Japanese contract as well as
# jpn+eng does, in two thirds of the time (docs/performance.md).
LANGUAGES = {"en": "eng", "ja": "jpn"}
INSTALL_HINT = (
    'install the OCR extra (pip install "clausecheck[ocr]") and Tesseract with its Japanese and English data '
    "(apt install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-eng)"
)


@dataclass(frozen=True)
class OcrLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class OcrPage:
    lines: list[OcrLine]
    confidence: float  # mean word confidence, 0-100
    language: str  # the Tesseract languages used


@lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """None when OCR can run here; otherwise what is missing, in words a user can act on."""
    try:
        import pytesseract
    except ImportError:
        return f"OCR is not installed: {INSTALL_HINT}"
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return f"the tesseract program is not installed: {INSTALL_HINT}"
    try:
        languages = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # noqa: BLE001 - a broken installation says so in many ways
        return f"tesseract does not run ({exc}): {INSTALL_HINT}"
    missing = {"eng", "jpn"} - languages
    if missing:
        return f"Tesseract has no {'/'.join(sorted(missing))} language data: {INSTALL_HINT}"
    return None


def ocr_page(document, index: int, language: str) -> OcrPage:
    """Render page `index` of a pypdfium2 document and read it with Tesseract in `language` (en | ja)."""
    import pytesseract

    # One thread per Tesseract: a batch runs one worker per core already.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    page = document[index]
    try:
        scale = DPI / 72
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil()
    finally:
        page.close()
    tesseract_languages = LANGUAGES.get(language, LANGUAGES["ja"])
    data = pytesseract.image_to_data(
        image,
        lang=tesseract_languages,
        config="--psm 3",
        output_type=pytesseract.Output.DICT,
        timeout=PAGE_TIMEOUT_SECONDS,
    )
    return _page_from_words(data, scale, tesseract_languages, japanese=language == "ja")


def _page_from_words(data: dict, scale: float, languages: str, japanese: bool) -> OcrPage:
    """Tesseract's words grouped into its lines, in its reading order, with their boxes in points."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    weighted = characters = 0.0
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
        weighted += confidence * len(word)
        characters += len(word)
    out: list[OcrLine] = []
    for words in lines.values():
        text = ""
        for i in words:
            word = data["text"][i].strip()
            text = join_words(text, word, japanese)
        left = min(data["left"][i] for i in words) / scale
        right = max(data["left"][i] + data["width"][i] for i in words) / scale
        top = min(data["top"][i] for i in words) / scale
        bottom = max(data["top"][i] + data["height"][i] for i in words) / scale
        out.append(OcrLine(text, left, right, top, bottom))
    return OcrPage(out, weighted / characters if characters else 0.0, languages)


def join_words(left: str, right: str, japanese: bool = False) -> str:
    """Join two OCR words the way the script writes them.

    Tesseract separates every Japanese character, and the digits and brackets beside them
    (第 1 条 (目的 )), by spaces; Japanese writes them together. Two Latin words keep
    their space in either language.
    """
    if not left:
        return right
    last, first = left[-1], right[0]
    if _is_wide(last) or _is_wide(first):
        return left + right
    if japanese and not (last.isalpha() and first.isalpha()):
        return left + right
    return left + " " + right


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")
