"""Compile a rule pack into matchers: one PhraseMatcher and one Matcher per language.

All phrases and token patterns of a language go into a single PhraseMatcher and a single
Matcher, keyed by rule id, so a clause is tokenised once and matched once for all rules.
Regular expressions use the `regex` module, whose `timeout` stops a catastrophic pattern
(such as `(a+)+$`) instead of hanging the run. Party placeholders ({PARTY}, {US}, {THEM})
are expanded per document, since aliases differ from contract to contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import re._constants as sre
import re._parser as sre_parse

import ahocorasick
import regex

from clausecheck.engine.memo import memo
from clausecheck.engine.schema import Rule

# {OTHER}: in a conditional rule's `requires`, the side the hit does not favour.
PLACEHOLDERS = ("{PARTY}", "{US}", "{THEM}", "{OTHER}")
REGEX_TIMEOUT_SECONDS = 0.5


def _expand_dummy(pattern: str) -> str:
    for placeholder in PLACEHOLDERS:
        pattern = pattern.replace(placeholder, "(?:甲|乙|Party)")
    return pattern


def check_regex(pattern: str, language: str) -> str | None:
    """An error message when `pattern` does not compile, else None.

    A pattern without placeholders is compiled as the runner compiles it, through
    `compile_regex`'s cache, so validating a rule pack also warms the engine.
    """
    try:
        if any(placeholder in pattern for placeholder in PLACEHOLDERS):
            regex.compile(_expand_dummy(pattern), regex.IGNORECASE | regex.VERSION0)
        else:
            compile_regex(pattern, language)
    except (regex.error, OverflowError, RecursionError) as exc:
        return str(exc)
    return None


def check_token_pattern(pattern, language: str) -> str | None:
    """Validate a spaCy Matcher pattern (a list of token dicts) as spaCy itself does."""
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        return "a token pattern is a non-empty list of token mappings, e.g. [{LOWER: exclusive}]"
    from spacy.matcher import Matcher

    from clausecheck.lang import pipeline

    matcher = Matcher(pipeline(language).vocab, validate=True)
    try:
        matcher.add("check", [pattern])
    except Exception as exc:  # spaCy raises ValueError / MatchPatternError with coded text
        return str(exc).splitlines()[0][:300]
    return None


# In Japanese rules `[^。]` reads "within the sentence". A 。 that closes a defined term
# inside brackets (「…」という。）) does not end the sentence, so it is let through. (Line
# breaks stay crossable: a lead sentence and its 号 items read as one.)
_WITHIN_SENTENCE = "[^。]"
_WITHIN_SENTENCE_WIDENED = "(?:[^。]|。(?=[)）」』]))"


def widen_sentence_gaps(pattern: str) -> str:
    return pattern.replace(_WITHIN_SENTENCE, _WITHIN_SENTENCE_WIDENED)


@memo(4096)
def compile_regex(pattern: str, language: str):
    return regex.compile(widen_sentence_gaps(pattern), regex.IGNORECASE | regex.VERSION0)


@lru_cache(maxsize=4096)
def _parse(pattern: str):
    """`pattern` read by the standard library's regex parser, or None for `regex`-only syntax.

    The pattern readers below (required and leading literals, case folding, backtracking)
    share this one parse; none of them modifies it.
    """
    try:
        return sre_parse.parse(pattern, 0)
    except Exception:  # noqa: BLE001 - `regex` syntax the standard parser does not know
        return None


# Literal runs shorter than this make a weak filter: most clauses contain them anyway.
_MIN_LITERAL = 3


@memo(4096)
def required_literals(pattern: str) -> tuple[tuple[str, ...], ...] | None:
    """Groups of lower-case strings: every match of `pattern` contains one of each group.

    Scanning a clause with each of hundreds of rule regexes is the engine's main cost.
    Most patterns are sequences of word alternations such as
    `\\b(pay|payable)\\b[^.;]{0,120}\\b(within|no later than)`; a plain substring test on
    the lower-cased clause skips the regex when a group has no member there. The pattern
    is read with the standard library's parser; a pattern it cannot read, or one without
    a usable literal, gets None and is always run.
    """
    for placeholder in PLACEHOLDERS:
        pattern = pattern.replace(placeholder, "(?:.+)")  # aliases differ per document
    parsed = _parse(pattern)
    if parsed is None:
        return None

    def usable(group: frozenset[str]) -> bool:
        # Two kanji or kana are already as rare in a clause as a three-letter English word.
        return bool(group) and all(len(word) >= (_MIN_LITERAL if word.isascii() else 2) for word in group)

    def sequence(items) -> list[frozenset[str]]:
        """Every group a match of this sequence must contain one member of."""
        groups: list[frozenset[str]] = []
        run: list[str] = []
        for op, arg in list(items) + [(None, None)]:
            if op is sre.LITERAL:
                run.append(chr(arg))
                continue
            if run:
                groups.append(frozenset({"".join(run)}))
                if op is sre.BRANCH:
                    # The parser moves a prefix shared by all alternatives out of the
                    # branch (`pay|paid` → `pa(?:y|id)`): glue it back to each alternative.
                    groups.append(frozenset("".join(run) + leading(branch) for branch in arg[1]))
                run = []
            if op is not None:
                groups.extend(node(op, arg))
        return [group for group in groups if usable(group)]

    def leading(items) -> str:
        text = []
        for op, arg in items:
            if op is not sre.LITERAL:
                break
            text.append(chr(arg))
        return "".join(text)

    def best(groups: list[frozenset[str]]) -> frozenset[str] | None:
        return max(groups, key=lambda group: min(map(len, group)), default=None)

    def node(op, arg) -> list[frozenset[str]]:
        if op is sre.SUBPATTERN:
            return sequence(arg[-1])
        if op is sre.ATOMIC_GROUP:
            return sequence(arg)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            return sequence(arg[2]) if arg[0] >= 1 else []
        if op is sre.BRANCH:
            union: set[str] = set()
            for branch in arg[1]:
                chosen = best(sequence(branch))
                if chosen is None:
                    return []  # one alternative needs no literal: the branch needs none
                union |= chosen
            return [frozenset(union)]
        if op is sre.ASSERT:
            # A positive lookaround's text is not in the match but is in the scanned clause.
            return sequence(arg[1])
        return []  # classes, anchors, negative lookarounds, back-references: nothing required

    groups = sequence(parsed)
    if not groups:
        return None
    return tuple(sorted({tuple(sorted(word.lower() for word in group)) for group in groups}))


_SCOPED_FLAGS = regex.compile(r"\(\?[a-zA-Z]*-")


@memo(4096)
def matches_folded(pattern: str) -> bool:
    """True when `pattern` can run case-sensitively on lower-cased text with the same result.

    Case-insensitive matching costs the `regex` module about twice as much; a pattern whose
    literals, negated literals and ranges hold no upper-case letter finds the same spans in
    the lower-cased text (the runner uses this only when lower-casing keeps every offset).
    """
    if _SCOPED_FLAGS.search(pattern):
        return False  # (?-i:...) asks for case to matter somewhere
    parsed = _parse(pattern)
    if parsed is None:
        return False

    def lower_only(code: int) -> bool:
        return chr(code).lower() == chr(code)

    def walk(items) -> bool:
        for op, arg in items:
            if op in (sre.LITERAL, sre.NOT_LITERAL) and not lower_only(arg):
                return False
            if op is sre.RANGE and not all(lower_only(code) for code in range(arg[0], arg[1] + 1)):
                return False
            if op is sre.IN:
                if not walk(arg):
                    return False
                continue
            for part in arg if isinstance(arg, (tuple, list)) else ():
                if isinstance(part, sre_parse.SubPattern) and not walk(part.data):
                    return False
                if isinstance(part, list) and part and isinstance(part[0], sre_parse.SubPattern):
                    if not all(walk(branch.data) for branch in part):
                        return False
                if isinstance(part, list) and part and isinstance(part[0], tuple) and not walk(part):
                    return False
        return True

    return walk(parsed.data)


@memo(4096)
def compile_folded(pattern: str):
    """`pattern` for lower-cased text: see `matches_folded`."""
    return regex.compile(widen_sentence_gaps(pattern), regex.VERSION0)


def expand_placeholders(pattern: str, aliases: dict[str, str]) -> str:
    """Replace {PARTY}/{US}/{THEM} with an alternation of the document's party aliases."""
    if "{" not in pattern:
        return pattern
    for placeholder in PLACEHOLDERS:
        if placeholder in pattern:
            pattern = pattern.replace(placeholder, aliases.get(placeholder, "(?!)"))
    return pattern


