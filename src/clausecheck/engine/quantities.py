"""Quantities in contract text: durations, amounts and percentages, in English and Japanese.

`thirty (30) days`, `90-day`, `six months`, `3か月`, `三年間`, `６ヶ月`, `翌々月末`,
`1,000,000円`, `金100万円`, `US$50,000`, `15%`, `年14.6％`. Durations are converted to days
(a month is 30 days, a year 365) so that rules can compare them with a threshold.

Japanese payment dates count from the month of delivery (締め日): `翌月末` is paid at the
latest about 60 days after a delivery early in the month, `翌々月末` about 90, `翌月15日`
about 45 — the worst case is what the 60-day rule of 下請法 / フリーランス法 is about.
Full-width digits are read in place, so offsets always point into the text as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausecheck.structure.numbering import kanji_to_int

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
_RE_JA_DURATION = re.compile(
    r"(?P<num>[0-9,]{1,5}|[〇一二三四五六七八九十百]{1,4})\s*(?P<unit>営業日|週間|か月|ヶ月|ケ月|カ月|ヵ月|箇月|年間|年|日間|日)"
)
_RE_JA_PAYMENT_MONTH = re.compile(r"(?P<month>当月|翌々月|翌翌月|翌月)\s*(?:(?P<end>末)|(?P<day>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日)")
_RE_AMOUNT = re.compile(
    r"(?:(?:US)?\$|USD|JPY|¥|￥|EUR|€)\s?(?P<num>[0-9][0-9,]*(?:\.\d+)?)(?:\s*(?P<scale>million|billion|thousand))?"
    r"|(?P<num2>[0-9][0-9,]*(?:\.\d+)?)\s*(?P<scale2>千万|百万|万|億)?\s*円",
    re.IGNORECASE,
)
_RE_PERCENT = re.compile(r"\(?(?P<num>\d{1,3}(?:\.\d+)?)\s*(?:%\)?(?:\s*percent\b)?|\)?\s*percent\b|パーセント)", re.IGNORECASE)
_AMOUNT_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "万": 1e4, "百万": 1e6, "千万": 1e7, "億": 1e8}


@dataclass(frozen=True)
class Quantity:
    type: str  # duration | amount | percent
    value: float  # days for durations, currency units for amounts, percent for percentages
    start: int
    end: int
    text: str


def durations(text: str) -> list[Quantity]:
    """Every duration in `text`, in days, with its offsets."""
    folded = text.translate(_FULLWIDTH)
    found: list[Quantity] = []
    for m in _RE_EN_DURATION.finditer(folded):
        raw = m.group("paren") or m.group("num")
        word = (m.group("word") or "").lower()
        value = int(raw) if raw else EN_NUMBER_WORDS.get(word)
        if value is None:
            continue
        unit = re.sub(r"\s+", " ", m.group("unit").lower()).replace("calendar day", "day")
        found.append(Quantity("duration", value * UNIT_DAYS[unit], m.start(), m.end(), text[m.start():m.end()]))
    for m in _RE_JA_DURATION.finditer(folded):
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
    for m in _RE_JA_PAYMENT_MONTH.finditer(folded):
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
    folded = text.translate(_FULLWIDTH)
    found = []
    for m in _RE_AMOUNT.finditer(folded):
        raw = (m.group("num") or m.group("num2") or "").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = (m.group("scale") or m.group("scale2") or "").lower()
        value *= _AMOUNT_SCALES.get(scale, 1)
        found.append(Quantity("amount", value, m.start(), m.end(), text[m.start():m.end()]))
    return found


def percents(text: str) -> list[Quantity]:
    """Every percentage in `text`."""
    folded = text.translate(_FULLWIDTH)
    return [Quantity("percent", float(m.group("num")), m.start(), m.end(), text[m.start():m.end()]) for m in _RE_PERCENT.finditer(folded)]


EXTRACTORS = {"duration": durations, "amount": amounts, "percent": percents}


def find(text: str, quantity_type: str) -> list[Quantity]:
    return EXTRACTORS[quantity_type](text)
