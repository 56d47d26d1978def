"""Cue words of the statement features, read from rules/lexicon/*.yaml and matched in one pass.

Each language's cues are compiled once into an Aho-Corasick automaton over lower-cased text
(with white space folded to single spaces in English), so a sentence is scanned once for all
features however many cues the lexicon holds. Cues with a gap (`bear ~ costs`) or written as
regular expressions (`re: ...`) are few; they are tried only in clauses that hold their first
word (gap cues) or always (regexes, each with a time limit).

English cues of the inflecting features (actions, objects) also match their usual inflections
(assign → assigns, assigned, assigning, assignment; terminate → termination), so the lexicon
lists lemmas, not word forms. Japanese cues are stems (譲渡, 譲り渡), found anywhere.
"""

from __future__ import annotations

import re
import time
import weakref
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import regex
import yaml

from clausecheck.engine.compiler import leading_literals, matches_folded, required_literals

# The features a statement has, in the order rules and explanations name them.
FEATURES = ("modality", "action", "object", "consideration", "time", "condition")
# The cue words of what a number is for (rules/lexicon/quantity.yaml): found with the features,
# in the same pass, and read by statements/numbers.py.
MEANING = "quantity"
QUANTITY_KINDS = ("duration", "amount", "percent")
# Features whose English cues are lemmas that inflect.
INFLECTING = {"action", "object", MEANING}
LANGUAGES = ("en", "ja")
GAP = "~"
REGEX_PREFIX = "re:"
REGEX_TIMEOUT_SECONDS = 0.05
# After an English lemma (its final e dropped): the endings that keep the word's meaning.
_EN_INFLECTIONS = frozenset(("", "e", "es", "s", "ed", "d", "ing", "ion", "ions", "ation", "ations", "ment", "ments", "ement", "ements", "al", "ly", "ally", "ity", "ities", "ies", "y", "ied"))
_EN_PLURAL = frozenset(("", "s"))
_EN_GAP = r"(?:\s+\S+){0,3}?\s+"
# How far around its trigger word a gap cue is looked for (three words or twenty characters
# of gap, the other parts, and room for the longest of them).
_GAP_WINDOW = 120
_JA_GAP = r"[^。]{0,20}?"


class Cue(NamedTuple):
    """One cue found in a text: which feature value it signals, and where. (A named tuple: a
    clause has thousands, and a frozen dataclass costs several times more to make.)"""

    feature: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Lexicon:
    """The cue lists: {feature: {value: {language: (cue, ...)}}}."""

    entries: dict[str, dict[str, dict[str, tuple[str, ...]]]]
    path: str = ""
    # (feature, value) → {"en": ..., "ja": ...}: how the memo says a feature in plain words
    labels: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    # What a number may be for: {meaning: (the kinds of quantity it applies to, is it the
    # kinds' fallback)}, in the order of quantity.yaml (which wins a tie).
    meanings: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    # Other spellings of Japanese cues, from Sudachi's dictionary (statements/variants.py):
    # {cue: (引渡し, 引渡, ...)}; each matches as its cue does.
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, feature: str, value: str, language: str) -> str:
        return self.labels.get((feature, value), {}).get(language) or value.replace("_", " ")

    def values(self, feature: str) -> tuple[str, ...]:
        return tuple(self.entries.get(feature, {}))

    def compiled(self, language: str, meanings: bool = False) -> "CompiledLexicon":
        """The cues of a language's statement features, or (`meanings`) of what a number is for:
        those are read only around the numbers a rule asks about (statements/numbers.py)."""
        owner, cache = _COMPILED.get(id(self), (None, None))
        if owner is None or owner() is not self:  # an id is reused once its lexicon is gone
            cache = {}
            _COMPILED[id(self)] = (weakref.ref(self), cache)
        if (language, meanings) not in cache:
            cache[(language, meanings)] = CompiledLexicon(self, language, meanings)
        return cache[(language, meanings)]


# Compiled automata per lexicon, kept beside it rather than in it, so that a pickled rule pack
# (engine/pack_cache.py) carries data only.
_COMPILED: dict[int, tuple] = {}