@memo(4096)
def leading_literals(pattern: str) -> frozenset[str] | None:
    """Lower-case strings one of which every match of `pattern` starts with, or None.

    With them the runner tries the regex only where a match can begin, `match(text, pos)`
    at each place one of them occurs, instead of at every character of the clause: for
    `\\b(?:shall|will|must)\\s+not\\s+disclose` these are `shall`, `will`, `must`. Zero-width
    items before them (`\\b`, lookarounds) are skipped: `match` at a position still sees the
    text before it. None when a match may start with something else (a class, an optional
    item), with a string shorter than 3 letters (2 kana/kanji: too common to help), with a
    cased non-ASCII letter (lower-casing and the regex's case folding could disagree) or with
    a party placeholder (its text differs per document).
    """
    if any(placeholder in pattern for placeholder in PLACEHOLDERS):
        return None
    parsed = _parse(pattern)
    if parsed is None:
        return None
    zero_width = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)

    def starts(items) -> set[str] | None:
        items = list(items)
        i = 0
        while i < len(items) and items[i][0] in zero_width:
            i += 1
        if i == len(items):
            return None
        op, arg = items[i]
        if op is sre.LITERAL:
            run = []
            while i < len(items) and items[i][0] is sre.LITERAL:
                run.append(chr(items[i][1]))
                i += 1
            # The parser moves a prefix shared by alternatives out of the branch
            # (`shall|should` → `sh(?:all|ould)`): the branch's own starts extend it.
            following = starts(items[i:]) if i < len(items) else None
            prefix = "".join(run)
            return {prefix + rest for rest in following} if following else {prefix}
        if op is sre.SUBPATTERN:
            return starts(arg[-1])
        if op is sre.ATOMIC_GROUP:
            return starts(arg)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
            return starts(arg[2])
        if op is sre.BRANCH:
            union: set[str] = set()
            for branch in arg[1]:
                found = starts(branch)
                if not found:
                    return None
                union |= found
            return union
        return None

    found = starts(parsed.data)
    if not found:
        return None
    words = {word.lower() for word in found}
    if any(len(word) < (_MIN_LITERAL if word.isascii() else 2) for word in words):
        return None
    if any(not word.isascii() and word.upper() != word.lower() for word in words):
        return None
    return frozenset(words)


