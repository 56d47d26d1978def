"""Strict Open XML (.docx saved as "Strict Open XML Document") read as a transitional one.

ISO/IEC 29500 Strict writes the same WordprocessingML under other namespace and
relationship URIs (`http://purl.oclc.org/ooxml/...` instead of
`http://schemas.openxmlformats.org/...`). python-docx knows only the transitional ones, so
it found no officeDocument relationship and the file read as damaged. The package is copied
in memory with the Strict URIs of every XML part and relationship file replaced by their
transitional twins; element and attribute names are the same in both, which is all the
reader needs. The archive has been vetted (`docx_safety`) before this runs, so its parts'
sizes are known to be bounded.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

STRICT_ROOT = b"http://purl.oclc.org/ooxml/"
_XML_SUFFIXES = (".xml", ".rels")

# Longest first: the relationship-type prefix before the relationships namespace itself.
_URI_MAP = (
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships/", b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties", b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/customProperties", b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/", b"http://schemas.openxmlformats.org/officeDocument/2006/"),
    (b"http://purl.oclc.org/ooxml/wordprocessingml/", b"http://schemas.openxmlformats.org/wordprocessingml/2006/"),
    (b"http://purl.oclc.org/ooxml/drawingml/", b"http://schemas.openxmlformats.org/drawingml/2006/"),
)
_RE_URI = re.compile(b"|".join(re.escape(strict) for strict, _ in _URI_MAP))
_TRANSITIONAL = dict(_URI_MAP)


def is_strict(path: Path) -> bool:
    """True when the package's top relationships use the Strict officeDocument type."""
    try:
        with zipfile.ZipFile(path) as archive:
            return STRICT_ROOT in archive.read("_rels/.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False


def to_transitional(data: bytes) -> bytes:
    """One part's bytes with every Strict URI replaced by its transitional twin."""
    return _RE_URI.sub(lambda m: _TRANSITIONAL[m.group(0)], data)


def transitional_copy(path: Path) -> io.BytesIO:
    """The package at `path` rewritten as transitional, as an in-memory zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.lower().endswith(_XML_SUFFIXES):
                data = to_transitional(data)
            target.writestr(member.filename, data)
    out.seek(0)
    return out