@dataclass
class CompiledLexicon:
    lexicon: Lexicon
    language: str
    meanings: bool = False  # the quantity.yaml cues only, else every feature but those
    automaton: object = None
    gap_patterns: list = field(default_factory=list)  # (feature, value, literal parts, compiled)
    regexes: list = field(default_factory=list)  # (feature, value, compiled, literals every match holds or None)

    def __post_init__(self):
        automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str, bool]]] = {}
        for feature, values in self.lexicon.entries.items():
            if (feature == MEANING) != self.meanings:
                continue
            for value, by_language in values.items():
                for cue in by_language.get(self.language, ()):
                    self._add(feature, value, cue, keys)
                    if self.language == "ja":
                        for variant in self.lexicon.variants.get(cue, ()):
                            self._add(feature, value, variant, keys)
        # A gap cue is worth a scan only where its longest part occurs: that part is a key of
        # the automaton too, and names the gap patterns it triggers.
        triggers: dict[str, list[int]] = {}
        self._gap_others: list[tuple[str, ...]] = []  # per gap pattern: its parts but the trigger
        for position, (_, _, parts, _) in enumerate(self.gap_patterns):
            trigger = max(parts, key=len)
            triggers.setdefault(trigger, []).append(position)
            # Each part after the first follows a space (English text is read with its white
            # space folded to single spaces).
            space = " " if self.language == "en" else ""
            self._gap_others.append(tuple((space if i else "") + p for i, p in enumerate(parts) if p != trigger))
            keys.setdefault(trigger, [])
        for key, targets in keys.items():
            pairs = tuple((feature, value) for feature, value, _ in targets)
            automaton.add_word(key, (len(key), pairs, tuple(targets), tuple(triggers.get(key, ()))))
        if keys:
            automaton.make_automaton()
            self.automaton = automaton

    def _compile(self, source: str):
        """English cues match regardless of case; the text they run on is lower-cased, so a
        pattern that reads the same there (compiler.matches_folded) runs case-sensitively, at
        half the cost."""
        if self.language != "en" or matches_folded(source):
            return regex.compile(source)
        return regex.compile(source, regex.IGNORECASE)

    def _leading(self, source: str) -> tuple[str, ...] | None:
        """The strings every match of a case-sensitive pattern starts with (see `_matches`)."""
        if self.language == "en" and not matches_folded(source):
            return None
        leading = leading_literals(source)
        return tuple(sorted(leading)) if leading else None

    def _add(self, feature: str, value: str, cue: str, keys: dict) -> None:
        if cue.startswith(REGEX_PREFIX):
            source = cue[len(REGEX_PREFIX):].strip()
            self.regexes.append((feature, value, self._compile(source), required_literals(source), self._leading(source)))
            return
        cue = " ".join(cue.lower().split()) if self.language == "en" else cue
        inflects = self.language == "en" and feature in INFLECTING
        if GAP in cue:
            parts = [p.strip() for p in cue.split(GAP) if p.strip()]
            if self.language == "en":
                body = _EN_GAP.join(regex.escape(p).replace(r"\ ", r"\s+") for p in parts)
                source = rf"(?<![\w]){body}" + (r"\w{0,6}" if inflects else "") + r"(?![\w])"
            else:
                source = _JA_GAP.join(regex.escape(p) for p in parts)
            self.gap_patterns.append((feature, value, tuple(parts), self._compile(source)))
            return
        key = cue
        if inflects and len(cue) > 3 and cue.endswith("e"):
            key = cue[:-1]
        keys.setdefault(key, []).append((feature, value, inflects))

    def find(self, text: str, shift: int = 0) -> list[Cue]:
        """Every cue in `text` (normalised clause text), as spans of `text` moved by `shift`,
        each once, in order of (start, end, feature, value)."""
        english = self.language == "en"
        if english:
            folded, folded_starts, shifts = _fold_spaces(text.lower())
        else:
            folded, folded_starts, shifts = text, None, None
        # Found cues are plain (start, end, feature, value) tuples until the end: they sort as
        # they are, and a clause has thousands.
        found: list[tuple[int, int, str, str]] = []
        add = found.append
        gaps_to_try: dict[int, list[int]] = {}  # gap pattern → where its trigger word ends
        if self.automaton is not None:
            length = len(folded)
            for end_index, (key_length, pairs, targets, triggered) in self.automaton.iter(folded):
                start = end_index - key_length + 1
                end = end_index + 1
                if not english:
                    if triggered:
                        for position in triggered:
                            gaps_to_try.setdefault(position, []).append(end)
                    for feature, value in pairs:
                        add((start, end, feature, value))
                    continue
                before = folded[start - 1] if start > 0 else " "
                inside_word = before != " " and (before.isalnum() or before == "_")
                # Each part of a gap cue follows a space or a non-word character (regex \w
                # holds every letter and decimal digit), so a trigger inside a word is none.
                if triggered and not (inside_word and (before.isalpha() or before.isdecimal() or before == "_")):
                    for position in triggered:
                        gaps_to_try.setdefault(position, []).append(end)
                if inside_word or not pairs:
                    continue
                if end == length or not (folded[end].isalnum() or folded[end] == "_"):
                    # Most hits end where a word ends: every cue matches as written.
                    for feature, value in pairs:
                        add((start, end, feature, value))
                    continue
                # The word goes on: read its ending (a few letters) and keep the cues it fits.
                stop = end
                while stop < length and stop - end < 8 and folded[stop].isalpha():
                    stop += 1
                if stop < length and (folded[stop].isalnum() or folded[stop] == "_"):
                    continue  # a longer word that merely starts like the cue
                ending = folded[end:stop]
                for feature, value, inflects in targets:
                    if ending in (_EN_INFLECTIONS if inflects else _EN_PLURAL):
                        add((start, stop, feature, value))
        for position in sorted(gaps_to_try):
            feature, value, parts, pattern = self.gap_patterns[position]
            # A gap cue spans a few words: look for it only around where its trigger word is,
            # and only where every other part of it is there too.
            others = self._gap_others[position]
            seen: set[tuple[int, int]] = set()
            for trigger_end in gaps_to_try[position]:
                window_start, window_end = max(0, trigger_end - _GAP_WINDOW), min(len(folded), trigger_end + _GAP_WINDOW)
                if others and not all(folded.find(part, window_start, window_end) >= 0 for part in others):
                    continue
                try:
                    for m in pattern.finditer(folded, window_start, window_end, timeout=REGEX_TIMEOUT_SECONDS):
                        span = m.span()
                        if span not in seen:
                            seen.add(span)
                            add((span[0], span[1], feature, value))
                except TimeoutError:
                    break  # a gap cue that takes this long is not read in this clause: no cue, no crash
        for feature, value, pattern, needs, leading in self.regexes:
            # A literal every match contains, missing from the text, saves the scan.
            if needs and not all(any(word in folded for word in group) for group in needs):
                continue
            try:
                for m in _matches(pattern, folded, leading):
                    if m.end() > m.start():
                        add((m.start(), m.end(), feature, value))
            except TimeoutError:
                continue
        kept = _drop_contained_modalities(found)
        # Offsets go back to the text as given only now, on the cues kept: the mapping keeps
        # their order, and a span that holds another still holds it.
        if folded_starts:
            return [_new_cue(Cue, (f, v, s + shifts[bisect_right(folded_starts, s) - 1] + shift, e + shifts[bisect_right(folded_starts, e - 1) - 1] + shift)) for s, e, f, v in kept]
        return [_new_cue(Cue, (f, v, s + shift, e + shift)) for s, e, f, v in kept]


