"""The rule loader: every problem reported with file:line and a code; user packs layer over built-ins."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.engine.runner import CheckOptions, Engine
from clausecheck.errors import RuleError
from conftest import document_from_text

VALID_RULE = """\
kind: risk
topic: exclusivity
severity: medium
title: {en: Sole supplier clause, ja: 単独供給条項}
message: {en: The buyer must buy only from the supplier., ja: 買主は売主からのみ購入しなければなりません。}
recommendation: {en: Limit it in time., ja: 期間を限定してください。}
en:
  phrases: ["sole supplier"]
  patterns:
    - [{LOWER: buy}, {LOWER: exclusively}]
ja:
  regex: ['専属的に購入']
"""


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(folder: Path) -> list:
    with pytest.raises(RuleError) as caught:
        load_rules([folder])
    return caught.value.problems


@pytest.mark.parametrize(
    "text, code, line",
    [
        (VALID_RULE + "colour: red\n", "E202", 13),
        (VALID_RULE.replace("kind: risk", "kind: maybe"), "E203", 1),
        (VALID_RULE.replace("severity: medium", "severity: urgent"), "E203", 3),
        (VALID_RULE.replace("'専属的に購入'", "'(unclosed'"), "E206", 12),
        (VALID_RULE.replace("{LOWER: exclusively}", "{SHAPE_OF: exclusively}"), "E207", 9),
        (VALID_RULE.replace("title: {en: Sole supplier clause, ja: 単独供給条項}\n", ""), "E203", 1),
        (VALID_RULE.replace("recommendation:", "why: {en: Only English.}\nrecommendation:"), "E203", 6),
        ("kind: risk\n  bad: [indent\n", "E201", 2),
        (VALID_RULE.replace("kind: risk", "id: another-name\nkind: risk"), "E204", 1),
    ],
    ids=["unknown-key", "bad-kind", "bad-severity", "bad-regex", "bad-token-pattern", "missing-title", "why-in-one-language", "yaml-syntax", "id-not-file-name"],
)
def test_each_problem_has_its_code_and_line(tmp_path, text, code, line):
    write(tmp_path, "pack/my-rule.yaml", text)
    problems = problems_of(tmp_path / "pack")
    assert [(p.code, p.line) for p in problems if p.code == code] == [(code, line)], problems
    assert all(str(p).startswith(str(tmp_path / "pack" / "my-rule.yaml")) for p in problems)


def test_all_problems_of_all_files_are_reported_together(tmp_path):
    write(tmp_path, "pack/a/one-rule.yaml", VALID_RULE + "colour: red\n")
    write(tmp_path, "pack/b/two-rule.yaml", VALID_RULE.replace("severity: medium", "severity: urgent"))
    write(tmp_path, "pack/c/one-rule.yaml", VALID_RULE)  # same id as a/one-rule
    codes = sorted(p.code for p in problems_of(tmp_path / "pack"))
    assert codes == ["E202", "E203", "E205"]


def test_unknown_contract_type_in_applies_to(tmp_path):
    write(tmp_path, "pack/typed-rule.yaml", VALID_RULE + "applies_to: [space_lease]\n")
    assert [p.code for p in problems_of(tmp_path / "pack")] == ["E208"]


def test_a_user_pack_adds_overrides_and_disables_rules(tmp_path):
    builtin = load_rules()
    assert "exclusivity-unlimited" in builtin.rules and "governing-law-clause" in builtin.rules
    write(tmp_path, "pack/sole-supplier.yaml", VALID_RULE)
    override = Path(builtin.rules["exclusivity-unlimited"].path).read_text(encoding="utf-8").replace("severity: high", "severity: low")
    write(tmp_path, "pack/exclusivity-unlimited.yaml", override)
    write(tmp_path, "pack/governing-law-clause.yaml", "disabled: true\n")
    pack = load_rules([tmp_path / "pack"])
    assert pack.rules["sole-supplier"].origin == str(tmp_path / "pack")
    assert pack.rules["exclusivity-unlimited"].severity == "low"
    assert pack.rules["governing-law-clause"].disabled
    assert "governing-law-clause" not in {r.id for r in pack.active()}
    assert pack.version != builtin.version

    document = document_from_text(
        "SUPPLY AGREEMENT\n1. Buyer shall buy exclusively from Supplier as its sole supplier of widgets.\n"
        "2. This Agreement is governed by the laws of New York.",
        "en",
    )
    report = Engine(pack).check(document, CheckOptions(contract_type="distribution"))
    sole = [f for f in report.findings if f.rule == "sole-supplier"]
    assert len(sole) == 1 and sole[0].severity == "medium"
    assert {e.match.lower() for e in sole[0].evidence} <= {"buy exclusively", "sole supplier"}
    assert "governing-law-clause" not in report.topics["governing_law"].rules


def test_a_missing_pack_folder_is_a_problem(tmp_path):
    assert [p.code for p in problems_of(tmp_path / "nowhere")] == ["E200"]


SHARED_LIST_RULE = """\
kind: risk
topic: confidentiality
severity: low
title: {en: Secrets to be kept, ja: 秘密保持}
message: {en: The contract has a duty of confidence., ja: 秘密保持義務があります。}
recommendation: {en: Read it., ja: 確認してください。}
en:
  regex: ['@confidentiality-duty', '\\bsecret\\s+sauce\\b']
