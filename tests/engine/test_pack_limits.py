"""Rule packs are input too: alias bombs, huge files, deep nesting and pattern floods → E220."""

from __future__ import annotations

from pathlib import Path

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.engine.pack_limits import MAX_PATTERNS, MAX_RULE_FILE_BYTES, MAX_YAML_DEPTH
from clausecheck.errors import RuleError

RULE_HEAD = "kind: detect\ntopic: exclusivity\nscope: sentence\ntitle:\n  en: t\n  ja: t\n"


def _problems(pack: Path) -> list:
    with pytest.raises(RuleError) as excinfo:
        load_rules([pack])
    return excinfo.value.problems


def _levels(reference: str, name: str, count: int = 9) -> str:
    return ", ".join([f"*{reference}"] * count)


def test_sequence_alias_bomb_is_e220(tmp_path):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghi"
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [{_levels(previous, name)}]")
    (tmp_path / "bomb.yaml").write_text(RULE_HEAD + "\n".join(lines) + "\nen:\n  regex: *i\n", encoding="utf-8")
    problems = _problems(tmp_path)
    assert [p.code for p in problems] == ["E220"], problems
    assert "alias" in problems[0].message


def test_merge_key_bomb_is_e220(tmp_path):
    # Merge keys copy every pair of what they merge: nine levels of nine copies.
    lines = ["a: &a {a1: 1, a2: 2, a3: 3, a4: 4, a5: 5, a6: 6, a7: 7, a8: 8, a9: 9}"]
    names = "abcdefghi"
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} {{<<: [{_levels(previous, name)}]}}")
    (tmp_path / "merge.yaml").write_text("kind: detect\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert [p.code for p in _problems(tmp_path)] == ["E220"]


def test_a_few_aliases_stay_allowed(tmp_path):
    (tmp_path / "reuse.yaml").write_text(
        RULE_HEAD + "en:\n  phrases: &words\n    - exclusive distributor\n    - sole distributor\nja:\n  phrases: *words\n", encoding="utf-8")
    pack = load_rules([tmp_path])
    assert pack.rules["reuse"].languages["ja"].phrases == ("exclusive distributor", "sole distributor")


def test_rule_file_over_the_size_limit_is_e220(tmp_path):
    (tmp_path / "huge.yaml").write_text(RULE_HEAD + "# padding\n" * (MAX_RULE_FILE_BYTES // 10 + 1) + "en:\n  phrases: [x]\n", encoding="utf-8")
    problems = _problems(tmp_path)
    assert [p.code for p in problems] == ["E220"] and "bytes" in problems[0].message


def test_deep_nesting_is_e220(tmp_path):
    depth = MAX_YAML_DEPTH + 10
    (tmp_path / "deep.yaml").write_text(RULE_HEAD + "en:\n  regex: " + "[" * depth + "x" + "]" * depth + "\n", encoding="utf-8")
    assert [p.code for p in _problems(tmp_path)] == ["E220"]


def test_too_many_patterns_are_refused_before_compiling(tmp_path):
    per_file = MAX_PATTERNS // 4 + 1
    for n in range(5):
        regexes = "".join(f"    - 'word{n}x{i}\\\\s+[a-z]+'\n" for i in range(per_file))
        (tmp_path / f"flood-{n}.yaml").write_text(RULE_HEAD + "en:\n  regex:\n" + regexes, encoding="utf-8")
    problems = _problems(tmp_path)
    assert [p.code for p in problems] == ["E220"], problems[:3]
    assert "patterns" in problems[0].message
