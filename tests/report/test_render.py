"""The HTML memo and the Markdown summary: what a reviewer must find in them, in both languages."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from clausecheck.model import Evidence, Warning
from clausecheck.report.render import context, markdown_escape, render_html, render_markdown, split_match
from clausecheck.report.strings import STRINGS, TOPIC_NAMES
from report_helpers import english_report, japanese_report


class Elements(HTMLParser):
    """Every start tag with its attributes, and the ids defined in the page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    @property
    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.tags if attrs.get("id")}

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.tags if tag == "a" and "href" in attrs]


def one_sided_termination(report):
    return next(f for f in report.findings if f.rule == "termination-for-convenience-one-sided")


def test_both_languages_have_every_fixed_string():
    assert set(STRINGS["en"]) == set(STRINGS["ja"])
    assert set(STRINGS["en"]["types"]) == set(STRINGS["ja"]["types"])
    assert set(STRINGS["en"]["clause_kinds"]) == set(STRINGS["ja"]["clause_kinds"])
    assert set(TOPIC_NAMES["en"]) == set(TOPIC_NAMES["ja"])


@pytest.mark.parametrize("build, party_name, alias", [(english_report, "Beta LLC", "Supplier"), (japanese_report, "株式会社ベータ", "乙")])
def test_header_names_file_parties_perspective_and_versions(build, party_name, alias):
    report = build()
    strings = STRINGS[report.memo_language]
    html = render_html(report, review_date="2026-01-31")
    assert f'<html lang="{report.memo_language}">' in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert report.document.source.path in html
    assert party_name in html and alias in html
    assert strings["you"] in html  # the side the review is for is marked
    assert "2026-01-31" in html
    assert report.rules_version in html
    assert strings["disclaimer"] in html
    assert strings["types"][report.contract_type.id] in html


@pytest.mark.parametrize("build", [english_report, japanese_report])
def test_every_finding_is_shown_once_grouped_by_severity_with_counts(build):
    report = build()
    html = render_html(report)
    elements = Elements(html)
    order = {"high": 0, "medium": 1, "low": 2, "info": 3}
    positions = []
    for finding in report.findings:
        assert html.count(f'id="{finding.id}"') == 1
        assert finding.title in html and finding.recommendation in html
        positions.append((order[finding.severity], html.index(f'id="{finding.id}"')))
    assert [p for _, p in sorted(positions)] == sorted(p for _, p in positions)  # higher severity first
    summary = report.summary()
    for severity in order:
        if summary[severity]:
            assert f'href="#group-{severity}"><b>{summary[severity]}</b>' in html
        else:
            assert f'class="count {severity} zero"><b>0</b>' in html
    assert all(href.startswith("#") for href in elements.hrefs())  # no link leaves the memo
    assert {href[1:] for href in elements.hrefs()} <= elements.ids  # and none is dangling


def test_evidence_is_quoted_with_its_match_highlighted_and_linked_to_the_outline():
    report = english_report()
    finding = one_sided_termination(report)
    evidence = finding.evidence[0]
    html = render_html(report)
    assert f"<mark><bdi>{evidence.match}</bdi></mark>" in html
    article = html[html.index(f'id="{finding.id}"'):]
    article = article[:article.index("</article>")]
    anchor = re.search(r'<a href="#(clause-\d+)"[^>]*><bdi>Clause 2\.2</bdi></a>', article)
    assert anchor, "the quote names its clause and links to it"
    outline_entry = html[html.index(f'id="{anchor.group(1)}"'):]
    outline_entry = outline_entry[:outline_entry.index("</li>")]
    assert f'href="#{finding.id}"' in outline_entry  # and the clause links back to the finding


def test_favoured_party_is_named_and_marked_as_the_other_side():
    report = english_report()
    html = render_html(report)
    finding = one_sided_termination(report)
    assert finding.favours == "A"
    article = html[html.index(f'id="{finding.id}"'):]
    article = article[:article.index("</article>")]
    assert "Acme Corporation" in article and "the other side" in article and "favours-them" in article


