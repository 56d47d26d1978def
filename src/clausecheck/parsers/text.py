"""Plain text and Markdown: detect the encoding, split into paragraphs, strip Markdown marks.

Encodings are detected with charset-normalizer (UTF-8 with or without BOM, UTF-16,
CP932/Shift_JIS, EUC-JP are all common in Japanese files). Markdown heading marks and
emphasis are removed so that `## 第1条（目的）` and `**Section 2.**` read as clause headings.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from clausecheck.errors import InputError
from clausecheck.model import RawDocument, Source, Warning
from clausecheck.parsers import ReadOptions, assemble

# Japanese legacy encodings charset-normalizer may name; all are read as their superset.
_LEGACY_JA = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp"}

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LIST = re.compile(r"^\s*[-*+]\s+(?=\S)")
_MD_RULE = re.compile(r"^\s*([-*_]\s*){3,}$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
# CUAD-style texts lost their line breaks: a run of 3+ spaces stands where a break was.
_COLLAPSED_BREAK = re.compile(r"[ \t\u3000]{3,}")


def decode(data: bytes, path: str = "") -> tuple[str, str]:
    """Return (text, encoding name). Raise E111 when the bytes are not text at all."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is None:
        raise InputError("the file is not text in any encoding clausecheck knows (binary data?)", code="E111", path=path)
    encoding = best.encoding
    if encoding in ("shift_jis", "shift_jis_2004", "shift_jisx0213"):
        encoding = "cp932"  # Windows files use CP932's extra characters (①, ㈱)
    elif encoding in ("euc_jis_2004", "euc_jisx0213"):
        encoding = "euc_jp"
    text = data.decode(encoding, errors="replace")
    return text, encoding


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters or replacement marks."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t\f"))
    return bad / len(sample) > 0.05


def strip_markdown(line: str) -> tuple[str, str]:
    """Remove Markdown marks that would hide a clause heading; return (text, kind)."""
    kind = "paragraph"
    if _MD_HEADING.match(line):
        line = _MD_HEADING.sub("", line)
        kind = "heading"
    line = _MD_EMPHASIS.sub(r"\2", line)
    if _MD_LIST.match(line):
        line = _MD_LIST.sub("", line)
        kind = "list_item"
    return line, kind


def split_paragraphs(text: str, markdown: bool) -> list[dict]:
    """Blocks from text: one per non-empty line; collapsed breaks (3+ spaces) split too."""
    pieces: list[dict] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for line in text.split("\n"):
        if markdown:
            if _MD_RULE.match(line) or _MD_TABLE_SEP.match(line):
                continue
            line, kind = strip_markdown(line)
            if line.strip().startswith("|") and line.strip().endswith("|"):
                for cell in line.strip().strip("|").split("|"):
                    if cell.strip():
                        pieces.append({"text": cell.strip(), "kind": "table_cell"})
                continue
        else:
            kind = "paragraph"
        line = line.strip(" \t\u3000\f\v")
        if not line:
            continue
        if len(line) > 400 and _COLLAPSED_BREAK.search(line):
            for part in _COLLAPSED_BREAK.split(line):
                if part.strip():
                    pieces.append({"text": part.strip(), "kind": kind})
        else:
            pieces.append({"text": line, "kind": kind})
    return pieces


def parse(path: Path, source: Source, options: ReadOptions) -> RawDocument:
    data = path.read_bytes()
    text, encoding = decode(data, str(path))
    if looks_binary(text):
        raise InputError("the file holds binary data, not text", code="E111", path=str(path))
    if len(text) > options.max_chars:
        raise InputError(f"text of {len(text):,} characters is over the limit of {options.max_chars:,}", code="E109", path=str(path))
    warnings = []
    if encoding.replace("-", "_").lower() in _LEGACY_JA or encoding in ("euc_jp", "cp932"):
        warnings.append(Warning("W106", f"text decoded from the legacy Japanese encoding {encoding}"))
    markdown = path.suffix.lower() in (".md", ".markdown")
    pieces = split_paragraphs(text, markdown)
    if not pieces:
        raise InputError("the file holds no text", code="E102", path=str(path))
    source = Source(source.path, "md" if markdown else "txt", source.sha256, None, source.size)
    return assemble(source, pieces, warnings)
