"""Recognise clause numbers at the start of a block: 第十二条, Article V, 5.1, (a), (i), ２, ①, 一.

Each recogniser returns a `Marker`: the number as written, a numbering `style` (so that
siblings share a style and children get a new one), its position in sequence, and the
text after it. Japanese numerals (kanji, full-width, 丸数字) are converted to integers so
sequences can be checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The numerals themselves are on the ground floor, shared with the engine.
from clausecheck.numerals import CIRCLED, FULLWIDTH_DIGITS, kanji_to_int, roman_to_int


@dataclass(frozen=True)
class Marker:
    label: str  # the number as a reader cites it: 第5条, 5.2, (a), ２, ①
    style: str  # numbering family: ja-article, ja-paragraph, ja-item-paren, en-article, dec1, dec2, alpha, roman, ...
    value: int  # position in its sequence (1-based)
    rest: str  # text after the marker
    path: tuple[int, ...] = ()  # for decimal numbers: 5.2.1 → (5, 2, 1)


_JA_NUM = r"[0-9０-９〇一二三四五六七八九十百千]+"
_RE_JA_ARTICLE = re.compile(rf"^第\s*({_JA_NUM})\s*条(?:の\s*({_JA_NUM}))?[\s　]*")
_RE_JA_CHAPTER = re.compile(rf"^第\s*({_JA_NUM})\s*([章節款])[\s　]*")
_RE_JA_SCHEDULE = re.compile(r"^(別紙|別表|附則|付則|別添)\s*([0-9０-９一二三四五六七八九十]*)")
_RE_JA_PARAGRAPH = re.compile(r"^([0-9０-９]{1,2})[\s　]+(?=\S)")
_RE_JA_ITEM_PAREN = re.compile(r"^[（(]\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|[ア-ン])\s*[）)][\s　]*")
_RE_JA_ITEM_CIRCLED = re.compile(rf"^([{CIRCLED}])[\s　]*")
_RE_JA_ITEM_KANJI = re.compile(r"^([一二三四五六七八九十]{1,3})[\s　]+(?=\S)")
# １．受託者は… / 1．… : a number closed by a (full-width) full stop before Japanese text.
_RE_JA_DOT = re.compile(r"^([0-9０-９]{1,2})[．.](?![0-9０-９])[\s　]*(?=\S)")
_RE_JA_ITEM_KANA = re.compile(r"^([アイウエオカキクケコサシスセソタチツテト])[\s　]+(?=\S)")

_RE_EN_ARTICLE = re.compile(r"^(ARTICLE|Article)\s+([0-9]{1,3}|[IVXLC]{1,7})\b[.:]?\s*[-–—:]?\s*")
_RE_EN_SECTION = re.compile(r"^(SECTION|Section|§)\s*([0-9]{1,3}(?:\.[0-9]{1,3}){0,3})\.?\s*[-–—:]?\s*")
_RE_EN_DECIMAL = re.compile(r"^([0-9]{1,3}(?:\.[0-9]{1,3}){0,4})(\.|\s|\)|(?=[A-Z]))\s*")
_RE_EN_PAREN = re.compile(r"^\(\s*([a-z]{1,2}|[ivxlc]{1,6}|[A-Z]{1,2}|[0-9]{1,2})\s*\)\s*")
_RE_HALF_PAREN = re.compile(r"^([a-z]|[0-9]{1,2})\)[\s　]+(?=\S)")  # a) or 1) — a list item with a closing parenthesis only
_RE_EN_LETTER_DOT = re.compile(r"^([a-z]|[A-Z])\.\s+(?=\S)")
_RE_SCHEDULE = re.compile(r"^(SCHEDULE|Schedule|EXHIBIT|Exhibit|APPENDIX|Appendix|ANNEX|Annex|ATTACHMENT|Attachment)\s+([0-9A-Z]{1,4}(?:-[0-9]+)?)\b[.:]?\s*")


# "Section 5.2 of this Agreement", "5.2 and 5.3": a number followed by one of these words
# is a reference inside a sentence that happens to start a line, not a clause heading.
_RE_REFERENCE_TAIL = re.compile(
    r"^(?:of|and|or|through|to|above|below|hereof|herein|hereunder|thereof|shall|will|may|must|is|are|has|have|was|were|"
    r"which|that|in|with|as|by|for|between|apply|applies|shall not)\b"
)


_JA_CITING_PARTICLES = set("にのをでおかまなとはがもへ、。，及又乃第所")


def _alpha_value(label: str) -> int:
    # a..z then aa, bb (legal drafting repeats the letter after z)
    label = label.lower()
    if len(label) == 2 and label[0] == label[1]:
        return 26 + ord(label[0]) - 96
    return ord(label[0]) - 96


def find_marker(text: str, previous_by_style: dict[str, int] | None = None) -> Marker | None:
    """The clause marker at the start of `text`, or None.

    `previous_by_style` maps a style to the last value seen at the current depth; it
    resolves the (i) ambiguity — after (h), (i) is a letter, otherwise a roman numeral.
    """
    previous_by_style = previous_by_style or {}
    stripped = text.lstrip(" \t\u3000")

    m = _RE_JA_ARTICLE.match(stripped)
    # 第1条に定める… / 第3条第2項の… continue a sentence that cites an article.
    if m and stripped[m.end():m.end() + 1] not in _JA_CITING_PARTICLES:
        value = kanji_to_int(m.group(1))
        if value is not None:
            sub = f"の{kanji_to_int(m.group(2))}" if m.group(2) else ""
            return Marker(f"第{value}条{sub}", "ja-article", value, stripped[m.end():])
    m = _RE_JA_CHAPTER.match(stripped)
    if m and len(stripped) < 60:
        value = kanji_to_int(m.group(1))
        if value is not None:
            return Marker(f"第{value}{m.group(2)}", "ja-chapter", value, stripped[m.end():])
    m = _RE_JA_SCHEDULE.match(stripped)
    # 別紙製品目録1 heads an annex; 別紙製品目録1記載の…をいう。 is a sentence citing one.
    if m and len(stripped) < 80 and "。" not in stripped and not re.search(r"(記載|所定|に定め|のとおり|をいう|参照)", stripped):
        value = kanji_to_int(m.group(2)) if m.group(2) else 1
        return Marker((m.group(1) + (m.group(2) or "")).strip(), "schedule", value or 1, stripped[m.end():])

    m = _RE_EN_ARTICLE.match(stripped)
    if m and not _RE_REFERENCE_TAIL.match(stripped[m.end():]):
        raw = m.group(2)
        value = int(raw) if raw.isdigit() else roman_to_int(raw)
        if value:
            return Marker(f"Article {raw}", "en-article", value, stripped[m.end():])
    m = _RE_SCHEDULE.match(stripped)
    # "Exhibit B to the executed Agreement ..." cites an annex; a heading does not go on in lower case.
    if m and len(stripped) < 120 and not re.match(r"\s*[a-z]", stripped[m.end():]):
        raw = m.group(2)
        value = int(raw) if raw.isdigit() else (ord(raw[0]) - 64 if raw.isalpha() and len(raw) == 1 else 1)
        return Marker(f"{m.group(1).title()} {raw}", "schedule", max(value, 1), stripped[m.end():])
    m = _RE_EN_SECTION.match(stripped)
    if m and not _RE_REFERENCE_TAIL.match(stripped[m.end():]):
        parts = tuple(int(p) for p in m.group(2).split("."))
        return Marker(f"Section {m.group(2)}", f"dec{len(parts)}", parts[-1], stripped[m.end():], parts)

    m = _RE_JA_ITEM_PAREN.match(stripped)
    if m and _has_cjk(stripped[m.end():m.end() + 20]):
        raw = m.group(1)
        value = kanji_to_int(raw) if not ("ア" <= raw <= "ン") else "アイウエオカキクケコ".find(raw) + 1
        if value:
            style = "ja-item-paren" if raw.translate(FULLWIDTH_DIGITS).isdigit() else "ja-item-paren-kanji"
            return Marker(f"({raw.translate(FULLWIDTH_DIGITS)})", style, value, stripped[m.end():])
    m = _RE_JA_ITEM_CIRCLED.match(stripped)
    if m:
        return Marker(m.group(1), "ja-item-circled", CIRCLED.index(m.group(1)) + 1, stripped[m.end():])
    m = _RE_JA_PARAGRAPH.match(stripped)
    if m and _has_cjk(stripped[m.end():m.end() + 10]):
        value = int(m.group(1).translate(FULLWIDTH_DIGITS))
        return Marker(m.group(1).translate(FULLWIDTH_DIGITS), "ja-paragraph", value, stripped[m.end():])
    m = _RE_JA_DOT.match(stripped)
    if m and not m.group(0)[:m.end()].isascii() and _has_cjk(stripped[m.end():m.end() + 10]):
        # Full-width forms read as the half-width "1." below does: a decimal number (structure
        # decides whether it numbers a section, a 項 or a 号).
        value = int(m.group(1).translate(FULLWIDTH_DIGITS))
        return Marker(str(value), "dec1", value, stripped[m.end():], (value,))
    m = _RE_JA_ITEM_KANJI.match(stripped)
    if m and _has_cjk(stripped[m.end():m.end() + 10]):
        value = kanji_to_int(m.group(1))
        if value:
            return Marker(m.group(1), "ja-item-kanji", value, stripped[m.end():])
    m = _RE_JA_ITEM_KANA.match(stripped)
    if m and _has_cjk(stripped[m.end():m.end() + 10]):
        return Marker(m.group(1), "ja-item-kana", "アイウエオカキクケコサシスセソタチツテト".index(m.group(1)) + 1, stripped[m.end():])

    m = _RE_EN_PAREN.match(stripped)
    if m:
        raw = m.group(1)
        if raw.isdigit():
            return Marker(f"({raw})", "paren-num", int(raw), stripped[m.end():])
        if raw.isupper():
            value = roman_to_int(raw) if len(raw) > 1 and roman_to_int(raw) else _alpha_value(raw)
            style = "paren-ROMAN" if len(raw) > 1 and roman_to_int(raw) else "paren-ALPHA"
            return Marker(f"({raw})", style, value, stripped[m.end():])
        roman = roman_to_int(raw)
        alpha_prev = previous_by_style.get("alpha")
        is_alpha = roman is None or (len(raw) == 1 and alpha_prev is not None and _alpha_value(raw) == alpha_prev + 1)
        if len(raw) == 2 and raw[0] == raw[1] and raw not in ("ii", "xx"):
            is_alpha = True
        if is_alpha and (len(raw) == 1 or raw[0] == raw[1]):
            return Marker(f"({raw})", "alpha", _alpha_value(raw), stripped[m.end():])
        if roman:
            return Marker(f"({raw})", "roman", roman, stripped[m.end():])
    m = _RE_HALF_PAREN.match(stripped)
    if m:
        raw = m.group(1)
        if raw.isdigit():
            return Marker(f"({raw})", "paren-num", int(raw), stripped[m.end():])
        return Marker(f"({raw})", "alpha", _alpha_value(raw), stripped[m.end():])
    m = _RE_EN_DECIMAL.match(stripped)
    if m:
        number = m.group(1)
        parts = tuple(int(p) for p in number.split("."))
        rest = stripped[m.end():]
        # "2024 the parties" or "30 days" are not clause numbers: a bare number needs a dot
        # or a capitalised heading after it, and numbers above 200 are years or amounts.
        if len(parts) == 1 and m.group(2) != "." and not (rest[:1].isupper() or _has_cjk(rest[:1])):
            return None
        if parts[0] > 200 or not rest.strip() and len(parts) == 1 and m.group(2) != ".":
            return None
        if _RE_REFERENCE_TAIL.match(rest):
            return None
        if len(parts) > 1 and parts[-1] == 0:
            parts = parts[:-1]  # "5.0 Term" is section 5
        return Marker(".".join(str(p) for p in parts), f"dec{len(parts)}", parts[-1], rest, parts)
    m = _RE_EN_LETTER_DOT.match(stripped)
    if m and not stripped.startswith(("A. ", "I. ")) or (m and previous_by_style.get("letter-dot")):
        raw = m.group(1)
        return Marker(f"{raw}.", "letter-dot", _alpha_value(raw), stripped[m.end():])
    return None


def _has_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)
