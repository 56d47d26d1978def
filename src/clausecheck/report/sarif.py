"""SARIF 2.1.0 output: every finding as a result, for code-scanning dashboards and baselines.

One run per checked file. Each result names its rule (with the rule's title, message, why
and recommendation as metadata), points at the clause by a region of the text as the
checker read it (line and column of the extracted text, character offset and length, the
quoted words as snippet) plus the clause, paragraph index and page as properties, and
carries a fingerprint built from what the finding is about — rule, clause and quoted words,
never its F-number or offsets — so a re-run after unrelated edits matches the baseline.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from clausecheck import __version__
from clausecheck.model import Evidence, Finding, Report

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning ranks results by this property (0.1-10): high issues sort first.
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.0", "low": "3.0", "info": "1.0"}
FINGERPRINT_KEY = "clausecheck/v1"


def artifact_uri(path: str) -> str:
    source = Path(path)
    return source.resolve().as_uri() if source.is_absolute() else source.as_posix()


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (Unicode code points) of `offset` in the extracted text."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _region(report: Report, evidence: Evidence | None) -> dict:
    text = report.document.text
    if evidence is None:  # a missing element has no place: the start of the document
        return {"startLine": 1, "startColumn": 1, "charOffset": 0, "charLength": 0}
    start = evidence.start + evidence.match_start if evidence.match else evidence.start
    end = start + len(evidence.match) if evidence.match else evidence.end
    start_line, start_column = _line_and_column(text, start)
    end_line, end_column = _line_and_column(text, end)
    return {
        "startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column,
        "charOffset": start, "charLength": max(0, end - start),
        "snippet": {"text": evidence.text},
    }


def _location(report: Report, evidence: Evidence | None) -> dict:
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(report.document.source.path), "index": 0},
            "region": _region(report, evidence),
        },
        "properties": {},
    }
    if evidence is not None:
        if evidence.clause:
            location["logicalLocations"] = [{"name": evidence.clause, "kind": "clause"}]
            location["properties"]["clause"] = evidence.clause
        if evidence.block is not None:
            location["properties"]["paragraph"] = evidence.block
        if evidence.page is not None:
            location["properties"]["page"] = evidence.page
    if not location["properties"]:
        del location["properties"]
    return location


def fingerprint(finding: Finding) -> str:
    """Stable across runs: the rule and what it quotes, not the finding's number or offsets."""
    anchor = finding.evidence[0] if finding.evidence else None
    quoted = " ".join((anchor.match or anchor.text).split()) if anchor else ""
    key = "\x1f".join((finding.rule, (anchor.clause or "") if anchor else "", quoted))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _rule(finding: Finding) -> dict:
    help_text = " ".join(part for part in (finding.why, finding.recommendation) if part)
    return {
        "id": finding.rule,
        "name": "".join(word.capitalize() for word in finding.rule.split("-")),
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": finding.message if finding.kind != "lint" else finding.message.split(" (")[0]},
        "help": {"text": help_text or finding.title},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"tags": list(dict.fromkeys((finding.topic, finding.kind))), "security-severity": SECURITY_SEVERITY[finding.severity]},
    }


def run_of(report: Report) -> dict:
    rules: list[dict] = []
    rule_index: dict[str, int] = {}
    results = []
    seen: dict[str, int] = {}
    for finding in report.findings:
        if finding.rule not in rule_index:
            rule_index[finding.rule] = len(rules)
            rules.append(_rule(finding))
        base = fingerprint(finding)
        seen[base] = seen.get(base, 0) + 1
        text = finding.message
        if finding.favours:
            text += f" [favours {finding.favours}]"
        results.append({
            "ruleId": finding.rule,
            "ruleIndex": rule_index[finding.rule],
            "kind": "informational" if finding.kind == "note" else "fail",
            "level": "none" if finding.kind == "note" else LEVELS[finding.severity],
            "message": {"text": text},
            "locations": [_location(report, e) for e in finding.evidence] or [_location(report, None)],
            "partialFingerprints": {FINGERPRINT_KEY: f"{base}:{seen[base]}"},
            "properties": {"findingId": finding.id, "kind": finding.kind, "severity": finding.severity, "topic": finding.topic,
                           **({"favours": finding.favours} if finding.favours else {})},
        })
    if report.comparison is not None:
        _comparison_results(report, rules, rule_index, results)
    source = report.document.source
    return {
        "tool": {"driver": {
            "name": "clausecheck", "version": __version__, "semanticVersion": __version__,
            "rules": rules,
            "properties": {"rulesVersion": report.rules_version},
        }},
        "artifacts": [{
            "location": {"uri": artifact_uri(source.path)},
            "hashes": {"sha-256": source.sha256},
            "properties": {"format": source.format, **({"pages": source.pages} if source.pages else {})},
        }],
        "columnKind": "unicodeCodePoints",
        "language": report.memo_language,
        "results": results,
        "properties": {
            "contractType": report.contract_type.id, "language": report.document.language,
            "perspective": report.perspective, "regionsReferTo": "the text as extracted by clausecheck (see `clausecheck parse`)",
            "warnings": [w.as_dict() for w in report.warnings],
        },
    }


# `clausecheck compare`: each deviation from the template is a result of its own rule.
COMPARISON_RULES = {
    "missing": ("A clause of the template is not in the draft", "warning"),
    "added": ("A clause of the draft has no counterpart in the template (ひな型外条文)", "warning"),
    "changed": ("A clause differs from the template's", "note"),
    "moved": ("A clause stands elsewhere than in the template", "note"),
}


def _comparison_results(report: Report, rules: list, rule_index: dict, results: list) -> None:
    comparison = report.comparison
    by_label = {}
    for clause in report.document.all_clauses():
        by_label.setdefault((clause.number, clause.heading), clause)
    entries = [("missing", c, None) for c in comparison.missing] + [("added", None, c) for c in comparison.added]
    entries += [("changed", pair.template, pair.draft) for pair in comparison.changed]
    entries += [("moved", pair.template, pair.draft) for pair in comparison.moved if pair not in comparison.changed]
    for kind, template_clause, draft_clause in entries:
        rule_id = f"comparison-{kind}"
        title, level = COMPARISON_RULES[kind]
        if rule_id not in rule_index:
            rule_index[rule_id] = len(rules)
            rules.append({"id": rule_id, "name": "Comparison" + kind.capitalize(), "shortDescription": {"text": title},
                          "fullDescription": {"text": title}, "help": {"text": "Compare the clause with your template before signing."},
                          "defaultConfiguration": {"level": level}, "properties": {"tags": ["comparison"]}})
        named = draft_clause or template_clause
        label = " ".join(part for part in (named.number, named.heading) if part) or named.text[:40]
        where = "template" if draft_clause is None else "draft"
        evidence = None
        clause = by_label.get((draft_clause.number, draft_clause.heading)) if draft_clause is not None else None
        if clause is not None:
            evidence = Evidence(clause.number or clause.heading, clause.page, None, clause.start, clause.end, clause.text[:500])
        key = "\x1f".join((rule_id, where, named.number or "", named.heading or "", " ".join(named.text.split())[:200]))
        results.append({
            "ruleId": rule_id, "ruleIndex": rule_index[rule_id], "kind": "fail", "level": level,
            "message": {"text": f"{title}: {label}"},
            "locations": [_location(report, evidence)],
            "partialFingerprints": {FINGERPRINT_KEY: hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ":1"},
            "properties": {"comparison": kind, "template": comparison.template.path},
        })


def sarif_log(reports: list[Report]) -> dict:
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run_of(r) for r in reports]}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log([report]), ensure_ascii=False, indent=2) + "\n"
