"""Quantities in contract text: durations, amounts and percentages, in English and Japanese.

`thirty (30) days`, `90-day`, `six months`, `3か月`, `三年間`, `６ヶ月`, `翌々月末`,
`1,000,000円`, `金100万円`, `金百万円`, `一千二百万円`, `US$50,000`, `15%`, `年14.6％`. Durations are
converted to days (a month is 30 days, a year 365) so that rules can compare them with a threshold.

Japanese payment dates count from the month of delivery (締め日): `翌月末` is paid at the
latest about 60 days after a delivery early in the month, `翌々月末` about 90, `翌月15日`
about 45 — the worst case is what the 60-day rule of 下請法 / フリーランス法 is about.
Full-width digits are read in place, so offsets always point into the text as given.

Each reader first checks that the text holds what every match needs (a unit word, a currency
sign, a per cent sign) and, for English durations, reads only the stretch before each unit
word: the statement stage reads every clause of every contract, most of them without a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausecheck.numerals import kanji_to_int

EN_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a": 1, "an": 1,
    "one hundred twenty": 120, "one hundred and twenty": 120, "one hundred eighty": 180, "one hundred and eighty": 180,
    "twenty-four": 24, "thirty-six": 36, "forty-eight": 48, "sixty-one": 61, "seventy-five": 75,
    "one hundred fifty": 150, "one hundred and fifty": 150, "three hundred sixty-five": 365,
}
UNIT_DAYS = {"day": 1, "business day": 1.4, "working day": 1.4, "week": 7, "month": 30, "year": 365,
             "日": 1, "営業日": 1.4, "週間": 7, "週": 7, "か月": 30, "ヶ月": 30, "ケ月": 30, "カ月": 30, "ヵ月": 30,
             "箇月": 30, "ヵ月間": 30, "月": 30, "年": 365}
# Latest payment, in days after a delivery at the start of the closing month.
MONTH_END_OFFSETS = {"当月": 30, "翌月": 60, "翌々月": 90, "翌翌月": 90}

# Full-width digits and separators map one-to-one, so offsets are unchanged.
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．％", "0123456789,.%")

_EN_WORDS = "|".join(sorted((re.escape(w) for w in EN_NUMBER_WORDS), key=len, reverse=True))
_RE_EN_DURATION = re.compile(
    rf"(?:\b(?P<word>{_EN_WORDS})[\s-]*)?(?:\(\s*(?P<paren>\d{{1,4}})\s*\)|(?P<num>\d{{1,4}}))?[\s-]*(?P<unit>business\s+day|working\s+day|calendar\s+day|day|week|month|year)s?\b",
    re.IGNORECASE,
)
# Where an English duration can end, and how far before its unit word one can begin ("three
# hundred sixty-five (365) calendar days" is 40 characters).
_RE_EN_UNIT = re.compile(r"(?:day|week|month|year)s?\b", re.IGNORECASE)
_EN_LOOKBACK = 100
_RE_JA_DURATION = re.compile(
    r"(?P<num>[0-9,]{1,5}|[〇一二三四五六七八九十百]{1,4})\s*(?P<unit>営業日|週間|か月|ヶ月|ケ月|カ月|ヵ月|箇月|年間|年|日間|日)"
)
_JA_UNIT_CHARS = ("日", "週", "月", "年")
_RE_JA_PAYMENT_MONTH = re.compile(r"(?P<month>当月|翌々月|翌翌月|翌月)\s*(?:(?P<end>末)|(?P<day>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日)")
_RE_AMOUNT = re.compile(
    r"(?:(?:US)?\$|USD|JPY|¥|￥|EUR|€)\s?(?P<num>[0-9][0-9,]*(?:\.\d+)?)(?:\s*(?P<scale>million|billion|thousand))?"
    r"|(?P<num2>[0-9][0-9,]*(?:\.\d+)?)\s*(?P<scale2>千万|百万|万|億)?\s*円",
    re.IGNORECASE,
)
# 金百万円, 一千二百万円, 三億円: an amount in kanji numerals (after 金, or ending in 万/億 before
# 円, so that 一円 in 「東京都内一円」 is no amount).
_RE_KANJI_AMOUNT = re.compile(r"(?:(?<=金)(?P<after_kin>[〇一二三四五六七八九十百千万億]+)|(?P<scaled>[〇一二三四五六七八九十百千]+[万億][〇一二三四五六七八九十百千万億]*))円")
_AMOUNT_MARKS = ("$", "usd", "jpy", "¥", "￥", "eur", "€", "円")
_PERCENT_MARKS = ("%", "percent", "パーセント")
# Letters that case-insensitive matching reads as an ASCII letter they do not lower-case to.
_ODD_CASE = ("\u017f", "\u0131")  # ſ (long s), ı (dotless i)
_RE_FULLWIDTH = re.compile("[０-９，．％]")
_RE_PERCENT = re.compile(r"\(?(?P<num>\d{1,3}(?:\.\d+)?)\s*(?:%\)?(?:\s*percent\b)?|\)?\s*percent\b|パーセント)", re.IGNORECASE)
_AMOUNT_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "万": 1e4, "百万": 1e6, "千万": 1e7, "億": 1e8}


@dataclass(frozen=True)
class Quantity:
    type: str  # duration | amount | percent
    value: float  # days for durations, currency units for amounts, percent for percentages
    start: int
    end: int
    text: str
    # What the number is for, where the statement stage has read it (rules/lexicon/quantity.yaml):
    # payment_term, notice_period, duration, cap, rate, price, ...
    meaning: str | None = None


def _folded(text: str) -> str:
    """`text` with full-width digits, commas, points and per cent signs as ASCII (one for one)."""
    return text.translate(_FULLWIDTH) if _RE_FULLWIDTH.search(text) else text


def _has_any(text: str, marks) -> bool:
    """True when `text` may hold one of the lower-case `marks`, case aside."""
    if any(ch in text for ch in _ODD_CASE):
        return True
    lowered = text.lower()
    return any(mark in lowered for mark in marks)


def _en_duration_matches(folded: str):
    """The matches `_RE_EN_DURATION.finditer` gives that carry a unit word, found from those
    words: each is matched in the stretch that ends with it."""
    done = 0
    for unit in _RE_EN_UNIT.finditer(folded):
        if unit.end() <= done:
            continue
        for m in _RE_EN_DURATION.finditer(folded, max(done, unit.start() - _EN_LOOKBACK), unit.end()):
            if m.end() > done:
                done = m.end()
                yield m


def durations(text: str) -> list[Quantity]:
    """Every duration in `text`, in days, with its offsets."""
    folded = _folded(text)
    found: list[Quantity] = []
    for m in _en_duration_matches(folded):
        raw = m.group("paren") or m.group("num")
        word = (m.group("word") or "").lower()
        value = int(raw) if raw else EN_NUMBER_WORDS.get(word)
        if value is None:
            continue
        unit = re.sub(r"\s+", " ", m.group("unit").lower()).replace("calendar day", "day")
        found.append(Quantity("duration", value * UNIT_DAYS[unit], m.start(), m.end(), text[m.start():m.end()]))
    japanese = any(ch in folded for ch in _JA_UNIT_CHARS)
    for m in _RE_JA_DURATION.finditer(folded) if japanese else ():
        raw = m.group("num").replace(",", "")
        value = int(raw) if raw.isdigit() else kanji_to_int(raw)
        if value is None:
            continue
        unit = m.group("unit").replace("年間", "年").replace("日間", "日")
        # 2026年 is a year, not a duration; 年 without 間 after a 4-digit number is a date.
        if unit == "年" and m.group("unit") == "年" and value > 100:
            continue
        # 3月31日 and 翌月15日 are dates, not durations.
        if unit == "日" and m.group("unit") == "日" and folded[max(0, m.start() - 1): m.start()] == "月":
            continue
        found.append(Quantity("duration", value * UNIT_DAYS[unit], m.start(), m.end(), text[m.start():m.end()]))
    for m in _RE_JA_PAYMENT_MONTH.finditer(folded) if japanese else ():
        base = MONTH_END_OFFSETS[m.group("month")]
        if m.group("end"):
            value = base
        else:
            day_raw = m.group("day")
            day = int(day_raw) if day_raw.isdigit() else kanji_to_int(day_raw)
            if day is None:
                continue
            value = base - 30 + day
        found.append(Quantity("duration", float(value), m.start(), m.end(), text[m.start():m.end()]))
    return sorted(found, key=lambda q: q.start)


def amounts(text: str) -> list[Quantity]:
    """Every money amount in `text` (currency units, scales such as 万 and million applied)."""
    folded = _folded(text)
    found = []
    if not _has_any(folded, _AMOUNT_MARKS):
        return found
    for m in _RE_AMOUNT.finditer(folded):
        raw = (m.group("num") or m.group("num2") or "").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = (m.group("scale") or m.group("scale2") or "").lower()
        value *= _AMOUNT_SCALES.get(scale, 1)
        found.append(Quantity("amount", value, m.start(), m.end(), text[m.start():m.end()]))
    if "円" in folded:
        for m in _RE_KANJI_AMOUNT.finditer(folded):
            value = kanji_amount(m.group("after_kin") or m.group("scaled"))
            if value is not None and not any(q.start <= m.start() < q.end for q in found):
                found.append(Quantity("amount", float(value), m.start(), m.end(), text[m.start():m.end()]))
        found.sort(key=lambda q: q.start)
    return found


_LARGE_UNITS = (("億", 10**8), ("万", 10**4))


def kanji_amount(numeral: str) -> int | None:
    """百万 → 1,000,000; 一千二百万 → 12,000,000; 三億五千万 → 350,000,000; 五十 → 50.

    Japanese counts in groups of four digits (万, 億), each group read by kanji_to_int."""
    total = 0
    rest = numeral
    for unit, scale in _LARGE_UNITS:
        if unit in rest:
            head, rest = rest.split(unit, 1)
            group = kanji_to_int(head) if head else 1
            if group is None or unit in rest:
                return None
            total += group * scale
    if rest:
        group = kanji_to_int(rest)
        if group is None:
            return None
        total += group
    return total or None


def percents(text: str) -> list[Quantity]:
    """Every percentage in `text`."""
    folded = _folded(text)
    if not _has_any(folded, _PERCENT_MARKS):
        return []
    return [Quantity("percent", float(m.group("num")), m.start(), m.end(), text[m.start():m.end()]) for m in _RE_PERCENT.finditer(folded)]


EXTRACTORS = {"duration": durations, "amount": amounts, "percent": percents}


def find(text: str, quantity_type: str) -> list[Quantity]:
    return EXTRACTORS[quantity_type](text)
