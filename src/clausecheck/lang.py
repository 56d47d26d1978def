"""Language detection, NFKC normalisation with an offset map, and the spaCy pipelines.

Rules match on normalised text (full-width → half-width, compatibility forms folded,
invisible characters removed) so that `ex\u200bclusive` or `ＥＸＣＬＵＳＩＶＥ` still match;
evidence is always cut from the original text through the offset map, so the memo
shows the contract's own characters.

Text written to slip past a checker is read through as well: variation selectors (VS16,
ideographic variation sequences), tag characters and Hangul fillers are removed like other
invisible characters; a Cyrillic or Greek letter inside a Latin word (`еxclusive` with a
Cyrillic е) is read as the Latin letter it looks like, from Unicode's confusables table
(the `confusable-homoglyphs` package); one space between two Japanese characters (独　占,
独 占) is dropped. The counts are kept so the engine can warn.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

# Characters removed before matching: zero-width, soft hyphen, bidi controls, BOM.
INVISIBLE = frozenset(
    "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Variation selectors (VS1-16, and VS17-256 that make ideographic variation sequences), tag
# characters (U+E0000-E007F, invisible) and the Hangul fillers: nothing a word is made of.
INVISIBLE = INVISIBLE | frozenset(
    [chr(code) for code in range(0xFE00, 0xFE10)]
    + [chr(code) for code in range(0xE0100, 0xE01F0)]
    + [chr(code) for code in range(0xE0000, 0xE0080)]
    + ["\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u180b", "\u180c", "\u180d", "\u180f"]
)
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Confusables are looked for only among these scripts' letters (Latin words disguised).
CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK")
# A run of letters, and one space between two Japanese characters (kana, kanji).
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_SPACE_IN_JAPANESE_WORD = re.compile(f"(?<=[{_CJK_CLASS}])[ \u3000](?=[{_CJK_CLASS}])")

# Half-width katakana voicing marks combine with the previous character under NFKC.
_JOINING_MARKS = frozenset("\uff9e\uff9f\u3099\u309a")


@dataclass(frozen=True)
class NormalisedText:
    """`text` is the normalised string; `origin[i]` is the original offset of text[i]."""

    text: str
    origin: tuple[int, ...]
    original_length: int
    removed_invisible: int
    folded_confusables: int = 0  # Cyrillic/Greek letters read as the Latin ones they look like
    joined: tuple[int, ...] = ()  # offsets in `text` where a space inside a Japanese word was dropped

    def joins_within(self, start: int, end: int) -> bool:
        """True when a dropped space lay inside the half-open span [start, end) of `text`."""
        index = bisect_left(self.joined, start + 1)
        return index < len(self.joined) and self.joined[index] < end

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text back to the original text."""
        if not self.origin:
            return 0, 0
        start = min(max(start, 0), len(self.origin))
        end = min(max(end, start), len(self.origin))
        orig_start = self.origin[start] if start < len(self.origin) else self.original_length
        if end == 0:
            return orig_start, orig_start
        last = self.origin[end - 1]
        # The original end is the start of the next original cluster after `last`.
        next_index = end
        while next_index < len(self.origin) and self.origin[next_index] == last:
            next_index += 1
        orig_end = self.origin[next_index] if next_index < len(self.origin) else self.original_length
        return orig_start, max(orig_end, orig_start)

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the original text to the normalised text (the chars whose
        origin lies inside it)."""
        return bisect_left(self.origin, start), bisect_left(self.origin, end)


# ASCII is its own NFKC form and holds no invisible character: only the rest needs work.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


# The engine, lint and the contract-type and profile checks each normalise the same clause and
# document texts; NormalisedText is immutable, so one result serves them all. The shared
# results are bounded by their characters (the offset map costs about 36 bytes a character).
NORMALISED_CACHE_CHARS = 400_000
_normalised: dict[str, NormalisedText] = {}
_normalised_chars = 0
_normalised_lock = threading.Lock()


def normalise(text: str) -> NormalisedText:
    """NFKC-normalise `text` cluster by cluster, keeping where every output char came from."""
    global _normalised_chars
    found = _normalised.get(text)
    if found is not None:
        return found
    result = _normalise(text)
    if len(text) <= NORMALISED_CACHE_CHARS:
        with _normalised_lock:
            while _normalised and _normalised_chars + len(text) > NORMALISED_CACHE_CHARS:
                oldest = next(iter(_normalised))
                del _normalised[oldest]
                _normalised_chars -= len(oldest)
            if text not in _normalised:
                _normalised[text] = result
                _normalised_chars += len(text)
    return result


def _normalise(text: str) -> NormalisedText:
    n = len(text)
    if text.isascii():
        return NormalisedText(text, tuple(range(n)), n, 0)
    out: list[str] = []
    origin: list[int] = []
    removed = 0
    done = 0
    evasion = _Evasion(text)
    for run in _NON_ASCII_RUN.finditer(text):
        # The ASCII character before a run may be the base of a combining mark inside it
        # (or a space between Japanese characters).
        slow_from = run.start() - 1 if run.start() > done else run.start()
        if slow_from > done:
            out.append(text[done:slow_from])
            origin.extend(range(done, slow_from))
        removed += _normalise_span(text, slow_from, run.end(), out, origin, evasion if evasion.drops or evasion.folds else None)
        done = run.end()
    if done < n:
        out.append(text[done:])
        origin.extend(range(done, n))
    return NormalisedText("".join(out), tuple(origin), n, removed, len(evasion.folds), tuple(evasion.joined))


@lru_cache(maxsize=1)
def confusable_latin() -> dict[str, str]:
    """Cyrillic and Greek letters → the ASCII letter Unicode's confusables table says they look like."""
    # Imported here: loading the package's 900 KB table costs 0.14 s, a seventh of the start-up
    # of a small check, and only text with Cyrillic or Greek letters needs it.
    from confusable_homoglyphs import categories, confusables

    table: dict[str, str] = {}
    for character, homoglyphs in confusables.confusables_data.items():
        if len(character) != 1 or character.isascii():
            continue
        try:
            script = categories.alias(character)
        except (KeyError, IndexError, TypeError):
            continue
        if script not in CONFUSABLE_SCRIPTS:
            continue
        latin = next((h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha()), None)
        if latin:
            table[character] = latin
    return table


