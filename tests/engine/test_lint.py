"""Contract lint: the planted test set, the model contracts that must stay quiet, and the helpers."""

from __future__ import annotations

from datetime import date

import pytest

from clausecheck.engine.lint import _kanji_amount, _words_value, article_value, document_date, last_component
from clausecheck.engine.loader import load_rules
from clausecheck.engine.runner import CheckOptions
from clausecheck.pipeline import Settings, read_document
from clausecheck.rule_fixtures import fixture_files, read_cases, run_case
from conftest import corpus_path, document_from_text

PACK = load_rules()
LINT_RULES = sorted((r for r in PACK.active() if r.kind == "lint"), key=lambda r: r.id)

# The lint findings the model contracts and standard agreements really deserve: each was
# read in the source and is a true slip of the published text (see docs/lint.md). Any other
# lint finding on these files is a false positive; a listed one that disappears is a miss.
CORPUS_EXPECTED = {
    "ja/oi_model_v1_1_nda_shinsozai.txt": {("schedule-missing", "別紙1"), ("placeholder-left", "●")},
    "ja/oi_model_v1_2_poc_shinsozai.txt": {
        ("placeholder-left", "●●"), ("placeholder-left", "●"),
        ("reference-heading-mismatch", "第12条（損害賠償）"),  # 損害賠償 is 第11条; 第12条 is 期間
        ("reference-heading-mismatch", "第15条（誠実協議義務）"),  # 第15条 is 協議解決
    },
    "ja/oi_model_v1_3_joint_rd_shinsozai.txt": {
        ("placeholder-left", "●●"), ("placeholder-left", "●"),
        ("reference-missing-clause", "本契約14条1項2号"),
        ("term-defined-twice", "本目的"),
        ("term-undefined", "本特許権等"),
        ("term-unused", "公表希望当事者"),
        ("numbering-gap", "③"),  # 第16条 goes ① → ③
    },
    "ja/oi_model_v1_4_license_shinsozai.txt": {("placeholder-left", "●")},
    "standard/bonterms_cloud_terms_v1.md": set(),
    "standard/bonterms_cloud_terms_v1.pdf": set(),
    "standard/bonterms_mutual_nda_v1.md": set(),
    "standard/bonterms_mutual_nda_v1.pdf": set(),
    "standard/bonterms_cloud_terms_example_cover_page.docx": set(),
    "standard/bonterms_mutual_nda_example_cover_page.docx": set(),
    "standard/commonpaper_cloud_service_agreement.md": set(),
    "standard/commonpaper_mutual_nda_v1.md": set(),
    "standard/commonpaper_mutual_nda_v1_coverpage.md": set(),
}


def _planted(language: str):
    for rule in LINT_RULES:
        path = fixture_files(rule.path).get(language)
        if path:
            yield from (c for c in read_cases(path, language) if c.annotation == "ruleid")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_planted_test_set_has_at_least_twenty_cases_per_language_and_lint_finds_them_all(language, engine):
    planted = list(_planted(language))
    assert len(planted) >= 20
    missed = [f"{c.path}:{c.line}" for c in planted if not run_case(engine, c).passed]
    assert not missed


@pytest.mark.parametrize("check", ["reference", "term-undefined", "placeholder"])
def test_broken_references_undefined_terms_and_placeholders_are_planted_in_both_languages(check):
    for language in ("en", "ja"):
        rules = [r for r in LINT_RULES if r.lint.check == check]
        assert any(c.rule_id in {r.id for r in rules} for c in _planted(language)), (check, language)


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_model_contracts_get_only_the_lint_findings_they_deserve(name, engine):
    document = read_document(corpus_path(*name.split("/")), Settings())
    report = engine.check(document, CheckOptions())
    found = {(f.rule, e.match) for f in report.findings if f.kind == "lint" for e in f.evidence}
    assert found == CORPUS_EXPECTED[name]


def test_a_placeholder_marks_the_review_as_of_an_unfinished_document(engine):
    document = document_from_text("業務委託契約書\n第1条（委託料）\n甲は、乙に対し、委託料として金●円を支払う。\n", "ja")
    report = engine.check(document, CheckOptions())
    assert "W108" in {w.code for w in report.warnings}
    lint = [f for f in report.findings if f.kind == "lint"]
    assert [f.rule for f in lint] == ["placeholder-left"]
    assert lint[0].evidence[0].match == "●"
    assert lint[0].id == f"F{len(report.findings)}"  # numbered after the other findings


def test_a_finished_document_has_no_unfinished_warning(engine):
    document = document_from_text("業務委託契約書\n第1条（委託料）\n甲は、乙に対し、委託料として金100万円を支払う。\n", "ja")
    report = engine.check(document, CheckOptions())
    assert "W108" not in {w.code for w in report.warnings}
    assert not [f for f in report.findings if f.kind == "lint"]


@pytest.mark.parametrize(("text", "value"), [("百万", 1_000_000), ("三億五千万", 350_000_000), ("千二百", 1200), ("十万五千", 105_000)])
def test_kanji_amounts(text, value):
    assert _kanji_amount(text) == value


@pytest.mark.parametrize(("text", "value"), [("thirty", 30), ("one hundred twenty", 120), ("ten thousand", 10_000), ("two million five hundred thousand", 2_500_000), ("banana", None)])
def test_number_words(text, value):
    assert _words_value(text, "en") == value


@pytest.mark.parametrize(("text", "value"), [
    ("令和8年4月1日", date(2026, 4, 1)), ("2025年12月31日", date(2025, 12, 31)), ("April 1, 2026", date(2026, 4, 1)),
    ("1 April 2026", date(2026, 4, 1)), ("令和〇年○月〇日", None), (None, None),
])
def test_document_dates(text, value):
    assert document_date(text) == value


@pytest.mark.parametrize(("number", "value"), [("第12条", 12), ("第十二条", 12), ("12.", 12), ("Article 5", 5), ("Section 3", 3)])
def test_article_numbers(number, value):
    assert article_value(number) == value


@pytest.mark.parametrize(("number", "component"), [("第4条2項", ("paragraph", 2)), ("第16条③", ("item", 3)), ("5.2", ("paragraph", 2)), ("5.2(c)", ("item", 3)), ("第11条2項①", ("item", 1))])
def test_last_component_of_a_clause_number(number, component):
    assert last_component(number) == component


def test_a_lint_rule_must_name_a_known_check(tmp_path):
    from clausecheck.errors import RuleError

    (tmp_path / "bad-lint.yaml").write_text(
        "kind: lint\ntopic: lint\nseverity: low\nlint: {check: spelling}\n"
        "title: {en: t, ja: t}\nmessage: {en: m, ja: m}\nrecommendation: {en: r, ja: r}\nen:\n  regex: ['x']\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as error:
        load_rules([tmp_path])
    assert any("lint.check" in p.message for p in error.value.problems)
