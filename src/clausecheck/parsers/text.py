"""Plain text and Markdown: detect the encoding, split into paragraphs, strip Markdown marks.

Encodings are detected with charset-normalizer (UTF-8 with or without BOM, UTF-16,
CP932/Shift_JIS, EUC-JP are all common in Japanese files). Three are told apart before it,
because each also passes for UTF-8 or is never rejected: ISO-2022-JP (7-bit, with escape
sequences: old Japanese e-mail), UTF-16 without a BOM (NUL bytes on every other byte of
English text) and UTF-16 whose BOM is followed by binary data. Decoded text that is not
made of the scripts contracts are written in is refused (E111), never read as garbage. Markdown heading marks and
emphasis are removed so that `## 第1条（目的）` and `**Section 2.**` read as clause headings;
nested ordered lists get their full number (1.2) as the block number.

Texts taken from EDGAR filings (CUAD) carry page furniture ("Source: ACME INC, 10-K, …",
"Page 3 of 12", bare page numbers): it goes to `RawDocument.headers`, not into the text.
When such a text lost its line breaks, long lines are split where a break stood: at runs
of three or more spaces, and before a clause number that follows a sentence end.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from clausecheck.errors import InputError
from clausecheck.model import RawDocument, Source, Warning
from clausecheck.parsers.base import ReadOptions, assemble

# Japanese legacy encodings charset-normalizer may name; all are read as their superset.
# ISO-2022-JP switches to JIS X 0208 / 0212 with these escape sequences.
_ISO2022_JP_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b$(D", b"\x1b$(Q", b"\x1b$(O")
_ISO2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004")
# Blocks of the scripts a contract is written in (Latin, CJK, kana, Hangul, Cyrillic, Greek,
# punctuation and symbols). Random bytes decoded as UTF-16 fall there about half the time.
_TEXT_BLOCKS = (
    (0x0009, 0x000D), (0x0020, 0x007E), (0x00A0, 0x052F), (0x0590, 0x06FF), (0x0E00, 0x0E7F), (0x1E00, 0x1FFF),
    (0x2000, 0x2BFF), (0x3000, 0x30FF), (0x3190, 0x33FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x1F000, 0x1FAFF),
)
MIN_TEXT_SHARE = 0.85
_LEGACY_JA = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp"}

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LIST = re.compile(r"^\s*[-*+]\s+(?=\S)")
_MD_RULE = re.compile(r"^\s*([-*_]\s*){3,}$")
_MD_TABLE_SEP = re.compile(r"^\s*+(?:\|\s*+)?:?-{3,}+:?\s*+(?:\|\s*+:?-{3,}+:?\s*+)*(?:\|\s*+)?$")
_MD_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s+[\w:-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*\s*/?>")
# An ordered list item: its indent says how deep it is nested ("    1." under "1." is 1.1).
_MD_ORDERED = re.compile(r"^([ \t]*)(\d{1,3}|[a-zA-Z])[.)][ \t]+(?=\S)")
_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)[\w-]*\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_MD_SINGLE_EMPHASIS = re.compile(r"(?<![\w*\[])([*_])(?=[^\s*_])([^*_\n]+?)(?<=[^\s*_])\1(?![\w*\]])")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^)\s]+)\)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
# CUAD-style texts lost their line breaks: a run of 3+ spaces stands where a break was.
_COLLAPSED_BREAK = re.compile(r"[ \t\u3000]{3,}")
# Lines EDGAR filings carry on every page: "Source: ACME INC, 10-K, 3/1/2019", "Page 3 of 12",
# a bare page number ("12", "- 12 -"). They are running headers, not contract text.
_RE_PAGE_FURNITURE = re.compile(
    r"^(?:Source:\s.{2,120},\s*[\w/()\-. ]{1,20},\s*\d{1,2}/\d{1,2}/\d{2,4}"
    r"|(?:.{0,80}\s)?Page\s+\d{1,4}\s+of\s+\d{1,4}"
    r"|[-–—]?\s*\d{1,3}\s*[-–—]?"
    r"|Page\s+\d{1,4}|[ivxlc]{1,6})$",
    re.IGNORECASE,
)
# In a text that lost every line break, a new clause starts after a sentence end with a
# number and a capital ("… as follows: 1. DEFINITIONS. 1.1 "AdvaMed Code" shall …").
_INLINE_CLAUSE_START = re.compile(
    r"(?<=[.:;])\s+(?=(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|ARTICLE\s+[0-9IVXL]+|Article\s+[0-9IVXL]+|Section\s+\d{1,2}(?:\.\d{1,2}){0,3}|WHEREAS|IN WITNESS WHEREOF|NOW,?\s+THEREFORE)(?:[\s,]+[A-Z\"“(]|$))"
)
_LONG_LINE = 1500
_BREAK_BEFORE_NUMBER = re.compile(
    r"(?<![ \t\u3000])[ \t\u3000]{3,}+(?=(?:\d{1,2}(?:\.\d{1,2}){0,3}\.|ARTICLE\s|Article\s|SECTION\s|Section\s|\([a-z]{1,3}\)|\([A-Z]\)|\(\d{1,2}\))[ \t]+\S)"
)
# The same footer glued to the end of a short line: "… omissions.   Source: ACME INC, 10-Q, 11/1/2019".
_TRAILING_FOOTER = re.compile(r"(?<![ \t])[ \t]{2,}+(?:\d{1,3}[ \t]{2,}+)?(Source:\s.{2,120}?,\s{0,20}+[\w/()\-. ]{1,20},\s*+\d{1,2}/\d{1,2}/\d{2,4})\s*+$")


def is_page_furniture(line: str) -> bool:
    """True for EDGAR footers, page counters and bare page numbers."""
    return bool(_RE_PAGE_FURNITURE.match(line.strip()))


def decode(data: bytes, path: str = "") -> tuple[str, str]:
    """Return (text, encoding name). Raise E111 when the bytes are not text at all."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    iso2022 = _decode_iso2022_jp(data)
    if iso2022 is not None:
        return iso2022
    bomless = _bomless_utf16(data)
    if bomless is not None:
        try:
            return data.decode(bomless), bomless
        except UnicodeDecodeError:
            raise InputError(f"the file looks like {bomless.upper()} text without a byte order mark, but does not decode as it", code="E111", path=path) from None
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


