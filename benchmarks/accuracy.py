"""Score the checker's topic detection against expert labels (CUAD, and topic-label CSVs).

Runs the real checker (the CLI's code path, JSON report) over a labelled corpus folder and
prints per-topic TP/FP/FN, precision, recall, F1 and macro-F1, then the worst false
positives (with the quoted evidence that fired) and false negatives (with the label's
evidence), so rule authors see why.

Two layouts are understood, detected from the folder:
- CUAD: `master_clauses.csv` + `txt/` (+ `filename_map.tsv`); a document is positive for a
  topic when any mapped CUAD category cell is non-empty or answered "Yes" (DESIGN.md §4).
- topic labels: `labels.csv` with `doc,topic,label,evidence` beside the documents.

    python benchmarks/accuracy.py ../shared/corpus/cuad ../shared/corpus/ja ../shared/corpus/standard
    python benchmarks/accuracy.py ../shared/corpus/cuad --json benchmarks/results/cuad.json --limit 40
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from clausecheck.vocabulary import CUAD_CATEGORIES

csv.field_size_limit(sys.maxsize)

# rules/topics.yaml: topic → CUAD categories (a topic is positive when any category is).
CUAD_TOPICS = {topic: list(categories) for topic, categories in CUAD_CATEGORIES.items()}


def _cell_positive(value: str) -> bool:
    value = (value or "").strip()
    if not value or value == "[]":
        return False
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return bool(value)
    return bool(parsed)


def load_cuad(folder: Path) -> tuple[dict[str, Path], dict[str, dict[str, tuple[bool, str]]]]:
    """Documents and labels {doc: {topic: (positive, evidence)}} of a CUAD-layout folder."""
    name_map: dict[str, str] = {}
    map_file = folder / "filename_map.tsv"
    if map_file.exists():
        with map_file.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                name_map[row["csv_Filename"]] = row["txt_file"]
    documents: dict[str, Path] = {}
    labels: dict[str, dict[str, tuple[bool, str]]] = {}
    with (folder / "master_clauses.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            filename = row["Filename"]
            txt_name = name_map.get(filename) or str(Path(filename).with_suffix(".txt"))
            path = folder / "txt" / txt_name
            if not path.exists():
                continue
            documents[txt_name] = path
            doc_labels = {}
            for topic, categories in CUAD_TOPICS.items():
                positive = False
                evidence = ""
                for category in categories:
                    cell = row.get(category, "")
                    answer = ""
                    for key in row:
                        if key.startswith(category + "-") or key.startswith(category + " -"):
                            answer = row[key]
                    if _cell_positive(cell) or answer.strip().lower() == "yes":
                        positive = True
                        try:
                            items = ast.literal_eval(cell) if cell.strip().startswith("[") else [cell]
                        except (ValueError, SyntaxError):
                            items = [cell]
                        evidence = evidence or (items[0] if items else answer)
                doc_labels[topic] = (positive, str(evidence)[:300])
            labels[txt_name] = doc_labels
    return documents, labels


def load_topic_labels(folder: Path) -> tuple[dict[str, Path], dict[str, dict[str, tuple[bool, str]]]]:
    documents: dict[str, Path] = {}
    labels: dict[str, dict[str, tuple[bool, str]]] = defaultdict(dict)
    with (folder / "labels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = folder / row["doc"]
            if not path.exists():
                continue
            documents[row["doc"]] = path
            labels[row["doc"]][row["topic"]] = (row["label"].strip() in ("1", "yes", "Yes", "true"), row.get("evidence", ""))
    return documents, dict(labels)


def load_corpus(folder: Path):
    if (folder / "master_clauses.csv").exists():
        return "cuad", *load_cuad(folder)
    if (folder / "labels.csv").exists():
        return "labels", *load_topic_labels(folder)
    raise SystemExit(f"{folder}: neither master_clauses.csv (CUAD) nor labels.csv found")


def _check_one(path: str, use_model: bool = True) -> tuple[str, dict | None, str | None, float]:
    """Run the checker exactly as `clausecheck check --format json` (`--no-model`) does."""
    from clausecheck.engine.runner import CheckOptions
    from clausecheck.pipeline import Settings, check_file
    from clausecheck.report.json_report import report_dict

    started = time.perf_counter()
    try:
        report = check_file(path, Settings(check=CheckOptions(use_model=use_model)))
    except Exception as error:  # noqa: BLE001 - a failed file is scored as all-absent, and listed
        return path, None, f"{type(error).__name__}: {error}", time.perf_counter() - started
    return path, report_dict(report), None, time.perf_counter() - started


def run(folders: list[Path], jobs: int, limit: int | None, use_model: bool = True) -> dict:
    results: dict = {"corpora": {}}
    for folder in folders:
        layout, documents, labels = load_corpus(folder)
        names = sorted(documents)[:limit] if limit else sorted(documents)
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outputs = list(pool.map(partial(_check_one, use_model=use_model), [str(documents[n]) for n in names], chunksize=2))
        elapsed = time.perf_counter() - started
        by_path = {path: (report, error) for path, report, error, _ in outputs}
        topics = sorted({t for doc in labels.values() for t in doc})
        table = {}
        mistakes = {"false_positives": [], "false_negatives": []}
        errors = []
        for name in names:
            report, error = by_path[str(documents[name])]
            if error:
                errors.append({"doc": name, "error": error})
            for topic in topics:
                if topic not in labels[name]:
                    continue
                gold, gold_evidence = labels[name][topic]
                predicted = bool(report and report["topics"].get(topic, {}).get("status") == "present")
                counts = table.setdefault(topic, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
                key = ("tp" if gold else "fp") if predicted else ("fn" if gold else "tn")
                counts[key] += 1
                if key == "fp":
                    evidence = report["topics"][topic]["evidence"]
                    mistakes["false_positives"].append({"doc": name, "topic": topic, "evidence": [e["clause"] and f"{e['clause']}: {e['text'][:200]}" or e["text"][:200] for e in evidence[:2]]})
                elif key == "fn":
                    mistakes["false_negatives"].append({"doc": name, "topic": topic, "label_evidence": gold_evidence[:200]})
        for topic, counts in table.items():
            tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
            precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
            recall = tp / (tp + fn) if tp + fn else 1.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            counts.update(precision=round(precision, 3), recall=round(recall, 3), f1=round(f1, 3), support=tp + fn)
        scored = [c["f1"] for c in table.values() if c["support"] > 0 or c["fp"] > 0]
        macro = round(sum(scored) / len(scored), 3) if scored else 0.0
        results["corpora"][str(folder)] = {
            "layout": layout,
            "documents": len(names),
            "errors": errors,
            "seconds": round(elapsed, 1),
            "macro_f1": macro,
            "topics": table,
            "mistakes": mistakes,
        }
    return results


def print_results(results: dict, worst: int) -> None:
    for folder, corpus in results["corpora"].items():
        print(f"\n== {folder} ({corpus['layout']}, {corpus['documents']} documents, {corpus['seconds']} s, {len(corpus['errors'])} errors)")
        print(f"{'topic':30} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'prec':>6} {'rec':>6} {'F1':>6}")
        for topic, c in sorted(corpus["topics"].items()):
            print(f"{topic:30} {c['tp']:4} {c['fp']:4} {c['fn']:4} {c['tn']:4} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f}")
        print(f"{'macro-F1':30} {corpus['macro_f1']:.3f}")
        for error in corpus["errors"]:
            print(f"  error: {error['doc']}: {error['error']}")
        if worst:
            print("-- false positives (what fired):")
            for item in corpus["mistakes"]["false_positives"][:worst]:
                print(f"  FP {item['topic']:26} {item['doc'][:60]}: {' | '.join(item['evidence'])[:240]}")
            print("-- false negatives (what the label quotes):")
            for item in corpus["mistakes"]["false_negatives"][:worst]:
                print(f"  FN {item['topic']:26} {item['doc'][:60]}: {item['label_evidence'][:200]}")


def markdown(results: dict) -> str:
    """The results as the tables of docs/accuracy.md."""
    lines = []
    for folder, corpus in results["corpora"].items():
        name = Path(folder).name
        lines.append(f"### {name} ({corpus['documents']} documents, {corpus['seconds']} s, {len(corpus['errors'])} unreadable)")
        lines.append("")
        lines.append("| topic | TP | FP | FN | TN | precision | recall | F1 |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for topic, c in sorted(corpus["topics"].items()):
            lines.append(f"| {topic} | {c['tp']} | {c['fp']} | {c['fn']} | {c['tn']} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} |")
        lines.append(f"| **macro-F1** | | | | | | | **{corpus['macro_f1']:.3f}** |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="score only the first N documents of each corpus")
    parser.add_argument("--worst", type=int, default=15, help="how many false positives/negatives to list")
    parser.add_argument("--topic", help="list mistakes for this topic only")
    parser.add_argument("--json", type=Path, help="also write the full results here")
    parser.add_argument("--no-model", action="store_true", help="rules only, as `clausecheck check --no-model` (the topic model was trained on these corpora: its scores here are not held out)")
    parser.add_argument("--markdown", type=Path, help="also write the per-topic tables as Markdown here")
    args = parser.parse_args(argv)
    results = run(args.folders, args.jobs, args.limit, not args.no_model)
    if args.topic:
        for corpus in results["corpora"].values():
            for kind in ("false_positives", "false_negatives"):
                corpus["mistakes"][kind] = [m for m in corpus["mistakes"][kind] if m["topic"] == args.topic]
    print_results(results, args.worst)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(results) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
