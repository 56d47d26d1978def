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
import weakref
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import regex
import yaml

# The features a statement has, in the order rules and explanations name them.
FEATURES = ("modality", "action", "object", "consideration", "time", "condition")
# Features whose English cues are lemmas that inflect.
INFLECTING = {"action", "object"}
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

    def label(self, feature: str, value: str, language: str) -> str:
        return self.labels.get((feature, value), {}).get(language) or value.replace("_", " ")

    def values(self, feature: str) -> tuple[str, ...]:
        return tuple(self.entries.get(feature, {}))

    def compiled(self, language: str) -> "CompiledLexicon":
        owner, cache = _COMPILED.get(id(self), (None, None))
        if owner is None or owner() is not self:  # an id is reused once its lexicon is gone
            cache = {}
            _COMPILED[id(self)] = (weakref.ref(self), cache)
        if language not in cache:
            cache[language] = CompiledLexicon(self, language)
        return cache[language]


# Compiled automata per lexicon, kept beside it rather than in it, so that a pickled rule pack
# (engine/pack_cache.py) carries data only.
_COMPILED: dict[int, tuple] = {}


@dataclass
class CompiledLexicon:
    lexicon: Lexicon
    language: str
    automaton: object = None
    gap_patterns: list = field(default_factory=list)  # (feature, value, literal parts, compiled)
    regexes: list = field(default_factory=list)  # (feature, value, compiled)

    def __post_init__(self):
        automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str, bool]]] = {}
        for feature, values in self.lexicon.entries.items():
            for value, by_language in values.items():
                for cue in by_language.get(self.language, ()):
                    self._add(feature, value, cue, keys)
        # A gap cue is worth a scan only where its longest part occurs: that part is a key of
        # the automaton too, and names the gap patterns it triggers.
        self._gap_triggers: dict[str, list[int]] = {}
        for position, (_, _, parts, _) in enumerate(self.gap_patterns):
            trigger = max(parts, key=len)
            self._gap_triggers.setdefault(trigger, []).append(position)
            keys.setdefault(trigger, [])
        for key, targets in keys.items():
            automaton.add_word(key, (key, tuple(targets)))
        if keys:
            automaton.make_automaton()
            self.automaton = automaton

    def _add(self, feature: str, value: str, cue: str, keys: dict) -> None:
        if cue.startswith(REGEX_PREFIX):
            flags = regex.IGNORECASE if self.language == "en" else 0
            self.regexes.append((feature, value, regex.compile(cue[len(REGEX_PREFIX):].strip(), flags)))
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
            self.gap_patterns.append((feature, value, tuple(parts), regex.compile(source, regex.IGNORECASE if self.language == "en" else 0)))
            return
        key = cue
        if inflects and len(cue) > 3 and cue.endswith("e"):
            key = cue[:-1]
        keys.setdefault(key, []).append((feature, value, inflects))

    def find(self, text: str, shift: int = 0) -> list[Cue]:
        """Every cue in `text` (normalised clause text), as spans of `text` moved by `shift`."""
        if self.language == "en":
            folded, to_original = _fold_spaces(text.lower())
        else:
            folded, to_original = text, None
        found: list[Cue] = []
        gaps_to_try: dict[int, list[int]] = {}  # gap pattern → where its trigger word ends
        if self.automaton is not None:
            english = self.language == "en"
            length = len(folded)
            triggers = self._gap_triggers
            for end_index, (key, targets) in self.automaton.iter(folded):
                if key in triggers:
                    for position in triggers[key]:
                        gaps_to_try.setdefault(position, []).append(end_index + 1)
                    if not targets:
                        continue
                start = end_index - len(key) + 1
                end = end_index + 1
                if not english:
                    found.extend(Cue(feature, value, start, end) for feature, value, _ in targets)
                    continue
                if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                    continue
                if end == length or not (folded[end].isalnum() or folded[end] == "_"):
                    # Most hits end where a word ends: every cue matches as written.
                    found.extend(Cue(feature, value, start, end) for feature, value, _ in targets)
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
                        found.append(Cue(feature, value, start, stop))
        for position in sorted(gaps_to_try):
            feature, value, parts, pattern = self.gap_patterns[position]
            if not all(part in folded for part in parts):
                continue
            # A gap cue spans a few words: look for it only around where its trigger word is.
            seen: set[tuple[int, int]] = set()
            for trigger_end in gaps_to_try[position]:
                window_start, window_end = max(0, trigger_end - _GAP_WINDOW), min(len(folded), trigger_end + _GAP_WINDOW)
                for m in pattern.finditer(folded, window_start, window_end, timeout=REGEX_TIMEOUT_SECONDS):
                    if (m.start(), m.end()) not in seen:
                        seen.add((m.start(), m.end()))
                        found.append(Cue(feature, value, m.start(), m.end()))
        for feature, value, pattern in self.regexes:
            try:
                for m in pattern.finditer(folded, timeout=REGEX_TIMEOUT_SECONDS):
                    if m.end() > m.start():
                        found.append(Cue(feature, value, m.start(), m.end()))
            except TimeoutError:
                continue
        if to_original is not None:
            found = [Cue(c.feature, c.value, to_original(c.start) + shift, to_original(c.end - 1) + 1 + shift) for c in found]
        elif shift:
            found = [Cue(c.feature, c.value, c.start + shift, c.end + shift) for c in found]
        return _drop_contained_modalities(found)


