"""The fixed vocabularies every stage shares, read once from the built-in rules/ folder.

Each fact has one home in rules/ and every stage reads it from here, so a topic, a contract
type or a party word is never written twice: topic ids, names, CUAD categories and required
elements from `topics.yaml`; contract-type ids and names from `profiles.yaml`; the words that
name parties and roles from `parties.yaml`. This module sits on the ground floor (it imports
nothing of clausecheck) so that parsers, structure, the engine and report can all read it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

TOPICS_FILE = "topics.yaml"
PROFILES_FILE = "profiles.yaml"
PARTIES_FILE = "parties.yaml"


def builtin_rules_dir() -> Path:
    """The rule pack shipped with clausecheck (inside the wheel, or the source checkout)."""
    packaged = resources.files("clausecheck") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    source_checkout = Path(__file__).resolve().parents[2] / "rules"
    return source_checkout


def _read(name: str) -> dict:
    with open(builtin_rules_dir() / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


_topics = _read(TOPICS_FILE)["topics"]
_types = _read(PROFILES_FILE)["types"]
_parties = _read(PARTIES_FILE)

# Topics (DESIGN.md §4), in the order of topics.yaml: the order of every report's `topics`.
TOPICS: tuple[str, ...] = tuple(_topics)
REQUIRED_ELEMENTS: tuple[str, ...] = tuple(t for t, spec in _topics.items() if spec.get("required_element"))
TOPIC_NAMES: dict[str, dict[str, str]] = {lang: {t: spec["names"][lang] for t, spec in _topics.items()} for lang in ("en", "ja")}
# topic → CUAD categories: a contract is positive for the topic when any category is.
CUAD_CATEGORIES: dict[str, tuple[str, ...]] = {t: tuple(spec["cuad"]) for t, spec in _topics.items() if spec.get("cuad")}

# Contract types: the ids of profiles.yaml, in its order, and their names per language.
CONTRACT_TYPES: tuple[str, ...] = tuple(_types)
CONTRACT_TYPE_NAMES: dict[str, dict[str, str]] = {lang: {t: spec["names"][lang] for t, spec in _types.items()} for lang in ("en", "ja")}

# Words that name a party or a role (parties.yaml), as structure/parties.py reads the preamble.
PARTY_LETTERS: tuple[str, ...] = tuple(_parties["party_letters"]["ja"])
ROLE_WORDS: dict[str, tuple[str, ...]] = {lang: tuple(_parties["role_words"][lang]) for lang in ("en", "ja")}
COVER_PAGE_ROLES: tuple[str, ...] = tuple(_parties["cover_page_roles"]["en"])
NOT_PARTY_TERMS: tuple[str, ...] = tuple(_parties["not_party_terms"]["en"])