def test_questions_come_from_the_findings_in_severity_order():
    report = japanese_report()
    ctx = context(report)
    expected = [f.question or f.recommendation for f in sorted(report.findings, key=lambda f: ("high", "medium", "low", "info").index(f.severity))]
    assert [q["text"] for q in ctx["questions"]] == list(dict.fromkeys(expected))
    html = render_html(report)
    for question in ctx["questions"]:
        assert question["text"] in html


def test_checklist_shows_clause_numbers_and_missing_elements():
    report = japanese_report()
    checklist = {item["topic"]: item for item in context(report)["checklist"]}
    assert list(checklist) == ["purpose", "roles", "ip_ownership", "confidentiality", "termination", "cost_sharing", "exclusivity"]
    assert [c["label"] for c in checklist["purpose"]["clauses"]] == ["第1条"]
    purpose_risks = [f for f in report.findings if f.topic == "purpose" and f.kind == "risk"]
    assert checklist["purpose"]["light"] == ("amber" if purpose_risks else "green")
    assert checklist["purpose"]["findings"] == [f.id for f in report.findings if f.topic == "purpose"]
    confidentiality = checklist["confidentiality"]
    if any(f.topic == "confidentiality" and f.kind == "missing" for f in report.findings):
        assert confidentiality["light"] == "red" and confidentiality["state"] == STRINGS["ja"]["absent"]
    assert checklist["exclusivity"]["light"] in ("amber", "red")
    assert "第2条" in [c["label"] for c in checklist["exclusivity"]["clauses"]]
    # The reviewer is asked to check the exclusivity's scope, so its words are quoted right there.
    assert any(match and "独占" in match for _, match, _ in checklist["exclusivity"]["quotes"])
    assert all(quotes == [] for topic, item in checklist.items() if topic != "exclusivity" for quotes in [item["quotes"]])


def test_memo_language_follows_the_option_not_the_contract():
    report = english_report(memo_language="ja")
    html = render_html(report)
    assert '<html lang="ja">' in html and STRINGS["ja"]["questions"] in html
    assert STRINGS["en"]["questions"] not in html


def test_neutral_review_shows_one_sidedness_per_party():
    report = english_report(party=None)
    assert report.perspective is None
    html = render_html(report)
    assert STRINGS["en"]["neutral"] in html and STRINGS["en"]["one_sided"] in html
    assert report.one_sidedness, "the one-sided termination clause is counted"
    rows = {row["party"]: row["total"] for row in context(report)["one_sidedness"]}
    assert rows == {
        " / ".join(p.all_names): sum(report.one_sidedness.get(p.id, {}).values()) for p in report.document.parties
    }
    assert rows["Company / Acme Corporation"] >= 1 and rows["Supplier / Beta LLC"] == 0
    assert "(the other side)" not in html and 'class="favours-them"' not in html


def test_warnings_that_limit_the_review_are_shown_first():
    report = english_report()
    warned = replace(report, warnings=(Warning("W103", "pages 2-3 have no text layer", (2, 3)), Warning("W101", "tracked changes present")))
    html = render_html(warned)
    assert 'class="limits" role="alert"' in html
    assert html.index("W103") < html.index('id="verdict"') and "W101" in html
    markdown = render_markdown(warned)
    assert markdown.index("W103") < markdown.index("##")


def test_markdown_summary_lists_counts_checklist_findings_and_questions():
    report = english_report()
    markdown = render_markdown(report)
    summary = report.summary()
    assert f"High {summary['high']}" in markdown
    assert "🟢 Purpose: found (1)" in markdown
    finding = one_sided_termination(report)
    assert f"**[High] {markdown_escape(finding.title)}** (Clause 2.2)" in markdown
    assert markdown_escape(finding.recommendation) in markdown
    assert markdown_escape(finding.question) in markdown
    assert markdown.endswith("\n")


def test_split_match_places_the_highlight_even_when_the_offset_is_stale():
    evidence = Evidence("1", None, None, 0, 10, "The Company may terminate.", "may terminate", 0)
    assert split_match(evidence) == ("The Company ", "may terminate", ".")
    assert split_match(replace(evidence, match="absent words")) == ("The Company may terminate.", "", "")
