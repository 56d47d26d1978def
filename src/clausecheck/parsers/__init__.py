"""Parsers: a file goes in, a `RawDocument` (blocks in reading order) comes out.

The registry trusts the file's bytes, not its name: a PDF renamed `.docx` is read as a
PDF, with a warning saying so. Parsers know nothing of clauses or rules.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zipfile
from pathlib import Path

from clausecheck.errors import InputError
from clausecheck.model import RawDocument, Source, Warning
from clausecheck.parsers.base import HIDDEN_STYLE, ReadOptions, assemble  # noqa: F401 - the package's API

# pdfminer logs each oddity of a damaged PDF at WARNING level; with no handler configured,
# Python prints those to stderr, in the middle of a command's output. A library's NullHandler
# keeps them quiet and still lets an application's own logging configuration see them; what
# matters to the user is reported as coded warnings instead.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

SUFFIX_FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text"}
SUPPORTED_SUFFIXES = tuple(SUFFIX_FORMATS)


def sniff_format(head: bytes, path: Path) -> str | None:
    """The format the bytes say, or None when they say nothing (then it is text or garbage)."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        # NotImplementedError: a member claims a ZIP version this zipfile cannot read (found
        # by the fuzzer: "zip file version 23.5"); it is as unreadable as a corrupt one.
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
            return "zip-corrupt"
        if "word/document.xml" in names or _names_a_word_document(path, names):
            return "docx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # legacy .doc, or an encrypted Office file
    return None


def _names_a_word_document(path: Path, names: set[str]) -> bool:
    """True when the package's content types name a Word main part under another part name."""
    if "[Content_Types].xml" not in names:
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            with archive.open("[Content_Types].xml") as stream:
                content_types = stream.read(1 << 20)  # a real one is a few KB
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False
    return b"wordprocessingml.document.main" in content_types or b"ms-word.document.macroEnabled.main" in content_types


def read_file(path: str | os.PathLike, options: ReadOptions | None = None) -> RawDocument:
    """Read `path` with the parser its bytes call for; raise InputError with a code otherwise."""
    options = options or ReadOptions()
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot open file: {exc.strerror or exc}", code="E101", path=str(path)) from None
    if not path.is_file():
        raise InputError("not a regular file", code="E101", path=str(path))
    if stat.st_size == 0:
        raise InputError("the file is empty", code="E102", path=str(path))
    if stat.st_size > options.max_bytes:
        raise InputError(
            f"file is {stat.st_size:,} bytes, over the limit of {options.max_bytes:,} (raise it with --max-size)",
            code="E109",
            path=str(path),
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", code="E101", path=str(path)) from None

    claimed = SUFFIX_FORMATS.get(path.suffix.lower())
    sniffed = sniff_format(head, path)
    warnings: list[Warning] = []
    if sniffed == "zip-corrupt":
        raise InputError("the file is a corrupt or truncated ZIP (docx) archive", code="E105", path=str(path))
    if sniffed == "ole":
        raise InputError(
            "this is a legacy Word .doc or an encrypted Office file; save it as .docx without a password",
            code="E103" if claimed != "docx" else "E106",
            path=str(path),
        )
    if sniffed == "zip":
        raise InputError("a ZIP archive that is not a Word document", code="E103", path=str(path))
    actual = sniffed or ("text" if claimed in (None, "text") else None)
    if actual is None:
        # Claimed pdf/docx, but the bytes are neither: decide whether it is text at all.
        actual = "text"
        warnings.append(Warning("W104", f"the file is named {path.suffix} but its content is not {claimed}: read as text"))
    elif claimed and claimed != actual:
        warnings.append(Warning("W104", f"the file is named {path.suffix} but its content is {actual}: read as {actual}"))
    elif claimed is None and actual == "text" and path.suffix:
        pass  # unknown suffix with text content: read as text

    if actual == "pdf":
        from clausecheck.parsers import pdf as parser
    elif actual == "docx":
        from clausecheck.parsers import docx as parser
    else:
        from clausecheck.parsers import text as parser

    data_hash = file_sha256(path)
    source = Source(path=str(path), format=actual, sha256=data_hash, size=stat.st_size)
    raw = parser.parse(path, source, options)
    if warnings:
        raw = RawDocument(raw.source, raw.blocks, tuple(warnings) + raw.warnings, raw.headers, raw.changes, raw.changes_view)
    return raw


def file_sha256(path: Path) -> str:
    """The file's content hash (what reports cite and batch results are keyed by)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
