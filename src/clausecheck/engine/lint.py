"""Contract lint: check the document against itself (references, terms, blanks, numbering).

These are the cheap, certain checks a drafter runs before anything else: a reference to
第15条 in a contract of fourteen articles, a defined term used nowhere, a ○○ left in a
template, "thirty (60) days". Each check is one function below; what it looks for (the
shape of a reference, of a definition, of a blank) comes from the rule's patterns in
rules/lint/, so a lawyer can read and extend it. A check returns the places it objects to;
every place becomes evidence quoted from the original text, and each rule that objects to
anything gives one finding of kind `lint`.
"""

from __future__ import annotations

import re
import unicodedata

import regex
from dataclasses import dataclass
from datetime import date

from clausecheck.engine.compiler import REGEX_TIMEOUT_SECONDS, compile_regex
from clausecheck.engine.schema import LanguageBlock, Rule
from clausecheck.lang import NormalisedText, normalise
from clausecheck.model import SEVERITY_ORDER, Clause, Document, Evidence, Finding, Warning
from clausecheck.quantities import kanji_amount
from clausecheck.numerals import CIRCLED, kanji_to_int, roman_to_int

QUOTE_MAX_CHARS = 300
DETAILS_SHOWN = 6
MIN_ARTICLES_FOR_REFERENCES = 3  # fewer numbered articles: an extract, not a contract
MIN_DEFINITIONS_FOR_TERMS = 3  # a document that barely defines terms has no convention to break
# More undefined candidates than this: the contract capitalises (or writes 本…) for other
# reasons than defined terms, and every candidate would be noise (EDGAR filings: up to 140).
MAX_UNDEFINED_TERMS = 6
MIN_USES_UNDEFINED = 2
SCHEDULE_HEAD_CHARS = 100
ALIAS_NAME_CHARS, ALIAS_NAME_WORDS = 60, 3  # what an alias in brackets names: the words before it
DRAWN_LINE_CHARS = 20  # underscores filling a line by themselves: a drawn rule
TITLE_RUN_IS_CONTENTS = 3  # headings without text in a row: a table of contents
FOLLOWING_CHARS = 80  # how far after a reference a rule's `unless` looks (the instrument it names)
PRECEDING_CHARS = 40  # how far before an amount, a party word or a clause number `unless` looks
UNFINISHED_RULES = frozenset({"placeholder-left", "clause-title-only"})  # findings that make W108
# Clause numbers, headings and definition items are read hundreds of times per document.
_RE_LEADING_CAPS_WORD = re.compile(r"^[A-Z]{2,}\b")
_RE_WORDS = re.compile(r"[^\W_]+")
_RE_TITLE_WORD = re.compile(r"\s*[-–—:.]?\s*(?!(?:To|Of|Hereto|Attached|Sets|Shall|Is|Are)\b)[A-Z][A-Za-z]")
_RE_PERCENT_AFTER_NUMBER = re.compile(r"\s*%")
_RE_ITEM_FOLLOWS = re.compile(r"\s*(?:\([a-z0-9]{1,3}\)|[a-z0-9]\)|[①-⑳])")
_RE_WRITTEN_ARTICLE = re.compile(r"(?m)^[ \t]*(\d{1,3})\.\s+[A-Z]{2}")  # "7.       SPONSORSHIP FEES"
_RE_WRITTEN_NUMBER = re.compile(r"(?<![\w.§])(\d+(?:\.\d+)+)\.?\s+[A-Z(]")
_RE_REFERENCE_WORD_BEFORE = re.compile(r"(?:Sections?|Articles?|Clauses?|and|or|to|through|in|of)\s*$", re.IGNORECASE)
_RE_JA_ARTICLE = re.compile(r"第\s*([0-9一二三四五六七八九十百〇]+)\s*条")
_RE_EN_ARTICLE = re.compile(r"^(?:Article|ARTICLE|Section|SECTION|Clause|CLAUSE)?\s*(\d+)(?:\.|$|\s)")
_RE_ROMAN_ARTICLE = re.compile(r"^(?:Article|ARTICLE)\s+([IVXLC]+)\b")
_RE_PARAGRAPH_KOU = re.compile(r"(\d+)項$")
_RE_ITEM_IN_BRACKETS = re.compile(r"\((\d+)\)$|\(([a-z])\)$|\(([ivx]{2,5})\)$")
_RE_DOTTED_PARAGRAPH = re.compile(r"\d+\.(\d+)\.?$")
_RE_KANJI_ITEM = re.compile(r"(?:^|条)([一二三四五六七八九十]+)$")
_RE_ONE_LETTER = re.compile(r"[a-z]")
_RE_HEADING_NOISE = re.compile(r"[\s（）()「」・、,]")
# "Branching Unit (BU): Equipment that ...": an English item's term may have several words.
_RE_LEADING_EN_TERM = re.compile(r"^[\"“]?([A-Z][\w-]*(?: [A-Za-z][\w-]*){1,5})[\"”]?\s*(?:\([^()\n]{1,12}\)\s*)?:")
_RE_ITEM_MARKER = re.compile(r"^(?:[0-9]+[.)]?\s|\([0-9a-z]+\)|[一二三四五六七八九十]+\s)\s*")
_RE_LEADING_TERM = re.compile(r"^[「\"“]?([^\s「」\"“”:：、。]{2,20})[」\"”]?(?:\s|:|：|とは)")
_RE_DEFINITION_NOISE = re.compile(r"[\s「」\"“”。.,、()]")
_SENTENCE_END = re.compile(r"[。．.!?！？;；]\s|[。！？]|\n")
_EN_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}


@dataclass(frozen=True)
class Place:
    """One thing a check objects to: a span of Document.text and a short label for it."""

    start: int
    end: int
    detail: str


@dataclass
class _Unit:
    clause: Clause  # a top-level clause
    norm: NormalisedText


