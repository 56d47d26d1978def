"""docs/rules/ is written from the rules (one page per rule, README.md the table) and is current."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from clausecheck.cli import main
from clausecheck.engine.loader import load_rules
from clausecheck.rule_docs import INDEX_NAME, REGENERATE, expected_pages, rule_page, stale_pages, write_pages

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "rules"
PACK = load_rules()


def test_docs_rules_is_current():
    stale = stale_pages(PACK, DOCS)
    assert not stale, f"docs/rules/ is not what the rules say ({', '.join(stale[:5])}{' ...' if len(stale) > 5 else ''}): run `{REGENERATE}` in the repository folder and commit the pages"


def test_every_rule_has_a_page_listed_in_the_table():
    pages = expected_pages(PACK)
    index = pages[INDEX_NAME]
    for rule_id in PACK.rules:
        assert f"{rule_id}.md" in pages
        assert f"[{rule_id}]({rule_id}.md)" in index


def test_rules_show_prints_the_page():
    result = CliRunner().invoke(main, ["rules", "show", "exclusivity-after-term"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == (DOCS / "exclusivity-after-term.md").read_text(encoding="utf-8")
    japanese = CliRunner().invoke(main, ["rules", "show", "exclusivity-after-term", "--lang", "ja"], catch_exceptions=False)
    assert japanese.output == rule_page(PACK.rules["exclusivity-after-term"], ("ja",))
    assert "## What it finds" in japanese.output and "English:" not in japanese.output


def test_a_page_says_what_why_examples_and_references():
    page = rule_page(PACK.rules["exclusivity-after-term"])
    for heading in ("## What it finds", "## Why it matters", "## How it matches", "## Examples", "## Use instead", "## References"):
        assert heading in page
    assert "### English, flagged" in page and "### 日本語, not flagged" in page
    assert str(ROOT) not in page  # no machine's path in a committed page


def test_stale_and_extra_pages_are_found_and_rewritten(tmp_path):
    write_pages(PACK, tmp_path)
    assert stale_pages(PACK, tmp_path) == []
    (tmp_path / "exclusivity-after-term.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "a-rule-that-was-removed.md").write_text("old\n", encoding="utf-8")
    assert stale_pages(PACK, tmp_path) == ["a-rule-that-was-removed.md", "exclusivity-after-term.md"]
    check = CliRunner().invoke(main, ["rules", "docs", "--check", "-o", str(tmp_path)], catch_exceptions=False)
    assert check.exit_code == 1 and REGENERATE in check.output
    assert sorted(write_pages(PACK, tmp_path)) == ["a-rule-that-was-removed.md", "exclusivity-after-term.md"]
    assert stale_pages(PACK, tmp_path) == [] and not (tmp_path / "a-rule-that-was-removed.md").exists()
