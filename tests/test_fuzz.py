"""Time-boxed fuzzing of the readers and the engine (benchmarks/fuzz.py), marked `fuzz`.

Each target runs for CLAUSECHECK_FUZZ_SECONDS (default: 10 s when the run selects `-m fuzz`,
3 s inside the normal suite). Any exception other than a ClausecheckError fails the test
with the shrunk reproducer's error and location.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from conftest import load_script

ROOT = Path(__file__).resolve().parents[1]


def _load_fuzz():
    return load_script(ROOT / "benchmarks" / "fuzz.py", "clausecheck_fuzz")


fuzz = _load_fuzz()


@pytest.fixture
def budget(request) -> float:
    if os.environ.get("CLAUSECHECK_FUZZ_SECONDS"):
        return float(os.environ["CLAUSECHECK_FUZZ_SECONDS"])
    return 10.0 if "fuzz" in (request.config.getoption("-m") or "") else 3.0


@pytest.mark.fuzz
@pytest.mark.parametrize("target", fuzz.TARGETS)
def test_fuzz_target_raises_only_coded_errors(target, budget, tmp_path):
    result = fuzz.run_target(target, budget, crashes_dir=tmp_path / "crashes")
    assert result.executions > 0
    assert not result.crashes, "\n\n".join(f"{c['error']}\n{c['where']}\nreproducer: {c.get('file')}" for c in result.crashes)


@pytest.mark.fuzz
def test_harness_reports_a_non_coded_exception(tmp_path, monkeypatch):
    # The harness itself must notice a crash: make the text reader raise a plain error.
    import clausecheck.parsers.text as text_parser

    def broken(*args, **kwargs):
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(text_parser, "parse", broken)
    result = fuzz.run_target("random-bytes", 2.0, crashes_dir=tmp_path / "crashes")
    assert any("ZeroDivisionError" in crash["error"] for crash in result.crashes)
    assert all(Path(crash["file"]).exists() for crash in result.crashes)


def test_mutations_change_the_bytes_and_stay_in_bounds():
    data = bytes(range(256))
    rng = random.Random(7)
    kinds = ("flip", "cut", "insert", "delete", "repeat")
    for _ in range(500):
        operations = [(rng.choice(kinds), rng.random(), bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 16)))) for _ in range(rng.randrange(1, 5))]
        mutated = fuzz.mutate(data, operations)
        assert isinstance(mutated, bytes)
    assert fuzz.mutate(data, [("cut", 0.5, b"x")]) == data[:128]
    assert fuzz.mutate(data, [("insert", 0.0, b"ab")]) == b"ab" + data
    assert fuzz.mutate(data, [("flip", 0.0, b"\x01")])[0] == 1


def test_prefilter_never_hides_a_match():
    """The engine skips a regex when none of its required literals is in the clause.

    For every built-in pattern, random texts built from the pattern's own words and noise
    must never match while the filter says the literals are absent.
    """
    import regex

    from clausecheck.engine.compiler import compile_folded, compile_regex, matches_folded, required_literals
    from clausecheck.pipeline import engine_for

    engine = engine_for(())
    rng = random.Random(11)
    for language in ("en", "ja"):
        for _rule, pattern in engine.compiled(language).regex_rules:
            expanded = pattern.replace("{PARTY}", "(?:甲|乙|Party)").replace("{US}", "(?:甲)").replace("{THEM}", "(?:乙)")
            words = regex.findall(r"[A-Za-z]{3,}|[^\x00-\x7f]{2,}", expanded) or ["x"]
            needed = required_literals(pattern)
            for _ in range(30):
                text = " ".join(rng.choice(words + ["the", "Party", "甲", "乙", ".", "shall"]).upper() if rng.random() < 0.2 else rng.choice(words + ["the", ".", "shall", "甲"]) for _ in range(rng.randrange(1, 25)))
                matched = compile_regex(expanded, language).search(text, timeout=1) is not None
                if needed and not all(any(word in text.lower() for word in group) for group in needed):
                    assert not matched, (pattern, text)
                if matches_folded(expanded) and len(text.lower()) == len(text):
                    folded = compile_folded(expanded).search(text.lower(), timeout=1)
                    original = compile_regex(expanded, language).search(text, timeout=1)
                    assert (folded and folded.span()) == (original and original.span()), (pattern, text)


@pytest.mark.fuzz
def test_a_hanging_input_is_stopped_and_kept_with_the_target_process_memory(tmp_path):
    # Plant a reader that never returns into the target's own process (through sitecustomize).
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(
        "import time\nimport clausecheck.parsers.text as text_parser\n"
        "def parse(*args, **kwargs):\n    time.sleep(3600)\n"
        "text_parser.parse = parse\n",
        encoding="utf-8",
    )
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plant), os.environ.get("PYTHONPATH", "")]))
    old = os.environ.copy()
    os.environ.clear()
    os.environ.update(environment)
    try:
        result = fuzz.run_target_isolated("random-bytes", 20.0, None, tmp_path / "crashes", hang_seconds=2.0)
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert result.hangs, result
    kept = Path(result.hangs[0]["file"])
    assert kept.exists() and kept.suffix in fuzz.SUFFIXES  # random bytes read as text, whatever their name
    assert result.peak_rss_mb and result.peak_rss_mb > 10
    assert any("hang" in reason for reason in result.failures())


def test_a_target_over_the_memory_or_time_limit_fails():
    assert fuzz.TargetResult("clean", peak_rss_mb=100.0, slowest={"seconds": 1.0}).failures() == []
    assert fuzz.TargetResult("fat", peak_rss_mb=fuzz.MEMORY_LIMIT_MB + 1).failures()
    assert fuzz.TargetResult("fat child", children_peak_rss_mb=fuzz.MEMORY_LIMIT_MB + 1).failures()
    assert fuzz.TargetResult("slow", slowest={"seconds": fuzz.HANG_SECONDS + 1}).failures()