def _decode_iso2022_jp(data: bytes) -> tuple[str, str] | None:
    """ISO-2022-JP text, which is 7-bit and so also valid UTF-8; None when it is not that."""
    head = data[:65536]
    if b"\x1b" not in head or not any(escape in head for escape in _ISO2022_JP_ESCAPES) or any(byte >= 0x80 for byte in head):
        return None
    for name in _ISO2022_JP_CODECS:
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when the bytes are UTF-16 of mostly Latin text without a BOM.

    Latin characters in UTF-16 have a NUL byte on the same side of every pair; UTF-8 and the
    legacy encodings have no NUL bytes in text at all.
    """
    head = data[:65536]
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even_nul = head[0::2].count(0) / pairs
    odd_nul = head[1::2].count(0) / pairs
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


# Both counted by the regex engine in C, not by a Python loop over 20,000 characters.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")  # control characters but \t\n\f\r; replacement marks
_OUTSIDE_TEXT_BLOCKS = re.compile("[^" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in _TEXT_BLOCKS) + "]")


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters or replacement marks, or is not
    made of the scripts contracts are written in (binary data decoded as UTF-16)."""
    sample = text[:20000]
    if not sample:
        return False
    bad = len(_BAD_CHARACTER.findall(sample))
    if bad / len(sample) > 0.05:
        return True
    if sample.isascii():
        return False
    return (len(sample) - len(_OUTSIDE_TEXT_BLOCKS.findall(sample))) / len(sample) < MIN_TEXT_SHARE


