"""Where a check's CPU time goes, stage by stage, so each cost can be given to the code that makes it.

One process checks a folder's files as a batch worker does (engine compiled and warmed
first, then read → structure → engine → JSON and HTML memo per file) and adds up the CPU
seconds (`time.process_time`) spent inside these stages:

- read + structure: `pipeline.read_document` (the parser and the clause tree);
- statement extraction: `statements_of`, the statement stage's reading of each clause;
- topic model: `combine_with_model` (features, scores and combining them with the rules);
- lint: `lint_findings` (the contract's consistency checks);
- judging hits: `Engine._judge` (party, context and exception checks of each rule hit);
- normalising clause text: `normalise` as the engine calls it;
- the rest of `Engine.check`: mostly running the rule regexes over each clause, then topics
  and findings;
- JSON report and HTML memo.

The stages are found by name in engine/runner.py; a name that is no longer there is listed
as not measured rather than guessed.

    python benchmarks/engine_stages.py ../shared/corpus            # CUAD texts, Japanese corpus, CUAD PDFs
    python benchmarks/engine_stages.py ../shared/corpus --limit 60
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

STAGES = (  # (label, attribute of engine/runner.py, attribute of that attribute or None)
    ("statement extraction", "statements_of", None),
    ("topic model", "combine_with_model", None),
    ("lint", "lint_findings", None),
    ("judging rule hits", "Engine", "_judge"),
    ("normalising clause text", "normalise", None),
)


def instrument(totals: dict[str, float]) -> list[str]:
    """Wrap the stages' functions so that their CPU time adds up in `totals`; return those missing."""
    from clausecheck.engine import runner

    missing = []
    active: list[str] = []
    for label, name, method in STAGES:
        owner = runner if method is None else getattr(runner, name, None)
        attribute = name if method is None else method
        function = getattr(owner, attribute, None) if owner is not None else None
        if function is None:
            missing.append(label)
            continue

        def timed(*args, _function=function, _label=label, **kwargs):
            if active:  # inside another stage (normalise called while judging): counted there
                return _function(*args, **kwargs)
            active.append(_label)
            started = time.process_time()
            try:
                return _function(*args, **kwargs)
            finally:
                totals[_label] += time.process_time() - started
                active.pop()

        setattr(owner, attribute, timed)
    return missing


def measure(files: list[Path], use_model: bool) -> dict:
    from clausecheck.engine.runner import CheckOptions
    from clausecheck.engine.warm import precompile
    from clausecheck.pipeline import engine_for, finish_report, read_document
    from clausecheck.report.json_report import report_dict
    from clausecheck.report.output import render

    engine = engine_for(())
    precompile(engine)
    gc.freeze()  # as the batch parent does before forking its workers
    options = CheckOptions(use_model=use_model)
    totals: dict[str, float] = defaultdict(float)
    missing = instrument(totals)
    started = time.process_time()
    for path in files:
        mark = time.process_time()
        document = read_document(path)
        totals["read + structure"] += time.process_time() - mark
        mark = time.process_time()
        report = finish_report(engine.check(document, options), engine.pack)
        totals["Engine.check in all (includes the stages below)"] += time.process_time() - mark
        mark = time.process_time()
        json.dumps(report_dict(report), ensure_ascii=False)
        render(report, "html")
        totals["JSON report and HTML memo"] += time.process_time() - mark
    total = time.process_time() - started
    inside = sum(totals[label] for label, *_ in STAGES)
    totals["rest of Engine.check (rule regexes, topics, findings)"] = totals["Engine.check in all (includes the stages below)"] - inside
    return {"files": len(files), "cpu": total, "per_second": len(files) / total, "stages": dict(totals), "missing": missing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="at most this many files per set")
    parser.add_argument("--one", nargs=2, metavar=("SET", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sets = {
        "CUAD texts": sorted((args.corpus / "cuad" / "txt").glob("*.txt")),
        "Japanese corpus": sorted(p for p in (args.corpus / "ja").rglob("*") if p.suffix in (".txt", ".md", ".docx", ".pdf")),
        "CUAD PDFs": sorted(p for p in (args.corpus / "cuad" / "pdf").iterdir() if p.suffix.lower() == ".pdf"),
    }
    if args.one:
        files = sets[args.one[0]][: args.limit or None]
        print(json.dumps(measure(files, args.one[1] == "model")))
        return 0
    import subprocess

    print(f"load average before: {os.getloadavg()[0]:.1f}")
    for name in sets:
        for model in ("model", "no-model"):
            done = subprocess.run([sys.executable, __file__, str(args.corpus), "--limit", str(args.limit), "--one", name, model], capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"\n{name}, {'with' if model == 'model' else 'without'} the topic model: {result['files']} files, "
                  f"{result['cpu']:.1f} s CPU, {result['per_second']:.1f} files/s/core")
            print("| stage | CPU ms per file | share |\n|---|---:|---:|")
            for label, seconds in sorted(result["stages"].items(), key=lambda item: -item[1]):
                print(f"| {label} | {1000 * seconds / result['files']:.1f} | {100 * seconds / result['cpu']:.0f} % |")
            if result["missing"]:
                print(f"not measured (no longer in engine/runner.py): {', '.join(result['missing'])}")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
