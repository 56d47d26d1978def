"""Shared helpers of the serve tests: a real `clausecheck serve` process on a free loopback port."""

from __future__ import annotations

import http.client
import importlib.util
import json
import re
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_contracts"
START_SECONDS = 60
BUSY_STATES = ("uploaded", "reading", "checking")


def need_serve_extra() -> None:
    # find_spec, not an import: collection must not grow the test process (other tests measure
    # the peak memory of children it forks, which starts from its own).
    if any(importlib.util.find_spec(name) is None for name in ("starlette", "uvicorn")):
        pytest.skip("the serve extra is not installed (pip install -e '.[serve]')", allow_module_level=True)


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Server:
    """`clausecheck serve --port 0` in a child process, and a small HTTP client for it."""

    def __init__(self, data: Path, *options: str):
        self.data = data
        self.log = data.parent / f"{data.name}.{id(self):x}.serve.log"
        self._log_handle = open(self.log, "w+b")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clausecheck", "serve", "--port", "0", "--data", str(data), *options],
            stdout=self._log_handle, stderr=subprocess.STDOUT, cwd=data.parent,
        )
        deadline = time.monotonic() + START_SECONDS
        while True:
            text = self.log.read_text(encoding="utf-8", errors="replace")
            found = re.search(r"open (http://\S+)", text)
            if found:
                self.url = found.group(1)
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"clausecheck serve did not start:\n{text}")
            time.sleep(0.1)
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port
        self.token = parts.query.split("token=", 1)[1]
        self.base = f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_handle.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, token: bool = True) -> Answer:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        sent = {"X-Clausecheck-Token": self.token} if token else {}
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def upload(self, name: str, data: bytes, **kw) -> Answer:
        return self.request("POST", "/api/uploads", data, {"X-File-Name": quote(name), "Content-Type": "application/octet-stream", **kw.pop("headers", {})}, **kw)

    def wait(self, entry_id: str, seconds: float = 120) -> dict:
        deadline = time.monotonic() + seconds
        while True:
            entry = self.request("GET", f"/api/entries/{entry_id}").json()
            if entry["state"] not in BUSY_STATES:
                return entry
            if time.monotonic() > deadline:
                raise TimeoutError(entry)
            time.sleep(0.2)

    def check(self, entry_id: str, **choices) -> dict:
        answer = self.request("POST", f"/api/entries/{entry_id}/check", json.dumps(choices).encode(), {"Content-Type": "application/json"})
        assert answer.status == 202, answer
        return self.wait(entry_id)


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def write_zip_bomb(path: Path, inflated: int = 300 * 1024 * 1024) -> Path:
    """A .docx whose document.xml inflates to `inflated` bytes (over the 200 MB read limit)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    )
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="xml" ContentType="application/xml"/></Types>')
        with archive.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(head)
            for _ in range(inflated // len(chunk)):
                stream.write(chunk)
            stream.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path