_new_cue = tuple.__new__  # a Cue from its fields without the named tuple's own __new__ (a Python call)


def occurrences(text: str, words) -> list[int]:
    """Where any of `words` starts in `text`, in order."""
    found: list[int] = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + 1)
    found.sort()
    return found


def _matches(pattern, text: str, leading: tuple[str, ...] | None):
    """`pattern.finditer(text)` with the time limit, tried only where one of `leading` (the
    strings every match starts with) occurs, when there are such strings."""
    if leading is None:
        yield from pattern.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)
        return
    deadline = time.perf_counter() + REGEX_TIMEOUT_SECONDS
    last_end = 0
    for start in sorted(set(occurrences(text, leading))):
        if start < last_end:
            continue
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError("regex time limit")
        m = pattern.match(text, start, timeout=remaining)
        if m is not None:
            yield m
            last_end = max(m.end(), start + 1)


# Every character the `regex` module's \s matches (Unicode White_Space; all lie below U+3001).
_WHITE_SPACE = "".join(chr(code) for code in range(0x3001) if regex.match(r"\s", chr(code)))
_RE_OTHER_SPACE = re.compile("[" + re.escape(_WHITE_SPACE.replace(" ", "")) + "]")
_RE_SPACES = re.compile(" {2,}")


def _fold_spaces(text: str):
    """`text` with each run of white space as one space, and how to map an offset of the
    folded text back to `text`: (folded, starts, shifts) where an offset at or after
    `starts[i]` (the last such i) lies `shifts[i]` characters further on in `text`; starts is
    None when no offset moves (one white space character becomes one space)."""
    text = _RE_OTHER_SPACE.sub(" ", text)  # one character for one: offsets stay
    if "  " not in text:
        return text, None, None
    pieces: list[str] = []
    folded_starts: list[int] = [0]  # where, in the folded text, each kept stretch begins
    shifts: list[int] = [0]  # how far that stretch lies further on in `text`
    done = 0
    folded_length = 0
    for m in _RE_SPACES.finditer(text):
        # The run's first space is kept: the stretch after it moves by the rest of the run.
        kept = m.start() + 1
        pieces.append(text[done:kept])
        folded_length += kept - done
        done = m.end()
        folded_starts.append(folded_length)
        shifts.append(done - folded_length)
    pieces.append(text[done:])
    return "".join(pieces), folded_starts, shifts


