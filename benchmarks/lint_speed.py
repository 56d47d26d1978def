"""What contract lint costs per document, and exactly what it finds on every shared text.

Lint runs once per contract over the whole document, so its cost adds to every check. This
benchmark reads the shared corpus once (reading is not timed), then runs only the lint rules
of the built-in pack over each Document and reports CPU milliseconds per text (best of
`--repeat` rounds; `time.process_time`, which a busy shared machine disturbs less than wall
time). Target (issue 14): at most 5 ms per CUAD text. Two figures: lint alone (it normalises
the clauses itself), and lint as the engine runs it, handed the clause texts the rule matching
has already normalised (their normalisation is then the engine's cost, not lint's).

`--dump FILE` writes every lint finding of every text (rule, message, evidence spans) as JSON
lines, so a change meant to make lint faster can be shown to leave its findings unchanged:
run it before and after and compare the two files. `--profile N` prints the cProfile of one
round over the CUAD texts, the N most expensive functions.

    python benchmarks/lint_speed.py ../shared/corpus [--dump before.jsonl] [--profile 25]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

from clausecheck.engine.lint import lint_findings
from clausecheck.errors import ClausecheckError
from clausecheck.lang import normalise
from clausecheck.pipeline import engine_for, read_document

SUFFIXES = (".txt", ".md", ".docx", ".pdf")


def shared_texts(corpus: Path) -> dict[str, list[Path]]:
    """The CUAD texts, and every other contract of the shared corpus (JA, standard, traps_dev)."""
    others = []
    for folder in ("ja", "standard", "traps_dev"):
        others += [p for p in sorted((corpus / folder).glob("*")) if p.suffix in SUFFIXES]
    return {"cuad": sorted((corpus / "cuad" / "txt").glob("*.txt")), "other": others}


def _round(documents, rules, normalised=None) -> float:
    started = time.process_time()
    for position, document in enumerate(documents):
        lint_findings(document, rules, document.language, normalised=normalised[position] if normalised else None)
    return time.process_time() - started


def engine_normalised(documents) -> list[dict]:
    """The clause texts as the rule engine normalises them before lint runs (not timed)."""
    return [{id(c): normalise(c.text) for c in d.clauses if c.kind != "toc" and c.text.strip()} for d in documents]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write every lint finding of every text here (JSON lines)")
    parser.add_argument("--profile", type=int, default=0, help="print the N most expensive functions of one CUAD round")
    args = parser.parse_args(argv)
    rules = [r for r in engine_for(()).pack.active() if r.kind == "lint"]
    groups: dict[str, list] = {}
    names: list[tuple[str, object]] = []
    for group, paths in shared_texts(args.corpus).items():
        documents = []
        for path in paths:
            try:
                document = read_document(path)
            except ClausecheckError:
                continue
            documents.append(document)
            names.append((str(path.relative_to(args.corpus)), document))
        groups[group] = documents
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for name, document in names:
                given = engine_normalised([document])[0]
                alone = [f.as_dict() for f in lint_findings(document, rules, document.language)]
                if alone != [f.as_dict() for f in lint_findings(document, rules, document.language, normalised=given)]:
                    print(f"{name}: lint finds other things when handed the engine's normalised clauses", file=sys.stderr)
                for finding in lint_findings(document, rules, document.language):
                    out.write(json.dumps({
                        "file": name, "rule": finding.rule, "severity": finding.severity, "message": finding.message,
                        "evidence": [[e.start, e.end, e.match, e.clause] for e in finding.evidence],
                    }, ensure_ascii=False) + "\n")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        _round(groups["cuad"], rules)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; best of {args.repeat} rounds, CPU time")
    for group, documents in groups.items():
        _round(documents[:3], rules)  # compile the patterns before timing
        normalised = engine_normalised(documents)
        alone = min(_round(documents, rules) for _ in range(args.repeat))
        in_engine = min(_round(documents, rules, normalised) for _ in range(args.repeat))
        chars = sum(len(d.text) for d in documents) / max(len(documents), 1)
        count = max(len(documents), 1)
        print(f"{group}: {len(documents)} texts, {chars / 1000:.0f} K chars each — lint {1000 * alone / count:.1f} ms per text alone, {1000 * in_engine / count:.1f} ms in the engine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
