"""How close the PDF parser's text comes to CUAD's reference text of the same contract.

Usage: python benchmarks/pdf_text.py [CUAD_FOLDER] [--baseline-src SRC]   (default ../shared/corpus/cuad)

With `--baseline-src` (the src folder of an earlier version, e.g. the pdfplumber-only
parser) the `parsed` text is also compared with that version's parsed text of the same
PDF: column F1old, the bag-of-words F1 of the two cleaned texts (target ≥ 0.995 when the
PDF reader changes).

For each PDF listed in `pdf/INDEX.tsv` two texts are extracted:
  raw     pdfplumber's `page.extract_text()` of every page, joined with newlines;
  parsed  clausecheck's PDF parser (running headers, page numbers and (cid) noise removed,
          paragraphs rebuilt, hyphenated wraps joined), blocks joined with newlines.
Both are compared with the CUAD `.txt` of the same contract.

Normalisation: NFKC, lowercase, every run of non-alphanumeric characters becomes one
space, then split into words. So `non-exclusive`, `non- exclusive` and `non exclusive`
compare equal, while a wrongly rejoined `exam-ple` → `example` against `exam- ple` does not.

Measures (higher is better):
  seq     difflib.SequenceMatcher ratio over the two word sequences (order-aware);
  P/R/F1  bag-of-words precision, recall and F1 (precision: share of extracted words that
          are in the reference; recall: share of reference words extracted);
  pages   share of pages whose text is found in the reference: a page counts when at
          least 90% of its word 3-grams occur in the reference (`parsed` pages are the
          blocks starting on that page);
  pnum    lines (raw) or blocks (parsed) that are only a page number;
  seq*/F1*  seq and F1 against the reference body: the .txt without its bare page-number
          lines and without lines that recur 3 times or more once digits are levelled
          (running headers and footers, found in the .txt itself, not by the parser).

CUAD's .txt files were themselves extracted from the filings and keep the running
headers and footers ("Source: ..." on every page, repeated confidentiality legends) and
the page numbers, so removing them lowers recall and the sequence ratio slightly against
this reference even though the contract text is cleaner; precision and the page share
show whether the words we keep are the contract's words, seq*/F1* whether the clean-up
removed the repeated furniture and nothing else.
"""

from __future__ import annotations

import csv
import difflib
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CUAD = ROOT.parent / "shared" / "corpus" / "cuad"
PAGE_RECALL = 0.9

_NON_ALNUM = re.compile(r"[\W_]+")


def words(text: str) -> list[str]:
    return _NON_ALNUM.sub(" ", unicodedata.normalize("NFKC", text).lower()).split()


def reference_body(text: str) -> str:
    """The reference without page-number lines and lines recurring 3+ times (digits levelled)."""
    from clausecheck.parsers.pdf import header_key, is_page_number

    lines = [line for line in text.splitlines() if line.strip()]
    recurring = Counter(header_key(line) for line in lines)
    return "\n".join(line for line in lines if recurring[header_key(line)] < 3 and not is_page_number(line))


def trigrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return set(zip(tokens, tokens[1:], tokens[2:]))


def bag_scores(extracted: list[str], reference: list[str]) -> tuple[float, float, float]:
    common = sum((Counter(extracted) & Counter(reference)).values())
    precision = common / len(extracted) if extracted else 0.0
    recall = common / len(reference) if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def page_share(page_texts: list[str], reference_trigrams: set) -> float:
    """Share of pages with text whose word 3-grams are found in the reference."""
    found = total = 0
    for text in page_texts:
        grams = trigrams(words(text))
        if not grams:
            continue
        total += 1
        if len(grams & reference_trigrams) / len(grams) >= PAGE_RECALL:
            found += 1
    return found / total if total else 0.0


def raw_pages(path: Path) -> list[str]:
    import pdfplumber

    texts = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            page.close()
    return texts


def parsed_pages(path: Path) -> tuple[list[str], list[str]]:
    """(text per page from the blocks starting on it, block texts in order)."""
    from clausecheck.parsers import read_file

    raw = read_file(path)
    by_page: dict[int, list[str]] = {}
    for block in raw.blocks:
        by_page.setdefault(block.page or 0, []).append(block.text)
    return ["\n".join(by_page[page]) for page in sorted(by_page)], [block.text for block in raw.blocks]


