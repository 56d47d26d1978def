"""What the topic model costs: load time, check time with and without it, memory per worker.

Targets (issue 12): the whole check at most 25 % slower per contract than rules alone;
model load ≤ 0.3 s; ≤ 150 MB more per batch worker. Check time is CPU time of this process
(`time.process_time`, best of the repeats) over pre-read contracts, so a busy shared
machine disturbs it little; load time and memory are measured in fresh processes. Load is
measured twice: with the imports it needs (numpy and the module) from nothing, and alone in
a process that has already imported the checker (what a check pays for the model); each as
CPU time (judged against the target: other processes on a shared machine do not add to it)
and as wall-clock time (shown beside it with the load average).

    python benchmarks/model_speed.py ../shared/corpus
    python benchmarks/model_speed.py ../shared/corpus --limit 60 --json /tmp/model_speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from clausecheck.engine.runner import CheckOptions
from clausecheck.pipeline import engine_for, read_document
from clausecheck.topicmodel.model import shipped_model

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"slowdown": 0.25, "load_s": 0.3, "memory_mb": 150.0}

_LOAD_CODE = """
import time, sys
if sys.argv[1] == "after-checker":
    import clausecheck.pipeline
started, started_cpu = time.perf_counter(), time.process_time()
from clausecheck.topicmodel.model import shipped_model
model = shipped_model()
print(time.process_time() - started_cpu, time.perf_counter() - started, model.version)
"""

_MEMORY_CODE = """
import sys
from clausecheck.engine.runner import CheckOptions
from clausecheck.pipeline import Settings, check_file
settings = Settings(check=CheckOptions(use_model=sys.argv[1] == "model"))
for path in sys.argv[2:]:
    check_file(path, settings)
print(int([l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]) / 1024)
"""


def check_seconds(documents, use_model: bool, repeat: int) -> float:
    engine = engine_for(())
    options = CheckOptions(use_model=use_model)
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        for document in documents:
            engine.check(document, options)
        runs.append(time.process_time() - started)
    return min(runs)


def fresh(code: str, *args: str) -> str:
    completed = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    return completed.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="CUAD texts to time (default all)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = {"load_average_before": os.getloadavg()[0], "cpus": os.cpu_count()}

    for mode in ("from-nothing", "after-checker"):
        loads = [fresh(_LOAD_CODE, mode).split() for _ in range(3)]
        results[f"load_cpu_s_{mode}"] = min(float(cpu) for cpu, _, _ in loads)
        results[f"load_wall_s_{mode}"] = min(float(wall) for _, wall, _ in loads)
    results["load_s"] = results["load_cpu_s_from-nothing"]
    model = shipped_model()
    results["model_version"] = model.version
    results["artefact_mb"] = round(sum(p.stat().st_size for p in (ROOT / "src/clausecheck/models").glob("topics*")) / 1e6, 2)

    groups = {
        "CUAD txt (en)": sorted((args.corpus / "cuad" / "txt").glob("*.txt"))[: args.limit],
        "ja + traps_dev ja": sorted((args.corpus / "ja").glob("*.txt")) + sorted((args.corpus / "ja").glob("*.md")) + sorted((args.corpus / "traps_dev").glob("ja_*")),
    }
    engine = engine_for(())
    engine.compiled("en")
    engine.compiled("ja")
    results["groups"] = {}
    for name, paths in groups.items():
        documents = [read_document(p) for p in paths]
        check_seconds(documents[:3], True, 1)  # warm: pipelines and the model loaded once
        rules = check_seconds(documents, False, args.repeat)
        both = check_seconds(documents, True, args.repeat)
        results["groups"][name] = {"files": len(documents), "rules_s_per_contract": rules / len(documents), "with_model_s_per_contract": both / len(documents), "slowdown": both / rules - 1}
        print(f"{name}: {len(documents)} files, rules {rules / len(documents) * 1000:.1f} ms, rules + model {both / len(documents) * 1000:.1f} ms per contract ({(both / rules - 1) * 100:+.1f} %)", flush=True)
    memory_paths = [str(p) for p in groups["CUAD txt (en)"][:40]]
    results["peak_mb_rules"] = float(fresh(_MEMORY_CODE, "rules", *memory_paths))
    results["peak_mb_model"] = float(fresh(_MEMORY_CODE, "model", *memory_paths))
    results["load_average_after"] = os.getloadavg()[0]
    print(f"model {model.version}: load {results['load_s']:.3f} s CPU with its imports ({results['load_wall_s_from-nothing']:.3f} s wall), {results['load_cpu_s_after-checker']:.3f} s CPU after the checker's imports ({results['load_wall_s_after-checker']:.3f} s wall); best of 3 fresh processes; artefact {results['artefact_mb']} MB")
    print(f"peak RSS of a worker checking 40 CUAD texts: rules {results['peak_mb_rules']:.0f} MB, rules + model {results['peak_mb_model']:.0f} MB (+{results['peak_mb_model'] - results['peak_mb_rules']:.0f} MB)")
    worst = max(g["slowdown"] for g in results["groups"].values())
    print(f"targets: slowdown {worst * 100:.1f} % (≤ 25 %), load {results['load_s']:.3f} s CPU (≤ 0.3 s), memory +{results['peak_mb_model'] - results['peak_mb_rules']:.0f} MB (≤ 150 MB); load average {results['load_average_before']:.1f} → {results['load_average_after']:.1f} on {results['cpus']} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
