"""Folder runs: outputs, hostile inputs, the incremental store, interruption and lost workers."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clausecheck import batch
from clausecheck.batch import BatchOptions, memo_name, neutralise_cell, run_batch, work
from clausecheck.pipeline import Settings

NDA = """{title}

This Mutual Non-Disclosure Agreement is made between Acme Corp ("Acme") and Beta LLC ("Beta").

1. Purpose
The purpose of this Agreement is to let the parties evaluate a possible joint development of sensor software.

2. Confidentiality
Each party shall keep the Confidential Information of the other party in confidence and shall not disclose it to any third party.

3. Term
This Agreement ends three (3) years after the Effective Date.

4. Governing Law
This Agreement is governed by the laws of Japan.
"""

JA = """秘密保持契約書

株式会社甲山（以下「甲」という。）と乙川合同会社（以下「乙」という。）は、次のとおり契約を締結する。

第1条（目的）
本契約は、甲及び乙が共同開発の可能性を検討する目的で相互に開示する秘密情報の取扱いを定める。

第2条（秘密保持）
甲及び乙は、相手方から開示された秘密情報を第三者に開示してはならない。

第3条（有効期間）
本契約の有効期間は、締結日から2年間とする。
"""

FORMULA_TITLE = "=cmd|' /C calc'!A0 Agreement"
HOSTILE_TITLE = "<script>alert(1)</script> Agreement"
NON_UTF8_NAME = os.fsdecode(b"bad\xff\xfename.txt")


def make_folder(folder: Path) -> dict[str, str]:
    """A folder with good, broken and hostile files; returns display path → expected code (None: checked)."""
    (folder / "sub").mkdir(parents=True)
    (folder / "nda.txt").write_text(NDA.format(title="Mutual Non-Disclosure Agreement"), encoding="utf-8")
    (folder / "formula.txt").write_text(NDA.format(title=FORMULA_TITLE), encoding="utf-8")
    (folder / "hostile-title.txt").write_text(NDA.format(title=HOSTILE_TITLE), encoding="utf-8")
    (folder / "sub" / "秘密保持契約書.txt").write_text(JA, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.pdf").write_bytes(bytes((i * 97 + 13) % 256 for i in range(4096)))
    (folder / "line\nbreak <b>.txt").write_text(NDA.format(title="Newline Agreement"), encoding="utf-8")
    (folder / NON_UTF8_NAME).write_text(NDA.format(title="Legacy Name Agreement"), encoding="utf-8")
    long_name = "長い名前" * 20 + ".txt"  # 244 bytes: near the 255-byte limit of most file systems
    (folder / long_name).write_text(NDA.format(title="Long Name Agreement"), encoding="utf-8")
    (folder / "sub" / "loop").symlink_to("..")  # a folder link that points back up
    (folder / "self.txt").symlink_to("self.txt")  # a file link that points at itself
    (folder / "notes.xyz").write_text("not a contract", encoding="utf-8")
    return {
        "nda.txt": None,
        "formula.txt": None,
        "hostile-title.txt": None,
        "sub/秘密保持契約書.txt": None,
        "empty.txt": "E102",
        "random.pdf": "E1",
        "line\nbreak <b>.txt": None,
        "bad\ufffd\ufffdname.txt": None,
        long_name: None,
        "self.txt": "E101",
    }


def read_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    expected = make_folder(root / "in")
    result = run_batch(root / "in", root / "out", Settings(), BatchOptions(jobs=2, timeout=120))
    return root, expected, result


def test_every_file_has_one_line_with_its_outcome(first_run):
    root, expected, result = first_run
    lines = {line["source"]["path"]: line for line in read_lines(root / "out")}
    assert set(lines) == set(expected)
    assert result.found == len(expected)
    for path, code in expected.items():
        if code is None:
            assert "error" not in lines[path], lines[path].get("error")
            assert lines[path]["schema_version"] == 1 and "topics" in lines[path]
        else:
            assert lines[path]["error"]["code"].startswith(code), (path, lines[path]["error"])
    assert result.failed == sum(1 for code in expected.values() if code)


def test_outputs_stay_inside_the_output_folder_with_safe_unique_memo_names(first_run):
    root, expected, _ = first_run
    out = (root / "out").resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out)
    memos = sorted(p.name for p in (out / "memos").iterdir())
    assert len(memos) == sum(1 for code in expected.values() if code is None)
    for name in memos:
        assert "\n" not in name and "/" not in name and name.endswith(".html")
        assert len(name.encode("utf-8")) < 255
    # The newline, the angle brackets and the undecodable bytes are gone from the names.
    assert all("<" not in name and "\ufffd" not in name for name in memos)
    assert not list(root.glob("*.html")), "nothing is written next to the output folder"


def test_summary_csv_has_a_bom_and_neutralised_formulas(first_run):
    root, expected, _ = first_run
    data = (root / "out" / "summary.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["file", "memo", "error_code"] and "exclusivity" in header
    assert len(body) == len(expected)
    titles = [row[header.index("title")] for row in body]
    assert "'" + FORMULA_TITLE in titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)
    japanese = next(row for row in body if row[0] == "sub/秘密保持契約書.txt")
    assert japanese[header.index("language")] == "ja"


def test_neutralise_cell():
    assert neutralise_cell("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise_cell("\tx") == "'\tx"
    assert neutralise_cell("-1") == "'-1"
    assert neutralise_cell("Licence Agreement") == "Licence Agreement"
    assert neutralise_cell(3) == "3"


def test_index_links_every_memo_and_lists_failures_inertly(first_run):
    root, expected, _ = first_run
    out = root / "out"
    html = (out / "index.html").read_text(encoding="utf-8")
    lines = read_lines(out)
    from urllib.parse import unquote

    links = [unquote(href) for href in __import__("re").findall(r'href="([^"]+)"', html)]
    assert len(links) == sum(1 for code in expected.values() if code is None)
    for link in links:
        assert (out / link).is_file()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "line\nbreak &lt;b&gt;.txt" in html
    for line in lines:
        if "error" in line:
            assert line["error"]["code"] in html
    assert "http://" not in html and "https://" not in html  # self-contained: no external requests


def test_memo_names_are_unique_and_readable():
    assert memo_name("a/b/Licence Agreement.docx").startswith("licence-agreement-")
    assert memo_name("x/契約書.pdf").startswith("契約書-")
    assert memo_name("../../etc/passwd").startswith("passwd-")
    assert memo_name("a/c.txt") != memo_name("b/c.txt")
    assert memo_name("<>.txt").startswith("contract-")


def test_second_run_reuses_the_store_and_force_checks_again(first_run, tmp_path):
    root, expected, first = first_run
    out = tmp_path / "out"
    source = root / "in"
    settings, options = Settings(), BatchOptions(jobs=2, timeout=120)
    initial = run_batch(source, out, settings, options)
    unreadable = sum(1 for code in expected.values() if code == "E101")
    assert initial.checked == len(expected)
    again = run_batch(source, out, settings, options)
    # Unreadable files are tried again (the file system may have changed); the rest is reused.
    assert (again.checked, again.reused) == (unreadable, len(expected) - unreadable)
    assert len(read_lines(out)) == len(expected)
    # A memo deleted from the output folder is written again.
    (out / "memos" / memo_name("nda.txt")).unlink()
    assert run_batch(source, out, settings, options).checked == unreadable + 1
    forced = run_batch(source, out, settings, BatchOptions(jobs=2, timeout=120, force=True))
    assert forced.checked == len(expected)
    with sqlite3.connect(out / ".clausecheck.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM results").fetchone()[0] == len(expected)


def test_a_changed_file_or_changed_options_are_checked_again(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for number in range(3):
        (source / f"nda{number}.txt").write_text(NDA.format(title=f"Agreement {number}"), encoding="utf-8")
    out = tmp_path / "out"
    options = BatchOptions(jobs=1, timeout=120)
    assert run_batch(source, out, Settings(), options).checked == 3
    (source / "nda1.txt").write_text(NDA.format(title="Agreement one, revised"), encoding="utf-8")
    assert run_batch(source, out, Settings(), options).checked == 1
    from clausecheck.engine.runner import CheckOptions

    with_party = Settings(check=CheckOptions(party="Beta"))
    assert run_batch(source, out, with_party, options).checked == 3
    assert all(line["perspective"] for line in read_lines(out))


def test_include_and_exclude(tmp_path):
    source = tmp_path / "in"
    (source / "drafts").mkdir(parents=True)
    (source / "a.txt").write_text(NDA.format(title="A"), encoding="utf-8")
    (source / "b.md").write_text(NDA.format(title="B"), encoding="utf-8")
    (source / "drafts" / "c.txt").write_text(NDA.format(title="C"), encoding="utf-8")
    found = batch.find_contracts(source, BatchOptions(include=("*.txt",), exclude=("drafts/*",)))
    assert [c.display for c in found] == ["a.txt"]
    assert [c.display for c in batch.find_contracts(source, BatchOptions())] == ["a.txt", "b.md", "drafts/c.txt"]
    # An output folder inside the input folder is never read back as input.
    assert [c.display for c in batch.find_contracts(source, BatchOptions(), skip=source / "drafts")] == ["a.txt", "b.md"]


def test_a_pdf_without_its_suffix_is_found_by_its_bytes(tmp_path):
    (tmp_path / "scan0001").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    assert [c.display for c in batch.find_contracts(tmp_path, BatchOptions())] == ["scan0001"]


def _crash_on(names: set[str], action):
    original = work.check_one

    def wrapper(path, display, memo, settings):
        if Path(display).name in names:
            action()
        return original(path, display, memo, settings)

    return wrapper


needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers inherit the patched function only when forked")


@needs_fork
def test_a_worker_that_dies_is_reported_and_replaced(tmp_path, monkeypatch):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "crash.txt", "c.txt", "d.txt"):
        (source / name).write_text(NDA.format(title=name), encoding="utf-8")
    monkeypatch.setattr(work, "check_one", _crash_on({"crash.txt"}, lambda: os._exit(9)))
    result = run_batch(source, tmp_path / "out", Settings(), BatchOptions(jobs=1, timeout=120))
    lines = {line["source"]["path"]: line for line in read_lines(tmp_path / "out")}
    assert lines["crash.txt"]["error"]["code"] == "E301"
    assert "exit code 9" in lines["crash.txt"]["error"]["message"]
    assert all("error" not in lines[name] for name in ("a.txt", "c.txt", "d.txt"))
    assert (result.checked, result.failed) == (4, 1)


@needs_fork
def test_a_worker_that_hangs_is_stopped_after_the_timeout(tmp_path, monkeypatch):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "slow.txt"):
        (source / name).write_text(NDA.format(title=name), encoding="utf-8")
    monkeypatch.setattr(work, "check_one", _crash_on({"slow.txt"}, lambda: time.sleep(120)))
    started = time.monotonic()
    # Generous enough for a normal file on a loaded machine, far below the two-minute hang.
    run_batch(source, tmp_path / "out", Settings(), BatchOptions(jobs=2, timeout=15))
    assert time.monotonic() - started < 100
    lines = {line["source"]["path"]: line for line in read_lines(tmp_path / "out")}
    assert lines["slow.txt"]["error"] == {"code": "E301", "message": "timed out after 15 s"}
    assert "error" not in lines["a.txt"]
    # A timeout is about the run, not the file: the next run tries it again.
    monkeypatch.undo()
    again = run_batch(source, tmp_path / "out", Settings(), BatchOptions(jobs=1, timeout=120))
    assert (again.checked, again.reused, again.failed) == (1, 1, 0)


def test_sigterm_leaves_a_consistent_folder_and_a_rerun_finishes(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    count = 120
    for number in range(count):
        (source / f"nda{number:03}.txt").write_text(NDA.format(title=f"Agreement {number}"), encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "clausecheck", "batch", str(source), "-o", str(out), "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    store = out / ".clausecheck.sqlite"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        if store.exists():
            try:
                with sqlite3.connect(store, timeout=5) as connection:
                    done = connection.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:
                done = 0
            if done >= 3:
                break
        time.sleep(0.05)
    assert process.poll() is None, "the batch finished before it could be interrupted"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr.decode()
    assert b"Traceback" not in stderr
    lines = read_lines(out)
    assert 3 <= len(lines) < count
    assert all("error" not in line for line in lines)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('href="memos/') == len(lines) and "interrupted" in index
    again = run_batch(source, out, Settings(), BatchOptions(jobs=2, timeout=120))
    assert again.reused == len(lines) and again.checked == count - len(lines)
    assert len(read_lines(out)) == count


def test_progress_shows_counts_and_the_current_file_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    show = batch.progress_printer(terminal)
    show(0, 2, "contracts/a.docx")
    show(1, 2, "contracts/b\nname.pdf")
    show(2, 2, "", 1)
    output = terminal.getvalue()
    assert "0/2" in output and "contracts/a.docx" in output and "b name.pdf" in output and output.endswith("\n")
    assert "/s" in output and "1 failed" in output
    assert batch.progress_printer(io.StringIO()) is None


# --------------------------------------------------------------------------- hostile folders and stores


def _cli_batch(source: Path, out: Path, *extra: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """The batch as a user runs it, in its own process, so a hang fails the test instead of stalling it."""
    command = [sys.executable, "-m", "clausecheck", "batch", str(source), "-o", str(out), "--jobs", "2", "--timeout", "60", *extra]
    return subprocess.run(command, capture_output=True, timeout=timeout)


def _special_files(source: Path, outside: Path) -> dict[str, str]:
    """Links to a FIFO, a socket, /dev/zero and /etc/passwd, and a FIFO in the folder itself."""
    import socket

    outside.mkdir(parents=True, exist_ok=True)
    os.mkfifo(outside / "fifo")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(outside / "sock"))
    listener.close()
    (source / "fifo.txt").symlink_to(outside / "fifo")
    (source / "socket.pdf").symlink_to(outside / "sock")
    (source / "zero.txt").symlink_to("/dev/zero")
    (source / "passwd.txt").symlink_to("/etc/passwd")
    os.mkfifo(source / "pipe.docx")
    os.mkfifo(source / "unnamed-fifo")  # no contract suffix: skipped without being opened
    (outside / "elsewhere.txt").write_text(NDA.format(title="Elsewhere Agreement"), encoding="utf-8")
    (source / "elsewhere.txt").symlink_to(outside / "elsewhere.txt")
    (source / "alias.txt").symlink_to("nda.txt")  # a link inside the folder: read
    return {
        "fifo.txt": "FIFO",
        "socket.pdf": "socket",
        "zero.txt": "character device",
        "passwd.txt": "outside the input folder",
        "pipe.docx": "FIFO",
        "elsewhere.txt": "outside the input folder",
    }


needs_special_files = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists() or not Path("/etc/passwd").exists(), reason="needs FIFOs, /dev/zero and /etc/passwd")


@needs_special_files
def test_special_files_and_links_outside_are_refused_without_hanging(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "nda.txt").write_text(NDA.format(title="Mutual Non-Disclosure Agreement"), encoding="utf-8")
    refused = _special_files(source, tmp_path / "outside")
    done = _cli_batch(source, tmp_path / "out")
    assert done.returncode == 2, done.stderr.decode()  # the refused files are failures, the run ends
    lines = {line["source"]["path"]: line for line in read_lines(tmp_path / "out")}
    assert set(lines) == {"nda.txt", "alias.txt", *refused}
    for name, why in refused.items():
        assert lines[name]["error"]["code"] == "E101" and why in lines[name]["error"]["message"], lines[name]
    assert "error" not in lines["nda.txt"] and "error" not in lines["alias.txt"]
    passwd_first_line = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    for written in (tmp_path / "out").rglob("*"):
        if written.is_file() and written.suffix in (".html", ".jsonl", ".csv"):
            assert passwd_first_line not in written.read_text(encoding="utf-8", errors="replace")
    # --follow-links reads the regular file outside; the special files stay refused.
    followed = _cli_batch(source, tmp_path / "out2", "--follow-links")
    lines = {line["source"]["path"]: line for line in read_lines(tmp_path / "out2")}
    assert "error" not in lines["elsewhere.txt"], followed.stderr.decode()
    assert lines["zero.txt"]["error"]["code"] == "E101" and "character device" in lines["zero.txt"]["error"]["message"]
    assert lines["fifo.txt"]["error"]["code"] == "E101"


def test_a_file_swapped_for_a_fifo_after_listing_is_never_waited_on(tmp_path):
    from clausecheck.batch.discover import safe_sha256

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "swapped.txt")
    started = time.monotonic()
    with pytest.raises(OSError, match="not a regular file"):
        safe_sha256(tmp_path / "swapped.txt")
    assert time.monotonic() - started < 5


def test_names_that_differ_only_in_undecodable_bytes_are_two_files(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    first, second = os.fsdecode(b"x\xff.txt"), os.fsdecode(b"x\xfe.txt")
    (source / first).write_text(NDA.format(title="First Agreement"), encoding="utf-8")
    (source / second).write_text(NDA.format(title="Second Agreement"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(source, out, Settings(), BatchOptions(jobs=1, timeout=120))
    assert (result.checked, result.failed) == (2, 0)
    titles = sorted(line["title"] for line in read_lines(out))
    assert titles == ["First Agreement", "Second Agreement"]
    assert all(line["source"]["path"] == "x\ufffd.txt" for line in read_lines(out))
    assert len(list((out / "memos").iterdir())) == 2
    with sqlite3.connect(out / ".clausecheck.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 2
    again = run_batch(source, out, Settings(), BatchOptions(jobs=1, timeout=120))
    assert (again.checked, again.reused) == (0, 2)


def _disk_full(monkeypatch, where):
    """Make renaming a finished `.part` into place fail as a full disk does, for targets `where(target)` accepts."""
    import errno

    from clausecheck.batch import outputs

    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        if str(source).endswith(".part") and where(Path(target)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(outputs.os, "replace", replace)


def test_a_full_disk_is_reported_as_e302_never_cached_and_retried(tmp_path, monkeypatch):
    from clausecheck.errors import ClausecheckError

    source = tmp_path / "in"
    source.mkdir()
    for number in range(3):
        (source / f"nda{number}.txt").write_text(NDA.format(title=f"Agreement {number}"), encoding="utf-8")
    out = tmp_path / "out"
    options = BatchOptions(jobs=1, timeout=120)
    # The memos cannot be written: each file is recorded as E302, the run goes on.
    with monkeypatch.context() as patch:
        _disk_full(patch, lambda target: target.parent.name == "memos")
        result = run_batch(source, out, Settings(), options)
    assert result.failures == [(f"nda{n}.txt", "E302") for n in range(3)]
    assert all(line["error"]["code"] == "E302" and "No space left" in line["error"]["message"] for line in read_lines(out))
    assert not list(out.rglob("*.part"))
    # Nothing can be written while the portfolio must change (a new file): the run stops with
    # E302 and leaves no part file behind.
    (source / "nda3.txt").write_text(NDA.format(title="Agreement 3"), encoding="utf-8")
    with monkeypatch.context() as patch:
        _disk_full(patch, lambda target: True)
        with pytest.raises(ClausecheckError) as raised:
            run_batch(source, out, Settings(), options)
    assert raised.value.code == "E302"
    assert not list(out.rglob("*.part"))
    # Space is back: every file is checked again, none of the E302 outcomes was kept as a result.
    healed = run_batch(source, out, Settings(), options)
    assert (healed.checked, healed.failed) == (4, 0)
    assert all("error" not in line for line in read_lines(out))


def test_the_cli_reports_a_full_disk_as_e302(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "nda.txt").write_text(NDA.format(title="Agreement"), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.jsonl").mkdir()  # cannot be replaced by a file: the write fails like a full disk
    done = _cli_batch(source, out)
    assert done.returncode == 2
    assert b"[E302]" in done.stderr and b"Traceback" not in done.stderr
    assert not list(out.rglob("*.part"))


def _damage(store: Path, how: str) -> None:
    if how == "random bytes":
        store.write_bytes(bytes((i * 131 + 7) % 256 for i in range(8192)))
    elif how == "truncated":
        data = store.read_bytes()
        store.write_bytes(data[: len(data) // 2])
    elif how == "wrong schema":
        store.unlink()
        with sqlite3.connect(store) as connection:
            connection.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute("INSERT INTO meta VALUES ('schema', '2')")
            connection.execute("CREATE TABLE results (path TEXT, stuff BLOB)")
    elif how == "one bad JSON row":
        with sqlite3.connect(store) as connection:
            connection.execute("UPDATE results SET line = '{\"schema_version\": 1, ' WHERE path = 'nda1.txt'")


@pytest.mark.parametrize("how", ["random bytes", "truncated", "wrong schema", "one bad JSON row"])
def test_a_damaged_store_is_moved_aside_rebuilt_and_reported(tmp_path, how):
    source = tmp_path / "in"
    source.mkdir()
    count = 12  # enough rows that the store spans several pages
    for number in range(count):
        (source / f"nda{number}.txt").write_text(NDA.format(title=f"Agreement {number}"), encoding="utf-8")
    out = tmp_path / "out"
    options = BatchOptions(jobs=2, timeout=120)
    run_batch(source, out, Settings(), options)
    store = out / ".clausecheck.sqlite"
    with sqlite3.connect(store) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(store, how)
    told: list[str] = []
    result = run_batch(source, out, Settings(), options, notify=told.append)
    assert len(told) == 1 and "damaged" in told[0] and ".clausecheck.sqlite.broken-" in told[0], told
    assert len([p for p in out.glob(".clausecheck.sqlite.broken-*") if not p.name.endswith(("-wal", "-shm"))]) == 1
    assert result.failed == 0 and result.checked + result.reused == count
    if how == "one bad JSON row":
        assert (result.checked, result.reused) == (1, count - 1)  # the good rows were kept
    lines = read_lines(out)
    assert len(lines) == count and all("error" not in line for line in lines)
    told.clear()
    again = run_batch(source, out, Settings(), options, notify=told.append)
    assert (again.checked, again.reused, told) == (0, count, [])


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in children.read_text().split()] if children.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")
def test_workers_end_when_the_batch_process_is_killed(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for number in range(80):
        (source / f"nda{number:03}.txt").write_text(NDA.format(title=f"Agreement {number}"), encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "clausecheck", "batch", str(source), "-o", str(out), "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and len(workers) < 2:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert len(workers) == 2, "the batch did not start two workers"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "a worker outlived the batch process"


@needs_fork
def test_a_worker_ends_when_the_pipe_to_its_parent_is_gone():
    from clausecheck.batch import pool

    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    worker = context.Process(target=pool.worker_main, args=(child_end, Settings(), os.getpid(), (parent_end.fileno(),)))
    worker.start()
    child_end.close()
    assert parent_end.recv() == ("ready", None)
    parent_end.close()  # as if the parent had died: the worker's recv sees the end of the pipe
    worker.join(timeout=30)
    assert worker.exitcode == 0


@needs_special_files
def test_a_folder_with_every_hostile_case_ends_with_every_file_recorded(tmp_path):
    source = tmp_path / "in"
    expected = make_folder(source)
    refused = _special_files(source, tmp_path / "outside")
    (source / os.fsdecode(b"bad\xff\xfdname.txt")).write_text(NDA.format(title="Twin Name Agreement"), encoding="utf-8")
    expected_paths = set(expected) | set(refused) | {"alias.txt"}
    done = _cli_batch(source, tmp_path / "out")
    assert done.returncode == 2 and b"Traceback" not in done.stderr, done.stderr.decode()
    lines = read_lines(tmp_path / "out")
    assert {line["source"]["path"] for line in lines} == expected_paths
    assert len(lines) == len(expected_paths) + 1  # the two names that show as bad��name.txt are two lines
    again = _cli_batch(source, tmp_path / "out")
    assert again.returncode == 2 and b"Traceback" not in again.stderr
    assert len(read_lines(tmp_path / "out")) == len(lines)


def _simulated_store(out: Path, count: int):
    """A store holding `count` results made from one real report, as a long batch leaves it."""
    from clausecheck.batch.discover import Candidate
    from clausecheck.batch.store import ResultStore, Summary
    from clausecheck.batch.work import check_one

    source = out.parent / "template.txt"
    source.write_text(NDA.format(title="Simulated Agreement"), encoding="utf-8")
    outcome = check_one(source, "template.txt", "template.html", Settings())
    line_text = outcome["line_text"]
    store = ResultStore(out)
    candidates, keys, states, rows = [], {}, {}, []
    for number in range(count):
        display = f"folder{number // 1000}/contract{number:05}.txt"
        name = display.encode()
        row = dict(outcome["row"], path=display, memo=f"memos/contract{number:05}.html")
        candidates.append(Candidate(Path(display), display, f"contract{number:05}.html", name))
        keys[name], states[name] = f"key{number}", Summary(display, f"key{number}", row["memo"], None, row["worst"], float(number))
        rows.append((name, *states[name], json.dumps(row, ensure_ascii=False), line_text.replace('"template.txt"', json.dumps(display))))
    with store.connection:
        store.connection.execute("BEGIN")
        store.connection.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return store, candidates, keys, states


@pytest.mark.parametrize("count", [3_000])  # benchmarks/batch_scale.py measures 10,000 and more
def test_writing_the_outputs_of_ten_times_the_results_takes_no_more_memory(tmp_path, count):
    import tracemalloc

    from clausecheck.batch.run import _write_portfolio

    peaks = {}
    for size in (count // 10, count):
        out = tmp_path / f"out{size}"
        out.mkdir()
        store, candidates, keys, states = _simulated_store(out, size)
        tracemalloc.start()
        _write_portfolio(out, store, candidates, keys, states, None, interrupted=False)
        peaks[size] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert sum(1 for _ in (out / "results.jsonl").open(encoding="utf-8")) == size
        assert (out / "index.html").read_text(encoding="utf-8").count('href="memos/') == size
        store.close()
    # Streamed from the store: ten times the results, not ten times the memory (1 MB of slack).
    assert peaks[count] < peaks[count // 10] * 1.5 + (1 << 20), peaks


def test_a_run_that_changes_nothing_rewrites_no_output(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for number in range(3):
        (source / f"nda{number}.txt").write_text(NDA.format(title=f"Agreement {number}"), encoding="utf-8")
    (source / "gone.txt").symlink_to("nowhere.txt")  # refused on every run, the same way
    out = tmp_path / "out"
    options = BatchOptions(jobs=1, timeout=120)
    run_batch(source, out, Settings(), options)
    outputs = [out / name for name in ("results.jsonl", "summary.csv", "index.html")]
    stamps = [path.stat().st_mtime_ns for path in outputs]
    again = run_batch(source, out, Settings(), options)
    assert (again.reused, again.failed) == (3, 1)
    assert [path.stat().st_mtime_ns for path in outputs] == stamps
    (source / "nda1.txt").write_text(NDA.format(title="Agreement one, revised"), encoding="utf-8")
    run_batch(source, out, Settings(), options)
    assert all(path.stat().st_mtime_ns != stamp for path, stamp in zip(outputs, stamps))
    assert "Agreement one, revised" in (out / "summary.csv").read_text(encoding="utf-8-sig")
