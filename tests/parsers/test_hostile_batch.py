"""A batch over a folder holding every hostile case at once (built by benchmarks/hostile_batch.py
from the builders of each case's own test) ends by itself, records every file with its
outcome or the expected coded error, heals a damaged store, and keeps the whole process
tree (the batch and its workers) under 1.5 GB."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import load_script

ROOT = Path(__file__).resolve().parents[2]


def _load_benchmark():
    return load_script(ROOT / "benchmarks" / "hostile_batch.py", "clausecheck_hostile_batch")


hostile_batch = _load_benchmark()


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists() or not Path("/etc/passwd").exists()
                    or not Path("/proc/self/status").exists(), reason="needs FIFOs, /dev/zero, /etc/passwd and /proc")
def test_batch_over_every_hostile_case_records_every_file_in_bounded_memory(tmp_path):
    results = hostile_batch.run(tmp_path, jobs=2)
    figures = {name: {key: value for key, value in results[name].items() if key not in ("stderr", "stdout")}
               for name in ("first run", "after damaging the store")}
    assert hostile_batch.failures(results) == [], figures
    first = results["first run"]
    assert first["lines"] == results["files"] + 1  # the two names shown as bad��name.txt are two lines
    assert first["tree_peak_bound_mb"] < hostile_batch.MEMORY_LIMIT_MB, figures


def test_the_record_check_notices_a_lost_file_or_a_wrong_code():
    expected = {"a.txt": None, "b.pdf": "E110", "c.txt": "E1"}
    lines = [{"source": {"path": "a.txt"}}, {"source": {"path": "b.pdf"}, "error": {"code": "E105"}}]
    problems = hostile_batch.check_recorded(expected, lines)
    assert any("'b.pdf': E105, expected E110" in p for p in problems)
    assert any("'c.txt': not recorded" in p for p in problems)
    assert hostile_batch.check_recorded(expected, lines[:1] + [{"source": {"path": "b.pdf"}, "error": {"code": "E110"}},
                                                               {"source": {"path": "c.txt"}, "error": {"code": "E111"}}]) == []
