"""The batch on Dask against the local pool: N contracts (CUAD texts copied with small edits),
checked once by the local pool (`--jobs 2`) and once on a 2-worker LocalCluster.

Reported: files/s, wall time, the cluster's overhead (per file and as a share of the local
pool's wall time; target ≤ 15 %), peak memory of the writer (the batch process) and of the
workers (each Dask worker with its checking child, sampled every half second), and whether
the two output folders are byte-identical. The LocalCluster is started before the timed run
(its start-up is reported apart: a real cluster is started once for many runs).

    python benchmarks/cluster.py ../shared/corpus --count 1000
    python benchmarks/cluster.py ../shared/corpus --count 1000 --work /tmp/cc --only local    # in two runs
    python benchmarks/cluster.py ../shared/corpus --count 1000 --work /tmp/cc --only cluster  # (compares)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus_copies import make_copies  # noqa: E402


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".clausecheck.sqlite")}


def _differences(local: dict[str, bytes], cluster: dict[str, bytes]) -> list[dict]:
    """Which files differ, and for results.jsonl which contracts and the warning codes of each side
    (a rule budget that runs out on a loaded machine, W210, changes a report: the check is timed)."""
    names = sorted(name for name in set(local) | set(cluster) if local.get(name) != cluster.get(name))
    found: list[dict] = [{"file": name} for name in names if name != "results.jsonl"][:10]
    if "results.jsonl" in names:
        for left, right in zip(local["results.jsonl"].splitlines(), cluster["results.jsonl"].splitlines()):
            if left != right:
                a, b = json.loads(left), json.loads(right)
                found.append({"contract": a["source"]["path"], "local_warnings": sorted({w["code"] for w in a.get("warnings", [])}),
                              "cluster_warnings": sorted({w["code"] for w in b.get("warnings", [])})})
    return found


def run_local(source: Path, out: Path) -> dict:
    """The local pool in a fresh process: wall time and the writer's peak memory."""
    code = (
        "import json, resource, sys, time\n"
        "from clausecheck.batch import BatchOptions, run_batch\n"
        "from clausecheck.pipeline import Settings\n"
        "started = time.monotonic()\n"
        f"result = run_batch({str(source)!r}, {str(out)!r}, Settings(), BatchOptions(jobs=2, timeout=300))\n"
        "wall = time.monotonic() - started\n"
        "print(json.dumps({'wall': wall, 'checked': result.checked, 'failed': result.failed,"
        " 'writer_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " 'worker_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _tree_rss_mb(pids: list[int]) -> float:
    import psutil

    total = 0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            total += process.memory_info().rss + sum(child.memory_info().rss for child in process.children(recursive=True))
        except psutil.Error:
            pass
    return total / (1 << 20)


def run_cluster(source: Path, out: Path, workers: int) -> dict:
    import dask
    from distributed import Client, LocalCluster

    started = time.monotonic()
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
    client = Client(cluster)
    pids = list(client.run(os.getpid).values())
    startup = time.monotonic() - started
    peak = {"workers": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            peak["workers"] = max(peak["workers"], _tree_rss_mb(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = (
        "import json, resource, time\n"
        "from clausecheck.batch import BatchOptions, run_batch\n"
        "from clausecheck.pipeline import Settings\n"
        "started = time.monotonic()\n"
        f"result = run_batch({str(source)!r}, {str(out)!r}, Settings(), BatchOptions(timeout=300, cluster={cluster.scheduler_address!r}))\n"
        "wall = time.monotonic() - started\n"
        "print(json.dumps({'wall': wall, 'checked': result.checked, 'failed': result.failed,"
        " 'writer_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    finally:
        stop.set()
        sampler.join()
        client.close()
        cluster.close()
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(startup=startup, worker_mb=peak["workers"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, help="keep the folders here, so that --only can split the run in two (each under ten minutes)")
    parser.add_argument("--only", choices=["local", "cluster"], help="run one side; the second run compares")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        root = args.work or Path(temporary)
        if not (root / "in").exists():
            make_copies(args.corpus, root / "in", args.count)
        for side, run in (("local", lambda: run_local(root / "in", root / "local")), ("cluster", lambda: run_cluster(root / "in", root / "cluster", args.workers))):
            if args.only in (None, side):
                measured = run()
                measured.update(files_per_s=measured["checked"] / measured["wall"], load_average=os.getloadavg())
                (root / f"{side}.json").write_text(json.dumps(measured))
        if not ((root / "local.json").exists() and (root / "cluster.json").exists()):
            print(json.dumps({args.only: json.loads((root / f"{args.only}.json").read_text())}, indent=2))
            return 0
        local, cluster = (json.loads((root / f"{side}.json").read_text()) for side in ("local", "cluster"))
        local_files, cluster_files = _outputs(root / "local"), _outputs(root / "cluster")
        identical = local_files == cluster_files
        differences = _differences(local_files, cluster_files)
    overhead = cluster["wall"] - local["wall"]
    report = {
        "count": args.count,
        "local": local,
        "cluster": cluster,
        "overhead_s_per_file": overhead / args.count,
        "overhead_share": overhead / local["wall"],
        "identical_outputs": identical,
        "differences": differences,
    }
    print(json.dumps(report, indent=2))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
