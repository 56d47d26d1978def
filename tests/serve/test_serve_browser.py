"""`clausecheck serve` in a real browser: Playwright drives Debian's chromium (never a downloaded one).

Each test records every request the browser makes, every console error, script error and
dialog: a request that leaves 127.0.0.1, an error, or a dialog (a payload that ran) fails it.
Screenshots go to a temporary folder, or to $CLAUSECHECK_SCREENSHOTS (docs/screenshots is
made with `CLAUSECHECK_SCREENSHOTS=docs/screenshots pytest tests/serve/test_serve_browser.py`).
"""

from __future__ import annotations

import http.server
import importlib
import importlib.util
import json
import os
import shutil
import threading
from pathlib import Path

import jsonschema
import pytest
import yaml

from serve_helpers import ROOT, SAMPLES, Server, files_under, need_serve_extra, write_zip_bomb

need_serve_extra()
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="playwright is not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
CHECK_MS = 120_000
SCHEMA = json.loads((ROOT / "src/clausecheck/report/schema/report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("serve-browser")


@pytest.fixture(scope="module")
def server(workspace):
    running = Server(workspace / "data")
    yield running
    running.stop()
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture(scope="module")
def playwright_api():
    # Imported when a browser test runs, not at collection: it costs the test process 16 MB.
    return importlib.import_module("playwright.sync_api")


@pytest.fixture(scope="module")
def browser(playwright_api):
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def screenshots(tmp_path):
    folder = Path(os.environ.get("CLAUSECHECK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A browser page with everything it does written down."""

    def __init__(self, browser, server: Server, locale: str):
        self.context = browser.new_context(locale=locale, accept_downloads=True, viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.server = server
        self.page.goto(server.url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def card(self, name: str):
        return self.page.locator(".card", has=self.page.locator(".file-name", has_text=name))

    def assert_clean(self) -> None:
        outside = [url for url in self.requests if not (url.startswith(self.server.base + "/") or url.startswith(("data:", "about:", "blob:")))]
        assert outside == [], f"requests that left this server: {outside}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"dialogs opened (a payload ran?): {self.dialogs}"

    def close(self) -> None:
        self.context.close()


SAMPLE_RUNS = {
    "ja": ("ja-JP", "ja_joint_development", "ja_nda_mutual.pdf", "高リスクの指摘が"),
    "en": ("en-GB", "en_joint_development", "en_mutual_nda.md", "high-risk finding"),
}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_sample_is_checked_for_a_party_in_the_page(browser, server, screenshots, tmp_path, language):
    locale, sample, second, verdict_words = SAMPLE_RUNS[language]
    expected = yaml.safe_load((SAMPLES / "expected" / f"{sample}.yaml").read_text(encoding="utf-8"))
    watched = Watched(browser, server, locale)
    page = watched.page
    assert page.locator("html").get_attribute("lang") == language
    # Two files at once: the joint development agreement and an NDA.
    page.set_input_files("#file-input", [str(SAMPLES / expected["file"]), str(SAMPLES / second)])
    card = watched.card(expected["file"])
    party = card.locator("select[name=party]")
    party.wait_for(timeout=CHECK_MS)
    offered = party.locator("option").all_inner_texts()
    assert any(expected["party"] in text for text in offered), offered
    party.select_option(expected["party"])
    other = watched.card(second)
    other.locator("button.check").wait_for(timeout=CHECK_MS)
    # Both files are ready: one click checks both, each with the side chosen on its card.
    page.click("#check-all")
    verdict = card.locator("[data-testid=verdict]")
    verdict.wait_for(timeout=CHECK_MS)
    assert verdict_words in verdict.inner_text()
    assert expected["party"] in verdict.inner_text()

    with page.expect_download() as download_info:
        card.locator("a[data-format=json]").click()
    report = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    jsonschema.validate(report, SCHEMA)
    assert report["perspective"] == expected["perspective"]
    assert report["source"]["path"] == expected["file"]
    finding = next(f for f in report["findings"] if f["rule"] == "ip-assigned-for-free")
    assert finding["title"] in card.locator(".findings").inner_text()
    memo = card.frame_locator("iframe.memo")
    assert finding["title"] in memo.locator("#findings").inner_text(timeout=CHECK_MS)
    assert card.locator("a[data-format=docx]").count() == 1  # a Word input gets its Word copies
    assert card.locator("a[data-format=redline]").count() == 1
    assert card.locator("a[data-format=sarif]").count() == 1

    other.locator("[data-testid=verdict]").wait_for(timeout=CHECK_MS)
    assert "Neutral" in other.locator("[data-testid=verdict]").inner_text() or "中立" in other.locator("[data-testid=verdict]").inner_text()
    page.locator("#history-rows tr").first.wait_for()
    history = page.locator("#history-rows").inner_text()
    assert expected["file"] in history and second in history

    # The picture for the README: the top of the page, down to the start of the first memo.
    page.set_viewport_size({"width": 1280, "height": 1560})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / f"serve-{language}.png"))
    watched.assert_clean()
    watched.close()


def test_the_language_switch_changes_the_page(browser, server):
    watched = Watched(browser, server, "en-US")
    page = watched.page
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "契約書" in page.locator("h1").inner_text()
    page.reload()
    assert page.locator("html").get_attribute("lang") == "ja"  # the choice is remembered
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    watched.assert_clean()
    watched.close()


def test_hostile_uploads_get_a_coded_error_and_nothing_runs(browser, server, workspace, tmp_path, screenshots):
    outside_before = {p for p in files_under(workspace) if not p.startswith("data")}
    watched = Watched(browser, server, "en-US")
    page = watched.page
    html_name = '<img src=x onerror=alert(1)>.txt'
    html_text = "1. Purpose <script>alert('text')</script><img src=x onerror=alert(2)> This Agreement sets out the terms."
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    bomb = write_zip_bomb(tmp_path / "bomb.docx")
    html_file = tmp_path / html_name
    html_file.write_text(html_text, encoding="utf-8")
    page.set_input_files("#file-input", [str(html_file), str(big), str(bomb)])
    big_error = watched.card("big.txt").locator(".error-box")
    big_error.wait_for(timeout=CHECK_MS)
    assert "[E109]" in big_error.inner_text()
    bomb_error = watched.card("bomb.docx").locator(".error-box")
    bomb_error.wait_for(timeout=CHECK_MS)
    assert "[E110]" in bomb_error.inner_text()
    html_card = watched.card("onerror")
    assert html_card.locator(".file-name").inner_text() == html_name  # shown as text
    html_card.locator("button.check").wait_for(timeout=CHECK_MS)
    html_card.locator("button.check").click()
    html_card.locator("[data-testid=verdict]").wait_for(timeout=CHECK_MS)
    memo = html_card.frame_locator("iframe.memo")
    assert "<script>" in memo.locator("body").inner_text(timeout=CHECK_MS)  # the text, quoted
    assert page.locator(".card img").count() == 0
    assert memo.locator("img[src=x]").count() == 0
    assert not list((server.data / "uploads").glob("big*"))
    # A name with a path, dropped on the page (the drop zone's own path): shown as its last part, stored by id.
    dropped = page.evaluate_handle("""() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(["1. Purpose. This Agreement sets out the terms."], "../../x.pdf", {type: "application/pdf"}));
        return transfer;
    }""")
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": dropped})
    path_card = page.locator(".card", has=page.locator(".file-name", has_text="x.pdf"))
    path_card.locator("select[name=party]").wait_for(timeout=CHECK_MS)  # read: stored and parsed
    assert "/" not in path_card.locator(".file-name").inner_text()
    assert not (workspace / "x.pdf").exists() and not (server.data.parent.parent / "x.pdf").exists()
    page.locator("#cards").screenshot(path=str(screenshots / "serve-errors-en.png"))
    outside_after = {p for p in files_under(workspace) if not p.startswith("data")}
    assert outside_after == outside_before
    watched.assert_clean()
    watched.close()


class _AttackerPage(http.server.BaseHTTPRequestHandler):
    """Another local web page that tries to post to clausecheck serve."""

    target = ""

    def do_GET(self):  # noqa: N802 - the http.server API
        body = f"""<!doctype html><title>attacker</title>
<form id=f method=post enctype=text/plain action="{self.target}/api/uploads"><input name=x value=y></form>
<script>
fetch("{self.target}/api/uploads", {{method: "POST", mode: "no-cors", credentials: "include", body: "stolen"}})
  .then(() => {{ document.title = "fetched"; }}, () => {{ document.title = "fetch-refused"; }});
</script>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_cross_origin_page_cannot_post(browser, server):
    _AttackerPage.target = server.base
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AttackerPage)
    thread = threading.Thread(target=attacker.serve_forever, daemon=True)
    thread.start()
    try:
        before = files_under(server.data / "uploads")
        context = browser.new_context()
        page = context.new_page()
        # The visitor has the page open already: the browser holds its cookie.
        page.goto(server.url)
        answers = []
        page.on("response", lambda response: answers.append((response.url, response.status)))
        page.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
        page.wait_for_function("document.title !== 'attacker'", timeout=30_000)
        with page.expect_navigation():
            page.evaluate("document.getElementById('f').submit()")
        refused = [status for url, status in answers if url.endswith("/api/uploads")]
        assert refused and all(status == 403 for status in refused), answers
        assert "E304" in page.content()
        assert files_under(server.data / "uploads") == before
        context.close()
    finally:
        attacker.shutdown()
        attacker.server_close()


def test_history_search_and_delete_in_the_page(browser, server, tmp_path, playwright_api):
    watched = Watched(browser, server, "ja-JP")
    page = watched.page
    contract = tmp_path / "検索用の秘密保持契約.md"
    contract.write_bytes((SAMPLES / "en_mutual_nda.md").read_bytes())
    page.set_input_files("#file-input", str(contract))
    watched.card(contract.name).locator("button.check").wait_for(timeout=CHECK_MS)
    entry_id = watched.card(contract.name).get_attribute("data-entry")
    assert (server.data / "uploads" / f"{entry_id}.md").is_file()
    # A new visit starts with no cards; the history brings the entry back.
    page.reload()
    assert watched.card(contract.name).count() == 0
    page.locator("#history-rows tr", has_text=contract.name).locator("button", has_text="表示").click()
    watched.card(contract.name).locator("select[name=party]").wait_for()
    page.fill("#search", "検索用")
    page.click("#search-form button[type=submit]")
    rows = page.locator("#history-rows tr")
    playwright_api.expect(rows).to_have_count(1)
    assert contract.name in rows.first.inner_text()
    rows.first.locator("button.danger-text").click()
    page.locator("#history-rows .confirm-row button.danger").click()
    playwright_api.expect(rows).to_have_count(0)
    assert "削除しました" in page.locator("#notice").inner_text()
    assert page.locator("#history-empty").inner_text() == "該当するファイルはありません。"
    assert watched.card(contract.name).count() == 0
    assert not [p for p in files_under(server.data) if entry_id in p]
    watched.assert_clean()
    watched.close()
