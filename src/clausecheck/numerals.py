"""Numerals as contracts write them: kanji (第十二条, 二十一), full-width and roman digits, circled numbers.

The ground floor of the flow: structure reads clause numbers with these, and the engine reads
quantities and cross-references with the same functions, without importing structure.
"""

from __future__ import annotations

KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "壱": 1, "弐": 2, "参": 3}
KANJI_UNITS = {"十": 10, "拾": 10, "百": 100, "千": 1000}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def kanji_to_int(text: str) -> int | None:
    """第十二条 → 12; 二十一 → 21; 百五 → 105; also plain and full-width digits."""
    text = text.translate(FULLWIDTH_DIGITS)
    if text.isdigit():
        return int(text)
    total = 0
    current = 0
    seen = False
    for ch in text:
        if ch in KANJI_DIGITS:
            current = current * 10 + KANJI_DIGITS[ch] if current and not seen else KANJI_DIGITS[ch]
            seen = False
        elif ch in KANJI_UNITS:
            total += (current or 1) * KANJI_UNITS[ch]
            current = 0
            seen = True
        else:
            return None
    return total + current


def roman_to_int(text: str) -> int | None:
    text = text.lower()
    if not text or any(ch not in ROMAN for ch in text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = ROMAN[ch]
        if i + 1 < len(text) and ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total
