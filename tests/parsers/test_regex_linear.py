"""Every regex of the parsers and the structure stage runs in linear time on hostile lines.

A pattern that backtracks (two adjacent `\\s*`, a `[ \\t]{3,}` tried at every space of a run)
costs the square of a run's length: 10,000 spaces took seconds, 5 MB of them days. Each
module-level pattern is run over 40,000-character runs of the characters contracts are made
of; all of them together finish in about two seconds when linear, while one quadratic pattern
alone needs minutes at that size, so the generous time-out below is a hang check, not a
speed target (speed is measured in benchmarks/).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MODULES = (
    "clausecheck.lang",
    "clausecheck.parsers",
    "clausecheck.parsers.text",
    "clausecheck.parsers.docx",
    "clausecheck.parsers.docx_numbering",
    "clausecheck.parsers.docx_safety",
    "clausecheck.parsers.pdf",
    "clausecheck.structure",
    "clausecheck.structure.clauses",
    "clausecheck.structure.numbering",
    "clausecheck.structure.parties",
)
# Runs that make a backtracking pattern quadratic: whitespace, word characters, digits,
# clause-number pieces, brackets and quotes of both languages.
RUN_UNITS = (" ", "\t", "\u3000", "a", "A", "1", "１", ".", "第", "(", "1.", "a ", "(a)", "Page ", "1 ", "Source: ",
             ", ", "「", "甲", '"', "A. ", " .", "一", "Section ", " 1", "の", "a\u3000", "-", "aA", "・", "…")
RUN_LENGTH = 40_000


def _run_isolated(code: str, timeout: float) -> dict:
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_every_module_pattern_is_linear_on_long_runs():
    result = _run_isolated(
        f"""
        import importlib, json, re, time
        slowest = []
        count = 0
        for name in {MODULES!r}:
            module = importlib.import_module(name)
            for attr, pattern in vars(module).items():
                if not isinstance(pattern, re.Pattern):
                    continue
                count += 1
                for unit in {RUN_UNITS!r}:
                    text = (unit * ({RUN_LENGTH} // len(unit) + 1))[:{RUN_LENGTH}] + "!"
                    if isinstance(pattern.pattern, bytes):
                        text = text.encode("utf-8")  # patterns over raw package bytes
                    started = time.perf_counter()
                    for _ in pattern.finditer(text):
                        pass
                    pattern.match(text)
                    slowest.append((time.perf_counter() - started, name + "." + attr, unit))
        slowest.sort(reverse=True)
        print(json.dumps({{"patterns": count, "slowest": slowest[:3]}}))
        """,
        timeout=180,
    )
    assert result["patterns"] > 50  # the audit really found the modules' patterns
    # A quadratic pattern spends over 10 s on one such run; a linear one a few milliseconds.
    assert result["slowest"][0][0] < 5.0, result["slowest"]


@pytest.mark.parametrize(
    "line",
    [
        "1. Term. " + " " * 200_000 + "x",
        "Source: A" + "\t" * 200_000 + "2. B",
        "a" + " \t" * 100_000 + "Source: X, 10-K, 1/1/2019",
        "第1条" + "\u3000" * 200_000 + "甲",
        "|" + " " * 100_000 + "-",
        "Contents" + "." * 100_000 + " 1",
    ],
    ids=["spaces", "tabs", "space-tab-footer", "ideographic-spaces", "table-separator", "toc-dots"],
)
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_long_whitespace_runs_are_read_promptly(tmp_path, line, suffix):
    path = tmp_path / f"runs{suffix}"
    path.write_text("MUTUAL NON-DISCLOSURE AGREEMENT\n" + line + "\n2. Governing Law. This Agreement is governed by the laws of Japan.\n", encoding="utf-8")
    result = _run_isolated(
        f"""
        import json
        from clausecheck.pipeline import check_file
        report = check_file({str(path)!r})
        print(json.dumps({{"governing_law": report.topics["governing_law"].status}}))
        """,
        timeout=120,  # quadratic backtracking over 200,000 spaces would take hours
    )
    assert result["governing_law"] == "present"
