"""Speed and memory of the checker, measured against the floor of bare PDF text extraction.

Everything is measured in one run on the same machine, so the ratios compare like with
like. In-process stages are timed in CPU seconds of this process (`time.process_time`),
which a busy shared machine disturbs far less than wall time; batch scaling and the
command line are timed on the wall clock, since that is what a user waits for:

- end to end (read → structure → engine) per input group: contracts/s and chars/s;
- the floor: bare `pdfplumber` `page.extract_text()` over all pages of the same PDFs, and
  clausecheck end to end ÷ that floor (target ≤ 1.3);
- engine alone on pre-built Documents, and structure alone on pre-read RawDocuments
  (targets: ≥ 20 CUAD-size English and ≥ 5 Japanese model contracts per second per core);
- peak memory of one worker checking a whole group (a fresh subprocess, its VmHWM);
- batch scaling: two workers against one on the same folder of CUAD texts (target ≥ 1.7),
  best of two runs each, taking turns, on every CUAD text (a folder of hundreds is what
  batch is for) and on a small folder,
  where the fixed start-up (about a second: imports, rule pack) weighs more;
- one small file through the installed command, process start to exit (target ≤ 1.5 s).

    python benchmarks/speed.py ../shared/corpus
    python benchmarks/speed.py ../shared/corpus --write docs/performance.md

`--write` replaces the measured block of the Markdown file (between the speed markers)
and leaves the rest of the page alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN_MARK = "<!-- speed:begin -->"
END_MARK = "<!-- speed:end -->"

TARGETS = {
    "pdf_ratio": 1.3,
    "engine_en_per_s": 20.0,
    "engine_ja_per_s": 5.0,
    "batch_scaling": 1.7,
    "cli_small_s": 1.5,
}


@dataclass
class Group:
    name: str
    language: str
    files: list[Path]
    chars: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    peak_mb: float | None = None

    @property
    def per_second(self) -> float:
        return len(self.files) / self.seconds if self.seconds else 0.0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0


def groups_from_corpus(corpus: Path, limit: int | None) -> list[Group]:
    cuad_txt = sorted((corpus / "cuad" / "txt").glob("*.txt"))
    cuad_pdf = sorted(p for p in (corpus / "cuad" / "pdf").glob("*") if p.suffix.lower() == ".pdf")
    ja = sorted(p for p in (corpus / "ja").iterdir() if p.suffix in (".txt", ".md")) if (corpus / "ja").is_dir() else []
    standard = corpus / "standard"
    std_docx = sorted(standard.glob("*.docx")) if standard.is_dir() else []
    std_pdf = sorted(standard.glob("*.pdf")) if standard.is_dir() else []
    groups = [
        Group("CUAD txt (en)", "en", cuad_txt[:limit] if limit else cuad_txt),
        Group("ja txt/md", "ja", ja),
        Group("standard docx (en)", "en", std_docx),
        Group("standard pdf (en)", "en", std_pdf),
        Group("CUAD pdf (en)", "en", cuad_pdf),
    ]
    return [g for g in groups if g.files]


def time_end_to_end(group: Group) -> None:
    """check_file over every file of the group, the rule engine already compiled."""
    from clausecheck.errors import ClausecheckError
    from clausecheck.pipeline import check_file

    started = time.process_time()
    for path in group.files:
        try:
            report = check_file(path)
            group.chars += len(report.document.text)
        except ClausecheckError as error:
            group.errors.append(f"{path.name}: {error.code}")
        except Exception as error:  # noqa: BLE001 - a crash is a finding of the benchmark too
            group.errors.append(f"{path.name}: crash {type(error).__name__}")
    group.seconds = time.process_time() - started


def bare_pdfplumber(paths: list[Path]) -> float:
    """Seconds for pdfplumber to extract the text of every page, nothing else."""
    import pdfplumber

    started = time.process_time()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.flush_cache()
    return time.process_time() - started


def time_stages(paths: list[Path], repeat: int) -> dict:
    """Structure alone (RawDocument → Document) and engine alone (Document → Report)."""
    from clausecheck.parsers import read_file
    from clausecheck.pipeline import engine_for
    from clausecheck.structure import build_document

    raws = [read_file(p) for p in paths]
    started = time.process_time()
    documents = [build_document(raw, None) for raw in raws]
    structure_seconds = time.process_time() - started
    engine = engine_for(())
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        for document in documents:
            engine.check(document)
        runs.append(time.process_time() - started)
    engine_seconds = min(runs)
    chars = sum(len(d.text) for d in documents)
    return {
        "files": len(paths),
        "mean_kb": chars / len(paths) / 1000,
        "structure_per_s": len(paths) / structure_seconds,
        "engine_per_s": len(paths) / engine_seconds,
        "engine_chars_per_s": chars / engine_seconds,
    }


def peak_memory(paths: list[Path]) -> float:
    """Peak RSS in MB of a fresh worker process that checks `paths` one after another."""
    code = (
        "import resource, sys\n"
        "from clausecheck.errors import ClausecheckError\n"
        "from clausecheck.pipeline import check_file\n"
        "for p in sys.argv[1:]:\n"
        "    try: check_file(p)\n"
        "    except ClausecheckError: pass\n"
        # VmHWM: this process's own peak (ru_maxrss can carry the parent's over exec).
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "print((int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True, cwd=ROOT)
    if completed.returncode:
        raise RuntimeError(completed.stderr[-2000:])
    return float(completed.stdout.strip().splitlines()[-1])


def _check_one(path: str) -> int:
    from clausecheck.pipeline import check_file

    return len(check_file(path).findings)


def _warm_worker() -> None:
    from clausecheck.pipeline import engine_for

    engine = engine_for(())
    engine.compiled("en")


def batch_scaling(files: list[Path], repeat: int = 2) -> dict:
    """Wall time of one worker against two on the same folder (batch command when present).

    The two settings take turns, `repeat` times each, and the best time of each is kept:
    on a shared machine a neighbour's burst would otherwise decide the ratio."""
    folder = Path(tempfile.mkdtemp(prefix="clausecheck-speed-"))
    try:
        for path in files:
            shutil.copy(path, folder / path.name)
        command = shutil.which("clausecheck") or str(Path(sys.executable).with_name("clausecheck"))
        has_batch = subprocess.run([command, "batch", "--help"], capture_output=True).returncode == 0
        timings: dict[int, float] = {}
        cpu: dict[int, float | None] = {1: None, 2: None}
        for jobs in (1, 2) * max(repeat, 1):
            if has_batch:
                out = Path(tempfile.mkdtemp(prefix="clausecheck-speed-out-"))
                before = _children_cpu()
                started = time.perf_counter()
                completed = subprocess.run([command, "batch", str(folder), "-o", str(out), "--jobs", str(jobs)], capture_output=True, text=True)
                seconds = time.perf_counter() - started
                used = _children_cpu() - before
                shutil.rmtree(out, ignore_errors=True)
                if completed.returncode not in (0, 1):
                    raise RuntimeError(f"batch failed: {completed.stderr[-1000:]}")
            else:
                from concurrent.futures import ProcessPoolExecutor

                started = time.perf_counter()
                with ProcessPoolExecutor(jobs, initializer=_warm_worker) as pool:
                    list(pool.map(_check_one, [str(p) for p in sorted(folder.iterdir())]))
                seconds, used = time.perf_counter() - started, None
            if jobs not in timings or seconds < timings[jobs]:
                timings[jobs], cpu[jobs] = seconds, used
        return {"method": "clausecheck batch" if has_batch else "ProcessPoolExecutor over check_file", "files": len(files), "jobs1_s": timings[1], "jobs2_s": timings[2], "scaling": timings[1] / timings[2], "jobs1_cpu_s": cpu[1], "jobs2_cpu_s": cpu[2], "repeat": max(repeat, 1)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cli_small_file(path: Path, repeat: int = 3) -> tuple[float, float]:
    """Median wall time and CPU time of `clausecheck check FILE --format json`, start to exit."""
    command = shutil.which("clausecheck") or str(Path(sys.executable).with_name("clausecheck"))
    runs, cpu = [], []
    for _ in range(repeat):
        before = _children_cpu()
        started = time.perf_counter()
        completed = subprocess.run([command, "check", str(path), "--format", "json"], capture_output=True, text=True)
        runs.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - before)
        if completed.returncode not in (0, 1):
            raise RuntimeError(completed.stderr[-1000:])
    return statistics.median(runs), statistics.median(cpu)


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def verdict(value: float, target: float, higher_is_better: bool) -> str:
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "MISSED"


