"""PDF decompression bombs: the inflated size of a PDF's streams bounded before PDFium reads them.

A few hundred kilobytes of Flate data can inflate to gigabytes (zlib reaches about
1000:1), and a PDF reader holds a page's decoded content stream in memory while it lays
the page out. Before the file is opened, every Flate-encoded stream that is not an image
is inflated here in 1 MB steps, counting and discarding the output: memory stays at a few
megabytes whatever the stream claims, and the count stops at the limit. A stream over the
per-stream limit (a page's content stream, a form, a font) or streams over the
per-document limit in total are refused with E110.

Images are left out: a scanned page legitimately inflates to tens of megabytes, and their
pixels are only decoded when a page is rendered for OCR, one page at a time. Streams are
found by their `stream` keyword in the file's bytes rather than through the cross-reference
table, so a damaged table does not hide one.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from clausecheck.errors import InputError

STEP = 1 << 20  # bytes inflated at a time
INPUT_STEP = 1 << 16  # compressed bytes fed to the inflater at a time
DICTIONARY_WINDOW = 4096  # bytes before a `stream` keyword searched for its dictionary

_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj$")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")


def check_inflated_sizes(path: Path, per_stream: int, per_document: int) -> int:
    """Raise E110 when a stream inflates past `per_stream` or all of them past `per_document`; return the total."""
    data = path.read_bytes()
    total = 0
    for match in _STREAM.finditer(data):
        dictionary = _dictionary_before(data, match.start())
        if not _FLATE.search(dictionary) or _IMAGE.search(dictionary):
            continue
        size = _inflated_size(data, match.end(), min(per_stream, per_document - total) + 1)
        if size > per_stream:
            raise InputError(
                f"a PDF stream inflates to more than {per_stream // (1 << 20):,} MB: refused as a decompression bomb",
                code="E110",
                path=str(path),
            )
        total += size
        if total > per_document:
            raise InputError(
                f"the PDF's streams inflate to more than {per_document // (1 << 20):,} MB in total: refused as a decompression bomb",
                code="E110",
                path=str(path),
            )
    return total


def _dictionary_before(data: bytes, keyword: int) -> bytes:
    """The bytes from the object header (`12 0 obj`) to the `stream` keyword."""
    start = max(0, keyword - DICTIONARY_WINDOW)
    window = data[start:keyword]
    position = len(window)
    while (position := window.rfind(b"obj", 0, position)) >= 0:
        if _OBJECT.search(window, max(0, position - 24), position + 3):
            return window[position + 3 :]
    return window


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """How many bytes the zlib stream at `start` inflates to, counting no further than `limit`."""
    inflater = zlib.decompressobj()
    offset = start
    tail = b""
    size = 0
    try:
        while size < limit and not inflater.eof:
            if tail:
                chunk = tail
            elif offset < len(data):
                chunk = data[offset : offset + INPUT_STEP]
                offset += INPUT_STEP
            else:
                break  # the file ended inside the stream
            size += len(inflater.decompress(chunk, STEP))
            tail = inflater.unconsumed_tail
    except zlib.error:
        pass  # a damaged stream: PDFium decides what to make of it; its size so far counts
    return size