# Character sets as bits over the Basic Multilingual Plane, plus one bit that stands for
# every character beyond it; built once, on first use (see `_char_class`).
_BEYOND_BMP = 1 << 0x10000
_ALL_CHARS = (1 << 0x10001) - 1
# A one-character repeat bounded by this many is a gap (`[^.;]{0,150}`); above, unbounded.
_LONGEST_BOUNDED_GAP = 300
# A bounded repeat of a group tries at most this many counts: kept small, since each count
# is tried against what follows.
_MAX_GROUP_REPEAT = 16


@lru_cache(maxsize=1)
def _categories() -> dict:
    import unicodedata

    word = digit = space = 0
    for code in range(0x10000):
        ch = chr(code)
        # Generous on purpose: a set that is too large can only make a pattern look less safe.
        if ch.isalnum() or ch == "_" or unicodedata.category(ch) in ("Mn", "Mc", "Me", "Pc") or code in (0x200C, 0x200D):
            word |= 1 << code
        if ch.isdigit() or unicodedata.category(ch) == "Nd":
            digit |= 1 << code
        if ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp") or code == 0x85:
            space |= 1 << code
    return {"WORD": word | _BEYOND_BMP, "DIGIT": digit | _BEYOND_BMP, "SPACE": space}


def _char_class(op, arg) -> int | None:
    """The characters a one-character item can match, as bits (both cases of a letter), or None."""

    def letters(code: int) -> int:
        ch = chr(code)
        bits = 0
        for variant in {ch, ch.lower(), ch.upper(), ch.casefold()}:
            if len(variant) == 1:
                bits |= 1 << ord(variant) if ord(variant) < 0x10000 else _BEYOND_BMP
        return bits

    def category(name: str) -> int:
        sets = _categories()
        for key in ("WORD", "DIGIT", "SPACE"):
            if name.endswith("NOT_" + key):
                return (_ALL_CHARS & ~sets[key]) | _BEYOND_BMP
            if name.endswith(key):
                return sets[key]
        return _ALL_CHARS  # line breaks and the like: assume anything

    if op is sre.LITERAL:
        return letters(arg)
    if op is sre.NOT_LITERAL:
        return _ALL_CHARS & ~letters(arg) | _BEYOND_BMP
    if op is sre.ANY:
        return _ALL_CHARS
    if op is sre.CATEGORY:
        return category(str(arg))
    if op is sre.IN:
        bits, negate = 0, False
        for item_op, item_arg in arg:
            if item_op is sre.NEGATE:
                negate = True
            elif item_op is sre.RANGE:
                low, high = item_arg
                if high - low > 5000:
                    bits |= _ALL_CHARS  # a huge range: no need to be exact
                else:
                    for code in range(low, high + 1):
                        bits |= letters(code)
            else:
                inner = _char_class(item_op, item_arg)
                if inner is None:
                    return None
                bits |= inner
        return (_ALL_CHARS & ~bits | _BEYOND_BMP) if negate else bits
    return None


