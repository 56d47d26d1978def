"""Text → n-gram features for the topic model, the one definition training and checking share.

A clause is scored by the words and character n-grams it contains, so both the training
script and the checker must cut text into exactly the same n-grams: this module is that
single definition. English: word unigrams and bigrams plus character 4-grams inside words
(they catch "terminat-", "indemnif-" across inflections); Japanese has no spaces, so
character 1- to 3-grams stand in for words. Digits are folded to 0 (a notice period of
30 or 90 days is the same kind of clause).
"""

from __future__ import annotations

import re
import unicodedata

_RE_DIGITS = re.compile(r"\d")
_RE_SPACE = re.compile(r"\s+")
_RE_WORD = re.compile(r"[a-z0]+(?:'[a-z]+)?")
# Japanese character n-grams are taken from runs of letters; punctuation and spaces break them.
_RE_JA_RUN = re.compile(r"[^\s、。，．・「」『』（）()\[\]【】〔〕:：;；,.!?！？\"'“”]+")


def normalise(text: str) -> str:
    """NFKC, lower case, digits as 0, whitespace as one space."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _RE_SPACE.sub(" ", _RE_DIGITS.sub("0", text)).strip()


def ngrams(text: str, language: str) -> list[str]:
    """The feature strings of `text` (with repeats: counts matter)."""
    text = normalise(text)
    if language == "ja":
        return _japanese(text)
    return _english(text)


def english_words(normalised: str) -> list[str]:
    return _RE_WORD.findall(normalised)


def word_grams(word: str) -> list[str]:
    """The features one English word gives on its own: itself and, if longer than four
    letters, its character 4-grams with word edges marked (< >)."""
    out = ["w " + word]
    if len(word) > 4:
        padded = f"<{word}>"
        out.extend("c " + padded[i : i + 4] for i in range(len(padded) - 3))
    return out


def _english(text: str) -> list[str]:
    words = english_words(text)
    out = [gram for word in words for gram in word_grams(word)]
    out.extend(f"w {a} {b}" for a, b in zip(words, words[1:]))
    return out


def _japanese(text: str) -> list[str]:
    out: list[str] = []
    for run in _RE_JA_RUN.findall(text):
        for n in (1, 2, 3):
            out.extend("c " + run[i : i + n] for i in range(len(run) - n + 1))
    # Latin words inside Japanese text (PoC, NDA, Licensee) still count as words.
    out.extend("w " + w for w in _RE_WORD.findall(text))
    return out