class _Context:
    """The document as the checks see it: normalised clauses and the clause-number index."""

    def __init__(self, document: Document, normalised: dict[int, NormalisedText] | None = None):
        self.document = document
        self.language = document.language
        # The rule engine has normalised the same clauses already; it hands them over (by id).
        known = normalised or {}
        self.units = [_Unit(c, known.get(id(c)) or normalise(c.text)) for c in document.clauses if c.kind != "toc" and c.text.strip()]
        self._pieces: list[tuple[int, NormalisedText]] | None = None
        self._unit_position = {id(unit): position for position, unit in enumerate(self.units)}
        self._pattern_matches: dict[str, list[list]] = {}
        self._found_anywhere: dict[str, bool] = {}
        self._written_numbers: set[str] | None = None
        self.all_clauses = list(document.all_clauses())
        self._definitions: dict[tuple, list[_Defined]] = {}
        self.articles: dict[int, Clause] = {}
        self.paths: set[tuple[int, ...]] = set()
        self.clause_at_path: dict[tuple[int, ...], Clause] = {}
        self.article_starts: list[tuple[int, int]] = []  # (offset, article number), in order
        for clause in document.clauses:
            if clause.kind != "clause" or not clause.number:
                continue
            value = article_value(clause.number)
            if value is None:
                continue
            self.articles.setdefault(value, clause)
            self.article_starts.append((clause.start, value))
            self._index_children(clause, (value,))

    def _index_children(self, clause: Clause, path: tuple[int, ...]) -> None:
        self.paths.add(path)
        self.clause_at_path.setdefault(path, clause)
        for child in clause.children:
            value = last_component(child.number or "")
            if value is None:
                continue
            kind, number = value
            if kind == "item" and len(path) == 1:
                child_path = path + (1, number)  # 第16条① is item 1 of the article's first paragraph
            else:
                child_path = path + (number,)
            self._index_children(child, child_path)

    def article_at(self, offset: int) -> int | None:
        current = None
        for start, value in self.article_starts:
            if start <= offset:
                current = value
            else:
                break
        return current

    @property
    def pieces(self) -> list[tuple[int, NormalisedText]]:
        """The whole document, normalised, as (offset in Document.text, piece) in order.

        The clauses cover the document; where each clause begins and ends at a line break,
        normalising them one by one gives the same text as normalising the document at once
        (nothing NFKC, the invisible-character filter or the confusable folding does reaches
        across a line break), and the clauses are already normalised: only what lies between
        them, and the tables of contents, are read again. Otherwise the document is
        normalised whole."""
        if self._pieces is not None:
            return self._pieces
        text = self.document.text

        def at_line_break(offset: int) -> bool:
            return offset <= 0 or offset >= len(text) or text[offset - 1] == "\n" or text[offset] == "\n"

        by_start = {unit.clause.start: unit for unit in self.units}
        pieces: list[tuple[int, NormalisedText]] = []
        position = 0
        for clause in self.document.clauses:
            if clause.start < position or not at_line_break(clause.start) or not at_line_break(clause.end):
                self._pieces = [(0, normalise(text))]
                return self._pieces
            if clause.start > position:
                pieces.append((position, normalise(text[position:clause.start])))
            unit = by_start.get(clause.start)
            same = unit is not None and unit.clause is clause
            pieces.append((clause.start, unit.norm if same else normalise(text[clause.start:clause.end])))
            position = clause.end
        if position < len(text):
            pieces.append((position, normalise(text[position:])))
        self._pieces = pieces
        return pieces

    def matches(self, patterns: tuple[str, ...], units=None):
        """(unit, match) for every match of `patterns` in the clauses, in document order.

        (No literal pre-test here as in the rule engine: lint patterns start on a literal, which
        the regex module finds faster than Python can test a clause for the words.)"""
        for unit in units if units is not None else self.units:
            position = self._unit_position[id(unit)]
            for pattern in patterns:
                for m in self._matches_of(pattern)[position]:
                    yield unit, m

    def _matches_of(self, pattern: str) -> list[list]:
        """The matches of one pattern in each clause, found once: several checks share patterns."""
        found = self._pattern_matches.get(pattern)
        if found is None:
            compiled = compile_regex(pattern, self.language)
            found = []
            for unit in self.units:
                in_unit = []
                try:
                    for m in compiled.finditer(unit.norm.text, timeout=REGEX_TIMEOUT_SECONDS):
                        if m.end() > m.start():
                            in_unit.append(m)
                except TimeoutError:
                    pass  # what was found before the time ran out still counts
                found.append(in_unit)
            self._pattern_matches[pattern] = found
        return found

    def found_anywhere(self, patterns: tuple[str, ...]) -> bool:
        """Whether any of `patterns` occurs in the document (each pattern looked up once)."""
        for pattern in patterns:
            if pattern not in self._found_anywhere:
                self._found_anywhere[pattern] = any(_any((pattern,), piece.text, self.language) for _, piece in self.pieces)
            if self._found_anywhere[pattern]:
                return True
        return False

    def original_span(self, unit: _Unit, start: int, end: int) -> tuple[int, int]:
        orig_start, orig_end = unit.norm.to_original(start, end)
        return unit.clause.start + orig_start, unit.clause.start + orig_end


def article_value(number: str) -> int | None:
    """第12条 / 第十二条 / 12 / 12. / Article 12 / Section XII → 12."""
    text = unicodedata.normalize("NFKC", number)
    m = _RE_JA_ARTICLE.search(text)
    if m:
        return kanji_to_int(m.group(1))
    m = _RE_EN_ARTICLE.match(text.strip())
    if m:
        return int(m.group(1))
    m = _RE_ROMAN_ARTICLE.match(text.strip())
    return roman_to_int(m.group(1)) if m else None