@memo(4096)
def backtracking_is_bounded(pattern: str) -> bool:
    """True when one match attempt at one position cannot take long, whatever the text.

    The `regex` module's time limit costs a system call per call (it reads the process
    clock), as much as a whole match attempt at one position. The runner tries most
    patterns at many positions (see `leading_literals`), so it drops the limit for patterns
    this check passes and keeps a shared deadline between the tries.

    Backtracking multiplies when two unbounded repeats next to each other can take the same
    characters (`\\w+\\s*\\w+`, `.*.*`): every split of the text between them is tried. So,
    reading the pattern in order, each unbounded repeat's characters must be disjoint from
    those of the unbounded repeats that can touch it (with only optional items, gaps or
    characters both can take between them). `\\w+\\s+`, `\\s+(?:shall|will)\\s+` and
    `(?:\\w+\\s+){0,3}` pass, since a word character can never be a space. A bounded gap
    such as `[^.;]{0,150}` tries at most its bound at each split, so a few gaps in a row
    cost the product of their bounds at worst. A repeat of a group is allowed up to
    `_MAX_GROUP_REPEAT` times, without alternatives inside (`(a|aa)+` is refused) and with
    the same check across the join of two rounds. Back-references, conditionals and
    anything the parser cannot read are refused. Character sets are exact on the Basic
    Multilingual Plane and generous beyond it. A wrong answer costs speed, never
    correctness: an unsafe pattern keeps the time limit on every try.
    """
    parsed = _parse(widen_sentence_gaps(pattern))  # as compile_regex compiles it
    if parsed is None:
        return False
    repeats = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)

    class Unsafe(Exception):
        pass

    def sequence(items, touching: int, in_group_repeat: bool) -> int:
        """The characters repeats at the end of `items` can take (what the next item touches)."""
        for op, arg in items:
            touching = item(op, arg, touching, in_group_repeat)
        return touching

    def item(op, arg, touching: int, in_group_repeat: bool) -> int:
        if op is sre.AT:
            return touching
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            sequence(arg[1], 0, False)  # tried on its own; it takes no characters
            return touching
        single = _char_class(op, arg)
        if single is not None:
            # One required character: if repeats before it cannot take it, they end here.
            return touching if single & touching else 0
        if op is sre.SUBPATTERN:
            return sequence(arg[-1], touching, in_group_repeat)
        if op is sre.ATOMIC_GROUP:
            return sequence(arg, touching, in_group_repeat)
        if op is sre.BRANCH:
            if in_group_repeat:
                raise Unsafe  # (a|aa){0,9}: rounds can split the same text many ways
            out = 0
            for branch in arg[1]:
                out |= sequence(branch, touching, in_group_repeat)
            return out
        if op in repeats:
            low, high, body = arg
            chars = _char_class(*body.data[0]) if len(body.data) == 1 else None
            if high <= 1:  # optional: what follows may touch what came before it
                out = sequence(body, touching, in_group_repeat)
                return out | touching if low == 0 else out
            if chars is not None:
                if high <= _LONGEST_BOUNDED_GAP:
                    # A gap such as [^.;]{0,150} tries at most its bound at each split: it
                    # neither multiplies the tries nor parts the repeats around it.
                    return touching
                if chars & touching:
                    raise Unsafe
                return (touching | chars) if low == 0 else chars
            if high > _MAX_GROUP_REPEAT or in_group_repeat:
                raise Unsafe
            first = sequence(body, touching, True)
            # The end of one round touches the start of the next.
            looped = sequence(body, touching | first, True)
            return (touching | looped) if low == 0 else looped
        raise Unsafe  # back-references, conditionals, anything unknown

    try:
        sequence(parsed, 0, False)
    except Unsafe:
        return False
    return True


