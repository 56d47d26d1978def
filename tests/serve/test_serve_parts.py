"""The parts of `clausecheck serve` one by one: the worker pool, names, languages, the guard, the history."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path

import pytest

from serve_helpers import need_serve_extra

need_serve_extra()

from clausecheck.serve import tasks  # noqa: E402 - after the skip when the extra is missing
from clausecheck.serve.history import History  # noqa: E402
from clausecheck.serve.i18n import all_strings, choose_language, from_accept_language  # noqa: E402
from clausecheck.serve.security import Guard  # noqa: E402
from clausecheck.serve.uploads import DRAIN_LIMIT, accepted_suffix, display_name, ensure_folders, store_upload  # noqa: E402
from clausecheck.serve.workers import TaskFailed, WorkerPool  # noqa: E402
from clausecheck.batch.store import ResultStore  # noqa: E402
from clausecheck.errors import InputError  # noqa: E402


@pytest.fixture(scope="module")
def pool():
    running = WorkerPool(2, timeout=3)
    yield running
    running.close()


def failure(future) -> TaskFailed:
    with pytest.raises(TaskFailed) as raised:
        future.result(timeout=60)
    return raised.value


def test_a_task_returns_its_result(pool):
    assert pool.submit(divmod, (7, 2)).result(timeout=60) == (3, 1)


def test_a_coded_error_keeps_its_code(pool, tmp_path):
    error = failure(pool.submit(tasks.inspect_upload, (str(tmp_path / "missing.pdf"), {"max_bytes": 1024})))
    assert error.code == "E101"


def test_a_bug_in_a_task_is_e300_and_the_worker_lives_on(pool):
    error = failure(pool.submit(int, ("not a number",)))
    assert error.code == "E300" and "ValueError" in error.message
    assert pool.submit(divmod, (9, 4)).result(timeout=60) == (2, 1)


def test_a_stuck_task_is_stopped_with_e301_and_others_go_on(pool):
    started = time.monotonic()
    stuck = pool.submit(time.sleep, (120,))
    quick = pool.submit(divmod, (5, 5))
    assert quick.result(timeout=60) == (1, 0)  # the other worker answers while one is stuck
    error = failure(stuck)
    assert error.code == "E301" and "timed out" in error.message
    assert time.monotonic() - started < 30
    assert pool.submit(divmod, (1, 1)).result(timeout=60) == (1, 0)


def test_a_worker_that_dies_is_e301_and_replaced(pool):
    error = failure(pool.submit(os._exit, (3,)))
    assert error.code == "E301" and "died" in error.message
    assert pool.submit(divmod, (8, 3)).result(timeout=60) == (2, 2)


def test_waiting_tasks_know_their_place():
    single = WorkerPool(1, timeout=30)
    try:
        first = single.submit(time.sleep, (1.5,))
        second = single.submit(divmod, (1, 1))
        third = single.submit(divmod, (2, 1))
        deadline = time.monotonic() + 20
        while single.position(second) != 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert single.position(second) == 0 and single.position(third) == 1
        assert third.result(timeout=60) == (2, 0) and first.result(timeout=60) is None
        assert single.position(third) is None
    finally:
        single.close()


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\windows\\evil.docx", "evil.docx"),
        ("/etc/passwd.txt", "passwd.txt"),
        (".hidden.md", "hidden.md"),
        ("a\x00b\u202e.txt", "ab.txt"),
        ("", "upload"),
        ("契約書.docx", "契約書.docx"),
    ],
)
def test_uploaded_names_are_shown_never_used(raw, shown):
    assert display_name(raw) == shown


def test_a_long_name_is_cut_but_keeps_its_suffix():
    name = display_name("a" * 500 + ".docx")
    assert len(name) <= 200 and name.endswith(".docx")


@pytest.mark.parametrize("name", ["x.exe", "x.doc", "noext", "x.pdf.zip"])
def test_only_the_parsers_suffixes_are_accepted(name):
    with pytest.raises(InputError) as raised:
        accepted_suffix(name)
    assert raised.value.code == "E103"


def test_a_stream_past_the_limit_is_cut_and_leaves_nothing(tmp_path):
    ensure_folders(tmp_path)
    written = []

    async def body():
        for _ in range(10):
            written.append(1)
            yield b"x" * 1000

    with pytest.raises(InputError) as raised:
        asyncio.run(store_upload(tmp_path, "a.txt", None, body(), max_bytes=2500))
    assert raised.value.code == "E109"
    assert len(written) == 10  # drained (well under DRAIN_LIMIT) so the client reads the answer
    assert not any((tmp_path / "uploads").iterdir()) and not any((tmp_path / "tmp").iterdir())
    assert DRAIN_LIMIT > 60 * 1024 * 1024


def test_a_declared_length_past_the_limit_is_refused_before_writing(tmp_path):
    ensure_folders(tmp_path)

    async def body():
        yield b"x"

    with pytest.raises(InputError) as raised:
        asyncio.run(store_upload(tmp_path, "a.txt", 10_000, body(), max_bytes=100))
    assert raised.value.code == "E109"
    assert not any((tmp_path / "tmp").iterdir())


def test_both_languages_have_every_string():
    strings = all_strings()
    assert set(strings["en"]) == set(strings["ja"])
    assert set(strings["en"]["codes"]) == set(strings["ja"]["codes"])
    for code in ("E102", "E103", "E109", "E110", "E301", "E303", "E304"):
        assert code in strings["en"]["codes"]


@pytest.mark.parametrize(
    "header, language",
    [
        ("ja,en-US;q=0.9,en;q=0.8", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,ja;q=0.5", "ja"),
        ("de, en;q=0", None),
        ("", None),
        (None, None),
        ("ja;q=0.3, en;q=0.7", "en"),
        ("ja;q=bad", None),
    ],
)
def test_the_browser_language_is_read_from_accept_language(header, language):
    assert from_accept_language(header) == language


def test_the_switch_wins_over_the_browser():
    assert choose_language("en", None, "ja") == "en"
    assert choose_language(None, "ja", "en-US") == "ja"
    assert choose_language("xx", None, "fr") == "en"


GUARD = Guard("secret-token", "127.0.0.1", 8765)


@pytest.mark.parametrize(
    "method, headers, cookie, query, code",
    [
        ("GET", {"host": "127.0.0.1:8765"}, None, "secret-token", None),
        ("GET", {"host": "localhost:8765"}, "secret-token", None, None),
        ("GET", {"host": "127.0.0.1:8765"}, None, None, "E303"),
        ("GET", {"host": "127.0.0.1:8765"}, "wrong", None, "E303"),
        ("GET", {"host": "evil.example:8765"}, "secret-token", None, "E304"),
        ("GET", {}, "secret-token", None, "E304"),
        ("POST", {"host": "127.0.0.1:8765"}, "secret-token", None, "E304"),
        ("POST", {"host": "127.0.0.1:8765", "x-clausecheck-token": "secret-token"}, None, None, None),
        ("POST", {"host": "127.0.0.1:8765", "x-clausecheck-token": "secret-token", "origin": "http://127.0.0.1:8765"}, None, None, None),
        ("POST", {"host": "127.0.0.1:8765", "x-clausecheck-token": "secret-token", "origin": "http://127.0.0.1:9999"}, None, None, "E304"),
        ("POST", {"host": "127.0.0.1:8765", "x-clausecheck-token": "secret-token", "sec-fetch-site": "cross-site"}, None, None, "E304"),
        ("DELETE", {"host": "127.0.0.1:8765"}, "secret-token", None, "E304"),
        ("POST", {"host": "127.0.0.1:8765"}, None, "secret-token", "E304"),
    ],
)
def test_the_guard(method, headers, cookie, query, code):
    refusal = GUARD.check(method, headers, cookie, query)
    assert (refusal.code if refusal else None) == code


def test_a_server_bound_to_a_network_address_accepts_its_names_but_still_needs_the_token():
    guard = Guard("t", "0.0.0.0", 8765)
    assert guard.check("GET", {"host": "myhost.lan:8765"}, "t", None) is None
    assert guard.check("GET", {"host": "myhost.lan:8765"}, None, None).code == "E303"


def test_history_lives_beside_the_batch_results_and_searches_literally(tmp_path):
    with ResultStore(tmp_path):  # the batch's own tables in the same file are left alone
        pass
    history = History(tmp_path)
    try:
        history.add("a" * 32, "100% sure_NDA.pdf", "x.pdf", 10, "0" * 64)
        history.add("b" * 32, "other.docx", "y.docx", 10, "1" * 64)
        assert [e.id for e in history.search("100%")] == ["a" * 32]
        assert [e.id for e in history.search("_nda")] == ["a" * 32]
        assert len(history.search("")) == 2
        assert history.update("b" * 32, title="共同研究開発契約書")
        assert [e.id for e in history.search("共同研究")] == ["b" * 32]
        assert history.delete("a" * 32) and not history.delete("a" * 32)
        assert not history.update("a" * 32, title="gone")
    finally:
        history.close()
    tables = {row[0] for row in sqlite3.connect(tmp_path / ".clausecheck.sqlite").execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"results", "meta", "serve_entries"} <= tables


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("localhost", False), ("::1", False), ("127.0.0.2", False), ("0.0.0.0", True), ("192.168.1.5", True), ("::", True)])
def test_any_address_but_loopback_is_warned_about(host, warned):
    from clausecheck.serve.server import exposure_warning  # uvicorn and Starlette: only where needed

    assert (exposure_warning(host) is not None) == warned


def test_the_default_data_folder_is_in_the_users_data_directory(monkeypatch, tmp_path):
    from clausecheck.serve.server import default_data_folder  # uvicorn and Starlette: only where needed

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if os.name == "posix" and not str(default_data_folder()).startswith(str(Path.home() / "Library")):
        assert default_data_folder() == tmp_path / "clausecheck"


def test_a_check_for_a_side_the_contract_lacks_is_e113_not_a_neutral_memo(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "sample_contracts" / "en_mutual_nda.md"
    with pytest.raises(InputError) as raised:
        tasks.check_upload(str(sample), "nda.md", {"party": "Mallory", "max_bytes": 1 << 20}, str(tmp_path / "out"))
    assert raised.value.code == "E113"
    assert not (tmp_path / "out").exists()


def test_a_check_writes_every_download_it_lists(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "sample_contracts" / "ja_joint_development.docx"
    outcome = tasks.check_upload(str(sample), "共同研究開発契約書.docx", {"party": "乙", "max_bytes": 50 << 20}, str(tmp_path / "out"))
    assert set(outcome["formats"]) == set(tasks.download_ids()), outcome["skipped_formats"]
    for download in outcome["formats"]:
        assert (tmp_path / "out" / tasks.output_file(download)).stat().st_size > 0
    assert outcome["formats"]["html"] == "共同研究開発契約書.memo.html"
