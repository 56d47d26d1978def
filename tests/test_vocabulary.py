"""Each fact once: topics, contract types and party words live in rules/, and the code only reads them.

The scan reads every Python file of src/ and benchmarks/ and fails on a literal collection
(tuple, list, set, dict keys) that spells out three or more topic ids, contract-type ids or
party/role words of rules/: such a list is a second copy that drifts from the YAML.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from clausecheck import vocabulary
from clausecheck.engine import schema
from clausecheck.report.strings import STRINGS, TOPIC_NAMES

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
SCANNED = sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")])
# Three words of one vocabulary in one literal is a copy of it; two can be a comparison.
MAX_WORDS_IN_A_LITERAL = 2


def _yaml(name: str) -> dict:
    return yaml.safe_load((RULES / name).read_text(encoding="utf-8"))


def _party_words() -> set[str]:
    parties = _yaml("parties.yaml")
    words: set[str] = set()
    for key in ("party_letters", "role_words", "cover_page_roles", "not_party_terms"):
        for values in parties[key].values():
            words.update(word.lower() for word in values)
    for group in parties["role_equivalents"]:
        words.update(word.lower() for word in group)
    return words


VOCABULARIES = {
    "topic id (rules/topics.yaml)": set(_yaml("topics.yaml")["topics"]),
    "contract type (rules/profiles.yaml)": set(_yaml("profiles.yaml")["types"]) - {"other"},
    "party or role word (rules/parties.yaml)": _party_words(),
}


def _literal_strings(node: ast.AST) -> list[str]:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = [key for key in node.keys if key is not None]
    else:
        return []
    return [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]


def test_topics_come_from_topics_yaml():
    topics = _yaml("topics.yaml")["topics"]
    assert schema.TOPICS == vocabulary.TOPICS == tuple(topics)
    assert schema.REQUIRED_ELEMENTS == tuple(t for t, spec in topics.items() if spec.get("required_element"))
    for language in ("en", "ja"):
        assert TOPIC_NAMES[language] == {t: spec["names"][language] for t, spec in topics.items()}


def test_contract_types_come_from_profiles():
    from clausecheck.cli import ContractTypeChoice

    types = _yaml("profiles.yaml")["types"]
    assert ContractTypeChoice().choices == ("auto", *types)
    for language in ("en", "ja"):
        assert STRINGS[language]["types"] == {t: spec["names"][language] for t, spec in types.items()}


def test_every_topic_has_both_names_and_known_keys():
    for topic, spec in _yaml("topics.yaml")["topics"].items():
        assert set(spec) <= {"names", "cuad", "required_element"}, topic
        assert spec["names"]["en"] and spec["names"]["ja"], topic


def test_the_cuad_mapping_is_read_by_the_benchmark():
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import accuracy
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert accuracy.CUAD_TOPICS == {t: list(c) for t, spec in _yaml("topics.yaml")["topics"].items() if (c := spec.get("cuad"))}


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_vocabulary_is_written_again_in_code(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    copies = []
    for node in ast.walk(tree):
        strings = {s.lower() for s in _literal_strings(node)}
        for name, words in VOCABULARIES.items():
            found = strings & words
            if len(found) > MAX_WORDS_IN_A_LITERAL:
                copies.append(f"line {node.lineno}: {len(found)} words of the {name} vocabulary written in code ({', '.join(sorted(found)[:5])}, ...)")
    assert not copies, "read them from clausecheck.vocabulary instead:\n" + "\n".join(copies)