def last_component(number: str) -> tuple[str, int] | None:
    """The last level of a clause number: ('paragraph', 2) for 第4条2項 or 5.2, ('item', 3) for ③ or (c)."""
    text = unicodedata.normalize("NFKC", number).strip()
    m = _RE_PARAGRAPH_KOU.search(text)
    if m:
        return "paragraph", int(m.group(1))
    if text and number.strip()[-1] in CIRCLED:
        return "item", CIRCLED.index(number.strip()[-1]) + 1
    m = _RE_ITEM_IN_BRACKETS.search(text)
    if m:
        if m.group(1):
            return "item", int(m.group(1))
        if m.group(2):
            return "item", ord(m.group(2)) - ord("a") + 1
        return "subitem", roman_to_int(m.group(3)) or 0
    m = _RE_DOTTED_PARAGRAPH.search(text)
    if m:
        return "paragraph", int(m.group(1))
    m = _RE_KANJI_ITEM.search(text)
    if m:
        return "item", kanji_to_int(m.group(1)) or 0
    return None


def _to_int(text: str | None) -> int | None:
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if text in CIRCLED:
        return CIRCLED.index(text) + 1
    if _RE_ONE_LETTER.fullmatch(text):
        return ord(text) - ord("a") + 1
    return kanji_to_int(text)


# -- references ---------------------------------------------------------------------------


