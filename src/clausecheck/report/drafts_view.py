"""The memo sections about drafts: tracked changes proposed in this draft, and the comparison with a template.

Prepared as plain values, like the rest of the memo (`render.context`), so the templates only
lay them out. Strings for these sections live here, in both memo languages.
"""

from __future__ import annotations

from clausecheck.model import Report

DRAFT_STRINGS = {
    "en": {
        "changes_title": "Changes proposed in this draft",
        "changes_intro": "Tracked changes in the Word file, by clause. The rules read the {view} text.",
        "view_accepted": "accepted", "view_original": "original (before the changes)",
        "change": "Change", "clause": "Clause", "author": "Author", "date": "Date", "before": "Before", "after": "After",
        "kind_insertion": "inserted", "kind_deletion": "deleted", "kind_replacement": "replaced", "kind_move": "moved",
        "touches": "Findings it touches", "finding_changed": "Its evidence was changed in this draft",
        "suggestion": "Suggested wording",
        "comparison_title": "Comparison with the template",
        "template": "Template", "missing": "Template clauses missing from the draft",
        "added": "Draft clauses with no counterpart in the template", "changed": "Changed clauses",
        "moved": "Moved clauses", "renumbered": "Renumbered only (not a change)", "new_findings": "Findings the template does not have",
        "none": "None.", "similarity": "similarity", "to": "→",
    },
    "ja": {
        "changes_title": "このドラフトで提案された変更",
        "changes_intro": "Wordファイルの変更履歴（条項別）。ルールは{view}の本文を読んでいます。",
        "view_accepted": "変更を承諾した状態", "view_original": "変更前",
        "change": "変更", "clause": "条項", "author": "作成者", "date": "日時", "before": "変更前", "after": "変更後",
        "kind_insertion": "挿入", "kind_deletion": "削除", "kind_replacement": "置換", "kind_move": "移動",
        "touches": "関係する指摘", "finding_changed": "この指摘の根拠となる文言はこのドラフトで変更されています",
        "suggestion": "修正文案",
        "comparison_title": "ひな型との比較",
        "template": "ひな型", "missing": "ドラフトにないひな型の条項", "added": "ひな型外条文",
        "changed": "変更された条項", "moved": "移動した条項", "renumbered": "番号のみ変更（変更ではない）",
        "new_findings": "ひな型にない指摘", "none": "なし。", "similarity": "類似度", "to": "→",
    },
}


def readable_date(stamp: str | None) -> str | None:
    """Word's `2026-11-20T09:30:00Z` as `2026-11-20 09:30` (the memo is read by people)."""
    if not stamp:
        return stamp
    day, _, time = stamp.partition("T")
    return f"{day} {time[:5]}".strip() if time else day


def drafts_context(report: Report, language: str) -> dict:
    """`d` (strings), `changes` (rows) and `comparison` (or None) for the memo templates."""
    strings = DRAFT_STRINGS.get(language, DRAFT_STRINGS["en"])
    touching: dict[str, list[str]] = {}
    for finding in report.findings:
        for change_id in finding.changes:
            touching.setdefault(change_id, []).append(finding.id)
    rows = [{
        "id": change.id,
        "kind": strings["kind_" + change.kind] if "kind_" + change.kind in strings else change.kind,
        "clause": change.clause,
        "author": change.author,
        "date": readable_date(change.date),
        "before": change.before,
        "after": change.after,
        "findings": touching.get(change.id, []),
    } for change in report.document.changes]
    view_name = strings["view_original" if report.document.changes_view == "original" else "view_accepted"]
    return {
        "d": strings,
        "changes": rows,
        "changes_intro": strings["changes_intro"].format(view=view_name),
        "comparison": report.comparison.as_dict() if getattr(report, "comparison", None) is not None else None,
    }