def strip_markdown(line: str) -> tuple[str, str]:
    """Remove Markdown marks that would hide a clause heading; return (text, kind)."""
    kind = "paragraph"
    line = _MD_QUOTE.sub("", line)
    if _MD_HEADING.match(line):
        line = _MD_HEADING.sub("", line)
        kind = "heading"
    line = _MD_HTML_TAG.sub("", line)
    line = _MD_EMPHASIS.sub(r"\2", line)
    line = _MD_SINGLE_EMPHASIS.sub(r"\2", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_ESCAPE.sub(r"\1", line)
    if _MD_LIST.match(line):
        line = _MD_LIST.sub("", line)
        kind = "list_item"
    return line, kind


def split_paragraphs(text: str, markdown: bool, headers: list[str] | None = None) -> list[dict]:
    """Blocks from text: one per non-empty line; collapsed breaks (3+ spaces) split too.

    Page furniture (EDGAR footers, page numbers) is left out of the blocks and, when a
    `headers` list is given, collected there once each.
    """
    pieces: list[dict] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    nesting: list[tuple[int, str]] = []  # (indent, number) of the open ordered-list items
    for line in text.split("\n"):
        number = None
        if markdown:
            if _MD_RULE.match(line) or _MD_TABLE_SEP.match(line) or _MD_FENCE.match(line):
                continue
            line, number = _nested_list_number(line, nesting)
            line, kind = strip_markdown(line)
            if line.strip().startswith("|") and line.strip().endswith("|"):
                for cell in line.strip().strip("|").split("|"):
                    if cell.strip():
                        pieces.append({"text": cell.strip(), "kind": "table_cell"})
                continue
        else:
            kind = "paragraph"
        footer = _TRAILING_FOOTER.search(line)
        if footer:
            if headers is not None and footer.group(1) not in headers:
                headers.append(footer.group(1))
            line = line[: footer.start()]
        line = line.strip(" \t\u3000\f\v")
        if not line:
            continue
        if len(line) > 400 and _COLLAPSED_BREAK.search(line):
            parts = _COLLAPSED_BREAK.split(line)
        else:
            parts = _BREAK_BEFORE_NUMBER.split(line)  # "AGREEMENTS:   1. SCOPE" — a lost break before a clause
        for part in parts:
            part = part.strip()
            if not part:
                continue
            if is_page_furniture(part):
                if headers is not None and part not in headers:
                    headers.append(part)
                continue
            for sentence_run in _split_inline_clauses(part):
                piece = {"text": sentence_run, "kind": kind}
                if number is not None:
                    piece["number"], number = number, None
                pieces.append(piece)
    return pieces


def _nested_list_number(line: str, nesting: list[tuple[int, str]]) -> tuple[str, str | None]:
    """For an indented Markdown ordered item, (text without its marker, rebuilt number).

    Markdown renumbers nested lists from 1, so "    2." under "5." is clause 5.2 and
    "        a." under it is (a). Top-level items keep their own number in the text.
    """
    m = _MD_ORDERED.match(line)
    if not line.strip():
        return line, None
    indent = len(m.group(1).expandtabs(4)) if m else len(line) - len(line.lstrip(" \t"))
    if m is None:
        if indent == 0:
            nesting.clear()  # an unindented paragraph ends the list
        return line, None
    label = m.group(2)
    if indent < 2:
        nesting[:] = [(0, label)] if label.isdigit() else []
        return line, None
    while nesting and nesting[-1][0] >= indent:
        nesting.pop()
    if not nesting:
        return line, None
    if label.isdigit():
        number = f"{nesting[-1][1]}.{label}" if nesting[-1][1][:1].isdigit() else label
        nesting.append((indent, number))
        return line[m.end():], number
    return line[m.end():], f"({label})"


def _split_inline_clauses(line: str) -> list[str]:
    """Split a very long line (a text that lost its breaks) before inline clause numbers."""
    if len(line) < _LONG_LINE:
        return [line]
    cuts = [m.end() for m in _INLINE_CLAUSE_START.finditer(line)]
    out: list[str] = []
    start = 0
    for cut in cuts:
        out.append(line[start:cut].strip())
        start = cut
    out.append(line[start:].strip())
    return [part for part in out if part]


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
    headers: list[str] = []
    pieces = split_paragraphs(text, markdown, headers)
    if not pieces:
        raise InputError("the file holds no text", code="E102", path=str(path))
    source = Source(source.path, "md" if markdown else "txt", source.sha256, None, source.size)
    return assemble(source, pieces, warnings, headers)
