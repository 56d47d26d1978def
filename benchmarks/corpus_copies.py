"""A folder of N distinct contracts made from the shared CUAD texts, for the batch benchmarks.

Each copy gets a small edit (a reference line at its end), so every file has its own hash and
is checked, not reused. The copies live in a temporary folder, never in the project.
"""

from __future__ import annotations

from pathlib import Path


def make_copies(corpus: Path, folder: Path, count: int) -> list[Path]:
    texts = sorted((corpus / "cuad" / "txt").glob("*.txt"))
    if not texts:
        raise SystemExit(f"no CUAD texts under {corpus}/cuad/txt")
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(count):
        source = texts[number % len(texts)]
        target = folder / f"{number // 500:03}" / f"{number:05}-{source.stem[:50]}{source.suffix}"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(source.read_bytes() + f"\n\nReference copy {number}.\n".encode())
        made.append(target)
    return made
