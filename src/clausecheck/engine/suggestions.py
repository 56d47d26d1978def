"""Suggested wording: fairer text a rule proposes for the sentence it flags, filled from the contract.

A rule may carry `suggestion:` (en/ja) in its own file, and a pack may hold
`suggestions.yaml`, a mapping of rule id to en/ja texts that the loader attaches to the
rules (an id no rule has is an error, E214). Placeholders name what the contract itself says:

- `{favoured}` / `{other}`: the alias of the party the flagged clause favours / of the other
  party, as the contract writes it (甲, 乙, "Licensee");
- `{party_a}` / `{party_b}`: the first and second party's aliases;
- `{period|DEFAULT}`: the first duration the flagged sentence states, as written
  ("30日", "thirty (30) days"), else DEFAULT.

A finding gets a suggestion only when every placeholder can be filled: a half-filled
sentence would be worse than none.
"""

from __future__ import annotations

import re
import string
from dataclasses import replace
from pathlib import Path

from clausecheck.quantities import durations
from clausecheck.errors import RuleProblem
from clausecheck.model import Document, Finding, Report

SUGGESTIONS_FILE = "suggestions.yaml"
PLACEHOLDERS = ("favoured", "other", "party_a", "party_b", "period")
_FORMATTER = string.Formatter()
_RE_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\|([^{}]*))?\}")


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the placeholders of one suggestion text (empty when nothing)."""
    problems = []
    try:
        names = [field for _literal, field, _spec, _conv in _FORMATTER.parse(text) if field is not None]
    except ValueError as exc:
        return [f"unbalanced braces: {exc}"]
    for name in names:
        base = name.split("|", 1)[0]
        if base not in PLACEHOLDERS:
            problems.append(f"unknown placeholder {{{base}}} (known: {', '.join('{%s}' % p for p in PLACEHOLDERS)})")
    return problems


def parse_suggestions(path: Path, data, problems: list[RuleProblem]) -> dict[str, dict[str, str]]:
    """suggestions.yaml: rule id → {en, ja} texts, placeholders checked."""
    file = str(path)
    if not isinstance(data, dict):
        problems.append(RuleProblem(file, 1, "E214", f"{SUGGESTIONS_FILE} must map rule ids to en/ja texts"))
        return {}
    suggestions: dict[str, dict[str, str]] = {}
    for rule_id, texts in data.items():
        line = getattr(data, "lines", {}).get(rule_id, 1)
        if not isinstance(texts, dict) or not texts:
            problems.append(RuleProblem(file, line, "E214", f"suggestion for {rule_id!r} must be a mapping of en/ja texts"))
            continue
        checked = check_texts(file, texts, problems, line, f"suggestion for {rule_id!r}")
        if checked:
            suggestions[str(rule_id)] = checked
    return suggestions


def check_texts(file: str, texts: dict, problems: list[RuleProblem], line: int, what: str) -> dict[str, str]:
    """The en/ja texts of one suggestion, with a problem for each bad language or placeholder."""
    checked: dict[str, str] = {}
    if not isinstance(texts, dict):
        problems.append(RuleProblem(file, line, "E214", f"{what} must be a mapping of en/ja texts"))
        return checked
    for language, text in texts.items():
        text_line = getattr(texts, "lines", {}).get(language, line)
        if language not in ("en", "ja") or not isinstance(text, str) or not text.strip():
            problems.append(RuleProblem(file, text_line, "E214", f"{what}: {language!r} must be en or ja with a text"))
            continue
        for problem in placeholder_problems(text):
            problems.append(RuleProblem(file, text_line, "E214", f"{what} ({language}): {problem}"))
        checked[language] = " ".join(text.split()) if language == "en" else "".join(text.split())
    return checked


def unknown_rule_problems(suggestion_lines: dict[str, tuple[str, int]], rule_ids) -> list[RuleProblem]:
    """E214 for every suggestion whose rule id no loaded pack defines."""
    known = set(rule_ids)
    return [RuleProblem(file, line, "E214", f"suggestion for unknown rule {rule_id!r}")
            for rule_id, (file, line) in suggestion_lines.items() if rule_id not in known]


def _alias(document: Document, party_id: str | None) -> str | None:
    party = document.party(party_id) if party_id else None
    if party is None:
        return None
    names = party.aliases or party.names
    return names[0] if names else None


def fill(template: str, finding: Finding, document: Document) -> str | None:
    """`template` with its placeholders filled for this finding, or None when one cannot be."""
    values: dict[str, str | None] = {
        "favoured": _alias(document, finding.favours),
        "party_a": _alias(document, document.parties[0].id) if document.parties else None,
        "party_b": _alias(document, document.parties[1].id) if len(document.parties) > 1 else None,
    }
    others = [p.id for p in document.parties if p.id != finding.favours]
    values["other"] = _alias(document, others[0]) if finding.favours and others else None
    sentence = finding.evidence[0].text if finding.evidence else ""
    stated = durations(sentence)
    missing = False

    def substitute(match: re.Match) -> str:
        nonlocal missing
        name, default = match.group(1), match.group(2)
        if name == "period":
            return sentence[stated[0].start:stated[0].end] if stated else (default or "")
        value = values.get(name)
        if value is None:
            missing = True
            return ""
        return value

    filled = _RE_PLACEHOLDER.sub(substitute, template)
    return None if missing or not filled.strip() else filled


def attach(report: Report, suggestions: dict[str, dict[str, str]]) -> Report:
    """The report with each risk finding's suggestion filled in the contract's language."""
    if not suggestions:
        return report
    language = report.document.language
    findings = []
    for finding in report.findings:
        template = suggestions.get(finding.rule, {}).get(language)
        text = fill(template, finding, report.document) if template and finding.evidence and finding.kind == "risk" else None
        findings.append(replace(finding, suggestion=text) if text else finding)
    return replace(report, findings=tuple(findings))