def render(results: dict) -> str:
    lines = [
        f"Measured {results['when']} on {results['machine']}, load average {results['load']:.1f} (Python {results['python']}, rules {results['rules_version']}).",
        "",
        "| input | files | contracts/s | chars/s | peak RSS per worker | errors |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for g in results["groups"]:
        peak = f"{g['peak_mb']:.0f} MB" if g["peak_mb"] else "—"
        lines.append(f"| {g['name']} | {g['files']} | {g['per_s']:.1f} | {g['chars_per_s']:,.0f} | {peak} | {', '.join(g['errors']) or '—'} |")
    lines += ["", "| measure | value | target | |", "|---|---:|---:|---|"]
    for row in results["checks"]:
        lines.append(f"| {row['name']} | {row['value']} | {row['target']} | {row['verdict']} |")
    lines += ["", "Stages on text input (the engine timed on pre-built Documents, best of the repeats):", "", "| corpus | files | mean size | structure docs/s | engine docs/s | engine chars/s |", "|---|---:|---:|---:|---:|---:|"]
    for name, s in results["stages"].items():
        lines.append(f"| {name} | {s['files']} | {s['mean_kb']:.0f} K chars | {s['structure_per_s']:.1f} | {s['engine_per_s']:.1f} | {s['engine_chars_per_s']:,.0f} |")
    for b in results.get("batches", []):
        cpu = f" CPU of all processes: 1 job {b['jobs1_cpu_s']:.1f} s, 2 jobs {b['jobs2_cpu_s']:.1f} s." if b.get("jobs1_cpu_s") is not None else ""
        lines += ["", f"Batch scaling ({b['method']}, {b['files']} CUAD texts, best of {b.get('repeat', 1)} runs each, taking turns): wall time 1 job {b['jobs1_s']:.1f} s, 2 jobs {b['jobs2_s']:.1f} s, ratio {b['scaling']:.2f}.{cpu}"]
    if results["load"] > results["cpus"] * 0.75:
        lines += ["", f"**The machine was busy** (load average {results['load']:.1f} on {results['cpus']} CPUs): wall-clock figures (batch scaling, command line) measure the contention, not clausecheck; CPU-time figures still hold."]
    return "\n".join(lines)


def write_block(markdown: Path, block: str) -> None:
    text = markdown.read_text(encoding="utf-8") if markdown.exists() else f"# Performance\n\n{BEGIN_MARK}\n{END_MARK}\n"
    if BEGIN_MARK not in text:
        text = text.rstrip() + f"\n\n{BEGIN_MARK}\n{END_MARK}\n"
    head, rest = text.split(BEGIN_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    markdown.write_text(f"{head}{BEGIN_MARK}\n{block}\n{END_MARK}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="the shared corpus folder (cuad/, ja/, standard/)")
    parser.add_argument("--limit", type=int, default=None, help="CUAD texts to check end to end (default all)")
    parser.add_argument("--batch-files", type=int, default=None, help="CUAD texts in the batch-scaling folder (default all, 0 skips)")
    parser.add_argument("--batch-small", type=int, default=40, help="CUAD texts in the small batch folder, start-up included (0 skips)")
    parser.add_argument("--batch-repeat", type=int, default=2, help="runs of each batch setting, taking turns (best is kept)")
    parser.add_argument("--repeat", type=int, default=2, help="engine timing repeats (best is kept)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--write", type=Path, help="Markdown file whose speed block is replaced")
    parser.add_argument("--json", type=Path, help="also write the raw numbers as JSON")
    args = parser.parse_args(argv)

    from clausecheck.pipeline import engine_for

    warm = time.process_time()
    engine = engine_for(())
    engine.compiled("en")
    engine.compiled("ja")
    warm_seconds = time.process_time() - warm

    groups = groups_from_corpus(args.corpus, args.limit)
    for group in groups:
        time_end_to_end(group)
        if not args.no_memory:
            group.peak_mb = peak_memory(group.files)
        print(f"{group.name:22} {len(group.files):4} files  {group.per_second:7.1f} contracts/s  {group.chars_per_second:12,.0f} chars/s  peak {group.peak_mb or 0:.0f} MB  errors {len(group.errors)}", flush=True)

    checks = []
    pdf_groups = [g for g in groups if g.name.endswith("pdf (en)")]
    pdf_files = [p for g in pdf_groups for p in g.files]
    if pdf_files:
        floor = bare_pdfplumber(pdf_files)
        ours = sum(g.seconds for g in pdf_groups)
        ratio = ours / floor
        print(f"pdf: bare pdfplumber {floor:.2f} s, clausecheck end to end {ours:.2f} s, ratio {ratio:.2f}", flush=True)
        checks.append({"name": f"PDF end to end ÷ bare pdfplumber ({len(pdf_files)} PDFs, {ours:.1f} s vs {floor:.1f} s)", "value": f"{ratio:.2f}", "target": f"≤ {TARGETS['pdf_ratio']}", "verdict": verdict(ratio, TARGETS["pdf_ratio"], False)})

    stages = {}
    cuad = next((g for g in groups if g.name.startswith("CUAD txt")), None)
    if cuad:
        stages["CUAD txt (en)"] = time_stages(cuad.files, args.repeat)
        value = stages["CUAD txt (en)"]["engine_per_s"] * 50 * 1000 / max(stages["CUAD txt (en)"]["mean_kb"] * 1000, 1)
        checks.append({"name": "engine, English, 50 K-char contracts/s/core", "value": f"{value:.1f}", "target": f"≥ {TARGETS['engine_en_per_s']:.0f}", "verdict": verdict(value, TARGETS["engine_en_per_s"], True)})
    ja = next((g for g in groups if g.name.startswith("ja")), None)
    if ja:
        stages["ja txt/md"] = time_stages(ja.files, args.repeat)
        value = stages["ja txt/md"]["engine_per_s"]
        checks.append({"name": "engine, Japanese model contracts/s/core", "value": f"{value:.1f}", "target": f"≥ {TARGETS['engine_ja_per_s']:.0f}", "verdict": verdict(value, TARGETS["engine_ja_per_s"], True)})
    for name, s in stages.items():
        print(f"stages {name:14} structure {s['structure_per_s']:.1f} docs/s, engine {s['engine_per_s']:.1f} docs/s ({s['engine_chars_per_s']:,.0f} chars/s, mean {s['mean_kb']:.0f} K chars)", flush=True)

    batches = []
    for count, is_target in ((args.batch_files, True), (args.batch_small, False)):
        if not cuad or count == 0 or (not is_target and count >= len(cuad.files)):
            continue
        batch = batch_scaling(cuad.files[:count], args.batch_repeat)
        batches.append(batch)
        print(f"batch ({batch['method']}, {batch['files']} files): 1 job {batch['jobs1_s']:.1f} s, 2 jobs {batch['jobs2_s']:.1f} s, scaling {batch['scaling']:.2f}", flush=True)
        name = f"batch, 2 jobs vs 1, wall ({batch['files']} CUAD texts{'' if is_target else ', start-up included'})"
        if is_target:
            checks.append({"name": name, "value": f"{batch['scaling']:.2f}", "target": f"≥ {TARGETS['batch_scaling']}", "verdict": verdict(batch["scaling"], TARGETS["batch_scaling"], True)})
        else:
            checks.append({"name": name, "value": f"{batch['scaling']:.2f}", "target": "—", "verdict": ""})

    small_source = args.corpus / "ja" / "oi_model_v1_1_nda_shinsozai.txt"
    if small_source.exists():
        seconds, cpu_seconds = cli_small_file(small_source)
        size_kb = small_source.stat().st_size // 1000
        print(f"cli: clausecheck check on a {size_kb} KB file: {seconds:.2f} s wall, {cpu_seconds:.2f} s CPU", flush=True)
        checks.append({"name": f"`clausecheck check` one {size_kb} KB file, start to exit, wall (s)", "value": f"{seconds:.2f}", "target": f"≤ {TARGETS['cli_small_s']}", "verdict": verdict(seconds, TARGETS["cli_small_s"], False)})
        checks.append({"name": f"`clausecheck check` one {size_kb} KB file, CPU of the process (s)", "value": f"{cpu_seconds:.2f}", "target": f"≤ {TARGETS['cli_small_s']}", "verdict": verdict(cpu_seconds, TARGETS["cli_small_s"], False)})
    checks.append({"name": "rule pack load + compile, en and ja (s)", "value": f"{warm_seconds:.2f}", "target": "—", "verdict": ""})

    results = {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "load": os.getloadavg()[0],
        "cpus": os.cpu_count() or 1,
        "rules_version": engine.pack.version,
        "groups": [{"name": g.name, "files": len(g.files), "per_s": g.per_second, "chars_per_s": g.chars_per_second, "peak_mb": g.peak_mb, "errors": g.errors} for g in groups],
        "checks": checks,
        "stages": stages,
        "batches": batches,
    }
    block = render(results)
    print()
    print(block)
    if args.write:
        write_block(args.write, block)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
