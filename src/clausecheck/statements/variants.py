"""Other spellings of the Japanese cue words, found with SudachiPy's dictionary when the lexicon loads.

Japanese writes one word several ways: 引き渡し・引渡し・引渡, 取り扱い・取扱い, 振り込む・振込む,
致します・いたします, 拘わらず・関わらず, 全て・すべて. Sudachi's dictionary knows them as one
word (the same normalised form). Tokenising every contract with Sudachi would cost about 5 µs a
character — 25 ms for a 5,000-character contract, most of the Japanese speed budget
(benchmarks/statements.py) — so the dictionary is used once, on the cue words: each cue's
spellings are generated (the dictionary's normalised spelling, okurigana dropped, the kana of a
kanji-written auxiliary) and kept only when Sudachi reads them as the same sequence of normalised
forms. The variants join the automaton beside their cue, and a contract is still read in one pass.

The result depends on the cue words and the dictionary only; without SudachiPy or its
dictionary the cues are used as written.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from importlib import metadata

# Parts of speech whose kana spelling is as usual as the kanji one (致す/いたす, 出来る/できる,
# 予め/あらかじめ, 及び/および): their reading is a spelling too. Nouns are not (甲 is not こう).
_KANA_SPELLED = ("副詞", "接続詞", "助動詞", "連体詞")
MAX_VARIANTS_PER_CUE = 12


def dictionary_version() -> str:
    """The SudachiPy and dictionary versions the variants come from (part of a cached pack's key)."""
    versions = []
    for package in ("sudachipy", "sudachidict-core"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} none")
    return ", ".join(versions)


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆"


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in katakana)


@lru_cache(maxsize=1)
def _tokenizer():
    """Sudachi's tokenizer (mode C: the longest words, as the dictionary's entries), or None."""
    try:
        from sudachipy import dictionary, tokenizer
    except ImportError:
        return None
    try:
        loaded = dictionary.Dictionary(dict="core")
        make = getattr(loaded, "tokenizer", None) or loaded.create  # `create` before SudachiPy 0.7
        return make(tokenizer.Tokenizer.SplitMode.C)
    except Exception:  # noqa: BLE001 — a missing or broken dictionary: cues stay as written
        return None


def _reading(tokenizer, text: str) -> tuple[tuple[str, ...], list] | None:
    morphemes = list(tokenizer.tokenize(text))
    if not morphemes:
        return None
    return tuple(m.normalized_form() for m in morphemes), morphemes


def _without_okurigana(word: str, noun: bool) -> set[str]:
    """取り扱い → 取扱い, 取扱; 引き渡し → 引渡し, 引渡: kana between kanji dropped, and for a
    noun the kana after its last kanji too."""
    out = set()
    inner = "".join(ch for i, ch in enumerate(word) if not (_is_hiragana(ch) and 0 < i < len(word) - 1 and _is_kanji(word[i - 1]) and any(_is_kanji(c) for c in word[i + 1:])))
    for candidate in {word, inner}:
        if candidate != word:
            out.add(candidate)
        if noun and candidate and _is_hiragana(candidate[-1]) and any(_is_kanji(c) for c in candidate):
            stripped = candidate.rstrip("".join(chr(c) for c in range(0x3041, 0x30a0)))
            if stripped and _is_kanji(stripped[-1]) and len(stripped) >= 2:
                out.add(stripped)
    return out


def _spellings(morpheme) -> list[str]:
    """The ways one morpheme may be written, its own spelling first."""
    surface = morpheme.surface()
    dictionary_form = morpheme.dictionary_form()
    normalized = morpheme.normalized_form()
    part = morpheme.part_of_speech()
    found = [surface]
    # A formal noun written in kana stays in kana (もの, こと, とき: 物とする is another word),
    # and する is never written 為る.
    formal = part[0] == "名詞" and all(_is_hiragana(ch) for ch in surface)
    # The dictionary's normalised spelling, inflected as the surface is (いたし: いたす → 致す → 致し).
    prefix = 0
    while prefix < min(len(surface), len(dictionary_form)) and surface[prefix] == dictionary_form[prefix]:
        prefix += 1
    surface_ending, dictionary_ending = surface[prefix:], dictionary_form[prefix:]
    if normalized.endswith(dictionary_ending) and not formal and not (part[0] == "動詞" and "為" in normalized):
        found.append(normalized[: len(normalized) - len(dictionary_ending)] + surface_ending)
    if part[0] in _KANA_SPELLED or part[1] == "非自立可能":
        found.append(_hiragana(morpheme.reading_form()))
    noun = part[0] == "名詞"
    for spelling in list(found):
        found.extend(sorted(_without_okurigana(spelling, noun)))
    return list(dict.fromkeys(s for s in found if s))


def lexicon_variants(entries: dict) -> dict[str, tuple[str, ...]]:
    """`japanese_variants` of every Japanese cue of lexicon `entries` ({feature: {value: {language: cues}}}).
    The dictionary is let go afterwards: a checked contract never needs it."""
    try:
        return japanese_variants(cue for values in entries.values() for by_language in values.values() for cue in by_language.get("ja", ()))
    finally:
        _tokenizer.cache_clear()


def japanese_variants(cues) -> dict[str, tuple[str, ...]]:
    """{cue: its other spellings} for every plain Japanese cue (not `re:` nor gap cues) that has
    some; empty without SudachiPy."""
    tokenizer = _tokenizer()
    if tokenizer is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for cue in sorted(set(cues)):
        if cue.startswith("re:") or "~" in cue or len(cue) < 2:
            continue
        read = _reading(tokenizer, cue)
        if read is None:
            continue
        forms, morphemes = read
        variants = []
        for combination in itertools.islice(itertools.product(*(_spellings(m) for m in morphemes)), 64):
            candidate = "".join(combination)
            if candidate == cue or len(candidate) < 2 or candidate in variants:
                continue
            again = _reading(tokenizer, candidate)
            if again is not None and again[0] == forms:  # the dictionary reads it as the same words
                variants.append(candidate)
            if len(variants) >= MAX_VARIANTS_PER_CUE:
                break
        if variants:
            out[cue] = tuple(variants)
    return out