_RE_SPACE_RUN = regex.compile(r"\s{2,}|[^\S ]")


def _fold_spaces(text: str):
    """`text` with each run of white space as one space, and a function mapping an offset of
    the folded text back to `text` (one bisect over the runs, not a table per character)."""
    runs = list(_RE_SPACE_RUN.finditer(text))
    if not runs:
        return text, lambda offset: offset
    pieces: list[str] = []
    folded_starts: list[int] = []  # where, in the folded text, each kept stretch begins
    shifts: list[int] = []  # how far that stretch lies further on in `text`
    done = 0
    folded_length = 0
    for m in runs:
        if m.start() < done:
            continue
        pieces.append(text[done:m.start()])
        folded_length += m.start() - done
        pieces.append(" ")
        folded_starts.append(folded_length)
        shifts.append(m.start() - folded_length)
        folded_length += 1
        done = m.end()
        folded_starts.append(folded_length)
        shifts.append(done - folded_length)
    pieces.append(text[done:])

    def to_original(offset: int) -> int:
        position = bisect_right(folded_starts, offset) - 1
        return offset + (shifts[position] if position >= 0 else 0)

    return "".join(pieces), to_original


def _drop_contained_modalities(cues: list[Cue]) -> list[Cue]:
    """A modality cue inside a longer one of another modality does not count: "shall" in "shall
    not" is no duty, できる in できない is no right. One pass over the modal cues in order of
    start, keeping the longest reach so far, so a clause of a million cues stays linear."""
    cues = sorted(set(cues), key=lambda c: (c.start, -c.end, c.feature, c.value))
    modal = [c for c in cues if c.feature == "modality"]
    if not modal:
        return cues
    dropped: set[Cue] = set()
    reach: list[Cue] = []  # the modal cues whose span may still contain later ones, longest first
    for cue in modal:
        reach = [o for o in reach if o.end > cue.start]
        if any(o.value != cue.value and o.start <= cue.start and cue.end <= o.end and (o.end - o.start) > (cue.end - cue.start) for o in reach):
            dropped.add(cue)
        reach.append(cue)
        if len(reach) > 8:  # cues overlap only a few deep; a pathological run keeps the longest
            reach = sorted(reach, key=lambda o: o.end - o.start, reverse=True)[:8]
    return [c for c in cues if c not in dropped]


_RE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def load_lexicon(folder: Path, problems: list) -> Lexicon:
    """Read every `<feature>.yaml` of `folder`; each problem is (path, line, code, message)."""
    entries: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    labels: dict[tuple[str, str], dict[str, str]] = {}
    for feature in FEATURES:
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
            for language, words in by_language.items():
                if language == "label":
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
    return Lexicon(entries, str(folder), labels)