class LiteralIndex:
    """For every regex of a language: can it match this clause, and where may a match start?

    `required_literals` gives every pattern groups of words, one of each group being in any
    match; `leading_literals` gives the words a match starts with. One Aho-Corasick pass
    over the lower-cased clause (pyahocorasick) finds all of those words. Each group is a
    bit, and a pattern is worth running only when every one of its bits is set; it is then
    tried only at the places its leading words occur. Patterns without usable required
    words always run; patterns without leading words are scanned whole.
    """

    def __init__(self, patterns: list[str]):
        self._needs: list[int] = []
        self._leading: list[tuple[str, ...] | None] = []
        word_bits: dict[str, int] = {}
        bit = 0
        for pattern in patterns:
            need = 0
            for group in required_literals(pattern) or ():
                for word in group:
                    word_bits[word] = word_bits.get(word, 0) | (1 << bit)
                need |= 1 << bit
                bit += 1
            self._needs.append(need)
            leading = leading_literals(pattern)
            self._leading.append(tuple(sorted(leading)) if leading else None)
            for word in leading or ():
                word_bits.setdefault(word, 0)
        self._automaton = None
        if word_bits:
            self._automaton = ahocorasick.Automaton()
            for word, bits in word_bits.items():
                self._automaton.add_word(word, (word, bits))
            self._automaton.make_automaton()

    def viable(self, lowered: str) -> list[tuple[int, list[int] | None]]:
        """(index, starts) of each pattern that may match `lowered`, a lower-cased clause.

        `starts` are the ascending offsets where a match can begin; None means anywhere.
        """
        present = 0
        positions: dict[str, list[int]] = {}
        if self._automaton is not None:
            for end, (word, bits) in self._automaton.iter(lowered):
                present |= bits
                positions.setdefault(word, []).append(end - len(word) + 1)
        viable = []
        for i, need in enumerate(self._needs):
            if need & present != need:
                continue
            leading = self._leading[i]
            if leading is None:
                viable.append((i, None))
            elif len(leading) == 1:
                viable.append((i, positions.get(leading[0], [])))
            else:
                viable.append((i, sorted({start for word in leading for start in positions.get(word, ())})))
        return viable


