"""Which required elements this contract must contain: its type's profile, and what the deal shows.

A profile lists elements every contract of its type needs (`requires`) and elements needed
only when the deal has a use for them (`requires_when`): IP ownership in an outsourcing
contract only when deliverables, software or works are produced; confidentiality in a licence
only when know-how is handed over. The conditions are data in rules/profiles.yaml.
"""

from __future__ import annotations

from functools import lru_cache

from clausecheck.engine.compiler import REGEX_TIMEOUT_SECONDS, compile_regex
from clausecheck.engine.schema import Condition, Profile
from clausecheck.lang import normalise
from clausecheck.model import Document, TopicResult


def required_elements(profile: Profile | None, document: Document, topics: dict[str, TopicResult]) -> set[str]:
    if profile is None:
        return set()
    required = set(profile.requires)
    for topic, condition in profile.requires_when.items():
        if condition_holds(condition, document, topics):
            required.add(topic)
    return required


def condition_holds(condition: Condition, document: Document, topics: dict[str, TopicResult]) -> bool:
    text = _normalised(document.text)
    language = document.language
    if _found(condition.unless.get(language, ()), text, language):
        return False
    patterns = condition.text.get(language, ())
    if not patterns and not condition.topics:
        return True
    if any(topics.get(topic) is not None and topics[topic].status == "present" for topic in condition.topics):
        return True
    return _found(patterns, text, language)


def _found(patterns: tuple[str, ...], text: str, language: str) -> bool:
    for pattern in patterns:
        try:
            if compile_regex(pattern, language).search(text, timeout=REGEX_TIMEOUT_SECONDS):
                return True
        except TimeoutError:
            continue
    return False


@lru_cache(maxsize=2)  # the document being checked; a key holds its whole text
def _normalised(text: str) -> str:
    return normalise(text).text
