"""The batch on a Dask cluster: the same outputs as the local pool, no file lost with a worker,
a consistent and resumable folder when the scheduler goes away, timeouts isolated per file."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clausecheck.batch import BatchOptions, run_batch
from clausecheck.pipeline import Settings
from conftest import ROOT, corpus_path
from test_batch import NDA, read_lines

# Dask is imported by the tests, not at collection: a test process that imported it early would
# be bigger, and every process it starts inherits that peak in ru_maxrss.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs the cluster extra (distributed)")

SAMPLES = ROOT / "sample_contracts"
CORPUS_SUBSET = 3  # the smallest CUAD texts: real contracts, a few seconds of work


@pytest.fixture(scope="module")
def cluster():
    """One LocalCluster (processes, 2 workers) for the module: starting one costs seconds."""
    import dask
    import distributed

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
    yield local
    local.close()


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".clausecheck.sqlite")}


def _stored_count(out: Path) -> int:
    try:
        with sqlite3.connect(out / ".clausecheck.sqlite", timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def _ndas(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"nda{number:03}.txt").write_text(NDA.format(title=f"Agreement {number}"), encoding="utf-8")
    return folder


@pytest.mark.corpus
def test_cluster_outputs_are_the_local_pools_bytes(tmp_path, cluster):
    source = tmp_path / "in"
    shutil.copytree(SAMPLES, source, ignore=shutil.ignore_patterns("*.py", "expected"))
    cuad = sorted(corpus_path("cuad", "txt").glob("*.txt"), key=lambda p: (p.stat().st_size, p.name))[:CORPUS_SUBSET]
    (source / "cuad").mkdir()
    for path in cuad:
        shutil.copy(path, source / "cuad" / path.name)
    local = run_batch(source, tmp_path / "local", Settings(), BatchOptions(jobs=2, timeout=120))
    assert local.checked == 6 + len(cuad) and local.failed == 0
    expected = _outputs(tmp_path / "local")
    # (--ship-files is compared with the local pool in the command-line test below.)
    result = run_batch(source, tmp_path / "cluster", Settings(), BatchOptions(timeout=120, cluster=cluster.scheduler_address))
    assert (result.checked, result.failed) == (local.checked, 0)
    assert _outputs(tmp_path / "cluster") == expected
    # A re-run on the cluster reuses every stored result and leaves the outputs as they were.
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "cluster").glob("*.*")}
    again = run_batch(source, tmp_path / "cluster", Settings(), BatchOptions(timeout=120, cluster=cluster.scheduler_address))
    assert (again.checked, again.reused) == (0, local.checked)
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cluster").glob("*.*")} == stamps


def test_a_killed_worker_loses_no_file(tmp_path, cluster):
    source = _ndas(tmp_path / "in", 40)
    out = tmp_path / "out"
    import distributed

    with distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed = threading.Event()

    def kill_a_worker_mid_run() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _stored_count(out) < 2:
            time.sleep(0.05)
        os.kill(victim, signal.SIGKILL)
        killed.set()

    killer = threading.Thread(target=kill_a_worker_mid_run, daemon=True)
    killer.start()
    result = run_batch(source, out, Settings(), BatchOptions(timeout=120, cluster=cluster.scheduler_address))
    killer.join(timeout=5)
    assert killed.is_set()
    lines = read_lines(out)
    assert len(lines) == 40 and result.failed == 0, [line.get("error") for line in lines if "error" in line]
    cluster.wait_for_workers(2, timeout=60)  # the nanny brings the worker back for the next tests


def test_a_file_over_the_timeout_is_e301_naming_its_worker_and_retried_next_run(tmp_path, cluster):
    source = _ndas(tmp_path / "in", 2)
    out = tmp_path / "out"
    result = run_batch(source, out, Settings(), BatchOptions(timeout=0.001, cluster=cluster.scheduler_address))
    assert result.failed == 2
    for line in read_lines(out):
        assert line["error"]["code"] == "E301"
        assert line["error"]["message"].startswith("timed out after 0.001 s on worker tcp://")
    again = run_batch(source, out, Settings(), BatchOptions(timeout=120, cluster=cluster.scheduler_address))
    assert (again.checked, again.failed) == (2, 0)


def test_a_scheduler_that_goes_away_leaves_the_folder_consistent_and_resumable(tmp_path, cluster):
    source = _ndas(tmp_path / "in", 30)
    out = tmp_path / "out"
    scheduler_file = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file", str(scheduler_file), "--port", "0", "--no-dashboard"], **quiet)
    workers = None
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        workers = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(scheduler_file), "--nworkers", "1", "--nthreads", "1", "--no-dashboard"], **quiet)
        batch = subprocess.Popen([sys.executable, "-m", "clausecheck", "batch", str(source), "-o", str(out), "--cluster", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and batch.poll() is None and _stored_count(out) < 3:
            time.sleep(0.1)
        assert batch.poll() is None, "the batch finished before the scheduler could be stopped"
        scheduler.kill()
        _, stderr = batch.communicate(timeout=90)
    finally:
        for process in (scheduler, workers):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert batch.returncode == 2 and b"[E305]" in stderr and b"Traceback" not in stderr, stderr.decode()
    lines = read_lines(out)
    assert 3 <= len(lines) < 30 and all("error" not in line for line in lines)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('href="memos/') == len(lines) and "interrupted" in index
    assert all((out / "memos" / f).is_file() for f in os.listdir(out / "memos")) and not list(out.rglob("*.part"))
    resumed = run_batch(source, out, Settings(), BatchOptions(timeout=120, cluster=cluster.scheduler_address))
    assert (resumed.reused, resumed.checked, resumed.failed) == (len(lines), 30 - len(lines), 0)
    assert len(read_lines(out)) == 30


def test_the_command_line_runs_a_local_cluster_of_its_own(tmp_path):
    source = _ndas(tmp_path / "in", 3)
    (source / "too-large.txt").write_text(NDA.format(title="Large Agreement") * 10, encoding="utf-8")
    command = [sys.executable, "-m", "clausecheck", "batch", str(source), "--max-size", "0.002"]  # 2,097 bytes
    local = subprocess.run([*command, "-o", str(tmp_path / "local"), "--jobs", "1"], capture_output=True, timeout=180)
    done = subprocess.run([*command, "-o", str(tmp_path / "cluster"), "--cluster", "local:1", "--ship-files"], capture_output=True, timeout=180)
    assert done.returncode == local.returncode == 2, done.stderr.decode()  # the large file is a failure
    assert b"4 files: 4 checked" in done.stderr and b"\r[" not in done.stderr  # no progress bar when stderr is not a terminal
    assert _outputs(tmp_path / "cluster") == _outputs(tmp_path / "local")
    assert [line["error"]["code"] for line in read_lines(tmp_path / "cluster") if "error" in line] == ["E109"]


def test_without_dask_the_cluster_option_says_how_to_install_it(monkeypatch):
    from clausecheck.batch import cluster as cluster_module
    from clausecheck.errors import ClausecheckError

    monkeypatch.setattr(cluster_module, "dask", None)
    with pytest.raises(ClausecheckError, match=r"clausecheck\[cluster\]") as raised:
        cluster_module.ClusterPool("local:2", Settings(), 10)
    assert raised.value.code == "E305"


@pytest.mark.parametrize("address, expected", [("local", ("local", None)), ("local:3", ("local", 3)), ("tcp://10.0.0.5:8786", ("remote", None))])
def test_cluster_addresses(address, expected):
    from clausecheck.batch.cluster import parse_address

    assert parse_address(address) == expected
