"""Score party detection on CUAD: share of contracts with two or more parties found, and
share where a found name or alias overlaps a party name the CUAD annotators labelled.

Usage: python benchmarks/parties.py [../shared/corpus/cuad] [--misses]
"""

from __future__ import annotations

import ast
import csv
import re
import sys
from pathlib import Path

csv.field_size_limit(1 << 30)
DEFAULT_FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "cuad"
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which organisation is meant.
_GENERIC = {"inc", "llc", "ltd", "limited", "corp", "corporation", "company", "co", "the", "and", "of", "plc", "lp", "l", "p", "sa", "ag", "gmbh", "group", "holdings"}


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _GENERIC and len(w) > 1}


def labelled_parties(folder: Path) -> dict[str, list[str]]:
    """{txt file name: labelled party strings} from master_clauses.csv and filename_map.tsv."""
    names: dict[str, str] = {}
    with (folder / "filename_map.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            names[row["csv_Filename"]] = row["txt_file"]
    labels: dict[str, list[str]] = {}
    with (folder / "master_clauses.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            txt = names.get(row["Filename"])
            if not txt:
                continue
            try:
                items = ast.literal_eval(row["Parties"])
            except (ValueError, SyntaxError):
                items = [row["Parties"]]
            labels[txt] = [str(item) for item in items]
    return labels


def overlaps(found: tuple[str, ...], labelled: list[str]) -> bool:
    """True when a found name shares a distinctive word with a labelled party."""
    label_words = set().union(*(words(item) for item in labelled)) if labelled else set()
    return any(words(name) & label_words for name in found)


def score(folder: Path, show_misses: bool = False) -> dict[str, float]:
    from clausecheck.pipeline import read_document

    labels = labelled_parties(folder)
    total = two_or_more = overlapping = 0
    for name, labelled in sorted(labels.items()):
        path = folder / "txt" / name
        if not path.exists():
            continue
        document = read_document(path)
        found = tuple(n for party in document.parties for n in party.all_names)
        total += 1
        enough = len(document.parties) >= 2
        hit = overlaps(found, labelled)
        two_or_more += enough
        overlapping += hit
        if show_misses and not (enough and hit):
            print(f"MISS {name[:70]}\n  found: {[p.all_names for p in document.parties]}\n  label: {labelled[:4]}")
    return {
        "contracts": total,
        "two_or_more_parties": two_or_more / total if total else 0.0,
        "overlap_with_label": overlapping / total if total else 0.0,
    }


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else DEFAULT_FOLDER
    result = score(folder, show_misses="--misses" in argv)
    print(
        f"{result['contracts']} contracts: ≥2 parties {result['two_or_more_parties']:.1%}, "
        f"a found name overlaps a labelled party {result['overlap_with_label']:.1%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
