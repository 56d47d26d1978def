"""Render a Report as an HTML memo or Markdown, in the memo language (en or ja)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import jinja2

from clausecheck import __version__
from clausecheck.engine.schema import REQUIRED_ELEMENTS
from clausecheck.model import Report
from clausecheck.report.strings import STRINGS, TOPIC_NAMES


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
    return env


def context(report: Report, review_date: str | None = None) -> dict:
    language = report.memo_language
    strings = STRINGS[language]
    document = report.document
    party_names = {p.id: " / ".join(p.all_names) for p in document.parties}
    checklist = []
    for topic in REQUIRED_ELEMENTS + ("exclusivity",):
        result = report.topics.get(topic)
        status = result.status if result else "absent"
        clauses = sorted({e.clause for e in (result.evidence if result else ()) if e.clause})
        risky = [f for f in report.findings if f.topic == topic and f.kind == "risk"]
        if topic == "exclusivity":
            light = "red" if risky else ("amber" if status == "present" else "green")
        else:
            light = "green" if status == "present" and not risky else ("amber" if status == "present" or status == "uncertain" else "red")
        checklist.append({"topic": topic, "name": TOPIC_NAMES[language][topic], "status": status, "clauses": clauses, "light": light})
    return {
        "report": report,
        "document": document,
        "s": strings,
        "lang": language,
        "topic_names": TOPIC_NAMES[language],
        "party_names": party_names,
        "checklist": checklist,
        "summary": report.summary(),
        "version": __version__,
        "review_date": review_date or date.today().isoformat(),
        "perspective_name": party_names.get(report.perspective) if report.perspective else None,
    }


def render_html(report: Report, review_date: str | None = None) -> str:
    return environment().get_template("memo.html.j2").render(**context(report, review_date))


def render_markdown(report: Report, review_date: str | None = None) -> str:
    env = environment()
    template = env.get_template("summary.md.j2")
    return template.render(**context(report, review_date), md=markdown_escape)


def markdown_escape(text: str | None) -> str:
    """Contract text as inert Markdown: no HTML, no links, no emphasis, one line."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    out = []
    for ch in text:
        if ch in "\\`*_{}[]()<>#+!|~":
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")
        else:
            out.append(ch)
    return "".join(out)
