"""The page's language: chosen from the browser's Accept-Language, overridden by the user's switch.

The strings themselves are data (strings.yaml beside this file), in both languages, with the
same keys: a test checks that neither language lacks one.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def all_strings() -> dict[str, dict]:
    text = resources.files("clausecheck.serve").joinpath("strings.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def strings(language: str) -> dict:
    return all_strings()[language if language in LANGUAGES else DEFAULT_LANGUAGE]


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most (RFC 9110 quality values), or None."""
    best, best_quality = None, 0.0
    for position, item in enumerate((header or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        # Earlier items win ties, as browsers list them in order of preference.
        rank = quality - position * 1e-6
        if primary in LANGUAGES and quality > 0 and rank > best_quality:
            best, best_quality = primary, rank
    return best


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The switch (?lang=, remembered in a cookie) first, then the browser's preference."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE
