"""The memo's first line: what to do with this contract, and the three issues that say why.

A lawyer reads the verdict before anything else, so it is computed from the findings in one
place and shown the same way in every output: negotiate when anything high stands against
the reader (or, in a neutral review, against either side), otherwise the number of points
worth a question. Points in the reader's favour (`note`) never count against the contract;
drafting slips (`lint`) are counted apart, since they are fixed by the drafter, not negotiated.
"""

from __future__ import annotations

from dataclasses import dataclass

from clausecheck.model import Finding, Report

TOP_ISSUES = 3
UNREADABLE_CODES = ("E108", "W103", "W102")
UNFINISHED_CODE = "W108"


@dataclass(frozen=True)
class Verdict:
    level: str  # negotiate | questions | clear
    text: str  # the verdict line in the memo language
    top: tuple[Finding, ...]  # the issues that justify it, most serious first
    high: int
    points: int  # issues at medium or low
    lint: int
    notes: int
    unfinished: bool
    unread_pages: tuple[int, ...]
    unreadable: bool


def issues_of(report: Report) -> list[Finding]:
    """Findings that go against the reader: risks and missing elements (not notes, not lint)."""
    return [f for f in report.findings if f.kind in ("risk", "missing") and f.severity != "info"]


def level_of(findings) -> str:
    """negotiate | questions | clear, from (kind, severity) pairs: the report's findings or a JSON line's."""
    issues = [(kind, severity) for kind, severity in findings if kind in ("risk", "missing") and severity != "info"]
    if any(severity == "high" for _, severity in issues):
        return "negotiate"
    return "questions" if issues else "clear"


def verdict_of(report: Report, strings: dict) -> Verdict:
    issues = issues_of(report)
    high = sum(1 for f in issues if f.severity == "high")
    points = sum(1 for f in issues if f.severity in ("medium", "low"))
    level = level_of((f.kind, f.severity) for f in report.findings)
    lint = sum(1 for f in report.findings if f.kind == "lint")
    notes = sum(1 for f in report.findings if f.kind == "note")
    warnings = tuple(report.warnings) + tuple(report.document.warnings)
    unfinished = any(w.code == UNFINISHED_CODE for w in warnings)
    unreadable = any(w.code in UNREADABLE_CODES for w in warnings)
    unread_pages = tuple(sorted({page for w in warnings if w.code in UNREADABLE_CODES for page in w.pages}))
    text = {"negotiate": strings["verdict_negotiate"].format(n=high), "questions": strings["verdict_questions"].format(n=points)}.get(level, strings["verdict_clear"])
    extras = []
    if lint:
        extras.append(strings["verdict_lint"].format(n=lint))
    if unfinished:
        extras.append(strings["verdict_unfinished"])
    if unreadable:
        extras.append(strings["verdict_unreadable"])
    if extras:
        text = text + strings["verdict_joiner"] + strings["verdict_joiner"].join(extras)
    return Verdict(level, text, tuple(issues[:TOP_ISSUES]), high, points, lint, notes, unfinished, unread_pages, unreadable)
