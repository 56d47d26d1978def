"""The memo in a real browser: headless Chromium over the DevTools pipe (standard library only).

Chromium's `--remote-debugging-pipe` speaks the DevTools protocol as NUL-separated JSON on
file descriptors 3 (commands in) and 4 (events out), so no websocket client is needed.
The test fails on any console message of level error, any script exception, any dialog
(a payload that ran) and any network request other than the memo file itself.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from clausecheck.report.render import render_html
from report_helpers import english_report, japanese_report, report_from_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]
TIMEOUT_SECONDS = 60


class DevToolsPipe:
    """A headless Chromium driven over its debugging pipe."""

    def __init__(self, profile: Path):
        to_chrome_read, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_write = os.pipe()

        def wire_fds():  # runs in the child: Chromium expects the pipe on fds 3 and 4
            high_read, high_write = os.dup(to_chrome_read), os.dup(from_chrome_write)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                "--hide-scrollbars", "--mute-audio", f"--user-data-dir={profile}", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # close_fds would run after wire_fds and close 3 and 4 again; the parent's own pipe
            # ends are non-inheritable (PEP 446), so nothing else leaks into the browser.
            preexec_fn=wire_fds, close_fds=False,
        )
        os.close(to_chrome_read)
        os.close(from_chrome_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._receive()
            self.events.append(event)
            if event.get("method") == method:
                return event
            if event.get("method") == "Page.javascriptDialogOpening":
                # A dialog blocks the page's load event: record it, dismiss it, go on.
                self.send("Page.handleJavaScriptDialog", {"accept": False}, session=event.get("sessionId"))

    def _receive(self) -> dict:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_chrome], [], [], remaining)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


def load_memo(html_path: Path, profile: Path, screenshot: Path | None = None, width: int = 1280, height: int = 2000) -> dict:
    """Open the memo; return its problems (console errors, exceptions, dialogs, requests) and facts."""
    browser = DevToolsPipe(profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        url = html_path.resolve().as_uri()
        browser.events.clear()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")
        facts = browser.send(
            "Runtime.evaluate",
            {"expression": "JSON.stringify({title: document.title, marks: document.querySelectorAll('article.finding mark').length,"
             " findings: document.querySelectorAll('article.finding').length, scripts: document.scripts.length,"
             " images: document.images.length, width: document.documentElement.scrollWidth})", "returnByValue": True},
            session=session,
        )["result"]["value"]
        if screenshot is not None:
            data = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
            screenshot.write_bytes(base64.b64decode(data))
        # Let late console messages arrive before looking at the events.
        browser.send("Runtime.evaluate", {"expression": "1"}, session=session)
        events = list(browser.events)
    finally:
        browser.close()
    requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    problems = {
        "console": [e["params"] for e in events if e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") in ("error", "assert", "warning")],
        "log": [e["params"]["entry"] for e in events if e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") in ("error", "warning")],
        "exceptions": [e["params"] for e in events if e.get("method") == "Runtime.exceptionThrown"],
        "dialogs": [e["params"] for e in events if e.get("method") == "Page.javascriptDialogOpening"],
        "requests": [u for u in requests if u != url],
    }
    return {"problems": problems, "facts": json.loads(facts), "loaded": url in requests or not requests}


@pytest.mark.parametrize("build", [english_report, japanese_report], ids=["en", "ja"])
def test_memo_loads_offline_without_errors(tmp_path, build):
    report = build()
    memo = tmp_path / f"memo-{report.memo_language}.html"
    memo.write_text(render_html(report), encoding="utf-8")
    screenshot = tmp_path / "memo.png"
    result = load_memo(memo, tmp_path / "profile", screenshot)
    assert result["problems"] == {"console": [], "log": [], "exceptions": [], "dialogs": [], "requests": []}
    facts = result["facts"]
    assert facts["findings"] == len(report.findings)
    assert facts["marks"] == sum(1 for f in report.findings for e in f.evidence if e.match)
    assert facts["scripts"] == 0 and facts["images"] == 0
    assert facts["width"] <= 1280  # nothing overflows the page sideways
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000


def test_hostile_contract_runs_nothing_and_fetches_nothing(tmp_path):
    from test_output_safety import HOSTILE_CONTRACT

    report = report_from_text(HOSTILE_CONTRACT + '\n3. Notices\n<img src="http://example.invalid/x.png"> <link rel=stylesheet href="http://example.invalid/a.css">\n')
    memo = tmp_path / "hostile.html"
    memo.write_text(render_html(report), encoding="utf-8")
    result = load_memo(memo, tmp_path / "profile")
    assert result["problems"] == {"console": [], "log": [], "exceptions": [], "dialogs": [], "requests": []}
    assert result["facts"]["scripts"] == 0 and result["facts"]["images"] == 0


def test_the_harness_sees_scripts_errors_and_requests(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><body><script>console.error("boom"); alert(1)</script><img src="http://example.invalid/x.png"></body></html>', encoding="utf-8")
    problems = load_memo(page, tmp_path / "profile")["problems"]
    assert problems["console"] and problems["dialogs"]
    assert problems["requests"] == ["http://example.invalid/x.png"]
