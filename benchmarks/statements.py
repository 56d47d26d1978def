"""What the statement stage costs: the engine with and without the rules written on statements.

The same pre-built Documents are checked twice in one process, taking turns, with the full rule
pack and with the rules that have `when:` switched off, so the ratio compares like with like.
Time is CPU time of this process (`time.process_time`), which a busy shared machine disturbs
far less than wall time; the best of `--repeat` rounds is kept. Targets (issue 11): English
engine ≥ 20 CUAD contracts/s/core and Japanese ≥ 30/s with the statement stage included;
peak memory (VmHWM of this process) ≤ 250 MB.

    python benchmarks/statements.py ../shared/corpus
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from clausecheck.engine.runner import Engine
from clausecheck.pipeline import engine_for, read_document


def _documents(paths: list[Path]):
    return [read_document(p) for p in paths]


def _time(engine: Engine, documents) -> float:
    started = time.process_time()
    for document in documents:
        engine.check(document)
    return time.process_time() - started


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="CUAD texts (default all)")
    args = parser.parse_args(argv)
    cuad = sorted((args.corpus / "cuad" / "txt").glob("*.txt"))[: args.limit]
    japanese = sorted((args.corpus / "ja").glob("*.txt")) + sorted((args.corpus / "ja").glob("*.md"))
    japanese += [p for p in sorted((args.corpus / "traps_dev").iterdir()) if p.name.startswith("ja_") and p.suffix in (".txt", ".md", ".docx")]
    groups = {"en (CUAD texts)": _documents(cuad), "ja (model + traps_dev)": _documents(japanese)}
    full = engine_for(())
    rules_only = Engine(full.pack)
    rules_only.statement_rules = []  # the same pack, with the statement stage switched off
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; best of {args.repeat} rounds, CPU seconds")
    for name, documents in groups.items():
        for engine in (full, rules_only):  # compile both before timing
            _time(engine, documents[:2])
        best = {"with statements": float("inf"), "without": float("inf")}
        for _ in range(args.repeat):
            best["with statements"] = min(best["with statements"], _time(full, documents))
            best["without"] = min(best["without"], _time(rules_only, documents))
        chars = sum(len(d.text) for d in documents)
        per_s = {k: len(documents) / v for k, v in best.items()}
        print(
            f"{name}: {len(documents)} contracts, {chars / len(documents) / 1000:.0f} K chars each — "
            f"{per_s['with statements']:.1f}/s with statements, {per_s['without']:.1f}/s without "
            f"(statement stage +{100 * (best['with statements'] / best['without'] - 1):.0f} % time)"
        )
    print(f"peak memory of this process: {_peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