ja:
  regex: ['@confidentiality-duty']
"""


def test_a_rule_uses_a_shared_list_by_name(tmp_path):
    write(tmp_path, "pack/duty-of-confidence.yaml", SHARED_LIST_RULE)
    pack = load_rules([tmp_path / "pack"])
    rule = pack.rules["duty-of-confidence"]
    built_in = pack.rules["confidentiality-no-return"].languages["en"].regex
    # The name is replaced by the list, in place; the rule's own patterns stay.
    assert rule.languages["en"].regex == (*built_in, r"\bsecret\s+sauce\b")
    assert not any(p.startswith("@") for p in rule.languages["ja"].regex)
    report = Engine(pack).check(document_from_text("NDA\n1. The Recipient shall hold the information in strict confidence.", "en"))
    assert any(f.rule == "duty-of-confidence" for f in report.findings)


def test_a_user_pack_list_replaces_the_built_in_list_of_that_name(tmp_path):
    write(tmp_path, "pack/duty-of-confidence.yaml", SHARED_LIST_RULE)
    write(tmp_path, "pack/patterns.yaml", "confidentiality-duty:\n  en: ['\\bhush\\b']\n  ja: ['内緒']\n")
    pack = load_rules([tmp_path / "pack"])
    assert pack.rules["duty-of-confidence"].languages["en"].regex == (r"\bhush\b", r"\bsecret\s+sauce\b")
    # The built-in rules that use the list get the user's version too: one list, one meaning.
    assert pack.rules["confidentiality-no-return"].languages["ja"].regex == ("内緒",)
    assert pack.version != load_rules().version


@pytest.mark.parametrize(
    ("patterns", "rule", "code", "where"),
    [
        (None, SHARED_LIST_RULE.replace("'@confidentiality-duty', ", "'@no-such-list', "), "E211", ("duty-of-confidence.yaml", 8)),
        # Reported once, where it is written, not again for each rule that uses the list.
        ("confidentiality-duty:\n  en: ['(unclosed']\n  ja: ['x']\n", SHARED_LIST_RULE, "E206", ("patterns.yaml", 2)),
        ("My List:\n  en: ['x']\n", SHARED_LIST_RULE, "E203", ("patterns.yaml", 1)),
        ("only-english:\n  en: ['\\bx\\b']\n", SHARED_LIST_RULE.replace("ja:\n  regex: ['@confidentiality-duty']", "ja:\n  regex: ['@only-english']"), "E211", ("duty-of-confidence.yaml", 10)),
    ],
    ids=["unknown-name", "bad-regex-in-list", "bad-list-name", "list-lacks-the-language"],
)
def test_shared_list_problems_have_a_code_file_and_line(tmp_path, patterns, rule, code, where):
    write(tmp_path, "pack/duty-of-confidence.yaml", rule)
    if patterns:
        write(tmp_path, "pack/patterns.yaml", patterns)
    found = [(Path(p.path).name, p.line) for p in problems_of(tmp_path / "pack") if p.code == code]
    assert found == [where]
