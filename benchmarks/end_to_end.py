"""Whole-process speed of this code against an earlier version of it, measured in one run; and OCR quality.

Every figure is a real `clausecheck` process (`python -m clausecheck`), timed by the CPU
seconds it and its workers used (per core, so a busy machine disturbs it little) and by
the wall clock; the earlier version runs from a source folder given with `--baseline-src`
(e.g. `git archive main | tar -x -C /tmp/before`), so ratios compare like with like:

- PDF: `batch --jobs 1 --force` over the shared CUAD PDFs: pages/s/core (target ≥ 100) and
  the ratio to the earlier version (target ≥ 8);
- text: the same over the CUAD .txt files: contracts/s/core (target ≥ 20), and whether the
  results.jsonl of both versions are byte-identical; once more with `--no-model`, so the topic
  model's share can be told apart; the peak memory of the largest batch process;
- `check` of one small file, start to exit: best of 5 (target ≤ 0.35 s wall);
- OCR (when Tesseract is installed): each sample PDF printed to 300 dpi page images (the
  text layer is not used) and read back: word F1 (English, target ≥ 0.97) or character
  F1 (Japanese, ≥ 0.95) against the text read from the original PDF, and the required
  elements' statuses of both; a mixed PDF (a text page and a scanned page) read whole.

    python benchmarks/end_to_end.py --baseline-src /tmp/before/src
    python benchmarks/end_to_end.py --baseline-src /tmp/before/src --write docs/performance.md
    python benchmarks/end_to_end.py --baseline-src /tmp/before/src --pdf-baseline-src /tmp/pdfplumber/src

`--pdf-baseline-src` compares the PDF rows with another version (e.g. the last one that read
PDFs through pdfplumber only) while the text rows compare with `--baseline-src`.

`--write` replaces the block between the end-to-end markers of the Markdown file.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zlib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from clausecheck.vocabulary import REQUIRED_ELEMENTS

ROOT = Path(__file__).resolve().parents[1]
BEGIN_MARK = "<!-- end-to-end:begin -->"
END_MARK = "<!-- end-to-end:end -->"
REQUIRED = REQUIRED_ELEMENTS
SMALL_FILE = ROOT / "sample_contracts" / "en_mutual_nda.md"


# Runs a command and prints, after it, the CPU seconds and the peak memory (KB) of its process
# tree: a fresh process, so the peak is that of this command's own processes (batch parent or worker).
_MEASURED = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)\n"
)


def run_cli(args: list[str], src: Path | None, cache: Path, peaks: list | None = None) -> tuple[float, float, int]:
    """(CPU seconds of the process and its workers, wall seconds, exit code) of one clausecheck run.

    Byte-compiled modules are kept (in a folder of the benchmark's, PYTHONPYCACHEPREFIX), as an
    installed package has them, even when the caller's environment switches them off."""
    env = dict(os.environ, CLAUSECHECK_CACHE_DIR=str(cache), PYTHONHASHSEED="0", PYTHONPYCACHEPREFIX=str(cache.parent / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURED, sys.executable, "-m", "clausecheck", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    cpu, peak_kb, code = done.stdout.split()
    if peaks is not None:
        peaks.append(int(peak_kb) / 1024)
    return float(cpu), wall, int(code)


def pdf_pages(folder: Path) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() == ".pdf":
            document = pdfium.PdfDocument(str(path))
            total += len(document)
            document.close()
    return total


def batch_both(folder: Path, baseline: Path, work: Path, extra: tuple[str, ...] = ()) -> dict:
    """The folder through `batch --jobs 1 --force` with the earlier version and this one, in turns."""
    out = {}
    label = folder.name + "".join(extra)
    for name, src in (("before", baseline), ("after", None)):
        cache = work / f"cache-{name}-{zlib.crc32(str(baseline).encode()):08x}"
        run_cli(["check", str(SMALL_FILE), "--format", "json", "-o", str(work / "warm.json")], src, cache)  # rule pack cache warm
        peaks: list[float] = []
        cpu, wall, code = run_cli(["batch", str(folder), "-o", str(work / f"out-{name}-{label}"), "--jobs", "1", "--force", *extra], src, cache, peaks)
        if not (work / f"out-{name}-{label}" / "results.jsonl").is_file():
            raise SystemExit(f"the {name} version's batch over {folder} wrote no results (exit {code}); is {src or 'this'} a whole checkout (src and rules)?")
        out[name] = {"cpu": cpu, "wall": wall, "code": code, "peak_mb": peaks[0], "results": (work / f"out-{name}-{label}" / "results.jsonl").read_bytes()}
    return out


def small_check(baseline: Path, work: Path) -> dict:
    out = {}
    for name, src in (("before", baseline), ("after", None)):
        cache = work / f"cache-{name}-{zlib.crc32(str(baseline).encode()):08x}"
        runs = [run_cli(["check", str(SMALL_FILE), "--format", "json", "-o", str(work / "small.json")], src, cache) for _ in range(5)]
        out[name] = {"cpu": min(r[0] for r in runs), "wall": min(r[1] for r in runs)}
    return out


# --- OCR --------------------------------------------------------------------------------


def print_to_images(source: Path, target: Path, dpi: int = 300) -> None:
    """A PDF whose pages are only the pictures of `source`'s pages (no text layer)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    document = pdfium.PdfDocument(str(source))
    pdf = None
    for page in document:
        width, height = page.get_size()
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
        pdf = pdf or canvas.Canvas(str(target), pagesize=(width, height))
        pdf.setPageSize((width, height))
        pdf.drawImage(ImageReader(image), 0, 0, width=width, height=height)
        pdf.showPage()
    pdf.save()
    document.close()


def f1(extracted: list[str], reference: list[str]) -> float:
    common = sum((Counter(extracted) & Counter(reference)).values())
    if not common:
        return 0.0
    precision, recall = common / len(extracted), common / len(reference)
    return 2 * precision * recall / (precision + recall)


def units(text: str, language: str) -> list[str]:
    """Words (English) or non-space characters (Japanese), NFKC-normalised and lower-cased."""
    text = unicodedata.normalize("NFKC", text).lower()
    if language == "ja":
        return [ch for ch in text if not ch.isspace()]
    import re

    return re.sub(r"[\W_]+", " ", text).split()


def ocr_quality(work: Path) -> list[dict]:
    from clausecheck.parsers import read_file
    from clausecheck.pipeline import check_file

    rows = []
    for name, language in (("en_license_grant_back.pdf", "en"), ("ja_nda_mutual.pdf", "ja")):
        source = ROOT / "sample_contracts" / name
        scanned = work / f"scanned-{name}"
        print_to_images(source, scanned)
        started = time.process_time()
        wall = time.perf_counter()
        raw = read_file(scanned)
        seconds, wall = time.process_time() - started, time.perf_counter() - wall
        reference = "\n".join(block.text for block in read_file(source).blocks)
        text = "\n".join(block.text for block in raw.blocks)
        original, read = check_file(source), check_file(scanned)
        confidences = [w.confidence for w in raw.warnings if w.code == "W124"]
        rows.append(
            {
                "file": name,
                "language": language,
                "pages": raw.source.pages,
                "f1": f1(units(text, language), units(reference, language)),
                "confidence": sum(confidences) / len(confidences) if confidences else 0.0,
                "same_required": all(original.topics[t].status == read.topics[t].status for t in REQUIRED),
                "statuses": {t: (original.topics[t].status, read.topics[t].status) for t in REQUIRED},
                "seconds": wall,
                "cpu": seconds,
            }
        )
    return rows


def mixed_pdf(work: Path) -> dict:
    """Page 1 of the English sample as text, page 2 as a picture: both read."""
    import pypdfium2 as pdfium

    from clausecheck.parsers import read_file

    source = ROOT / "sample_contracts" / "en_license_grant_back.pdf"
    scanned = work / "scanned-en_license_grant_back.pdf"
    mixed = work / "mixed.pdf"
    document = pdfium.PdfDocument(str(source))
    pictures = pdfium.PdfDocument(str(scanned))
    document.del_page(1)
    document.import_pages(pictures, [1])
    document.save(str(mixed))
    raw = read_file(mixed)
    reference = "\n".join(block.text for block in read_file(source).blocks)
    text = "\n".join(block.text for block in raw.blocks)
    return {
        "pages_with_text": sorted({block.page for block in raw.blocks}),
        "ocr_pages": [w.pages[0] for w in raw.warnings if w.code == "W124"],
        "f1": f1(units(text, "en"), units(reference, "en")),
    }


# --- report -----------------------------------------------------------------------------


def render(results: dict) -> str:
    pdf, text, small = results["pdf"], results["text"], results["small"]
    pages, contracts = results["pages"], results["contracts"]

    def per_core(count: int, run: dict) -> float:
        return count / run["cpu"] if run["cpu"] else 0.0

    pdf_before, pdf_after = per_core(pages, pdf["before"]), per_core(pages, pdf["after"])
    text_before, text_after = per_core(contracts, text["before"]), per_core(contracts, text["after"])
    identical = text["before"]["results"] == text["after"]["results"]
    lines = [
        f"Measured {results['when']} on {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{results['load'][0]:.1f} before and {results['load'][1]:.1f} after (Python {platform.python_version()}); "
        f"earlier version: `{results['baseline']}`"
        + (f"; PDF rows against `{results['pdf_baseline']}`" if results["pdf_baseline"] != results["baseline"] else "") + ".",
        "",
        "| measure | before | after | ratio | target | |",
        "|---|---:|---:|---:|---:|---|",
        f"| PDF, batch --jobs 1, {pages} CUAD pages: pages/s/core (CPU) | {pdf_before:.1f} | {pdf_after:.1f} | {pdf_after / pdf_before:.1f}× | ≥ 100 and ≥ 8× | {'met' if pdf_after >= 100 and pdf_after / pdf_before >= 8 else 'not met'} |",
        f"| PDF, same runs: wall seconds | {pdf['before']['wall']:.1f} | {pdf['after']['wall']:.1f} | {pdf['before']['wall'] / pdf['after']['wall']:.1f}× | — | |",
        f"| text, batch --jobs 1, {contracts} CUAD texts: contracts/s/core (CPU) | {text_before:.1f} | {text_after:.1f} | {text_after / text_before:.2f}× | ≥ 20 | {'met' if text_after >= 20 else 'not met'} |",
        f"| text, same runs: wall seconds | {text['before']['wall']:.1f} | {text['after']['wall']:.1f} | | — | |",
        f"| text: results.jsonl of both versions byte-identical | | {'yes' if identical else 'no'} | | yes | {'met' if identical else 'not met'} |",
        f"| text, same runs: peak memory of the largest batch process (MB) | {text['before']['peak_mb']:.0f} | {text['after']['peak_mb']:.0f} | | ≤ 250 per worker | {'met' if text['after']['peak_mb'] <= 250 else 'not met'} |",
    ]
    if results.get("text_no_model"):
        bare = results["text_no_model"]
        bare_before, bare_after = per_core(contracts, bare["before"]), per_core(contracts, bare["after"])
        same = bare["before"]["results"] == bare["after"]["results"]
        lines += [
            f"| text with `--no-model` (no topic model), same folder: contracts/s/core (CPU) | {bare_before:.1f} | {bare_after:.1f} | {bare_after / bare_before:.2f}× | — | |",
            f"| text with `--no-model`: results.jsonl byte-identical | | {'yes' if same else 'no'} | | yes | {'met' if same else 'not met'} |",
        ]
    lines += [
        f"| `check` one small file, start to exit, wall, best of 5 (s) | {small['before']['wall']:.2f} | {small['after']['wall']:.2f} | | ≤ 0.35 | {'met' if small['after']['wall'] <= 0.35 else 'not met'} |",
        f"| `check` one small file, CPU of the process, best of 5 (s) | {small['before']['cpu']:.2f} | {small['after']['cpu']:.2f} | | — | |",
    ]
    if results.get("ocr"):
        lines += ["", "OCR (sample PDFs printed to 300 dpi images, read back with Tesseract):", "", "| file | pages | F1 | target | mean confidence | required elements as from the text layer | seconds (wall / CPU of this process) |", "|---|---:|---:|---:|---:|---|---:|"]
        for row in results["ocr"]:
            target = 0.97 if row["language"] == "en" else 0.95
            kind = "word" if row["language"] == "en" else "character"
            lines.append(
                f"| {row['file']} | {row['pages']} | {kind} {row['f1']:.3f} | ≥ {target} {'met' if row['f1'] >= target else 'not met'} | {row['confidence']:.0f}% | "
                f"{'same' if row['same_required'] else 'differ: ' + ', '.join(f'{t} {a}→{b}' for t, (a, b) in row['statuses'].items() if a != b)} | {row['seconds']:.1f} / {row['cpu']:.1f} |"
            )
        mixed = results["mixed"]
        lines += ["", f"Mixed PDF (page 1 text layer, page 2 a picture): blocks on pages {mixed['pages_with_text']}, OCR'd pages {mixed['ocr_pages']}, word F1 against the original {mixed['f1']:.3f}."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, required=True, help="src folder of the earlier version")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--pdf-baseline-src", type=Path, help="src folder of the version the PDF rows compare with (default: --baseline-src)")
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--write", type=Path, help="Markdown file whose end-to-end block is replaced")
    args = parser.parse_args()

    from clausecheck.parsers import pdf_ocr

    work = Path(tempfile.mkdtemp(prefix="clausecheck-e2e-"))
    try:
        load_before = os.getloadavg()[0]
        pdf_folder = args.corpus / "cuad" / "pdf"
        text_folder = args.corpus / "cuad" / "txt"
        results = {
            "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "baseline": str(args.baseline_src),
            "pdf_baseline": str(args.pdf_baseline_src or args.baseline_src),
            "pages": pdf_pages(pdf_folder),
            "contracts": sum(1 for p in text_folder.iterdir() if p.suffix == ".txt"),
            "pdf": batch_both(pdf_folder, args.pdf_baseline_src or args.baseline_src, work),
            "text": batch_both(text_folder, args.baseline_src, work),
            "text_no_model": batch_both(text_folder, args.baseline_src, work, ("--no-model",)),
            "small": small_check(args.baseline_src, work),
        }
        if not args.skip_ocr and pdf_ocr.unavailable_reason() is None:
            results["ocr"] = ocr_quality(work)
            results["mixed"] = mixed_pdf(work)
        results["load"] = (load_before, os.getloadavg()[0])
        block = render(results)
        print(block)
        if args.write:
            page = args.write.read_text(encoding="utf-8")
            start, end = page.index(BEGIN_MARK) + len(BEGIN_MARK), page.index(END_MARK)
            args.write.write_text(page[:start] + "\n" + block + "\n" + page[end:], encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
