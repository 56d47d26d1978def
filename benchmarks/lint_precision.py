"""How often a lint finding on CUAD is a real slip: a fixed, stratified sample, judged by reading.

Lint runs over the 170 CUAD texts (EDGAR filings of signed contracts: a finding there is
either a real slip of the filed text or a false positive). The sample is `--per-rule`
findings of each lint rule, drawn with a fixed seed, so the same command always shows the
same findings. Each finding is judged on the place it quotes first, by reading the contract
text around it; the judgements are kept in `benchmarks/lint_precision.yaml` (file, rule, the
quoted words, verdict and why). With the judgements present the script prints precision per
rule; a sampled finding without a judgement is printed with its context for reading.
`--recheck` runs lint as it now is and says, for every judged finding, whether it is still
reported (on any of its quoted places): the false ones a fix removed, the real ones kept.

    python benchmarks/lint_precision.py ../shared/corpus [--per-rule 6] [--seed 14] [--show]
    python benchmarks/lint_precision.py ../shared/corpus --recheck
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

from clausecheck.engine.lint import lint_findings
from clausecheck.pipeline import engine_for, read_document

LABELS = Path(__file__).with_name("lint_precision.yaml")
CONTEXT_CHARS = 260


def sample(corpus: Path, per_rule: int, seed: int):
    rules = [r for r in engine_for(()).pack.active() if r.kind == "lint"]
    by_rule: dict[str, list] = {}
    for path in sorted((corpus / "cuad" / "txt").glob("*.txt")):
        document = read_document(path)
        for finding in lint_findings(document, rules, document.language):
            by_rule.setdefault(finding.rule, []).append((path.name, document, finding))
    chosen = []
    generator = random.Random(seed)
    for rule in sorted(by_rule):
        found = by_rule[rule]
        chosen += [(rule, len(found), item) for item in generator.sample(found, min(per_rule, len(found)))]
    return by_rule, chosen


def key(name: str, rule: str, match: str) -> str:
    return f"{name} | {rule} | {match}"


def recheck(corpus: Path, labels: dict) -> int:
    rules = [r for r in engine_for(()).pack.active() if r.kind == "lint"]
    reported: set[str] = set()
    for name in sorted({k.split(" | ")[0] for k in labels}):
        document = read_document(corpus / "cuad" / "txt" / name)
        for finding in lint_findings(document, rules, document.language):
            reported |= {key(name, finding.rule, e.match) for e in finding.evidence}
            reported |= {key(name, finding.rule, detail) for detail in finding.message.split("; ")}
    kept: dict[str, dict[str, int]] = {}
    for label_key, label in sorted(labels.items()):
        rule = label_key.split(" | ")[1]
        still = label_key in reported
        counts = kept.setdefault(rule, {"real kept": 0, "real lost": 0, "false left": 0, "false removed": 0})
        counts[("real " + ("kept" if still else "lost")) if label["verdict"] == "real" else ("false " + ("left" if still else "removed"))] += 1
        if still and label["verdict"] != "real" or not still and label["verdict"] == "real":
            print(("still reported: " if still else "no longer reported: ") + label_key)
    print("| rule | real kept | real lost | false left | false removed |")
    print("|---|---:|---:|---:|---:|")
    for rule, counts in sorted(kept.items()):
        print(f"| `{rule}` | {counts['real kept']} | {counts['real lost']} | {counts['false left']} | {counts['false removed']} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--per-rule", type=int, default=6)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--show", action="store_true", help="print every sampled finding with its context")
    parser.add_argument("--recheck", action="store_true", help="say which judged findings lint still reports")
    args = parser.parse_args(argv)
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8")) if LABELS.exists() else {}
    if args.recheck:
        return recheck(args.corpus, labels)
    by_rule, chosen = sample(args.corpus, args.per_rule, args.seed)
    totals: dict[str, list[int]] = {}
    unjudged = 0
    for rule, count, (name, document, finding) in chosen:
        evidence = finding.evidence[0]
        label = labels.get(key(name, rule, evidence.match))
        if args.show or label is None:
            at = evidence.start + evidence.match_start
            before = document.text[max(0, at - CONTEXT_CHARS):at]
            after = document.text[at + len(evidence.match):at + len(evidence.match) + CONTEXT_CHARS]
            print(f"--- {key(name, rule, evidence.match)}\n{finding.message}\n{before}[[{evidence.match}]]{after}\n")
        if label is None:
            unjudged += 1
            continue
        right, judged = totals.setdefault(rule, [0, 0])
        totals[rule] = [right + (label["verdict"] == "real"), judged + 1]
    print(f"{sum(len(v) for v in by_rule.values())} lint findings on {args.corpus / 'cuad' / 'txt'}; sample of {len(chosen)} (seed {args.seed}), {unjudged} not judged")
    print("| rule | findings | judged | real | precision |")
    print("|---|---:|---:|---:|---:|")
    for rule in sorted(by_rule):
        right, judged = totals.get(rule, [0, 0])
        share = f"{right / judged:.0%}" if judged else "—"
        print(f"| `{rule}` | {len(by_rule[rule])} | {judged} | {right} | {share} |")
    right = sum(v[0] for v in totals.values())
    judged = sum(v[1] for v in totals.values())
    if judged:
        print(f"| all | {sum(len(v) for v in by_rule.values())} | {judged} | {right} | {right / judged:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