_MAYBE_CONFUSABLE = re.compile("[\u0370-\u03ff\u0400-\u052f\u1d00-\u1dbf\ua640-\ua69f\U0001d200-\U0001d24f]")


class _Evasion:
    """Where `text` disguises words: confusable letters to fold and spaces to drop (by offset)."""

    def __init__(self, text: str):
        self.folds: dict[int, str] = {}
        self.drops = {m.start() for m in _SPACE_IN_JAPANESE_WORD.finditer(text)}
        self.joined: list[int] = []
        if _MAYBE_CONFUSABLE.search(text):
            table = confusable_latin()
            for word in _LETTER_RUN.finditer(text):
                letters = word.group(0)
                if letters.isascii() or not any(ch.isascii() for ch in letters):
                    continue  # a Latin word, or a Russian or Greek one: nothing disguised
                for offset, ch in enumerate(letters, start=word.start()):
                    if ch in table:
                        self.folds[offset] = table[ch]


def _normalise_span(text: str, i: int, n: int, out: list[str], origin: list[int], evasion: _Evasion | None = None) -> int:
    """Normalise text[i:n] cluster by cluster into out/origin; return invisible chars removed."""
    removed = 0
    while i < n:
        ch = text[i]
        if ch in INVISIBLE:
            removed += 1
            i += 1
            continue
        if evasion is not None:
            if i in evasion.drops:
                evasion.joined.append(len(out))
                i += 1
                continue
            if i in evasion.folds:
                out.append(evasion.folds[i])
                origin.append(i)
                i += 1
                continue
        j = i + 1
        # A cluster is a base character with the combining marks that follow it.
        while j < n and (unicodedata.combining(text[j]) or text[j] in _JOINING_MARKS):
            j += 1
        cluster = text[i:j]
        folded = unicodedata.normalize("NFKC", cluster) if not cluster.isascii() else cluster
        for out_ch in folded:
            out.append(out_ch)
            origin.append(i)
        i = j
    return removed


def has_bidi_controls(text: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in text)


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF66 <= code <= 0xFF9F  # half-width katakana
    )


# The same ranges as is_cjk, counted in C over a whole block at once: runs of CJK characters
# by the regex engine (few matches: a run ends only at punctuation or Latin), ASCII letters
# by deleting every other byte of the text's ASCII part.
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
_NOT_ASCII_LETTER = bytes(b for b in range(128) if not chr(b).isalpha())


def script_counts(text: str) -> tuple[int, int]:
    """(CJK characters, ASCII letters) in `text`, counted without a Python loop over its characters."""
    latin = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER))
    if text.isascii():
        return 0, latin
    return sum(map(len, _CJK_RUN.findall(text))), latin


def language_of_counts(cjk: int, latin: int) -> str:
    if cjk == 0:
        return "en"
    # A kanji character carries about as much as an English word of five letters.
    return "ja" if cjk * 4 >= latin * 0.5 else "en"


def detect_language(text: str) -> str:
    """`ja` when Japanese script makes up a real share of the letters, else `en`.

    Japanese contracts carry Latin names and numbers; English ones rarely carry kana, so a
    low threshold on kana/kanji among letters is robust for this two-language tool.
    """
    return language_of_counts(*script_counts(text[:200_000]))


# SudachiPy refuses input over 49,149 bytes; stay well below when tokenising.
SUDACHI_MAX_BYTES = 40_000


@lru_cache(maxsize=None)
def pipeline(language: str):
    """A blank spaCy pipeline for `language` (`ja` tokenises with SudachiPy, mode C)."""
    import spacy

    if language == "ja":
        nlp = spacy.blank("ja")
    else:
        nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    return nlp


def split_for_tokeniser(text: str, language: str) -> list[tuple[int, str]]:
    """Cut text into pieces the tokeniser accepts, at sentence ends where possible.

    Each piece is `(offset in text, piece)` and stays under `SUDACHI_MAX_BYTES` in UTF-8,
    whatever its characters weigh (kanji three bytes, emoji four).
    """
    if language != "ja" or len(text.encode("utf-8")) <= SUDACHI_MAX_BYTES:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    # Japanese characters take three bytes in UTF-8: start from 13,000 characters and shrink.
    max_chars = SUDACHI_MAX_BYTES // 3
    while start < len(text):
        end = min(start + max_chars, len(text))
        while len(text[start:end].encode("utf-8")) > SUDACHI_MAX_BYTES:
            end = start + (end - start) * 3 // 4
        if end < len(text):
            cut = max(text.rfind("。", start, end), text.rfind("\n", start, end))
            if cut > start + (end - start) // 4:
                end = cut + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces
