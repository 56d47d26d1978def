"""Word automatic numbering rebuilt from `w:numPr` and the numbering part.

Word stores "第5条", "2.1" or "(a)" outside the paragraph text: a paragraph names a list
(`w:numId`) and a level (`w:ilvl`), the list points at an abstract definition whose levels
give a start value, a number format (`w:numFmt`) and a label template (`w:lvlText`, e.g.
`第%1条`, `%1.%2`, `（%1）`). The label is only known by counting the numbered paragraphs in
document order, which `NumberingCounter` does.

Counting follows Word: lists that share an abstract definition continue one sequence; a
list with a `w:startOverride` ("restart numbering") is its own sequence starting at the
override; a level restarts whenever a higher level advances, unless `w:lvlRestart` says
otherwise (0 = never, n = only after level n).
"""

from __future__ import annotations

from dataclasses import dataclass, field

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W_NS

MAX_LEVELS = 9
# Word's own dialog stops start values at 32767; a file can say 2600000000, and an
# upperLetter label of that value is the letter repeated 100 million times (5 GB from a
# 36 KB file). Counters are kept in Word's range and labels are cut to a label's length.
MAX_COUNTER = 32767
MAX_LETTER_REPEAT = 10  # "AAAAAAAAAA" (value 235); beyond that the value is written in digits
MAX_LABEL_CHARS = 64

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
KANJI_DIGITS = "〇一二三四五六七八九"
LEGAL_DIGITS = "〇壱弐参四伍六七八九"
AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
AIUEO_HALF = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ"
IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセスン"
IROHA_HALF = "ｲﾛﾊﾆﾎﾍﾄﾁﾘﾇﾙｦﾜｶﾖﾀﾚｿﾂﾈﾅﾗﾑｳｲﾉｵｸﾔﾏｹﾌｺｴﾃｱｻｷﾕﾒﾐｼｴﾋﾓｾｽﾝ"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
# Formats that count through a fixed sequence of characters, wrapping round at its end.
_CYCLED_FORMATS = {
    "aiueoFullWidth": AIUEO,
    "aiueo": AIUEO_HALF,
    "irohaFullWidth": IROHA,
    "iroha": IROHA_HALF,
    "ideographTraditional": HEAVENLY_STEMS,
    "ideographZodiac": ZODIAC,
}
CHICAGO = "*†‡§"
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


def _w(name: str) -> str:
    return _W + name


def _val(element, name: str) -> str | None:
    """The `w:val` of child `w:name`, or None."""
    if element is None:
        return None
    child = element.find(_w(name))
    return None if child is None else child.get(_w("val"))


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _counter(value: int) -> int:
    """A start value kept in Word's range (see MAX_COUNTER)."""
    return min(max(value, 0), MAX_COUNTER)


def _roman(value: int) -> str:
    if value <= 0 or value >= 4000:
        return str(value)
    out = []
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def _letters(value: int) -> str:
    # Word goes a..z, then aa..zz, then aaa: the letter repeats, it does not carry.
    if value <= 0 or (value - 1) // 26 >= MAX_LETTER_REPEAT:
        return str(value)
    return chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _kanji_counting(value: int, digits: str = KANJI_DIGITS, ten: str = "十", hundred: str = "百", thousand: str = "千", one_before_unit: bool = False) -> str:
    """12 → 十二, 105 → 百五, 2024 → 二千二十四 (japaneseCounting); japaneseLegal writes 壱拾弐."""
    if value <= 0:
        return digits[0] if value == 0 else str(value)
    if value >= 10000:
        return "".join(digits[int(d)] for d in str(value))
    out = []
    for unit_value, unit in ((1000, thousand), (100, hundred), (10, ten)):
        count, value = divmod(value, unit_value)
        if count:
            if count > 1 or one_before_unit:
                out.append(digits[count])
            out.append(unit)
    if value:
        out.append(digits[value])
    return "".join(out)


def _cardinal_words(value: int) -> str:
    if value < 20:
        return _ONES[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + ("-" + _ONES[ones] if ones else "")
    return str(value)


def _ordinal_words(value: int) -> str:
    words = _cardinal_words(value)
    head, _, last = words.rpartition("-")
    if last in _ORDINAL_WORDS:
        last = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    elif last.isalpha():
        last += "th"
    return (head + "-" if head else "") + last


def _ordinal_suffix(value: int) -> str:
    if 10 <= value % 100 <= 20:
        return f"{value}th"
    return f"{value}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(value % 10, 'th') }"


def _cycle(sequence: str, value: int) -> str:
    return sequence[(value - 1) % len(sequence)] if value > 0 else str(value)


def _enclosed(value: int, ranges: tuple[tuple[int, int, int], ...]) -> str:
    """A character from Unicode enclosed ranges (first value, last value, first code point)."""
    for low, high, code in ranges:
        if low <= value <= high:
            return chr(code + value - low)
    return str(value)


_CIRCLED = ((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))


def format_number(value: int, number_format: str) -> str:
    """One level's value written in Word's `w:numFmt` (unknown formats fall back to decimal)."""
    fmt = number_format or "decimal"
    if fmt == "none":
        return ""
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(value).translate(FULLWIDTH)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "upperRoman":
        return _roman(value)
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperLetter":
        return _letters(value)
    if fmt == "lowerLetter":
        return _letters(value).lower()
    if fmt == "ordinal":
        return _ordinal_suffix(value)
    if fmt == "cardinalText":
        return _cardinal_words(value).capitalize()
    if fmt == "ordinalText":
        return _ordinal_words(value).capitalize()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _enclosed(value, _CIRCLED)
    if fmt == "decimalEnclosedParen":
        return _enclosed(value, ((1, 20, 0x2474),))
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(value, ((1, 20, 0x2488),))
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand"):
        # digit by digit: 10 → 一〇, 12 → 一二 (Word's "一, 二, 三 (簡易)")
        return "".join(KANJI_DIGITS[int(d)] for d in str(value)) if value >= 0 else str(value)
    if fmt in ("japaneseCounting", "chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _kanji_counting(value)
    if fmt == "japaneseLegal":
        return _kanji_counting(value, LEGAL_DIGITS, "拾", "百", "阡", one_before_unit=True)
    if fmt in _CYCLED_FORMATS:
        return _cycle(_CYCLED_FORMATS[fmt], value)
    if fmt == "chicago":
        return CHICAGO[(value - 1) % 4] * ((value - 1) // 4 + 1) if 0 < value and (value - 1) // 4 < MAX_LETTER_REPEAT else str(value)
    if fmt == "hex":
        return format(value, "X")
    return str(value)


@dataclass(frozen=True)
class Level:
    """One `w:lvl`: how a level starts, counts and is written."""

    start: int = 1
    number_format: str = "decimal"
    text: str | None = None  # w:lvlText, e.g. "第%1条"; None when absent
    restart: int | None = None  # w:lvlRestart: None = after any higher level, 0 = never, n = after level n
    is_legal: bool = False  # w:isLgl: every %n written as decimal
    paragraph_style: str | None = None  # w:pStyle: the style that carries this level

    @property
    def is_bullet(self) -> bool:
        return self.number_format == "bullet"


def _parse_level(lvl) -> Level:
    legal = lvl.find(_w("isLgl"))
    return Level(
        start=_counter(_int(_val(lvl, "start"), 1) or 0),
        number_format=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText"),
        restart=_int(_val(lvl, "lvlRestart")),
        is_legal=legal is not None and legal.get(_w("val"), "1") not in ("0", "false", "off"),
        paragraph_style=_val(lvl, "pStyle"),
    )


@dataclass(frozen=True)
class ListInstance:
    """One `w:num`: an abstract definition plus this list's overrides."""

    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


@dataclass(frozen=True)
class NumberingDefinitions:
    """The numbering part, read once: abstract definitions, list instances, style links."""

    abstracts: dict[str, dict[int, Level]]
    instances: dict[str, ListInstance]
    style_links: dict[str, str]  # abstract id → numbering style it refers to (w:numStyleLink)
    linked_styles: dict[str, str]  # numbering style id → abstract id defining it (w:styleLink)

    @classmethod
    def from_element(cls, numbering) -> "NumberingDefinitions":
        abstracts: dict[str, dict[int, Level]] = {}
        style_links: dict[str, str] = {}
        linked_styles: dict[str, str] = {}
        instances: dict[str, ListInstance] = {}
        if numbering is None:
            return cls(abstracts, instances, style_links, linked_styles)
        for abstract in numbering.iter(_w("abstractNum")):
            abstract_id = abstract.get(_w("abstractNumId"))
            if abstract_id is None:
                continue
            levels = {}
            for lvl in abstract.findall(_w("lvl")):
                ilvl = _int(lvl.get(_w("ilvl")), 0)
                if 0 <= ilvl < MAX_LEVELS:
                    levels[ilvl] = _parse_level(lvl)
            abstracts[abstract_id] = levels
            if (link := _val(abstract, "numStyleLink")) is not None:
                style_links[abstract_id] = link
            if (link := _val(abstract, "styleLink")) is not None:
                linked_styles[link] = abstract_id
        for num in numbering.iter(_w("num")):
            num_id = num.get(_w("numId"))
            abstract_id = _val(num, "abstractNumId")
            if num_id is None or abstract_id is None:
                continue
            start_overrides: dict[int, int] = {}
            level_overrides: dict[int, Level] = {}
            for override in num.findall(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")), 0)
                start = _int(_val(override, "startOverride"))
                if start is not None:
                    start_overrides[ilvl] = _counter(start)
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    level_overrides[ilvl] = _parse_level(lvl)
            instances[num_id] = ListInstance(abstract_id, start_overrides, level_overrides)
        return cls(abstracts, instances, style_links, linked_styles)

    def resolve_abstract(self, num_id: str, style_num_ids: dict[str, str]) -> str | None:
        """The abstract id whose levels define list `num_id`, following numbering-style links."""
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        abstract_id = instance.abstract_id
        for _ in range(5):  # a style link points at a style whose list points back: stop loops
            style_id = self.style_links.get(abstract_id)
            if style_id is None:
                break
            target = self.linked_styles.get(style_id)
            if target is None and style_id in style_num_ids:
                linked = self.instances.get(style_num_ids[style_id])
                target = linked.abstract_id if linked else None
            if target is None or target == abstract_id:
                break
            abstract_id = target
        return abstract_id

    def level(self, num_id: str, abstract_id: str, ilvl: int) -> Level | None:
        instance = self.instances.get(num_id)
        if instance is not None and ilvl in instance.level_overrides:
            return instance.level_overrides[ilvl]
        return self.abstracts.get(abstract_id, {}).get(ilvl)


@dataclass(frozen=True)
class NumberedLabel:
    """What numbering gives one paragraph: its label (None for bullets) and level."""

    label: str | None
    ilvl: int
    is_bullet: bool


class NumberingCounter:
    """Counts numbered paragraphs in document order and writes each one's label."""

    def __init__(self, definitions: NumberingDefinitions, style_num_ids: dict[str, str] | None = None):
        self.definitions = definitions
        self.style_num_ids = style_num_ids or {}
        self._counters: dict[str, list[int | None]] = {}
        self._started: set[str] = set()

    def advance(self, num_id: str, ilvl: int) -> NumberedLabel | None:
        """Count one paragraph of list `num_id` at level `ilvl`; None when it is not a list."""
        if num_id in (None, "0") or num_id not in self.definitions.instances:
            return None  # numId 0 switches numbering off (e.g. over a numbered style)
        abstract_id = self.definitions.resolve_abstract(num_id, self.style_num_ids)
        if abstract_id is None:
            return None
        ilvl = min(max(ilvl, 0), MAX_LEVELS - 1)
        level = self.definitions.level(num_id, abstract_id, ilvl) or Level()
        instance = self.definitions.instances[num_id]
        # A list with start overrides is a restarted list: its own counters from the override.
        key = f"num:{num_id}" if instance.start_overrides else f"abstract:{abstract_id}"
        counters = self._counters.setdefault(key, [None] * MAX_LEVELS)
        if key not in self._started:
            self._started.add(key)
            for override_level, start in instance.start_overrides.items():
                if 0 <= override_level < MAX_LEVELS:
                    counters[override_level] = start - 1
        if level.is_bullet:
            return NumberedLabel(None, ilvl, True)
        counters[ilvl] = self._start(num_id, abstract_id, ilvl) if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            deeper_level = self.definitions.level(num_id, abstract_id, deeper)
            restart_after = deeper if deeper_level is None or deeper_level.restart is None else deeper_level.restart
            if restart_after and ilvl < restart_after:
                counters[deeper] = None
        return NumberedLabel(self._label(num_id, abstract_id, ilvl, level, counters), ilvl, False)

    def _start(self, num_id: str, abstract_id: str, ilvl: int) -> int:
        instance = self.definitions.instances[num_id]
        if ilvl in instance.start_overrides and instance.start_overrides[ilvl] is not None:
            return instance.start_overrides[ilvl]
        level = self.definitions.level(num_id, abstract_id, ilvl)
        return level.start if level else 1

    def _label(self, num_id: str, abstract_id: str, ilvl: int, level: Level, counters: list[int | None]) -> str | None:
        if level.text is None:
            return None
        out = []
        text = level.text[: MAX_LABEL_CHARS * 2]  # a longer template cannot give a label in bounds
        index = 0
        while index < len(text):
            ch = text[index]
            if ch == "%" and index + 1 < len(text) and text[index + 1] in "123456789":
                referred = int(text[index + 1]) - 1
                value = counters[referred]
                if value is None:
                    value = self._start(num_id, abstract_id, referred)
                referred_level = self.definitions.level(num_id, abstract_id, referred) or Level()
                number_format = referred_level.number_format
                if level.is_legal:
                    number_format = "decimal"  # legal numbering: under "Article II" a child reads 2.1
                out.append(format_number(value, number_format))
                index += 2
                continue
            out.append(ch)
            index += 1
        label = "".join(out).strip()[:MAX_LABEL_CHARS]
        return label or None