@dataclass
class CompiledLanguage:
    """A language's share of the rule pack, ready to match.

    spaCy is imported, and the language's pipeline built, only when a clause could match a
    phrase or a rule uses token patterns: the built-in pack has phrases for one rule only, so
    most runs (and the command line on one file) never pay for it.
    """

    language: str
    regex_rules: list[tuple[Rule, str]] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rule id → normalised phrases
    token_patterns: dict[str, list] = field(default_factory=dict)  # rule id → spaCy Matcher patterns
    # Every phrase lower-cased without its whitespace. Matching tokens are the phrase's
    # tokens, written with or without space between them, so a clause that, with its own
    # whitespace removed, does not contain this string cannot match the phrase.
    phrase_keys: tuple[str, ...] = ()
    literal_index: LiteralIndex | None = None
    _matchers: tuple | None = None

    def viable_regexes(self, lowered_text: str) -> list[tuple[Rule, str, list[int] | None]]:
        """(rule, pattern, starts) of the regexes worth running on a clause (see LiteralIndex)."""
        return [(*self.regex_rules[i], starts) for i, starts in self.literal_index.viable(lowered_text)]

    def needs_tokens_for(self, lowered_text: str) -> bool:
        if self.token_patterns:
            return True
        if not self.phrase_keys:
            return False
        squeezed = "".join(lowered_text.split())
        return any(key in squeezed for key in self.phrase_keys)

    def matchers(self) -> tuple:
        """The PhraseMatcher and the token Matcher (None where the language has none), built on first use."""
        if self._matchers is None:
            from spacy.matcher import Matcher, PhraseMatcher

            from clausecheck.lang import pipeline

            nlp = pipeline(self.language)
            phrase_matcher = token_matcher = None
            if self.phrases:
                phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER" if self.language == "en" else "ORTH")
                for rule_id, phrases in self.phrases.items():
                    phrase_matcher.add(rule_id, [nlp.make_doc(phrase) for phrase in phrases])
            if self.token_patterns:
                token_matcher = Matcher(nlp.vocab, validate=True)
                for rule_id, patterns in self.token_patterns.items():
                    token_matcher.add(rule_id, patterns)
            self._matchers = (phrase_matcher, token_matcher)
        return self._matchers


def compile_rules(rules: list[Rule], language: str) -> CompiledLanguage:
    """Matchers for every active rule with a block in `language`."""
    from clausecheck.lang import normalise

    compiled = CompiledLanguage(language)
    phrase_keys: set[str] = set()
    for rule in rules:
        block = rule.languages.get(language)
        if block is None or rule.disabled:
            continue
        compiled.rules[rule.id] = rule
        if block.phrases:
            phrases = tuple(normalise(p).text for p in block.phrases)
            compiled.phrases[rule.id] = phrases
            phrase_keys.update("".join(phrase.lower().split()) for phrase in phrases)
        if block.patterns:
            compiled.token_patterns[rule.id] = [list(p) for p in block.patterns]
        for pattern in block.regex:
            compiled.regex_rules.append((rule, pattern))
    compiled.phrase_keys = tuple(sorted(key for key in phrase_keys if key))
    compiled.literal_index = LiteralIndex([pattern for _rule, pattern in compiled.regex_rules])
    if compiled.token_patterns:
        compiled.matchers()  # every clause is tokenised anyway
    return compiled
