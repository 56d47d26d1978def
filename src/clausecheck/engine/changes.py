"""Marks each finding whose evidence a tracked change of the draft touches.

A reader of a redlined draft must see which findings the other side's edits created or
made worse: a finding is marked with the ids of the changes that overlap its evidence
(the evidence is located in the same text the rules read, accepted or original).
"""

from __future__ import annotations

from dataclasses import replace

from clausecheck.model import Change, Report


def mark_changed_findings(report: Report) -> Report:
    changes = report.document.changes
    if not changes:
        return report
    findings = []
    for finding in report.findings:
        touched: list[str] = []
        for evidence in finding.evidence:
            for change_id in overlapping(changes, evidence.start, evidence.end):
                if change_id not in touched:
                    touched.append(change_id)
        findings.append(replace(finding, changes=tuple(touched)) if touched else finding)
    return replace(report, findings=tuple(findings))


def overlapping(changes: tuple[Change, ...], start: int, end: int) -> tuple[str, ...]:
    """Ids of the changes that touch the text span [start, end); an empty change counts where it stands."""
    touching = []
    for change in changes:
        if change.start == change.end:
            hit = start <= change.start <= end
        else:
            hit = change.start < end and change.end > start
        if hit:
            touching.append(change.id)
    return tuple(touching)
