"""Write the JSON report of every shared contract into a folder, to compare two versions of the code.

A speed-up must not change what the checker says. This script checks every text, Markdown,
PDF and Word file of the shared corpus and the sample contracts in this process and writes
one JSON report per file (or the error it ended in); run it once with the old code on
`PYTHONPATH` and once with the new, then compare the two folders:

    PYTHONPATH=/path/to/old/src python benchmarks/report_snapshot.py ../shared/corpus /tmp/before
    python benchmarks/report_snapshot.py ../shared/corpus /tmp/after
    python benchmarks/report_snapshot.py --compare /tmp/before /tmp/after

`--compare` lists the files whose reports differ and, for each, the first differing top-level
keys; with `--findings` only the findings, topic statuses and warnings codes are compared
(what a parser change may legitimately move is evidence offsets and page numbers).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".txt", ".md", ".pdf", ".docx")


def corpus_files(corpus: Path) -> list[Path]:
    files = [p for p in sorted(corpus.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES and p.name != "README.md"]
    files += [p for p in sorted((ROOT / "sample_contracts").iterdir()) if p.suffix.lower() in SUFFIXES]
    return files


def snapshot(corpus: Path, out: Path) -> int:
    from clausecheck.errors import ClausecheckError
    from clausecheck.pipeline import check_file
    from clausecheck.report.json_report import report_dict

    out.mkdir(parents=True, exist_ok=True)
    for path in corpus_files(corpus):
        name = hashlib.sha256(str(path).encode()).hexdigest()[:16] + "-" + path.name[:60] + ".json"
        try:
            data = report_dict(check_file(path))
        except ClausecheckError as exc:
            data = {"source": str(path), "error": exc.code}
        (out / name).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return 0


def essentials(data: dict) -> dict:
    """What a reader acts on: topic statuses, findings (rule and severity), warning codes."""
    if "error" in data:
        return {"error": data["error"]}
    return {
        "topics": {topic: result["status"] for topic, result in data["topics"].items()},
        "findings": sorted((f["rule"], f["severity"], f["kind"]) for f in data["findings"]),
        "warnings": sorted(w["code"] for w in data["warnings"]),
        "language": data["language"],
    }


def compare(before: Path, after: Path, findings_only: bool) -> int:
    differing = 0
    names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
    for name in names:
        old_path, new_path = before / name, after / name
        if not old_path.exists() or not new_path.exists():
            print(f"only in one folder: {name}")
            differing += 1
            continue
        old, new = json.loads(old_path.read_text(encoding="utf-8")), json.loads(new_path.read_text(encoding="utf-8"))
        if findings_only:
            old, new = essentials(old), essentials(new)
        if old != new:
            differing += 1
            keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            print(f"differs: {name}: {', '.join(keys)}")
    print(f"{len(names)} reports compared, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), type=Path)
    parser.add_argument("--findings", action="store_true", help="with --compare: only statuses, findings and warning codes")
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("out", nargs="?", type=Path)
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare, args.findings)
    if not args.corpus or not args.out:
        parser.error("give CORPUS and OUT, or --compare BEFORE AFTER")
    return snapshot(args.corpus, args.out)


if __name__ == "__main__":
    sys.exit(main())
