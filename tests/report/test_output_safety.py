"""Contract text is hostile input: markup, links and direction overrides stay inert in every output."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest

from clausecheck.engine.runner import CheckOptions
from clausecheck.pipeline import Settings, check_file
from clausecheck.report.render import markdown_escape, render_html, render_markdown
from report_helpers import report_from_text

RTL_OVERRIDE = "\u202e"
PAYLOAD = (
    "<script>alert('x')</script> </textarea><img src=x onerror=alert(1)> "
    "[click](javascript:alert(2)) <a href=\"javascript:alert(3)\">here</a> "
    f"{RTL_OVERRIDE}fdp.exe <!-- --> &amp; <style>body{{display:none}}</style>"
)
HOSTILE_CONTRACT = f"""<script>alert('title')</script> SERVICES AGREEMENT

This Agreement is made between Acme <b>Corporation</b> ("Company") and Beta{RTL_OVERRIDE} LLC ("Supplier").

1. Purpose
The purpose of this Agreement is to evaluate the software. {PAYLOAD}

2. Termination
2.1 Company may terminate this Agreement at any time for any reason. {PAYLOAD}
"""
# What the memo itself is made of; anything else would come from the contract.
MEMO_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "table", "thead", "tbody",
    "tr", "th", "td", "div", "span", "strong", "b", "ul", "ol", "li", "code", "nav", "a", "section", "article",
    "blockquote", "mark", "bdi", "footer",
}


class Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict]] = []
        self.comments: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


@pytest.fixture(scope="module")
def hostile_report():
    report = report_from_text(HOSTILE_CONTRACT, party="Supplier")
    assert any(f.rule == "termination-for-convenience-one-sided" for f in report.findings), "the payload sits in quoted evidence"
    return report


def test_html_shows_contract_markup_as_text(hostile_report):
    html = render_html(hostile_report)
    tags = Tags(html)
    assert {tag for tag, _ in tags.starts} <= MEMO_TAGS
    assert [attrs.get("href") for tag, attrs in tags.starts if tag == "a" and not attrs.get("href", "").startswith("#")] == []
    assert not any(name.startswith("on") for _, attrs in tags.starts for name in attrs)
    assert tags.comments == []
    assert len(re.findall(r"<style>", html)) == 1  # only the memo's own stylesheet
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/textarea&gt;" in html


def test_html_isolates_and_shows_direction_overrides(hostile_report):
    html = render_html(hostile_report)
    assert RTL_OVERRIDE not in html  # it cannot reorder the memo around it
    assert "[U+202E]fdp.exe" in html
    for quote in re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", html, flags=re.S):
        assert re.sub(r"<span class=\"where\">.*?</span>", "", quote).startswith("<bdi>")


def test_markdown_shows_contract_markup_as_text(hostile_report):
    markdown = render_markdown(hostile_report)
    assert RTL_OVERRIDE not in markdown
    assert re.findall(r"(?<!\\)<", markdown) == []  # every angle bracket is escaped: no HTML reaches a renderer
    assert "](" not in markdown.replace("\\](", "")  # no link can form
    assert "\\<script\\>alert('x')\\</script\\>" in markdown
    assert "&amp;amp;" in markdown  # the contract's own entity is shown, not decoded


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("line\nbreak\n# heading", "line break \\# heading"),
        ("a | b", "a \\| b"),
        (f"a{RTL_OVERRIDE}b", "a\\[U\\+202E\\]b"),
    ],
)
def test_markdown_escape(text, escaped):
    assert markdown_escape(text) == escaped


def test_markdown_escape_at_line_start():
    assert markdown_escape("1. item", line_start=True) == "1\\. item"
    assert markdown_escape("- item", line_start=True) == "\\- item"
    assert markdown_escape("1. item") == "1. item"


def test_docx_comments_are_plain_text(tmp_path):
    docx = pytest.importorskip("docx")
    from clausecheck.report.docx_comments import annotate_docx

    source = tmp_path / "hostile.docx"
    document = docx.Document()
    for paragraph in HOSTILE_CONTRACT.split("\n\n"):
        for line in paragraph.split("\n"):
            document.add_paragraph(line)
    document.save(source)
    report = check_file(source, Settings(check=CheckOptions(party="Supplier")))
    annotated_bytes = annotate_docx(report)
    annotated = docx.Document(io.BytesIO(annotated_bytes))
    comments = list(annotated.comments)
    assert comments
    for comment in comments:
        # Comment paragraphs hold only plain runs of text: no fields, hyperlinks or instructions.
        for element in comment._comment_elm.iter():
            local = element.tag.rsplit("}", 1)[-1]
            assert local in {"comment", "p", "pPr", "pStyle", "r", "rPr", "rStyle", "t", "annotationRef"}, local
    party_comments = [c for c in comments if "Favours" in c.text]
    assert any("Acme" in c.text for c in party_comments)
    # Everything the reviewer reads in Word still matches the contract's own text.
    body_text = "\n".join(p.text for p in annotated.paragraphs)
    assert "<script>alert('x')</script>" in body_text
