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

import numpy

_RE_DIGITS = re.compile(r"\d")
_RE_SPACE = re.compile(r"\s+")
_RE_WORD = re.compile(r"[a-z0]+(?:'[a-z]+)?")
# Japanese character n-grams are taken from runs of letters; punctuation and spaces break them.
_JA_BREAKS = "、。，．・「」『』（）()[]【】〔〕:：;；,.!?！？\"'“”"
_RE_JA_RUN = re.compile("[^\\s" + re.escape(_JA_BREAKS) + "]+")
# The same breaks as code points, for the vectorised path (normalised text has no other space).
_JA_BREAK_CODES = numpy.array(sorted(ord(c) for c in _JA_BREAKS + " "), dtype=numpy.uint64)
KEY_BITS = 21  # a code point (≤ 0x10FFFF) plus one fits in 21 bits: three make one 63-bit key


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
    out.extend("w " + w for w in japanese_words(text))
    return out


def char_gram_key(gram: str) -> int:
    """The integer standing for a Japanese character 1- to 3-gram (the text after "c "):
    each character's code point + 1 in 21 bits, so grams of different lengths never share a
    key. Checking looks grams up by key instead of by string, with no Python loop per character."""
    key = 0
    for character in gram:
        key = (key << KEY_BITS) | (ord(character) + 1)
    return key


def japanese_char_keys(normalised_texts: list[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(text index, key) of every character 1-3-gram of each already normalised text: the
    same multiset as the "c " grams `ngrams` gives, computed for all texts in one numpy pass."""
    joined = " ".join(normalised_texts)  # a space is a break: no gram spans two texts
    codes = numpy.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32).astype(numpy.uint64)
    lengths = numpy.fromiter((len(t) + 1 for t in normalised_texts), dtype=numpy.int64, count=len(normalised_texts))
    text_of = numpy.repeat(numpy.arange(len(normalised_texts), dtype=numpy.int64), lengths)[: len(codes)]
    letter = ~numpy.isin(codes, _JA_BREAK_CODES)
    codes = codes + 1
    shift = numpy.uint64(KEY_BITS)
    pair = letter[:-1] & letter[1:]
    triple = pair[:-1] & letter[2:]
    keys = numpy.concatenate([codes[letter], ((codes[:-1] << shift) | codes[1:])[pair], ((codes[:-2] << shift << shift) | (codes[1:-1] << shift) | codes[2:])[triple]])
    texts = numpy.concatenate([text_of[letter], text_of[:-1][pair], text_of[:-2][triple]])
    return texts, keys


def japanese_words(normalised: str) -> list[str]:
    """The Latin words of a normalised Japanese text, the "w " grams `ngrams` gives."""
    return _RE_WORD.findall(normalised)
