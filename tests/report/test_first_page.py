"""What a lawyer reads first, in a real browser: the verdict, the checklist and the one-sidedness
summary on the first printed A4 page, and a checklist that a long clause label cannot squeeze.

The memo is printed to PDF by headless Chromium (`Page.printToPDF`, A4 from the memo's own
@page rule) and the first page's text is read back with pdfplumber. With
CLAUSECHECK_SCREENSHOTS=FOLDER each memo checked here is also saved as it looks at 1,280 px
(`memo-<name>.png`) and as its first printed page (`memo-<name>-print-page1.png`): the
screenshots of docs/screenshots/ come from this run.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import re
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

from clausecheck.model import Clause
from clausecheck.pipeline import Settings, check_file
from clausecheck.report.render import render_html
from clausecheck.report.strings import STRINGS, TOPIC_NAMES
from clausecheck.report.verdict import verdict_of
from conftest import CORPUS, ROOT
from report_helpers import english_report
from test_browser import CHROMIUM, DevToolsPipe

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]

SAMPLES = sorted(p for p in (ROOT / "sample_contracts").iterdir() if p.suffix in (".docx", ".pdf", ".txt", ".md"))
CORPUS_CONTRACTS = [
    "ja/oi_model_v1_3_joint_rd_shinsozai.txt", "ja/oi_model_v1_4_license_shinsozai.txt", "ja/ycam_grp_kyodo_kenkyu_kaihatsu_v2.md",
    "standard/commonpaper_cloud_service_agreement.md", "standard/bonterms_mutual_nda_v1.md",
]
CHECKLIST_JS = """JSON.stringify((() => {
  const table = document.querySelector('table.checklist');
  const cells = [...table.querySelector('tbody tr').children].map(td => td.getBoundingClientRect().width);
  return {table: table.getBoundingClientRect().width, cells, page: document.documentElement.scrollWidth};
})())"""


def _open(browser: DevToolsPipe, html: Path, width: int = 1280) -> str:
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.send("Page.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": 1600, "deviceScaleFactor": 1, "mobile": False}, session=session)
    browser.events.clear()
    browser.send("Page.navigate", {"url": html.resolve().as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired")
    return session


SCREENSHOTS = os.environ.get("CLAUSECHECK_SCREENSHOTS")


def first_page_text(browser: DevToolsPipe, html: Path, screenshot_name: str | None = None) -> tuple[str, int]:
    """The text of the first printed page, and the number of pages (and the screenshots, when asked)."""
    session = _open(browser, html)
    if SCREENSHOTS and screenshot_name:
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        Path(SCREENSHOTS, f"memo-{screenshot_name}.png").write_bytes(base64.b64decode(shot))
    data = browser.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}, session=session)["data"]
    with pdfplumber.open(io.BytesIO(base64.b64decode(data))) as pdf:
        if SCREENSHOTS and screenshot_name:
            pdf.pages[0].to_image(resolution=90).save(Path(SCREENSHOTS, f"memo-{screenshot_name}-print-page1.png"))
        return (pdf.pages[0].extract_text() or ""), len(pdf.pages)


def checklist_widths(browser: DevToolsPipe, html: Path) -> dict:
    session = _open(browser, html)
    value = browser.send("Runtime.evaluate", {"expression": CHECKLIST_JS, "returnByValue": True}, session=session)["result"]["value"]
    return json.loads(value)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    pipe = DevToolsPipe(tmp_path_factory.mktemp("profile"))
    yield pipe
    pipe.close()


def _squashed(text: str) -> str:
    """Text as PDF extraction can be trusted to give it back: NFKC (PDF fonts use Kangxi radicals
    for some kanji), without spaces, digits and colons (their order may shift in extraction)."""
    return re.sub(r"[\s\d:：・･‧]", "", unicodedata.normalize("NFKC", text))


def _assert_first_page(report, browser, tmp_path: Path, name: str) -> None:
    html = tmp_path / "memo.html"
    html.write_text(render_html(report, review_date="2026-12-01"), encoding="utf-8")
    text, pages = first_page_text(browser, html, name)
    page = _squashed(text)
    strings = STRINGS[report.memo_language]
    for part in verdict_of(report, strings).text.split(strings["verdict_joiner"]):
        assert _squashed(part) in page, part
    assert _squashed(strings["checklist"]) in page
    for topic in ("purpose", "roles", "ip_ownership", "confidentiality", "termination", "cost_sharing", "exclusivity"):
        assert _squashed(TOPIC_NAMES[report.memo_language][topic]) in page, topic
    assert _squashed(strings["one_sided"]) in page
    for party in report.document.parties[:2]:  # every party's row of the one-sidedness table
        if report.one_sidedness:
            assert _squashed(party.all_names[0]) in page, party
    assert pages >= 2  # the findings start on their own page


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_memo_shows_verdict_checklist_and_one_sidedness_on_the_first_printed_page(path, browser, tmp_path):
    _assert_first_page(check_file(path, Settings()), browser, tmp_path, path.stem)


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_CONTRACTS)
def test_corpus_memo_shows_verdict_checklist_and_one_sidedness_on_the_first_printed_page(name, browser, tmp_path):
    path = CORPUS.joinpath(*name.split("/"))
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    _assert_first_page(check_file(path, Settings()), browser, tmp_path, path.stem)


def _with_long_clause_number(report):
    """The report of a contract whose purpose clause the parser numbered with a whole sentence."""
    sentence = "The purpose of this Agreement is to evaluate the Supplier's software for the Company and nothing else at all"
    assert len(sentence) >= 100
    purpose = report.topics["purpose"].evidence[0]

    def renumber(clause: Clause) -> Clause:
        children = tuple(renumber(c) for c in clause.children)
        if clause.start <= purpose.start < clause.end and not any(c.start <= purpose.start < c.end for c in clause.children):
            return dataclasses.replace(clause, number=sentence, heading=None, children=children)
        return dataclasses.replace(clause, children=children)

    document = dataclasses.replace(report.document, clauses=tuple(renumber(c) for c in report.document.clauses))
    return dataclasses.replace(report, document=document)


def test_a_sentence_taken_as_a_clause_number_does_not_squeeze_the_checklist(browser, tmp_path):
    report = _with_long_clause_number(english_report())
    html = tmp_path / "memo.html"
    html.write_text(render_html(report), encoding="utf-8")
    widths = checklist_widths(browser, html)
    element, state, clauses = widths["cells"]
    # Each column keeps a readable share of the table; the label wraps or is cut instead.
    assert element >= 0.2 * widths["table"] and state >= 0.3 * widths["table"], widths
    assert clauses <= 0.4 * widths["table"], widths
    assert widths["page"] <= 1280


def test_index_is_readable_at_1280_pixels(browser, tmp_path):
    from clausecheck.batch import BatchOptions, run_batch

    folder = tmp_path / "contracts"
    folder.mkdir()
    for sample in SAMPLES:
        (folder / sample.name).write_bytes(sample.read_bytes())
    out = tmp_path / "review"
    run_batch(folder, out, Settings(), BatchOptions(jobs=1))
    session = _open(browser, out / "index.html")
    value = browser.send("Runtime.evaluate", {"expression": "JSON.stringify({page: document.documentElement.scrollWidth, cells: document.querySelectorAll('td').length})", "returnByValue": True}, session=session)["result"]["value"]
    facts = json.loads(value)
    assert facts["cells"] > 0
    assert facts["page"] <= 1280
