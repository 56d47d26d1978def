"""Suggested wording: loaded from suggestions.yaml or a rule's own `suggestion:`, checked, filled from the contract."""

from __future__ import annotations

import pytest
from test_loader import VALID_RULE, problems_of, write

from clausecheck.engine.loader import load_rules
from clausecheck.engine.suggestions import fill, placeholder_problems
from clausecheck.model import Evidence, Finding
from conftest import document_from_text

# The high-severity rules the issue names (IP for free, one-sided termination, unlimited
# liability, unlimited exclusivity, grant-back, one-way confidentiality, 無償PoC, late payment).
COMMON_HIGH_RULES = [
    "ip-assigned-for-free", "termination-for-convenience-one-sided", "liability-unlimited-one-sided",
    "exclusivity-unlimited", "grant-back-exclusive-or-assignment", "grant-back-owned-by-licensor",
    "confidentiality-one-way", "poc-costs-borne-by-each", "payment-due-beyond-60-days",
]


@pytest.mark.parametrize("rule_id", COMMON_HIGH_RULES)
def test_common_rules_have_a_suggestion_in_both_languages(rule_id):
    rule = load_rules().rules[rule_id]
    assert set(rule.suggestion) == {"en", "ja"}
    assert all(not placeholder_problems(text) for text in rule.suggestion.values())


@pytest.mark.parametrize("text, message", [
    ("sole-supplier:\n  en: Buy from anyone.\n", None),
    ("no-such-rule:\n  en: Anything.\n", "unknown rule 'no-such-rule'"),
    ("sole-supplier:\n  en: Ask {counterparty}.\n", "unknown placeholder {counterparty}"),
    ("sole-supplier:\n  fr: Achetez partout.\n", "'fr' must be en or ja"),
    ("sole-supplier: just text\n", "must be a mapping"),
])
def test_suggestions_file_is_checked(tmp_path, text, message):
    write(tmp_path, "pack/sole-supplier.yaml", VALID_RULE)
    write(tmp_path, "pack/suggestions.yaml", text)
    if message is None:
        assert load_rules([tmp_path / "pack"]).rules["sole-supplier"].suggestion == {"en": "Buy from anyone."}
        return
    problems = problems_of(tmp_path / "pack")
    assert [p.code for p in problems] == ["E214"] and message in problems[0].message
    assert str(problems[0]).startswith(str(tmp_path / "pack" / "suggestions.yaml") + ":")


def test_a_rule_file_may_carry_its_own_suggestion(tmp_path):
    write(tmp_path, "pack/sole-supplier.yaml", VALID_RULE + "suggestion: {en: 'Either {favoured} or {other} may buy elsewhere.', ja: '甲乙は他からも購入できる。'}\n")
    rule = load_rules([tmp_path / "pack"]).rules["sole-supplier"]
    assert rule.suggestion["en"] == "Either {favoured} or {other} may buy elsewhere."


TEXT = "売買契約書\n株式会社甲野（以下「甲」という。）と株式会社乙山（以下「乙」という。）は、次のとおり契約を締結する。\n第1条（解約）\n甲は、乙に対して２か月前までに通知して解約できる。"


@pytest.mark.parametrize("template, favours, expected", [
    ("{favoured}および{other}は、{period|3か月}前までに通知して解約できる。", "A", "甲および乙は、２か月前までに通知して解約できる。"),
    ("{party_a}と{party_b}", None, "甲と乙"),
    ("{favoured}は", None, None),  # no favoured party: no half-filled sentence
])
def test_placeholders_are_filled_from_the_contract(template, favours, expected):
    document = document_from_text(TEXT, "ja")
    sentence = "甲は、乙に対して２か月前までに通知して解約できる。"
    start = document.text.index(sentence)
    evidence = Evidence("第1条", None, 4, start, start + len(sentence), sentence, "解約できる", sentence.index("解約できる"))
    finding = Finding("F1", "x", "termination", "risk", "high", "t", "m", "r", favours=favours, evidence=(evidence,))
    assert fill(template, finding, document) == expected


def test_the_default_period_is_used_when_the_sentence_states_none():
    document = document_from_text(TEXT, "ja")
    finding = Finding("F1", "x", "termination", "risk", "high", "t", "m", "r", favours="A",
                      evidence=(Evidence("第1条", None, 4, 0, 5, "甲はいつでも解約できる。"),))
    assert fill("{period|3か月}前", finding, document) == "3か月前"
