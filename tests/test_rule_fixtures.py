"""Every rule's fixtures, run strictly both ways, plus the meta-checks on the rule pack."""

from __future__ import annotations

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.rule_fixtures import fixture_files, read_cases, run_case, run_fixtures

PACK = load_rules()


def _cases():
    for rule in sorted(PACK.active(), key=lambda r: r.id):
        for language, path in fixture_files(rule.path).items():
            for case in read_cases(path, language):
                if not case.known_gap:
                    yield pytest.param(case, id=f"{rule.id}:{language}:{case.line}")


@pytest.mark.parametrize("case", list(_cases()))
def test_fixture_case(case, engine):
    result = run_case(engine, case)
    assert result.passed, str(result)


def test_every_rule_has_fixtures_for_each_language_it_declares():
    _, problems = run_fixtures(PACK, rule_ids=["__none__"])  # problems only, no cases run
    missing = []
    for rule in PACK.active():
        files = fixture_files(rule.path)
        for language in rule.languages:
            if language not in files:
                missing.append(f"{rule.id}:{language}")
                continue
            kinds = {c.annotation for c in read_cases(files[language], language)}
            if not {"ruleid", "ok"} <= kinds:
                missing.append(f"{rule.id}:{language} lacks a ruleid or an ok case")
    assert not missing, missing


def test_every_topic_of_the_design_has_a_rule_in_both_languages():
    from clausecheck.engine.schema import TOPICS

    covered = {(rule.topic, language) for rule in PACK.active() for language in rule.languages}
    lacking = [f"{topic}:{language}" for topic in TOPICS for language in ("en", "ja") if (topic, language) not in covered]
    assert not lacking, f"topics without a rule: {lacking}"
