"""Render a Report as an HTML memo or Markdown, in the memo language (en or ja).

Everything the templates show is prepared here as plain values (strings, lists, dicts)
so that the templates only lay things out: they never compute offsets or look up parties.
Contract text is hostile input: the HTML template autoescapes it and isolates its
direction; Markdown goes through `markdown_escape`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from clausecheck import __version__
from clausecheck.model import Clause, Evidence, Finding, Report
from clausecheck.report.drafts_view import drafts_context
from clausecheck.report.strings import STRINGS, TOPIC_NAMES
from clausecheck.report.verdict import issues_of, verdict_of
from clausecheck.vocabulary import REQUIRED_ELEMENTS

SEVERITIES = ("high", "medium", "low", "info")
CHECKLIST_TOPICS = REQUIRED_ELEMENTS + ("exclusivity",)
# Characters that change text direction or hide themselves; shown as visible markers
# so a quoted clause can neither reorder the memo nor hide words from the reader.
DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
OUTLINE_EXCERPT_CHARS = 70
EXCERPT_CONTEXT_CHARS = 80
CHECKLIST_QUOTES = 2
# A clause label longer than this (a sentence the parser took for a number) is cut, so it
# cannot widen the checklist's column and squeeze the others.
CLAUSE_LABEL_MAX_CHARS = 24
LEADING_ITEM_MARKER = re.compile(r"^(?:[0-9０-９]{1,3}[.．)）]?|[(（](?:[0-9０-９]{1,3}|[a-zA-Z]|[ivx]{1,4})[)）]|(?:[a-zA-Z]|[ivx]{1,4})[.)]|[\u2460-\u2473])\s+")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("clausecheck.report", "templates"),
        # HTML templates escape everything; the Markdown template escapes through `md`.
        autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=True, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["quoted"] = quoted_html
    env.filters["md"] = markdown_escape
    env.filters["visible"] = visible_controls
    return env


def visible_controls(text: str) -> str:
    """Replace direction-changing characters by a visible `[U+202E]` marker."""
    return DIRECTION_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def quoted_html(text: str | None) -> Markup:
    """Contract text for HTML: escaped, direction controls made visible, in an isolating <bdi>."""
    return Markup("<bdi>") + escape(visible_controls(text or "")) + Markup("</bdi>")


@dataclass(frozen=True)
class Quote:
    """One piece of evidence ready to show: the words before, the match, the words after."""

    before: str
    match: str
    after: str
    clause: str | None
    clause_anchor: str | None
    page: int | None


@dataclass(frozen=True)
class OutlineEntry:
    anchor: str
    number: str | None
    heading: str | None
    excerpt: str
    depth: int
    kind: str
    page: int | None
    findings: tuple[tuple[str, str], ...]  # (finding id, severity)


class ClauseIndex:
    """Every clause of the document with a stable anchor, found by offset or by number."""

    def __init__(self, clauses: tuple[Clause, ...]):
        self.entries: list[tuple[str, Clause, int]] = []
        counter = 0

        def visit(clause: Clause, depth: int) -> None:
            nonlocal counter
            counter += 1
            self.entries.append((f"clause-{counter}", clause, depth))
            for child in clause.children:
                visit(child, depth + 1)

        for clause in clauses:
            visit(clause, 0)
        self.by_number: dict[str, str] = {}
        for anchor, clause, _ in self.entries:
            if clause.number:
                self.by_number.setdefault(clause.number, anchor)

    def locate(self, evidence: Evidence) -> tuple[str, Clause] | None:
        """The deepest clause holding the evidence: offsets first, its clause label second."""
        found = None
        for anchor, clause, _ in self.entries:
            if clause.start <= evidence.start < clause.end:
                found = (anchor, clause)  # entries are in document order, so the last is deepest
        if found is None and evidence.clause in self.by_number:
            anchor = self.by_number[evidence.clause]
            found = next((anchor, c) for a, c, _ in self.entries if a == anchor)
        return found


def split_match(evidence: Evidence) -> tuple[str, str, str]:
    """Cut the evidence text around its match; no highlight when the match cannot be placed."""
    text, match = evidence.text, evidence.match
    if not match:
        return text, "", ""
    start = evidence.match_start
    if text[start:start + len(match)] != match:
        start = text.find(match)
        if start < 0:
            return text, "", ""
    return text[:start], match, text[start + len(match):]


def excerpt_around_match(evidence: Evidence) -> tuple[str, str, str]:
    """The match with a little of its sentence either side, for a one-line quote."""
    before, match, after = split_match(evidence)
    if len(before) > EXCERPT_CONTEXT_CHARS:
        before = "…" + before[-EXCERPT_CONTEXT_CHARS:]
    if len(after) > EXCERPT_CONTEXT_CHARS:
        after = after[:EXCERPT_CONTEXT_CHARS] + "…"
    return before, match, after


def clause_label(clause: Clause | None, evidence: Evidence, strings: dict | None = None) -> str | None:
    if clause is not None and clause.number:
        return clause.number
    if clause is not None and clause.heading:
        return clause.heading
    if clause is not None and strings is not None and clause.kind != "clause":
        return strings["clause_kinds"].get(clause.kind, clause.kind)  # "recitals", "preamble"
    return evidence.clause


def party_label(report: Report, party_id: str | None, strings: dict) -> str | None:
    """`Name (alias)`, plus whose side that is when the review takes a perspective."""
    if not party_id:
        return None
    party = report.document.party(party_id)
    label = " / ".join(party.all_names) if party else party_id
    if report.perspective:
        side = strings["you"] if party_id == report.perspective else strings["them"]
        label = f"{label} ({side})"
    return label


def warnings_of(report: Report) -> list:
    seen, out = set(), []
    for warning in tuple(report.warnings) + tuple(report.document.warnings):
        key = (warning.code, warning.message)
        if key not in seen:
            seen.add(key)
            out.append(warning)
    return out


def checklist_of(report: Report, index: ClauseIndex, language: str) -> list[dict]:
    """A traffic light per required element, with the clauses where each was found.

    green: found and no risk raised; amber: found with a risk, or cannot tell; red: a
    `missing` finding (required for this contract type) or a high risk; grey: not found
    but not required for this contract type. Exclusivity is inverted: finding it is the risk.
    """
    strings = STRINGS[language]
    checklist = []
    for topic in CHECKLIST_TOPICS:
        result = report.topics.get(topic)
        status = result.status if result else "absent"
        clauses: dict[str, str] = {}
        for evidence in result.evidence if result else ():
            located = index.locate(evidence)
            if located and located[1].kind not in ("toc", "signature"):
                label = clause_label(located[1], evidence, strings)
                if label:
                    clauses.setdefault(short_label(label), located[0])
        findings = [f for f in report.findings if f.topic == topic]
        risks = [f for f in findings if f.kind == "risk"]
        missing = any(f.kind == "missing" for f in findings)
        quotes = []
        if topic == "exclusivity":
            if status == "present":
                light = "red" if any(f.severity == "high" for f in risks) else "amber"
                state = strings["exclusivity_found"]
                # The reviewer is asked to check the scope: give them the words to check.
                quotes = [excerpt_around_match(e) for e in result.evidence[:CHECKLIST_QUOTES]]
            else:
                light, state = "green", strings["exclusivity_none"]
        elif missing:
            light, state = "red", strings["absent"]
        elif status == "present":
            light = "red" if any(f.severity == "high" for f in risks) else ("amber" if risks else "green")
            state = strings["present"]
        elif status == "uncertain":
            light, state = "amber", strings["uncertain"]
        else:
            light, state = "grey", strings["not_required"]
        checklist.append({
            "topic": topic,
            "name": TOPIC_NAMES[language][topic],
            "status": status,
            "state": state,
            "light": light,
            "clauses": [{"label": label, "anchor": anchor} for label, anchor in list(clauses.items())[:6]],
            "more_clauses": max(0, len(clauses) - 6),
            "findings": [f.id for f in findings],
            "quotes": quotes,
            # Lightly marked: the topic model, not a rule, found it (score shown).
            "model_score": max((e.score or 0.0 for e in result.evidence if e.detector == "model"), default=None) if result else None,
        })
    return checklist


def short_label(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= CLAUSE_LABEL_MAX_CHARS else label[: CLAUSE_LABEL_MAX_CHARS - 1] + "…"


def localised_warnings(report: Report, strings: dict) -> list[dict]:
    """The warnings in the memo language where a text exists for their code (the message stays in English otherwise)."""
    texts = strings["warning_texts"]
    return [{"code": w.code, "message": texts.get(w.code, w.message), "pages": w.pages} for w in warnings_of(report)]


def finding_view(report: Report, finding: Finding, index: ClauseIndex, strings: dict) -> dict:
    quotes = []
    for evidence in finding.evidence:
        located = index.locate(evidence)
        before, match, after = split_match(evidence)
        label = clause_label(located[1] if located else None, evidence, strings)
        label = short_label(label) if label else label
        if label and label[0].isdigit():  # a bare "2.2" reads better as "Clause 2.2"
            label = f"{strings['clause']} {label}"
        quotes.append(Quote(before, match, after, label, located[0] if located else None, evidence.page))
    return {
        "id": finding.id,
        "rule": finding.rule,
        "topic": finding.topic,
        "kind": finding.kind,
        "severity": finding.severity,
        "title": finding.title,
        "message": finding.message,
        "why": finding.why,
        "recommendation": finding.recommendation,
        "question": finding.question or finding.recommendation,
        "references": list(finding.references),
        "favours": party_label(report, finding.favours, strings),
        "favours_you": bool(report.perspective and finding.favours == report.perspective),
        "quotes": quotes,
        # The first quote, and in a bilingual contract the same clause's other version with it.
        "lead_quotes": quotes[:1] + [q for q, e in zip(quotes[1:], finding.evidence[1:])
                                     if finding.evidence[0].language and e.language not in (None, finding.evidence[0].language)][:1],
        # What the statement says in plain words of the memo's language (rules with `when:`).
        "reading": finding.explanation.get("said", {}).get(strings.get("language", "en")) if finding.explanation else None,
        "changes": list(finding.changes),
        "suggestion": finding.suggestion,
    }


def _neutral_point(finding: dict, strings: dict) -> str:
    if finding["favours"]:
        return f"{finding['title']} ({strings['favours']}: {finding['favours']})"
    return finding["title"]


def outline_of(report: Report, index: ClauseIndex, findings: list[dict]) -> list[OutlineEntry]:
    touching: dict[str, list[tuple[str, str]]] = {}
    for finding in findings:
        for quote in finding["quotes"]:
            if quote.clause_anchor:
                marks = touching.setdefault(quote.clause_anchor, [])
                if (finding["id"], finding["severity"]) not in marks:
                    marks.append((finding["id"], finding["severity"]))
    entries = []
    for anchor, clause, depth in index.entries:
        excerpt = "" if clause.heading else " ".join(clause.text.split())
        if clause.number and excerpt.startswith(clause.number):
            excerpt = excerpt[len(clause.number):].strip()
        # The outline already shows the number; drop the item marker the text repeats ("2 ", "(a) ", "① ").
        excerpt = LEADING_ITEM_MARKER.sub("", excerpt, count=1)[:OUTLINE_EXCERPT_CHARS]
        entries.append(OutlineEntry(anchor, clause.number, clause.heading, excerpt, depth, clause.kind, clause.page, tuple(touching.get(anchor, ()))))
    return entries


def context(report: Report, review_date: str | None = None) -> dict:
    language = report.memo_language if report.memo_language in STRINGS else "en"
    strings = STRINGS[language]
    document = report.document
    index = ClauseIndex(document.clauses)
    findings = [finding_view(report, f, index, strings) for f in report.findings]
    verdict = verdict_of(report, strings)
    issue_ids = {f.id for f in issues_of(report)}
    by_id = {f["id"]: f for f in findings}
    # Severity groups hold what stands against the reader; points in the reader's favour
    # and drafting slips have their own lists.
    groups = [
        {"severity": severity, "name": strings["group_" + severity],
         "findings": [f for f in findings if f["severity"] == severity and f["kind"] in ("risk", "missing")]}
        for severity in SEVERITIES
    ]
    notes = [f for f in findings if f["kind"] == "note"]
    lint = [f for f in findings if f["kind"] == "lint"]
    questions, seen = [], set()
    for severity in SEVERITIES:
        for finding in findings:
            # A rule's question is asked from one side ("can we keep the IP?"): a neutral
            # review lists the point itself and whom it favours instead.
            text = finding["question"] if report.perspective else _neutral_point(finding, strings)
            if finding["id"] in issue_ids and finding["severity"] == severity and text and text not in seen:
                seen.add(text)
                questions.append({"text": text, "finding": finding["id"], "severity": severity})
    parties = [
        {"id": p.id, "names": list(p.names), "aliases": list(p.aliases), "role": p.role, "is_you": p.id == report.perspective}
        for p in document.parties
    ]
    one_sidedness = []
    # Every party gets a row: a side with no one-sided clause is part of the picture.
    party_ids = [p.id for p in document.parties] + [i for i in report.one_sidedness if document.party(i) is None]
    if report.one_sidedness:
        for party_id in party_ids:
            counts = report.one_sidedness.get(party_id, {})
            one_sidedness.append({"party": party_label(report, party_id, strings), "counts": counts, "total": sum(counts.values()), "is_you": party_id == report.perspective})
    counts = {severity: len(group["findings"]) for severity, group in zip(SEVERITIES, groups)}
    counts.update(missing=sum(1 for f in findings if f["kind"] == "missing"), notes=len(notes), lint=len(lint))
    return {
        "report": report,
        "document": document,
        "s": strings,
        "lang": language,
        "topic_names": TOPIC_NAMES[language],
        "parties": parties,
        "checklist": checklist_of(report, index, language),
        "findings": findings,
        "groups": groups,
        "questions": questions,
        "outline": outline_of(report, index, findings),
        "one_sidedness": one_sidedness,
        "warnings": localised_warnings(report, strings),
        "summary": report.summary(),
        "counts": counts,
        "verdict": verdict,
        "top_issues": [by_id[f.id] for f in verdict.top],
        "notes": notes,
        "lint": lint,
        "contract_type_name": strings["types"].get(report.contract_type.id, report.contract_type.id),
        "version": __version__,
        "review_date": review_date or date.today().isoformat(),
        "perspective_name": party_label(report, report.perspective, strings) if report.perspective else None,
        **drafts_context(report, language),
    }


def render_html(report: Report, review_date: str | None = None) -> str:
    return environment().get_template("memo.html.j2").render(**context(report, review_date))


def render_markdown(report: Report, review_date: str | None = None, top: int = 10) -> str:
    env = environment()
    template = env.get_template("summary.md.j2")
    return template.render(**context(report, review_date), md=markdown_escape, top=top)


def markdown_escape(text: str | None, line_start: bool = False) -> str:
    """Contract text as inert Markdown: no HTML, no links, no emphasis, one line, no hidden reordering.

    `[`/`]` are escaped so no link can form; parentheses stay readable. With `line_start`
    (text that begins a line, as in a `>` quote) a leading `-`, `=` or `1.` is escaped too.
    """
    if not text:
        return ""
    text = visible_controls(" ".join(str(text).split()))
    out = []
    for ch in text:
        if ch in "\\`*_[]<>#+!|~":
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")
        else:
            out.append(ch)
    escaped = "".join(out)
    leading = re.match(r"[-=]|\d+(?=[.)])", escaped) if line_start else None
    if leading:
        cut = leading.end() if leading.group()[0].isdigit() else 0
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return escaped