def measure(extracted_pages: list[str], units: list[str], reference: list[str], reference_trigrams: set, body: list[str]) -> dict:
    from clausecheck.parsers.pdf import is_page_number

    tokens = words("\n".join(units))
    precision, recall, f1 = bag_scores(tokens, reference)
    return {
        "seq": difflib.SequenceMatcher(None, tokens, reference, autojunk=True).ratio(),
        "seq*": difflib.SequenceMatcher(None, tokens, body, autojunk=True).ratio(),
        "F1*": bag_scores(tokens, body)[2],
        "P": precision,
        "R": recall,
        "F1": f1,
        "pages": page_share(extracted_pages, reference_trigrams),
        "pnum": sum(1 for unit in units if unit.strip() and is_page_number(unit)),
    }


def baseline_blocks(src: Path, paths: list[Path]) -> dict[str, list[str]]:
    """The block texts the earlier version's parser gives for each PDF (run in its own process)."""
    import json
    import os
    import subprocess

    script = (
        "import json, sys\n"
        "from clausecheck.parsers import read_file\n"
        "print(json.dumps({p: [b.text for b in read_file(p).blocks] for p in sys.argv[1:]}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", script, *map(str, paths)], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(folder: Path, baseline_src: Path | None = None) -> int:
    index = folder / "pdf" / "INDEX.tsv"
    if not index.exists():
        print(f"no {index}", file=sys.stderr)
        return 2
    with index.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    columns = ("seq", "P", "R", "F1", "pages", "seq*", "F1*")
    totals = {name: Counter() for name in ("raw", "parsed")}
    before = baseline_blocks(baseline_src, [folder / "pdf" / row["pdf"] for row in rows]) if baseline_src else {}
    print(f"{'contract':44} {'text':6} " + " ".join(f"{c:>6}" for c in columns) + f" {'pnum':>5} {'sec':>5}" + (f" {'F1old':>6}" if before else ""))
    for row in rows:
        reference_text = (folder / "txt" / row["txt"]).read_text(encoding="utf-8", errors="replace")
        reference = words(reference_text)
        body = words(reference_body(reference_text))
        reference_trigrams = trigrams(reference)
        pdf_path = folder / "pdf" / row["pdf"]
        started = time.perf_counter()
        pages = raw_pages(pdf_path)
        lines = [line for page in pages for line in page.splitlines()]
        results = {"raw": (measure(pages, lines, reference, reference_trigrams, body), time.perf_counter() - started)}
        started = time.perf_counter()
        page_texts, blocks = parsed_pages(pdf_path)
        results["parsed"] = (measure(page_texts, blocks, reference, reference_trigrams, body), time.perf_counter() - started)
        if before:
            results["parsed"][0]["F1old"] = bag_scores(words("\n".join(blocks)), words("\n".join(before[str(pdf_path)])))[2]
        for name, (scores, seconds) in results.items():
            totals[name].update({key: value for key, value in scores.items()})
            totals[name]["n"] += 1
            old = f" {scores['F1old']:6.4f}" if "F1old" in scores else ""
            print(f"{row['pdf'][:44]:44} {name:6} " + " ".join(f"{scores[c]:6.3f}" for c in columns) + f" {scores['pnum']:5d} {seconds:5.1f}" + old)
    print()
    for name, total in totals.items():
        count = total["n"] or 1
        old = f" {total['F1old'] / count:6.4f}" if "F1old" in total else ""
        print(f"{'MEAN over ' + str(total['n']) + ' PDFs':44} {name:6} " + " ".join(f"{total[c] / count:6.3f}" for c in columns) + f" {total['pnum']:5d}      " + old)
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_CUAD)
    parser.add_argument("--baseline-src", type=Path, help="src folder of an earlier version to compare the parsed text with")
    arguments = parser.parse_args()
    sys.exit(main(arguments.folder, arguments.baseline_src))
