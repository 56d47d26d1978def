"""`check` writes its memo beside a file whose name is long or not UTF-8, never ending in E300."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clausecheck.report.output import NAME_MAX_BYTES, _fitting_stem

NDA = """Mutual Non-Disclosure Agreement

This Mutual Non-Disclosure Agreement is made between Acme Corp ("Acme") and Beta LLC ("Beta").

1. Confidentiality
Each party shall keep the Confidential Information of the other party in confidence.
"""


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clausecheck", "check", os.fsencode(path)], capture_output=True, timeout=120)


@pytest.mark.parametrize("name", ["a" * 246 + ".txt", "長" * 82 + ".txt", os.fsdecode(b"legacy-\x93\xfa\x96{.txt")], ids=["250-byte", "250-byte-japanese", "non-utf8"])
def test_check_writes_a_memo_for_a_long_or_undecodable_name(tmp_path, name):
    path = tmp_path / name
    path.write_text(NDA, encoding="utf-8")
    done = _check(path)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    memos = [p for p in tmp_path.iterdir() if p.name.endswith(".memo.html")]
    assert len(memos) == 1 and len(os.fsencode(memos[0].name)) <= NAME_MAX_BYTES
    html = memos[0].read_text(encoding="utf-8")  # valid UTF-8 whatever the name
    assert "Non-Disclosure" in html
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_cut_name_stays_distinct_and_ends_on_a_whole_character():
    first, second = _fitting_stem("長" * 90 + "一", ".memo.html"), _fitting_stem("長" * 90 + "二", ".memo.html")
    assert first != second
    for stem in (first, second):
        assert len(os.fsencode(stem + ".memo.html")) <= NAME_MAX_BYTES
        stem.encode("utf-8")  # no half character left over
    assert _fitting_stem("short", ".memo.html") == "short"