def _drop_contained_modalities(cues: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """A modality cue inside a longer one of another modality does not count: "shall" in "shall
    not" is no duty, できる in できない is no right. One pass over the modal cues in order of
    start, keeping the longest reach so far, so a clause of a million cues stays linear.
    Takes and returns (start, end, feature, value) tuples: the ones kept, each once, sorted."""
    cues = sorted(set(cues))
    modal = sorted((c for c in cues if c[2] == "modality"), key=lambda c: (c[0], -c[1], c[3]))
    if not modal:
        return cues
    dropped: set = set()
    reach: list = []  # the modal cues whose span may still contain later ones, longest first
    for cue in modal:
        start, end, _, value = cue
        reach = [o for o in reach if o[1] > start]
        if any(o[3] != value and o[0] <= start and end <= o[1] and (o[1] - o[0]) > (end - start) for o in reach):
            dropped.add(cue)
        reach.append(cue)
        if len(reach) > 8:  # cues overlap only a few deep; a pathological run keeps the longest
            reach = sorted(reach, key=lambda o: o[1] - o[0], reverse=True)[:8]
    return [c for c in cues if c not in dropped] if dropped else cues


_RE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def load_lexicon(folder: Path, problems: list) -> Lexicon:
    """Read every `<feature>.yaml` of `folder`, and `quantity.yaml`; each problem is (path,
    line, code, message)."""
    entries: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    labels: dict[tuple[str, str], dict[str, str]] = {}
    meanings: dict[str, tuple[tuple[str, ...], bool]] = {}
    for feature in FEATURES + (MEANING,):
        path = folder / f"{feature}.yaml"
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            problems.append((str(path), 1, "E201", f"cannot read lexicon: {error}"))
            continue
        if not isinstance(data, dict):
            problems.append((str(path), 1, "E212", "a lexicon file maps ids to {en: [...], ja: [...]}"))
            continue
        values: dict[str, dict[str, tuple[str, ...]]] = {}
        for value, by_language in data.items():
            if not isinstance(value, str) or not _RE_ID.match(value) or not isinstance(by_language, dict):
                problems.append((str(path), 1, "E212", f"lexicon entry {value!r}: an id (a-z, _) mapping to en/ja cue lists"))
                continue
            cues: dict[str, tuple[str, ...]] = {}
            label = by_language.get("label")
            if label is not None:
                if isinstance(label, dict) and all(isinstance(label.get(lang), str) for lang in LANGUAGES):
                    labels[(feature, value)] = {lang: label[lang] for lang in LANGUAGES}
                else:
                    problems.append((str(path), 1, "E212", f"lexicon entry {value!r}: `label` needs an en and a ja text"))
            if feature == MEANING:
                meanings[value] = _meaning(path, value, by_language, problems)
            for language, words in by_language.items():
                if language == "label" or (feature == MEANING and language in _MEANING_KEYS):
                    continue
                if language not in LANGUAGES or not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                    problems.append((str(path), 1, "E212", f"lexicon entry {value!r}: `{language}` must be en or ja with a list of cue words"))
                    continue
                for word in words:
                    if word.startswith(REGEX_PREFIX):
                        try:
                            regex.compile(word[len(REGEX_PREFIX):].strip())
                        except regex.error as error:
                            problems.append((str(path), 1, "E206", f"lexicon entry {value!r}: bad regex {word!r}: {error}"))
                cues[language] = tuple(words)
            values[value] = cues
        entries[feature] = values
    return Lexicon(entries, str(folder), labels, meanings)


_MEANING_KEYS = ("of", "fallback")


def _meaning(path: Path, value: str, entry: dict, problems: list) -> tuple[tuple[str, ...], bool]:
    """A quantity.yaml entry's `of` (the kinds of quantity it is a meaning of) and `fallback`."""
    kinds = entry.get("of")
    if not isinstance(kinds, list) or not kinds or any(kind not in QUANTITY_KINDS for kind in kinds):
        problems.append((str(path), 1, "E212", f"quantity meaning {value!r}: `of` must list kinds of quantity ({', '.join(QUANTITY_KINDS)})"))
        kinds = []
    fallback = entry.get("fallback", False)
    if not isinstance(fallback, bool):
        problems.append((str(path), 1, "E212", f"quantity meaning {value!r}: `fallback` must be true or false"))
        fallback = False
    return tuple(kinds), fallback
