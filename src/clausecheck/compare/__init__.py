"""Compare a draft with the user's own template: clauses missing, added (ひな型外条文), changed, moved.

`compare_reports` takes the two checked reports (draft and template), aligns their articles
(`align`), diffs the changed ones (`diff`) and lists the draft's findings whose rule the
template does not trigger. The result is `Report.comparison` of the draft's report.
"""

from __future__ import annotations

from dataclasses import replace

from clausecheck.compare.align import Unit, align, body_of, units_of
from clausecheck.compare.diff import diff
from clausecheck.model import ClausePair, ComparedClause, Comparison, Report

REWRITTEN_BELOW = 50.0  # below this similarity a clause is shown as rewritten, not diffed


def compared(unit: Unit) -> ComparedClause:
    return ComparedClause(unit.clause.number, unit.clause.heading, unit.clause.text)


def compare_reports(draft: Report, template: Report) -> Report:
    """The draft's report with its comparison against the template."""
    template_units, draft_units = units_of(template.document), units_of(draft.document)
    alignment = align(template_units, draft_units)
    paired_template = {t for t, _d, _s in alignment.pairs}
    paired_draft = {d for _t, d, _s in alignment.pairs}
    language = draft.document.language
    changed, moved, renumbered = [], [], []
    for t, d, similarity in alignment.pairs:
        old, new = template_units[t], draft_units[d]
        identical = old.body == new.body
        if identical:
            steps = ()
        elif similarity < REWRITTEN_BELOW:
            steps = (("delete", body_of(old.clause)), ("insert", body_of(new.clause)))  # rewritten: a diff would be noise
        else:
            steps = diff(body_of(old.clause), body_of(new.clause), language)
        pair = ClausePair(compared(old), compared(new), similarity / 100.0, steps)
        if not identical:
            changed.append(pair)
        if (t, d) not in alignment.in_order:
            moved.append(pair)
        elif identical and old.number != new.number:
            renumbered.append(pair)
    template_rules = {finding.rule for finding in template.findings}
    new_findings = tuple((f.id, f.rule, f.severity, f.title) for f in draft.findings
                         if f.kind != "note" and f.rule not in template_rules)
    comparison = Comparison(
        template=template.document.source,
        template_language=template.document.language,
        missing=tuple(compared(u) for u in template_units if u.position not in paired_template),
        added=tuple(compared(u) for u in draft_units if u.position not in paired_draft),
        changed=tuple(changed),
        moved=tuple(moved),
        renumbered=tuple(renumbered),
        new_findings=new_findings,
    )
    return replace(draft, comparison=comparison)
