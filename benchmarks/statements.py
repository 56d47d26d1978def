"""What the statement stage costs, and proof that a faster one says the same.

Speed: the same pre-built Documents are checked twice in one process, taking turns, with the
full rule pack and with the rules that have `when:` switched off, so the ratio compares like
with like; the stage alone (statements of every clause) is timed too. Time is CPU time of this
process (`time.process_time`), which a busy shared machine disturbs far less than wall time;
the best of `--repeat` rounds is kept. Targets (issue 11): English engine ≥ 20 CUAD
contracts/s/core and Japanese ≥ 30/s with the statement stage included, the stage itself a few
ms per text; peak memory (VmHWM of this process) ≤ 250 MB.

Sameness: `--snapshot FILE` writes, for every text of the shared corpus, each clause's
statements (span, cues, proviso, quantities) and the findings of the full check; `--against
FILE` compares a new run with such a file and lists the documents that differ. A change meant
only to make the stage faster must leave the snapshot unchanged.

    python benchmarks/statements.py ../shared/corpus
    python benchmarks/statements.py ../shared/corpus --snapshot before.json
    python benchmarks/statements.py ../shared/corpus --snapshot after.json --against before.json

The development set's held-out contracts (benchmarks/traps.py, DEFAULT_HOLD_OUT) are left out of
both: they are read only by benchmarks/traps.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from clausecheck.engine.runner import Engine
from clausecheck.pipeline import engine_for, read_document
from clausecheck.statements import statements_of

sys.path.insert(0, str(Path(__file__).resolve().parent))
from traps import DEFAULT_HOLD_OUT  # noqa: E402  (a sibling script, not a package)

DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


def _documents(paths: list[Path]):
    return [read_document(p) for p in paths]


def _time(engine: Engine, documents) -> float:
    started = time.process_time()
    for document in documents:
        engine.check(document)
    return time.process_time() - started


def _stage_time(engine: Engine, documents) -> float:
    """CPU seconds of the statement stage alone: the statements of every clause."""
    lexicon = engine.pack.lexicon
    seconds = 0.0
    for document in documents:
        units = engine._units(document)  # one document's clauses at a time: memory stays flat
        started = time.process_time()
        for unit in units:
            statements_of(unit.norm.text, unit.sentences, lexicon.compiled(unit.language), [])
        seconds += time.process_time() - started
    return seconds


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _japanese(corpus: Path) -> list[Path]:
    paths = sorted((corpus / "ja").glob("*.txt")) + sorted((corpus / "ja").glob("*.md"))
    traps = corpus / "traps_dev"
    if traps.is_dir():
        paths += [p for p in sorted(traps.iterdir()) if p.name.startswith("ja_") and p.suffix in (".txt", ".md", ".docx") and p.name not in DEFAULT_HOLD_OUT]
    return paths


def _all_texts(corpus: Path, scratch: Path) -> list[Path]:
    """Every contract of the shared corpus but the held-out ones; ContractNLI's texts are
    written to `scratch` as .txt, one per NDA."""
    paths = sorted((corpus / "cuad" / "txt").glob("*.txt")) + _japanese(corpus)
    for folder in ("standard",):
        paths += [p for p in sorted((corpus / folder).glob("*")) if p.suffix in DOCUMENT_SUFFIXES]
    traps = corpus / "traps_dev"
    if traps.is_dir():
        paths += [p for p in sorted(traps.iterdir()) if p.name.startswith("en_") and p.suffix in DOCUMENT_SUFFIXES and p.name not in DEFAULT_HOLD_OUT]
    nli = corpus / "contractnli" / "dev.json"
    if nli.is_file():
        for document in json.loads(nli.read_text(encoding="utf-8"))["documents"]:
            path = scratch / f"contractnli_{document['id']}.txt"
            path.write_text(document["text"], encoding="utf-8")
            paths.append(path)
    return paths


def _snapshot(engine: Engine, paths: list[Path], corpus: Path) -> dict:
    """{document: {"statements": [...], "findings": [...]}} for every path."""
    lexicon = engine.pack.lexicon
    out = {}
    for path in paths:
        name = str(path.relative_to(corpus)) if path.is_relative_to(corpus) else path.name
        document = read_document(path)
        statements = []
        for unit in engine._units(document):
            for s in statements_of(unit.norm.text, unit.sentences, lexicon.compiled(unit.language), []):
                row = [unit.clause.start, s.start, s.end, s.proviso, s.excepted, [list(c) for c in s.cues]]
                quantities = getattr(s, "quantities", ())
                if quantities:
                    row.append([[q.meaning, q.type, q.value, q.start, q.end] for q in quantities])
                statements.append(row)
        report = engine.check(document)
        findings = [[f.rule, f.kind, f.severity, f.favours, [[e.start, e.end] for e in f.evidence]] for f in report.findings]
        out[name] = {"statements": statements, "findings": findings}
    return out


def _compare(new: dict, old: dict) -> int:
    differ = 0
    for name in sorted(set(new) | set(old)):
        a, b = new.get(name), old.get(name)
        if a == b:
            continue
        differ += 1
        if a is None or b is None:
            print(f"  {name}: only in {'the new' if b is None else 'the old'} snapshot")
            continue
        parts = []
        if a["statements"] != b["statements"]:
            old_rows = {json.dumps(r, ensure_ascii=False) for r in b["statements"]}
            new_rows = {json.dumps(r, ensure_ascii=False) for r in a["statements"]}
            parts.append(f"{len(new_rows - old_rows)} statement(s) new or changed, {len(old_rows - new_rows)} gone")
        if a["findings"] != b["findings"]:
            old_rules = {f[0] for f in b["findings"]}
            new_rules = {f[0] for f in a["findings"]}
            parts.append(f"findings differ (new rules: {sorted(new_rules - old_rules)}, gone: {sorted(old_rules - new_rules)}, others changed in party or evidence)")
        print(f"  {name}: " + "; ".join(parts))
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="CUAD texts (default all)")
    parser.add_argument("--snapshot", type=Path, help="write statements and findings of every shared text to this JSON file (no timing)")
    parser.add_argument("--against", type=Path, help="with --snapshot: compare with an earlier snapshot")
    args = parser.parse_args(argv)
    full = engine_for(())
    if args.snapshot:
        with tempfile.TemporaryDirectory(prefix="clausecheck-statements-") as scratch:
            snapshot = _snapshot(full, _all_texts(args.corpus, Path(scratch)), args.corpus)
        args.snapshot.write_text(json.dumps(snapshot, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"{len(snapshot)} documents, {sum(len(d['statements']) for d in snapshot.values())} statements, {sum(len(d['findings']) for d in snapshot.values())} findings → {args.snapshot}")
        if args.against:
            differ = _compare(snapshot, json.loads(args.against.read_text(encoding="utf-8")))
            print(f"{differ} document(s) differ from {args.against}")
            return 1 if differ else 0
        return 0
    cuad = sorted((args.corpus / "cuad" / "txt").glob("*.txt"))[: args.limit]
    groups = {"en (CUAD texts)": _documents(cuad), "ja (model + traps_dev)": _documents(_japanese(args.corpus))}
    rules_only = Engine(full.pack)
    rules_only.statement_rules = []  # the same pack, with the statement stage switched off
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; best of {args.repeat} rounds, CPU seconds")
    for name, documents in groups.items():
        for engine in (full, rules_only):  # compile both before timing
            _time(engine, documents[:2])
        best = {"with statements": float("inf"), "without": float("inf"), "stage": float("inf")}
        for _ in range(args.repeat):
            best["with statements"] = min(best["with statements"], _time(full, documents))
            best["without"] = min(best["without"], _time(rules_only, documents))
            best["stage"] = min(best["stage"], _stage_time(full, documents))
        chars = sum(len(d.text) for d in documents)
        per_s = {k: len(documents) / v for k, v in best.items()}
        print(
            f"{name}: {len(documents)} contracts, {chars / len(documents) / 1000:.0f} K chars each — "
            f"{per_s['with statements']:.1f}/s with statements, {per_s['without']:.1f}/s without "
            f"(statement rules +{100 * (best['with statements'] / best['without'] - 1):.0f} % time); "
            f"statements alone {1000 * best['stage'] / len(documents):.1f} ms per text"
        )
    print(f"peak memory of this process: {_peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
