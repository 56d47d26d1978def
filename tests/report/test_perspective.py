"""Whose side the advice takes: neutral wording without `--party`, the reader's own otherwise.

A rule's recommendation and question are written for the side a one-sided clause goes against.
A neutral memo must not argue for that side, and a memo for the favoured side must not ask its
own counterparty to give up a point in its favour. Checked on every sample contract, in every
output format.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from clausecheck.engine.runner import CheckOptions
from clausecheck.pipeline import Settings, check_file, engine_for
from clausecheck.report.docx_comments import comment_text
from clausecheck.report.json_report import report_dict
from clausecheck.report.render import context, render_html, render_markdown
from clausecheck.report.sarif import render_sarif
from clausecheck.report.strings import STRINGS

SAMPLES = sorted(p for p in (Path(__file__).parents[2] / "sample_contracts").iterdir() if p.suffix in (".docx", ".pdf", ".md", ".txt"))
# The mutual NDAs are balanced: no clause favours one side, so there is no side to take.
ONE_SIDED_SAMPLES = [p for p in SAMPLES if "mutual" not in p.name]
# Words that address a reader or speak for one: advice in them takes a side.
ENGLISH_PERSON = re.compile(r"\b(?:we|us|our|ours|you|your|yours)\b", re.IGNORECASE)
JAPANESE_PERSON = re.compile(r"当社|貴社|御社|自社|弊社")


def takes_a_side(text: str) -> bool:
    return bool(ENGLISH_PERSON.search(text) or JAPANESE_PERSON.search(text))


@lru_cache(maxsize=None)
def checked(path: Path, party: str | None):
    return check_file(path, Settings(check=CheckOptions(party=party)))


def rules():
    return {rule.id: rule for rule in engine_for(()).pack.active()}


def outputs(report) -> dict[str, str]:
    return {
        "html": render_html(report, review_date="2026-01-01"),
        "md": render_markdown(report, review_date="2026-01-01"),
        "json": json.dumps(report_dict(report), ensure_ascii=False),
        "sarif": json.dumps(json.loads(render_sarif(report)), ensure_ascii=False),
        "docx comments": "\n".join(comment_text(f, f.evidence[0] if f.evidence else None, report, STRINGS[report.memo_language]) for f in report.findings),
    }


def test_every_one_sided_rule_says_its_advice_neutrally_too():
    for rule in rules().values():
        if rule.kind not in ("risk", "conditional"):
            continue
        assert set(rule.neutral_recommendation) == {"en", "ja"}, rule.id
        for text in rule.neutral_recommendation.values():
            assert not takes_a_side(text), (rule.id, text)
            assert text not in rule.recommendation.values(), rule.id


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_a_neutral_memo_argues_for_no_side(path):
    report = checked(path, None)
    one_sided = [f for f in report.findings if f.favours and f.kind == "risk"]
    assert one_sided or path not in ONE_SIDED_SAMPLES
    by_id = rules()
    for finding in report.findings:
        if finding.kind in ("risk", "note"):
            assert not takes_a_side(finding.recommendation), (finding.rule, finding.recommendation)
            assert not takes_a_side(finding.question), (finding.rule, finding.question)
    addressed = set()
    for finding in one_sided:
        rule = by_id[finding.rule]
        assert finding.question == ""
        assert finding.advice["recommendation"] == rule.text("recommendation", report.memo_language)
        assert finding.advice["party"] not in (None, finding.favours)
        addressed |= {rule.text("recommendation", report.memo_language), rule.text("question", report.memo_language)} - {""}
    for name, text in outputs(report).items():
        if name == "json":
            text = json.dumps([{k: v for k, v in f.items() if k != "advice"} for f in json.loads(text)["findings"]], ensure_ascii=False)
        for line in addressed:
            assert line not in text, (name, line)


def _favoured(path: Path) -> tuple[str, set[str]]:
    """A name of the side most neutral findings favour, and the rules that favour it."""
    report = checked(path, None)
    counts: dict[str, set[str]] = {}
    for finding in report.findings:
        if finding.favours and finding.kind == "risk":
            counts.setdefault(finding.favours, set()).add(finding.rule)
    party_id = max(counts, key=lambda key: len(counts[key]))
    party = report.document.party(party_id)
    return (party.aliases or party.names)[0], counts[party_id]


@pytest.mark.parametrize("path", ONE_SIDED_SAMPLES, ids=lambda p: p.name)
def test_the_favoured_side_is_not_asked_to_give_its_points_up(path):
    alias, favouring = _favoured(path)
    report = checked(path, alias)
    by_id = rules()
    notes = [f for f in report.findings if f.rule in favouring]
    assert notes and all(f.kind == "note" and f.question == "" for f in notes)
    view = context(report)
    asked = {q["finding"] for q in view["questions"]}
    assert not asked & {f.id for f in notes}
    html = render_html(report, review_date="2026-01-01")
    for finding in notes:
        rule = by_id[finding.rule]
        for text in (rule.text("question", report.memo_language), rule.text("recommendation", report.memo_language)):
            assert not text or text not in html, (finding.rule, text)
        assert finding.recommendation == rule.text("neutral_recommendation", report.memo_language)


@pytest.mark.parametrize("path", ONE_SIDED_SAMPLES, ids=lambda p: p.name)
def test_the_other_side_gets_the_advice_addressed_to_it(path):
    alias, favouring = _favoured(path)
    favoured = checked(path, alias)
    other = next(p for p in favoured.document.parties if p.id != favoured.perspective)
    report = checked(path, (other.aliases or other.names)[0])
    by_id = rules()
    against = [f for f in report.findings if f.rule in favouring and f.kind == "risk"]
    assert against
    for finding in against:
        rule = by_id[finding.rule]
        assert finding.recommendation == rule.text("recommendation", report.memo_language)
        assert finding.question == rule.text("question", report.memo_language)
        assert not finding.advice