def check_reference(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A reference to an article, paragraph or item (第15条, 前条第3項, Section 5.2(c)) that no clause carries."""
    if len(context.articles) < MIN_ARTICLES_FOR_REFERENCES:
        return []
    if block.not_inside and context.found_anywhere(block.not_inside):
        return []  # an amendment: its references are to the clauses of the agreement it amends
    places = []
    for unit, m in context.matches(block.regex):
        groups = m.groupdict()
        # "Section 4.04 and elsewhere in the OP Agreement": a clause of another instrument.
        if block.unless and _any(block.unless, unit.norm.text[m.end():m.end() + FOLLOWING_CHARS], context.language):
            continue
        start, end = context.original_span(unit, m.start(), m.end())
        here = context.article_at(start)
        if groups.get("prev"):
            article = here - 1 if here else None
        elif groups.get("this"):
            article = here
        else:
            article = _to_int(groups.get("article"))
        if article is None:
            continue
        paragraph = _to_int(groups.get("paragraph"))
        item = _to_int(groups.get("item"))
        if not _reference_exists(context, article, paragraph, item) and not _numbered_in_text(context, article, paragraph, item):
            places.append(Place(start, end, context.document.text[start:end]))
    return places


def _numbered_in_text(context: _Context, article: int, paragraph: int | None, item: int | None) -> bool:
    """The target is there but the clause tree missed it: "...("Term"). 10.2 Either Party may"
    written inside the paragraph before, or the items (a)-(h) run on inside their paragraph."""
    target = f"{article}.{paragraph}" if paragraph is not None else str(article)
    if item is not None:
        parent = context.clause_at_path.get((article, paragraph) if paragraph is not None else (article,))
        if parent is None:
            # Written where the tree does not show it: its items cannot be told apart.
            return _number_starts_a_sentence(context, target)
        letter = chr(ord("a") + item - 1)
        return f"({letter})" in parent.text or re.search(rf"(?m)^\s*{letter}\)", parent.text) is not None
    return _number_starts_a_sentence(context, target)


def _number_starts_a_sentence(context: _Context, number: str) -> bool:
    """`number` written as the number of a clause (not of a reference) somewhere in the text."""
    if context._written_numbers is None:
        text = context.document.text
        context._written_numbers = {
            m.group(1) for m in _RE_WRITTEN_NUMBER.finditer(text)
            if not _RE_REFERENCE_WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
        } | {m.group(1) for m in _RE_WRITTEN_ARTICLE.finditer(text)}
    return number in context._written_numbers


def _reference_exists(context: _Context, article: int, paragraph: int | None, item: int | None) -> bool:
    if article not in context.articles:
        return False
    if paragraph is not None and paragraph != 1 and (article, paragraph) not in context.paths:
        return False
    if item is None:
        return True
    if paragraph is not None:
        return (article, paragraph, item) in context.paths
    return any(len(path) == 3 and path[0] == article and path[2] == item for path in context.paths)


def check_reference_heading(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A reference that names its target's heading (第16条（解除）) where that article is about something else."""
    places = []
    for unit, m in context.matches(block.regex):
        article = _to_int(m.groupdict().get("article"))
        cited = _heading_key(m.groupdict().get("heading") or "")
        target = context.articles.get(article) if article is not None else None
        if target is None or not target.heading or not cited:
            continue
        actual = _heading_key(target.heading)
        if cited in actual or actual in cited:
            continue
        start, end = context.original_span(unit, m.start(), m.end())
        places.append(Place(start, end, f"{context.document.text[start:end]} → {target.number} {target.heading}"))
    return places


def _heading_key(text: str) -> str:
    return _RE_HEADING_NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def check_schedule_reference(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A reference to a schedule or exhibit (別紙2, Exhibit B) that the document does not contain."""
    present: set[str] = set()
    for clause in context.all_clauses:
        if clause.kind == "schedule" and clause.number:
            present.add(_schedule_key(clause.number))
    for doc_block in context.document.blocks:
        head = unicodedata.normalize("NFKC", doc_block.text).strip()
        head = _RE_LEADING_CAPS_WORD.sub(lambda m: m.group(0).capitalize(), head, count=1)  # EXHIBIT D → Exhibit D
        for _, m in _matches_in(block.regex, head[:SCHEDULE_HEAD_CHARS], context.language):
            # A short block is the heading itself; a long one is the schedule when its name is
            # followed by a title ("Exhibit A Revenue, Cost and Available Margin ..."), not by
            # a sentence ("Exhibit A attached hereto sets out ...").
            if m.start() == 0 and (len(head) <= SCHEDULE_HEAD_CHARS or _RE_TITLE_WORD.match(head, m.end())):
                present.add(_schedule_key(m.group(0)))
    places = []
    for unit, m in context.matches(block.regex):
        key = _schedule_key(m.group(0))
        if key in present:
            continue
        # "Exhibit D of the Manufacturing and Distribution Agreement": another instrument's.
        if block.unless and _any(block.unless, unit.norm.text[m.end():m.end() + FOLLOWING_CHARS], context.language):
            continue
        start, end = context.original_span(unit, m.start(), m.end())
        # The heading of the schedule itself is not a reference to it.
        line_start = context.document.text.rfind("\n", 0, start) + 1
        if not context.document.text[line_start:start].strip():
            continue
        places.append(Place(start, end, context.document.text[start:end]))
    return places


def _schedule_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    digits = re.findall(r"[0-9一二三四五六七八九十]+|(?<![A-Za-z])[A-Z](?![A-Za-z])", text)
    word = re.sub(r"[\s0-9一二三四五六七八九十]|(?<![A-Za-z])[A-Z](?![A-Za-z])", "", text).lower()
    number = str(kanji_to_int(digits[-1]) or digits[-1]) if digits else "1"
    return f"{word}:{number}"


def _matches_in(patterns: tuple[str, ...], text: str, language: str):
    for pattern in patterns:
        try:
            for m in compile_regex(pattern, language).finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
                yield pattern, m
        except TimeoutError:
            continue


# -- defined terms ----------------------------------------------------------------------


@dataclass
class _Defined:
    term: str
    start: int  # in Document.text
    end: int
    sentence: str | None = None  # the definition as written, normalised; read on first use (`text`)
    source: str = ""  # Document.text, to read the sentence from

    @property
    def text(self) -> str:
        if self.sentence is None:
            self.sentence = _sentence_of(self.source, self.start)
        return self.sentence


_RE_PLAUSIBLE_TERM = re.compile(r"^(?=.*[^\W\d_])[^()（）\\:：<>\[\]{}\n\u00ad]+$")
# A capture that ran past a broken quotation mark: "Repairer' or "ATR".
_RE_BROKEN_TERM = re.compile(r"['’]\s|\s(?:or|and|of|the)$")


def _definitions(context: _Context, patterns: tuple[str, ...], headings: tuple[str, ...]) -> list[_Defined]:
    """The plausible definitions, found once per document for each set of patterns (three checks read them)."""
    key = (patterns, headings)
    if key not in context._definitions:
        context._definitions[key] = [d for d in _all_definitions(context, patterns, headings) if _RE_PLAUSIBLE_TERM.match(d.term) and not _RE_BROKEN_TERM.search(d.term)]
    return context._definitions[key]


def _all_definitions(context: _Context, patterns: tuple[str, ...], headings: tuple[str, ...]) -> list[_Defined]:
    """Every definition: those structure found, those the rule's definition patterns find,
    and the items of a definitions clause (第2条（定義）① 本発明 …) whose term leads the line."""
    found: dict[tuple[str, int], _Defined] = {}
    by_term: dict[str, list[_Defined]] = {}
    document = context.document

    def add(definition: _Defined, start: int) -> None:
        found[(definition.term, start)] = definition
        by_term.setdefault(definition.term, []).append(definition)

    for definition in document.definitions:
        term = unicodedata.normalize("NFKC", definition.term).strip()
        add(_Defined(term, definition.start, definition.end, source=document.text), definition.start)
    for unit, m in context.matches(patterns):
        term = (m.groupdict().get("term") or "").strip()
        if not term:
            continue
        start, end = context.original_span(unit, m.start(), m.end())
        # The structure reader may have found this one already: same term, overlapping span.
        if not any(d.start <= end + 5 and start <= d.end + 5 for d in by_term.get(term, ())):
            add(_Defined(term, start, end, source=document.text), start)
    for unit in context.units:
        if not headings or not _any(headings, f"{unit.clause.heading or ''}", context.language):
            continue
        for child in unit.clause.walk():
            if child is unit.clause or child.children:
                continue
            body = unicodedata.normalize("NFKC", child.text).strip()
            body = _RE_ITEM_MARKER.sub("", body)
            m = (context.language == "en" and _RE_LEADING_EN_TERM.match(body)) or _RE_LEADING_TERM.match(body)
            if m:
                term = m.group(1)
                if term not in by_term:
                    add(_Defined(term, child.start, child.end, " ".join(body.split())), child.start)
    return sorted(found.values(), key=lambda d: d.start)


def _sentence_of(text: str, offset: int) -> str:
    """The sentence around `offset`, NFKC-normalised and on one line (for comparing definitions)."""
    start = 0
    for m in _SENTENCE_END.finditer(text, max(0, offset - 400), offset):
        start = m.end()
    m = _SENTENCE_END.search(text, offset)
    end = m.end() if m else len(text)
    return " ".join(unicodedata.normalize("NFKC", text[start:end]).split())


def _party_words(document: Document) -> set[str]:
    words: set[str] = set()
    for party in document.parties:
        for name in party.all_names:
            normalised = unicodedata.normalize("NFKC", name).strip()
            words.add(normalised)
            words.update(normalised.split())
    return words


def _any(patterns: tuple[str, ...], text: str, language: str, full: bool = False) -> bool:
    for pattern in patterns:
        try:
            compiled = compile_regex(pattern, language)
            if (compiled.fullmatch(text, timeout=REGEX_TIMEOUT_SECONDS) if full else compiled.search(text, timeout=REGEX_TIMEOUT_SECONDS)):
                return True
        except TimeoutError:
            continue
    return False


def _known_term(term: str, defined: set[str]) -> bool:
    """`term` or its singular / plural is defined (Licensed Products for Licensed Product)."""
    variants = {term, term + "s", term + "es", term[:-1] if term.endswith("s") else term, term[:-2] if term.endswith("es") else term}
    return any(v in defined for v in variants)


def check_term_undefined(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A term used in the form of a defined term (本ソフトウェア, the Licensed Product) that nothing defines."""
    document = context.document
    definitions = _definitions(context, block.requires, block.inside)
    if context.language == "en" and len(definitions) < MIN_DEFINITIONS_FOR_TERMS:
        return []
    if block.not_inside and context.found_anywhere(block.not_inside):
        return []  # the contract says its terms are defined elsewhere (a cover page, an order form)
    defined = {d.term for d in definitions}
    parties = _party_words(document)
    title = unicodedata.normalize("NFKC", document.title or "")
    skipped: dict[str, bool] = {}  # a term's verdict does not change between its uses

    def skip(term: str) -> bool:
        if _known_term(term, defined) or term in parties or (term in title and context.language == "en"):
            return True
        if block.unless and _any(block.unless, term, context.language, full=True):
            return True
        return any(term.startswith(d) and len(d) >= 2 for d in defined)  # 本製品等, 本研究成果: built on a defined term

    first_use: dict[str, tuple[_Unit, object]] = {}
    count: dict[str, int] = {}
    repeated = 0
    for unit, m in context.matches(block.regex, [u for u in context.units if u.clause.kind not in ("signature",)]):
        named = m.groupdict().get("term")
        term = " ".join((named or m.group(0)).split())
        if term not in skipped:
            skipped[term] = skip(term)
        if skipped[term]:
            continue
        first_use.setdefault(term, (unit, m))
        count[term] = count.get(term, 0) + 1
        if count[term] == MIN_USES_UNDEFINED:
            repeated += 1
            if repeated > MAX_UNDEFINED_TERMS:
                return []  # capitals used for more than defined terms: every candidate would be noise
    places = []
    for term, (unit, m) in first_use.items():
        if count[term] >= MIN_USES_UNDEFINED:
            group = "term" if m.groupdict().get("term") else 0
            start, end = context.original_span(unit, m.start(group), m.end(group))
            places.append(Place(start, end, term))
    return sorted(places, key=lambda p: p.start)


def check_term_defined_twice(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """One term given two different definitions."""
    every: dict[str, list[_Defined]] = {}
    for definition in _definitions(context, block.regex, block.inside):
        every.setdefault(definition.term, []).append(definition)
    by_term: dict[str, list[_Defined]] = {}
    for term, definitions in every.items():
        if len(definitions) < 2:
            continue  # one definition: nothing to disagree with (and its sentence is never read)
        # "has the meaning given in Section 1" points at the definition; it is not a second one.
        by_term[term] = [d for d in definitions if not (block.unless and _any(block.unless, d.text, context.language))]
    places = []
    # In the order the (kept) definitions come in the document.
    for term, found in sorted(((t, f) for t, f in by_term.items() if f), key=lambda item: item[1][0].start):
        texts = {_definition_key(context.document.text, d, term) for d in found}
        if len(found) > 1 and len(texts) > 1:
            second = found[1]
            places.append(_term_place(context.document.text, second, term))
    return places


def _term_place(text: str, definition: _Defined, term: str) -> Place:
    """The term itself inside its definition (the quoted word, not the whole sentence)."""
    window = unicodedata.normalize("NFKC", text[definition.start:definition.end + len(term) + 4])
    at = window.find(term)
    if at < 0 or len(window) != definition.end + len(term) + 4 - definition.start:
        return Place(definition.start, definition.end, term)
    return Place(definition.start + at, definition.start + at + len(term), term)


def _number_place(text: str, clause: Clause, detail: str) -> Place:
    """The clause's number as written at its head (③, 2.3, 第５条)."""
    head = text[clause.start:min(clause.end, clause.start + 60)]
    number = clause.number or ""
    candidates = [number, unicodedata.normalize("NFKC", number)]
    component = re.search(r"(?:第[^条]+条|[\d.]+|\([a-z0-9]+\)|[\u2460-\u2473])$", number)
    if component:
        candidates.append(component.group(0))
    for candidate in candidates:
        at = unicodedata.normalize("NFKC", head).find(unicodedata.normalize("NFKC", candidate)) if candidate else -1
        if at >= 0 and len(unicodedata.normalize("NFKC", head)) == len(head):
            return Place(clause.start + at, clause.start + at + len(candidate), detail)
    return Place(clause.start, clause.start + min(len(head), 1), detail)


def _definition_core(text: str, term: str) -> str:
    return _RE_DEFINITION_NOISE.sub("", text.replace(term, ""))


def _definition_key(document_text: str, definition: _Defined, term: str) -> str:
    """What a definition says the term is. An alias in brackets (CCA Industries, Inc.
    ("Company")) names what stands before it: the same company on the cover page, in the
    preamble and in the signature block is one definition, however the sentences differ."""
    if document_text.startswith("(", definition.start):
        named = _RE_WORDS.findall(unicodedata.normalize("NFKC", document_text[max(0, definition.start - ALIAS_NAME_CHARS):definition.start]))
        if named:
            return "alias:" + " ".join(word.casefold() for word in named[-ALIAS_NAME_WORDS:])
    return _definition_core(definition.text, term)


def check_term_unused(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A term defined and then never used."""
    document = context.document
    if block.not_inside and context.found_anywhere(block.not_inside):
        return []  # completed by another document (a cover page) that may use the terms
    parties = _party_words(document)
    places = []
    seen: set[str] = set()
    for definition in _definitions_cached(context, block):
        term = definition.term
        if term in seen or term in parties or len(term) < 2:
            continue
        seen.add(term)
        if block.unless and _any(block.unless, term, context.language, full=True):
            continue
        # As written first; an English term not found so is looked for more loosely (a regex
        # compiled for the few terms that need it).
        if any(_used(term, offset, piece, context, block) for offset, piece in context.pieces):
            continue
        occurrences = _occurrence_pattern(term) if context.language == "en" else None
        if occurrences is None or not any(_used(term, offset, piece, context, block, occurrences) for offset, piece in context.pieces):
            places.append(_term_place(document.text, definition, term))
    return places


def _used(term: str, offset: int, normalised: NormalisedText, context: _Context, block: LanguageBlock, occurrences=None) -> bool:
    """Whether `term` occurs in this piece of the document (at `offset` of Document.text)
    anywhere but where it is defined (the first such use is enough).

    English terms are whole words (a plural counts: Deliverables for Deliverable)."""
    whole_words = context.language == "en"
    text = normalised.text
    for at, end in _occurrences(term, text, occurrences):
        if whole_words:
            tail = text[end:end + 2]
            end += 2 if tail == "es" else 1 if tail[:1] == "s" else 0
        bounded = not whole_words or ((at == 0 or not text[at - 1].isalpha()) and (end >= len(text) or not text[end].isalpha()))
        if bounded and not _is_defining(at, offset + normalised.origin[at], term, text, context, block):
            return True
    return False


def _occurrence_pattern(term: str):
    """An English term as it may be written: across a line break or with one space for two
    ("Qualified\nSubordinated Loans", "Commercial  License"), and in the singular when it is
    defined in the plural ("any Major Japanese Competitor"); the first word, to test first."""
    words = [re.escape(word) for word in term.split()]
    last = term.split()[-1] if term.split() else ""
    if last.endswith("ies") and len(last) > 4:
        words[-1] = re.escape(last[:-3]) + "(?:y|ies)"  # Parties → Party
    elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        words[-1] = re.escape(last[:-1])  # the plural's s (or es) is allowed again after the match
    # The words after the first in any case: ("the Defaulting party") is used as "the
    # Defaulting Party"; the first as written (a lower-case "service agreement" is not the term).
    if len(words) > 1:
        words[1:] = ["(?i:" + word + ")" for word in words[1:]]
    return (term.split()[0] if term.split() else term), re.compile(r"\s+".join(words) or re.escape(term))


def _occurrences(term: str, text: str, occurrences):
    """Spans of `term` in `text` (`occurrences`: its English pattern; None: as written)."""
    if occurrences is None:
        at = text.find(term)
        while at >= 0:
            yield at, at + len(term)
            at = text.find(term, at + 1)
        return
    first_word, pattern = occurrences
    if first_word not in text:
        return
    for m in pattern.finditer(text):
        yield m.start(), m.end()


def _is_defining(offset: int, original_offset: int, term: str, text: str, context: _Context, block: LanguageBlock) -> bool:
    """The occurrence that defines the term: in quotes (「本目的」, "Deliverables") or leading a definitions item.

    `offset` is in the normalised text `text`, `original_offset` in Document.text."""
    if offset > 0 and text[offset - 1] in "「『\"“":
        return True
    return any(d.start <= original_offset < d.start + len(term) + 8 for d in _definitions_by_term(context, block).get(term, ()))


def _definitions_cached(context: _Context, block: LanguageBlock) -> list[_Defined]:
    return _definitions(context, block.regex, block.inside)


def _definitions_by_term(context: _Context, block: LanguageBlock) -> dict[str, list[_Defined]]:
    key = ("by term", block.regex, block.inside)
    if key not in context._definitions:
        index: dict[str, list[_Defined]] = {}
        for definition in _definitions_cached(context, block):
            index.setdefault(definition.term, []).append(definition)
        context._definitions[key] = index  # type: ignore[assignment]
    return context._definitions[key]  # type: ignore[return-value]


# -- parties, blanks, structure, amounts, names --------------------------------------------


def check_party_name(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A party word (丙, Supplier) used as a party that is neither a party's name nor an alias."""
    document = context.document
    if len(document.parties) < 2:
        return []
    parties = _party_words(document)
    defined = {unicodedata.normalize("NFKC", d.term).strip() for d in document.definitions}
    places = []
    seen: set[str] = set()
    for unit, m in context.matches(block.regex):
        word = (m.groupdict().get("party") or m.group(0)).strip()
        if word in parties or word in defined or word in seen or _quoted_somewhere(word, document.text):
            continue
        # "Service Recipient", "such Customer": part of a longer name, or an ordinary noun.
        if block.unless and _any(block.unless, unit.norm.text[max(0, m.start() - PRECEDING_CHARS):m.start()], context.language):
            continue
        seen.add(word)
        start, end = context.original_span(unit, m.start(), m.end())
        places.append(Place(start, end, word))
    return places


def _quoted_somewhere(word: str, text: str) -> bool:
    """Introduced as an alias: "Vendor", “Vendor”, 「丙」, or in brackets without quotes, (Developer )."""
    if any(f"{left}{word}{right}" in text for left, right in (('"', '"'), ("“", "”"), ("「", "」"))):
        return True
    return re.search(rf"\(\s*{re.escape(word)}\s*\)", text) is not None


def check_placeholder(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A blank left in a template (○○, ●, ＿＿, [NAME], TBD, 令和〇年○月〇日)."""
    units = [u for u in context.units if u.clause.kind != "signature"]
    form_start = _form_start(context, block)
    places = []
    for unit, m in context.matches(block.regex, units):
        start, end = context.original_span(unit, m.start(), m.end())
        if places and start < places[-1].end:
            continue
        if start >= form_start:
            continue  # blanks of a form attached to be filled in later ("[Form of Amendment]")
        if block.unless and _any(block.unless, unit.norm.text[max(0, m.start() - PRECEDING_CHARS):m.end()], context.language):
            continue  # a note of the filer ([SIGNATURE PAGE FOLLOWS]), a signature field (By ____)
        if _drawn_line(unit.norm.text, m.start(), m.end()):
            continue
        places.append(Place(start, end, context.document.text[start:end]))
    return sorted(places, key=lambda p: p.start)


def _form_start(context: _Context, block: LanguageBlock) -> int:
    """Where a form attached to the contract begins (its `not_inside` patterns), or the end."""
    first = len(context.document.text)
    if block.not_inside:
        for unit, m in context.matches(block.not_inside):
            first = min(first, context.original_span(unit, m.start(), m.end())[0])
    return first


def _drawn_line(text: str, start: int, end: int) -> bool:
    """A whole line of underscores (a rule drawn under a title), not a blank in a sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    return end - start >= DRAWN_LINE_CHARS and set(line) <= {"_", " "}


def check_title_only(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A clause that is only its title (第5条（秘密保持）and nothing after it), or says 略 / omitted."""
    candidates: list[tuple[int, Clause]] = []
    numbered = [c for c in context.all_clauses if c.kind == "clause" and c.number]
    for position, clause in enumerate(numbered):
        if clause.children:
            continue
        if clause.heading and block.unless and _any(block.unless, unicodedata.normalize("NFKC", clause.heading).strip(), context.language, full=True):
            continue  # "3.6 Reserved.": deleted on purpose, the numbering kept
        body = unicodedata.normalize("NFKC", clause.text).strip()
        number = unicodedata.normalize("NFKC", clause.number)
        for piece in (number, clause.number, unicodedata.normalize("NFKC", clause.heading or "")):
            if piece and body.startswith(piece):
                body = body[len(piece):].strip(" .:：\u3000")
        if clause.heading:
            body = body.replace(unicodedata.normalize("NFKC", clause.heading), "", 1)
        body = body.strip(" .:：（）()\u3000\n")
        if not clause.heading:
            if not body or not _any(block.regex, body, context.language, full=True):
                continue
        elif body and not _any(block.regex, body, context.language, full=True):
            continue
        if not body and (_RE_ITEM_FOLLOWS.match(context.document.text, clause.end) or re.match(rf"\s*{re.escape(clause.number.strip().rstrip('.'))}\.\d", context.document.text[clause.end:clause.end + 40])):
            continue  # "3. DEFAULT AND NOTICE." then "(a) In the event...": the text is in its items
        candidates.append((position, clause))
    places = []
    for index, (position, clause) in enumerate(candidates):
        # Three or more headings in a row with no text are a table of contents or a list of
        # headings, not clauses left empty.
        run = 1
        while index - run >= 0 and candidates[index - run][0] == position - run:
            run += 1
        ahead = 1
        while index + ahead < len(candidates) and candidates[index + ahead][0] == position + ahead:
            ahead += 1
        if run + ahead - 1 >= TITLE_RUN_IS_CONTENTS:
            continue
        places.append(Place(clause.start, clause.end, clause.number))
    return places


def check_numbering(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """Article or sub-clause numbers that skip (3.1 → 3.3) or repeat (第5条 twice)."""
    places = []
    top = [c for c in context.document.clauses if c.kind == "clause" and c.number]
    groups: list[list[Clause]] = [top]
    for clause in context.all_clauses:
        if clause.children:
            groups.append([c for c in clause.children if c.number])
    for siblings in groups:
        # Items ①② under an article's first paragraph and its paragraphs 2, 3 are two sequences.
        previous: dict[str, int] = {}
        for clause in siblings:
            kind, value = _sequence_value(clause, block, context.language, top_level=siblings is top)
            if value is not None and _RE_PERCENT_AFTER_NUMBER.match(context.document.text, clause.start + len(clause.number or "")):
                kind, value = "", None  # "6.5   %" in a table of rates: a figure, not a clause
            if value is None:
                previous.clear()
                continue
            if kind == "paragraph":
                previous.pop("item", None)
            last = previous.get(kind, 1 if kind == "paragraph" and value > 1 else None)
            if last is not None and value == last and kind in previous:
                # A list that starts again at 1 or (a) is a new list (how notices are sent, then
                # when they arrive); a number after "Section" at a line's end is a reference
                # wrapped onto a new line, not a clause.
                if value != 1 and not _after_reference_word(context, clause, block):
                    places.append(_number_place(context.document.text, clause, f"{clause.number} ×2"))
            elif last is not None and value > last + 1 and not _skipped_number_written(context, clause, siblings, last):
                places.append(_number_place(context.document.text, clause, f"{clause.number} ← {last}"))
            previous[kind] = value
    return places


def _after_reference_word(context: _Context, clause: Clause, block: LanguageBlock) -> bool:
    before = context.document.text[max(0, clause.start - PRECEDING_CHARS):clause.start]
    return bool(block.unless) and _any(block.unless, unicodedata.normalize("NFKC", before), context.language)


def _skipped_number_written(context: _Context, clause: Clause, siblings: list[Clause], last: int) -> bool:
    """The numbers between `last` and this clause's are in the text before it, only not at the
    start of a line ("... by the Supply Contract. 4.6 The PG shall"): the tree missed them."""
    number = unicodedata.normalize("NFKC", clause.number or "").strip()
    m = re.search(r"(\d+)(\D*)$", number)
    if not m:
        return False
    earlier = [c for c in siblings if c.start < clause.start]
    start = earlier[-1].start if earlier else 0
    between = unicodedata.normalize("NFKC", context.document.text[start:clause.start])
    for missing in range(last + 1, int(m.group(1))):
        written = re.escape(number[:m.start(1)] + str(missing))
        # At a line's start or after a sentence's end, as a clause number is written.
        if not regex.search(rf"(?<=(?:^|\n|[.;:])[ \t]*){written}(?!\d)\.?(?:\s|[\"“(])|(?<=\s){written}\.\s+[A-Z]", between):
            return False
    return True


def _sequence_value(clause: Clause, block: LanguageBlock, language: str, top_level: bool) -> tuple[str, int | None]:
    number = unicodedata.normalize("NFKC", clause.number or "")
    if top_level:
        return "article", (article_value(number) if _any(block.regex, number, language) else None)
    component = last_component(clause.number or "")
    if component is None or component[0] == "subitem":
        return "", None
    return component


def check_amount_mismatch(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A number written twice that disagrees with itself: "thirty (60) days", 金百万円（1,000,000円）."""
    places = []
    for unit, m in context.matches(block.regex):
        words, digits = m.groupdict().get("words"), m.groupdict().get("digits")
        in_words = _words_value(words or "", context.language)
        in_digits = _digits_value(digits or "")
        if in_words is None or in_digits is None or in_words == in_digits:
            continue
        words_start = min(m.start(), m.start("words"))
        # The number goes on before the words ("cero point five percent (0.5%)", "three (3)
        # million dollars"): the words are only its end.
        if block.unless and _any(block.unless, unit.norm.text[max(0, words_start - PRECEDING_CHARS):words_start], context.language):
            continue
        # The words may sit in a lookbehind (the pattern starts at the "("): quote from them.
        start, end = context.original_span(unit, min(m.start(), m.start("words")), m.end())
        places.append(Place(start, end, context.document.text[start:end]))
    return places


def _digits_value(text: str) -> float | None:
    text = unicodedata.normalize("NFKC", text).replace(",", "").replace("$", "").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def _words_value(text: str, language: str) -> int | None:
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    if re.search(r"[一二三四五六七八九十百千万億〇壱弐参拾]", text):
        return _kanji_amount(text)
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", text.lower()):
        if word in ("and", ""):
            continue
        if word in _EN_NUMBER_WORDS:
            current += _EN_NUMBER_WORDS[word]
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _EN_SCALES:
            total += (current or 1) * _EN_SCALES[word]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _kanji_amount(text: str) -> int | None:
    """金百万円's numeral (拾 read as 十), by the reader the quantities share."""
    return kanji_amount(text.replace("拾", "十"))


def check_old_name(context: _Context, rule: Rule, block: LanguageBlock) -> list[Place]:
    """A statute or term under its former name in a contract dated on or after the renaming."""
    if rule.lint and rule.lint.after:
        dated = document_date(context.document.effective_date)
        if dated is not None and dated.isoformat() < rule.lint.after:
            return []
    places = []
    for unit, m in context.matches(block.regex):
        start, end = context.original_span(unit, m.start(), m.end())
        places.append(Place(start, end, context.document.text[start:end]))
    return places


def document_date(text: str | None) -> date | None:
    """2026年4月1日 / 令和8年4月1日 / April 1, 2026 / 2026-04-01 → a date; a blank date is None."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    m = re.search(r"(令和|平成)\s*(\d+|元)\s*年\s*(\d+)\s*月\s*(\d+)\s*日", text)
    if m:
        year = (2018 if m.group(1) == "令和" else 1988) + (1 if m.group(2) == "元" else int(m.group(2)))
        return _date(year, int(m.group(3)), int(m.group(4)))
    m = re.search(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})", text)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    months = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
    m = re.search(r"([A-Za-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})|(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+),?\s+(\d{4})", text)
    if m:
        month_name, day, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        if month_name.lower() in months:
            return _date(int(year), months.index(month_name.lower()) + 1, int(day))
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


CHECKS = {
    "reference": check_reference,
    "reference-heading": check_reference_heading,
    "schedule-reference": check_schedule_reference,
    "term-undefined": check_term_undefined,
    "term-defined-twice": check_term_defined_twice,
    "term-unused": check_term_unused,
    "party-name": check_party_name,
    "placeholder": check_placeholder,
    "title-only": check_title_only,
    "numbering": check_numbering,
    "amount-mismatch": check_amount_mismatch,
    "old-name": check_old_name,
}


# -- findings -------------------------------------------------------------------------------


def lint_findings(document: Document, rules: list[Rule], language: str, first_id: int = 1, normalised: dict[int, NormalisedText] | None = None) -> list[Finding]:
    """One `lint` finding per rule that objects to anything, numbered from `first_id`.

    `normalised`: the clauses' normalised texts by `id(clause)`, where the caller has them."""
    if not rules:
        return []
    context = _Context(document, normalised)
    drafts: list[tuple[int, int, Rule, list[Place]]] = []
    for rule in sorted(rules, key=lambda r: r.id):
        block = rule.languages.get(document.language)
        if block is None or rule.lint is None:
            continue
        places = CHECKS[rule.lint.check](context, rule, block)
        if places:
            drafts.append((SEVERITY_ORDER[rule.severity], places[0].start, rule, places))
    drafts.sort(key=lambda item: (-item[0], item[1], item[2].id))
    findings = []
    for number, (_, _, rule, places) in enumerate(drafts, start=first_id):
        details = list(dict.fromkeys(p.detail for p in places if p.detail))
        shown = "、".join(details[:DETAILS_SHOWN]) if language == "ja" else "; ".join(details[:DETAILS_SHOWN])
        more = len(details) - DETAILS_SHOWN
        if more > 0:
            shown += f" (+{more})"
        message = rule.text("message", language)
        message = f"{message}（{shown}）" if language == "ja" else f"{message} ({shown})"
        findings.append(Finding(
            id=f"F{number}",
            rule=rule.id,
            topic=rule.topic,
            kind="lint",
            severity=rule.severity,
            title=rule.text("title", language),
            message=message,
            recommendation=rule.text("recommendation", language),
            why=rule.text("why", language),
            references=rule.references,
            evidence=tuple(_evidence(document, place) for place in places[: rule.max_evidence]),
            question=rule.text("question", language),
        ))
    return findings


def unfinished_warnings(findings: list[Finding], language: str) -> list[Warning]:
    """W108 when blanks or title-only clauses show the document is not the final text."""
    if not any(f.kind == "lint" and f.rule in UNFINISHED_RULES for f in findings):
        return []
    return [Warning("W108", "the document looks unfinished (blanks or placeholders left, or clauses that are only a title): this review is of a draft, not of the text to be signed")]


def _evidence(document: Document, place: Place) -> Evidence:
    text = document.text
    start = max(text.rfind("\n", 0, place.start) + 1, 0)
    for m in _SENTENCE_END.finditer(text, start, place.start):
        start = m.end()
    end_match = _SENTENCE_END.search(text, place.end)
    end = end_match.end() if end_match else len(text)
    start = max(start, place.start - QUOTE_MAX_CHARS // 2)
    end = min(end, max(place.end, start + QUOTE_MAX_CHARS))
    quote = text[start:end]
    stripped_left = len(quote) - len(quote.lstrip())
    quote = quote.strip()
    start += stripped_left
    clause = document.clause_at(place.start)
    block = document.block_at(place.start)
    return Evidence(
        clause=(clause.number or clause.heading) if clause else None,
        page=block.page if block else (clause.page if clause else None),
        block=block.index if block else None,
        start=start,
        end=start + len(quote),
        text=quote,
        match=text[place.start:place.end],
        match_start=max(0, place.start - start),
    )
