"""The batch's writer at scale: parent memory and the no-op re-run at thousands of contracts.

The folder is made of CUAD texts copied with small edits (every file its own hash). The
checks themselves are replayed: a few texts are checked for real once, and the pool hands
their outcomes (renamed) back for every file, so the run exercises everything the batch
process does — discovery, hashing, the store, writing memos, streaming results.jsonl,
summary.csv and index.html — at the cost of the writer alone. Each count runs in a fresh
process; reported per count: the first run's wall time, the batch process's peak memory
(ru_maxrss), a no-op re-run in the same process, and a no-op re-run of the installed
command (process start to exit), with whether the outputs were left untouched.
Targets (issue 15): peak ≤ 250 MB at 3,000, no-op re-run ≤ 1 s at 3,000, flat at 10,000.

    python benchmarks/batch_scale.py ../shared/corpus --counts 1000 3000 10000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus_copies import make_copies  # noqa: E402

REPLAYED_TEXTS = 10


class ReplayPool:
    """A pool that answers every task with a real outcome checked once, renamed for the task."""

    def __init__(self, samples: list[Path]):
        from clausecheck.batch.work import check_one
        from clausecheck.pipeline import Settings

        self.outcomes = []
        for number, path in enumerate(samples):
            outcome = check_one(path, f"sample{number}.txt", f"sample{number}.html", Settings())
            self.outcomes.append((f"sample{number}.txt", outcome))

    def run(self, tasks, record, started, tell=print) -> None:
        for task in tasks:
            started(task)
            display, outcome = self.outcomes[task.index % len(self.outcomes)]
            renamed = json.dumps(task.display)
            row = dict(outcome["row"], path=task.display, memo=f"memos/{task.memo}")
            record(task, {"line_text": outcome["line_text"].replace(json.dumps(display), renamed), "row": row,
                          "memo": f"memos/{task.memo}", "html": outcome["html"]})


def measure(folder: Path, out: Path, count: int) -> dict:
    from clausecheck.batch import BatchOptions, run_batch
    from clausecheck.pipeline import Settings

    include = tuple(f"{block:03}/*" for block in range((count + 499) // 500))
    options = BatchOptions(include=include, timeout=300)
    pool = ReplayPool(sorted(folder.rglob("*.txt"))[:REPLAYED_TEXTS])
    started = time.monotonic()
    first = run_batch(folder, out, Settings(), options, executor=pool)
    first_wall = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.*")}
    started = time.monotonic()
    again = run_batch(folder, out, Settings(), options, executor=pool)
    noop_wall = time.monotonic() - started
    command = [sys.executable, "-m", "clausecheck", "batch", str(folder), "-o", str(out), *[f"--include={p}" for p in include]]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    cli_wall = time.monotonic() - started
    untouched = stamps == {p.name: p.stat().st_mtime_ns for p in out.glob("*.*")}
    return {
        "count": count,
        "found": first.found,
        "checked": first.checked,
        "first_run_s": round(first_wall, 2),
        "peak_mb": round(peak_mb, 1),
        "noop_rerun_s": round(noop_wall, 3),
        "noop_reused": again.reused,
        "noop_cli_s": round(cli_wall, 3),
        "outputs_untouched": untouched,
        "results_jsonl_mb": round((out / "results.jsonl").stat().st_size / (1 << 20), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--one", nargs=3, metavar=("FOLDER", "OUT", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(Path(args.one[0]), Path(args.one[1]), int(args.one[2]))))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        make_copies(args.corpus, root / "in", max(args.counts))
        for count in args.counts:
            done = subprocess.run([sys.executable, __file__, str(args.corpus), "--one", str(root / "in"), str(root / f"out{count}"), str(count)],
                                  capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"load_average": os.getloadavg(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
