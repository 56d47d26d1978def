"""Checks a .docx archive before any XML parser sees it: contracts are hostile input.

A .docx is a ZIP of XML parts. Three attacks matter for a reader:
- zip bombs: a few kilobytes that inflate to gigabytes (checked on declared sizes, on
  compression ratios and, while scanning, on the bytes that really come out);
- XML entity expansion ("billion laughs") and external entities (`SYSTEM "file:///etc/passwd"`):
  Office never writes a DOCTYPE into a part, so any DOCTYPE or ENTITY declaration is refused;
- archives with huge member counts, and two members of one name (which one a reader
  takes differs between readers, so what was checked may not be what is read);
- a DOCTYPE hidden in a part not named .xml: a part is vetted as XML when its name says so
  or when `[Content_Types].xml` gives it an XML content type (what python-docx parses),
  since the relationships may point anywhere. Images (an SVG may carry a DOCTYPE) are
  never parsed as XML and are not vetted.
Everything that fails here is `InputError` E110 (unsafe) or E105 (corrupt/truncated).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from clausecheck.errors import InputError

MAX_MEMBERS = 5000
# Deflate tops out near 1000:1; real Word XML compresses 5–30:1. Only members that inflate
# beyond MIN_RATIO_CHECKED_BYTES are judged, so tiny highly repetitive parts stay fine.
MAX_COMPRESSION_RATIO = 200
MIN_RATIO_CHECKED_BYTES = 1024 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1 << 20
_DECLARATIONS = ("<!DOCTYPE", "<!ENTITY")
_RE_ENCODING = re.compile(r"""\ufeff?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_PLAIN_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "ascii", "us-ascii"}


def check_archive(path: Path, max_unzipped_bytes: int) -> None:
    """Raise InputError unless `path` is a ZIP that is safe to hand to python-docx."""
    where = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_declared_sizes(members, max_unzipped_bytes, where)
            xml_parts = _xml_content_type_parts(archive, members)
            inflated = 0
            for member in members:
                if member.is_dir():
                    continue
                inflated += _scan_member(archive, member, max_unzipped_bytes - inflated, where, member.filename in xml_parts)
    except InputError:
        raise
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise InputError(f"the archive has encrypted parts: {exc}", code="E106", path=where) from None
    except NotImplementedError as exc:  # e.g. an unsupported compression method
        raise InputError(f"the archive uses a compression method that cannot be read: {exc}", code="E105", path=where) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise InputError(f"the file is a corrupt or truncated ZIP (docx) archive: {exc}", code="E105", path=where) from None


def _check_declared_sizes(members: list[zipfile.ZipInfo], max_unzipped_bytes: int, where: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise InputError(f"the archive has {len(members):,} members (more than {MAX_MEMBERS:,}): refused as unsafe", code="E110", path=where)
    seen: set[str] = set()
    for member in members:
        name = member.filename.lower()  # Office part names are case-insensitive
        if name in seen:
            raise InputError(f"the archive holds two members named {member.filename}: damaged or tampered with", code="E105", path=where)
        seen.add(name)
    total = sum(member.file_size for member in members)
    if total > max_unzipped_bytes:
        raise InputError(
            f"the archive would inflate to {total:,} bytes, over the limit of {max_unzipped_bytes:,} (zip bomb?)",
            code="E110",
            path=where,
        )
    for member in members:
        if member.file_size >= MIN_RATIO_CHECKED_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise InputError(
                f"archive member {member.filename} is compressed {ratio:,.0f}:1 (zip bomb?)",
                code="E110",
                path=where,
            )


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int, where: str, declared_xml: bool = False) -> int:
    """Inflate one member (counting real bytes, not the declared ones) and vet XML parts.

    zipfile stops at the declared size and checks the CRC, so a member that lies about its
    size fails here as corrupt rather than inflating without bound.
    """
    is_xml = declared_xml or member.filename.lower().endswith(XML_SUFFIXES)
    inflated = 0
    chunks: list[bytes] = []
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            inflated += len(chunk)
            if inflated > budget:
                raise InputError("the archive inflates beyond the configured limit (zip bomb?)", code="E110", path=where)
            if is_xml:
                chunks.append(chunk)
    if is_xml:
        _refuse_declarations(b"".join(chunks), member.filename, where)
    return inflated


def _refuse_declarations(data: bytes, name: str, where: str) -> None:
    if data.startswith((b"\x00\x00", b"\xff\xfe\x00\x00", b"<\x00\x00\x00")):
        raise InputError(f"part {name} is XML in UTF-32: refused", code="E110", path=where)
    text = _as_text(data)
    declared = _RE_ENCODING.match(text[:300])
    if declared and declared.group(1).lower().replace("_", "-") not in _PLAIN_ENCODINGS:
        # An exotic encoding (UTF-7, EBCDIC, UTF-32) could hide a DOCTYPE from the check below.
        raise InputError(f"part {name} is XML in the unusual encoding {declared.group(1)}: refused", code="E110", path=where)
    for declaration in _DECLARATIONS:
        if declaration in text:
            raise InputError(
                f"part {name} declares a DOCTYPE or entities (XML entity expansion / external entity attack): refused",
                code="E110",
                path=where,
            )


# Linear on hostile bytes: an entry is a few hundred bytes, a name starts after a non-word byte.
_RE_CONTENT_TYPE_ENTRY = re.compile(rb"<(Override|Default)\b([^>]{0,4096})>")
_RE_ATTRIBUTE = re.compile(rb"""(?<!\w)(\w++)\s*+=\s*+["']([^"']*)["']""")
MAX_CONTENT_TYPES_BYTES = 1024 * 1024  # a real one is a few KB


def _is_xml_content_type(content_type: str) -> bool:
    content_type = content_type.lower()
    return not content_type.startswith("image/") and (content_type.endswith("+xml") or content_type in ("application/xml", "text/xml"))


def _xml_content_type_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    """Members `[Content_Types].xml` declares as XML, by part name or by extension.

    Read with a regex, not an XML parser: it has not been vetted yet (it is vetted as .xml
    like any other part afterwards).
    """
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return set()
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        return set()  # vetted by name only; python-docx refuses such a package anyway
    overrides: dict[str, bool] = {}
    defaults: dict[str, bool] = {}
    for kind, attributes in _RE_CONTENT_TYPE_ENTRY.findall(archive.read(info)):
        values = {key.decode("ascii", "replace"): value.decode("utf-8", "replace") for key, value in _RE_ATTRIBUTE.findall(attributes)}
        is_xml = _is_xml_content_type(values.get("ContentType", ""))
        if kind == b"Override" and "PartName" in values:
            overrides[values["PartName"].lstrip("/").lower()] = is_xml
        elif kind == b"Default" and "Extension" in values:
            defaults[values["Extension"].lower()] = is_xml
    declared = set()
    for member in members:
        name = member.filename.lower()
        extension = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
        if overrides.get(name, defaults.get(extension, False)):
            declared.add(member.filename)
    return declared


def _as_text(data: bytes) -> str:
    """The part as text in whatever Unicode form it is stored (XML allows UTF-8 and UTF-16)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"<\x00"):
        return data.decode("utf-16-le", errors="replace")
    if data.startswith(b"\x00<"):
        return data.decode("utf-16-be", errors="replace")
    return data.decode("utf-8", errors="replace")
