"""`clausecheck serve` over HTTP: the check of a sample, the outputs, and every hostile request refused.

One real server process for the module (its --data in a temporary folder); each test checks
that nothing was written outside --data.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
from click.testing import CliRunner

from clausecheck.cli import main

from serve_helpers import SAMPLES, Server, files_under, need_serve_extra, write_zip_bomb

need_serve_extra()

MB = 1024 * 1024


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("serve-api")


@pytest.fixture(scope="module")
def server(workspace):
    running = Server(workspace / "data", "--jobs", "2")
    yield running
    running.stop()
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture(autouse=True)
def nothing_outside_data(workspace, server):
    before = {p for p in files_under(workspace) if not p.startswith("data")}
    yield
    after = {p for p in files_under(workspace) if not p.startswith("data")}
    assert after == before, f"written outside --data: {sorted(after - before)}"


def schema():
    return json.loads((Path(__file__).resolve().parents[2] / "src/clausecheck/report/schema/report.schema.json").read_text(encoding="utf-8"))


def test_the_start_line_names_loopback_and_a_token(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert len(server.token) >= 24
    assert "warning" not in server.output()


def test_an_english_sample_is_read_checked_for_a_party_and_downloadable(server):
    answer = server.upload("en_license_grant_back.pdf", (SAMPLES / "en_license_grant_back.pdf").read_bytes())
    assert answer.status == 201, answer
    entry = server.wait(answer.json()["id"])
    assert entry["state"] == "ready", entry
    names = [name for party in entry["parties"] for name in party["names"]]
    assert "Licensee" in names, entry["parties"]
    done = server.check(entry["id"], party="Licensee")
    assert done["state"] == "done", done
    assert done["result"]["perspective"], done["result"]
    assert done["result"]["summary"]["high"] >= 1
    assert {"html", "json", "md", "sarif"} <= set(done["result"]["formats"]), done["result"]["formats"]
    assert not {"docx", "redline"} & set(done["result"]["formats"])  # a Word copy exists only for a Word input
    report = server.request("GET", f"/entries/{entry['id']}/download/json")
    assert report.status == 200
    assert "attachment" in report.headers["content-disposition"]
    line = report.json()
    jsonschema.validate(line, schema())
    assert line["source"]["path"] == "en_license_grant_back.pdf"  # the uploaded name, never the stored path
    memo = server.request("GET", f"/entries/{entry['id']}/memo")
    assert memo.status == 200 and "sandbox" in memo.headers["content-security-policy"]
    sarif = server.request("GET", f"/entries/{entry['id']}/download/sarif")
    assert sarif.status == 200 and sarif.json()["version"] == "2.1.0"
    assert len(sarif.json()["runs"][0]["results"]) == len(line["findings"]), "one SARIF result per finding"


def test_a_japanese_word_file_gets_a_word_copy_with_comments(server):
    answer = server.upload("共同研究開発契約書.docx", (SAMPLES / "ja_joint_development.docx").read_bytes())
    entry = server.wait(answer.json()["id"])
    assert [p["names"][0] for p in entry["parties"]] == ["甲", "乙"]
    done = server.check(entry["id"], party="乙", memo_language="ja", contract_type="joint_development")
    assert done["state"] == "done", done
    assert "docx" in done["result"]["formats"]
    word = server.request("GET", f"/entries/{entry['id']}/download/docx")
    assert word.body[:2] == b"PK"
    assert "filename*=UTF-8''" in word.headers["content-disposition"]
    assert done["result"]["formats"]["redline"].endswith(".redline.docx")
    redline = server.request("GET", f"/entries/{entry['id']}/download/redline")
    assert redline.status == 200 and redline.body[:2] == b"PK" and redline.body != word.body


def test_a_party_that_is_not_in_the_contract_is_refused(server):
    entry = server.wait(server.upload("nda.md", (SAMPLES / "en_mutual_nda.md").read_bytes()).json()["id"])
    answer = server.request("POST", f"/api/entries/{entry['id']}/check", json.dumps({"party": "Mallory"}).encode(), {"Content-Type": "application/json"})
    assert answer.status == 422 and answer.json()["error"]["code"] == "E113"


def test_history_search_and_delete_remove_the_stored_copy(server):
    entry = server.wait(server.upload("unique-name-for-search.txt", (SAMPLES / "ja_outsourcing_sjis.txt").read_bytes()).json()["id"])
    assert "W106" in [w["code"] for w in entry["warnings"]]  # what the reader noticed is shown before the check
    found = server.request("GET", "/api/entries?q=" + quote("unique-name")).json()["entries"]
    assert [e["id"] for e in found] == [entry["id"]]
    assert server.request("GET", "/api/entries?q=" + quote("%")).status == 200  # a LIKE wildcard is plain text
    server.check(entry["id"])
    stored = [p for p in files_under(server.data) if entry["id"] in p]
    assert any(p.startswith("uploads/") for p in stored) and any(p.startswith("results/") for p in stored), stored
    assert server.request("DELETE", f"/api/entries/{entry['id']}").status == 204
    assert not [p for p in files_under(server.data) if entry["id"] in p]
    assert server.request("GET", f"/api/entries/{entry['id']}").status == 404
    assert server.request("GET", "/api/entries?q=unique-name").json()["entries"] == []


def test_a_zip_bomb_is_refused_with_e110(server, tmp_path):
    bomb = write_zip_bomb(tmp_path / "bomb.docx")
    entry = server.wait(server.upload("bomb.docx", bomb.read_bytes()).json()["id"])
    assert entry["state"] == "failed" and entry["error"]["code"] == "E110", entry


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_a_60_mb_upload_is_refused_while_streaming(server, declare_length):
    chunk = b"A" * MB
    connection = http.client.HTTPConnection(server.host, server.port, timeout=120)
    headers = {"X-Clausecheck-Token": server.token, "X-File-Name": "big.txt"}
    if declare_length:
        headers["Content-Length"] = str(60 * MB)
        connection.putrequest("POST", "/api/uploads")
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        for _ in range(60):
            connection.send(chunk)
    else:
        connection.request("POST", "/api/uploads", body=(chunk for _ in range(60)), headers=headers, encode_chunked=True)
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 413 and body["error"]["code"] == "E109", body
    assert not list((server.data / "uploads").glob("*big*"))
    assert not list((server.data / "tmp").iterdir())


def test_a_path_in_the_uploaded_name_is_not_a_path(server):
    answer = server.upload("../../x.pdf", b"%PDF-1.4 not really a pdf")
    assert answer.status == 201
    entry = answer.json()
    assert entry["name"] == "x.pdf"
    stored = [p for p in files_under(server.data / "uploads")]
    assert f"{entry['id']}.pdf" in stored and "x.pdf" not in stored
    assert not (server.data.parent.parent / "x.pdf").exists()
    failed = server.wait(entry["id"])
    assert failed["error"] is None or failed["error"]["code"].startswith("E1"), failed


def test_an_unsupported_type_is_refused_before_it_is_stored(server):
    answer = server.upload("setup.exe", b"MZ\x90\x00")
    assert answer.status == 422 and answer.json()["error"]["code"] == "E103"


def test_an_empty_upload_is_e102(server):
    answer = server.upload("empty.txt", b"")
    assert answer.status == 422 and answer.json()["error"]["code"] == "E102"


def test_html_in_the_name_and_text_comes_back_as_data(server):
    name = '<img src=x onerror=alert(1)>.txt'
    text = "第1条（目的）<script>alert('x')</script>本契約は甲乙間の取引を定める。"
    entry = server.wait(server.upload(name, text.encode("utf-8")).json()["id"])
    assert entry["name"] == name  # shown as text by the page; never used as a path
    assert server.check(entry["id"])["state"] == "done"
    memo = server.request("GET", f"/entries/{entry['id']}/memo").body.decode("utf-8")
    assert "<script>alert" not in memo and "&lt;script&gt;" in memo
    assert "<img src=x" not in memo


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/"), ("GET", "/api/entries"), ("POST", "/api/uploads"), ("GET", "/entries/" + "0" * 32 + "/download/json")],
)
def test_a_request_without_the_token_is_refused(server, method, path):
    answer = server.request(method, path, b"x" if method == "POST" else None, {"X-File-Name": "a.txt"}, token=False)
    assert answer.status == 403
    assert b"E303" in answer.body and b"Traceback" not in answer.body


def test_a_wrong_token_is_refused(server):
    answer = server.request("GET", "/api/entries", headers={"X-Clausecheck-Token": "guess"}, token=False)
    assert answer.status == 403 and answer.json()["error"]["code"] == "E303"


def test_a_cross_origin_post_is_refused(server):
    before = files_under(server.data / "uploads")
    answer = server.upload("a.txt", b"text", headers={"Origin": "http://evil.example"})
    assert answer.status == 403 and answer.json()["error"]["code"] == "E304"
    answer = server.upload("a.txt", b"text", headers={"Origin": f"http://127.0.0.1:{server.port + 1}", "Sec-Fetch-Site": "same-site"})
    assert answer.status == 403 and answer.json()["error"]["code"] == "E304"
    assert files_under(server.data / "uploads") == before


def test_a_post_with_the_cookie_alone_is_refused(server):
    # What a form on another local page would send: the cookie rides along, the header cannot.
    cookie = f"clausecheck_token_{server.port}={server.token}"
    answer = server.request("POST", "/api/uploads", b"text", {"Cookie": cookie, "X-File-Name": "a.txt", "Content-Type": "text/plain"}, token=False)
    assert answer.status == 403 and answer.json()["error"]["code"] == "E304"


def test_another_host_name_is_refused(server):
    # A DNS-rebinding page reaches 127.0.0.1 under its own name.
    answer = server.request("GET", "/api/entries", headers={"Host": f"rebind.example:{server.port}"})
    assert answer.status == 400 and answer.json()["error"]["code"] == "E304"


def test_the_token_in_the_url_becomes_a_cookie_and_leaves_the_address(server):
    answer = server.request("GET", f"/?token={server.token}", token=False)
    assert answer.status == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = server.request("GET", "/", headers={"Cookie": cookie.split(";")[0]}, token=False)
    assert page.status == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy


def test_unknown_entries_and_formats_are_404_with_a_code(server):
    assert server.request("GET", "/api/entries/../../etc").status == 404
    answer = server.request("GET", "/entries/" + "a" * 32 + "/download/json")
    assert answer.status == 404 and answer.json()["error"]["code"] == "E101"


def test_the_history_outlives_the_server(tmp_path):
    data = tmp_path / "data"
    first = Server(data)
    try:
        entry = first.wait(first.upload("nda.md", (SAMPLES / "en_mutual_nda.md").read_bytes()).json()["id"])
        assert first.check(entry["id"])["state"] == "done"
    finally:
        first.stop()
    second = Server(data)
    try:
        assert second.token != first.token  # a new token at each start
        assert second.request("GET", "/api/entries", headers={"X-Clausecheck-Token": first.token}, token=False).status == 403
        kept = second.request("GET", "/api/entries").json()["entries"]
        assert [e["id"] for e in kept] == [entry["id"]] and kept[0]["state"] == "done"
        assert second.request("GET", f"/entries/{entry['id']}/download/json").status == 200
    finally:
        second.stop()
    assert "Traceback" not in first.output() + second.output()


def test_serve_help_lists_its_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--host", "--data", "--timeout", "--max-size", "--open"):
        assert option in result.output


def test_a_file_that_takes_too_long_is_e301_and_the_next_one_is_checked(tmp_path):
    # 24 MB of numbered articles: reading alone takes seconds, well past a one-second timeout.
    article = "第{}条（目的）本契約は、甲及び乙が共同して行う研究開発の条件を定めることを目的とする。\n"
    slow = "".join(article.format(number) for number in range(1, 200_001)).encode("utf-8")
    assert len(slow) > 20 * MB
    server = Server(tmp_path / "data", "--timeout", "1", "--jobs", "1")
    try:
        entry = server.wait(server.upload("slow.txt", slow).json()["id"])
        assert entry["state"] == "failed" and entry["error"]["code"] == "E301", entry
        assert "timed out" in entry["error"]["message"]
        quick = server.wait(server.upload("nda.md", (SAMPLES / "en_mutual_nda.md").read_bytes()).json()["id"])
        assert quick["state"] == "ready", quick  # a fresh worker took the stuck one's place
    finally:
        server.stop()
    assert "Traceback" not in server.output()
