"""Count the `missing` findings (required elements not found) per contract type and element.

The profile decisions of docs/profiles.md are judged by this count on the shared corpus:
every missing finding should be a contract whose type needs the element.

    python benchmarks/missing_elements.py '../shared/corpus/cuad/txt/*.txt' '../shared/corpus/ja/*.txt' \
        '../shared/corpus/ja/*.md' '../shared/corpus/standard/*.md' '../shared/corpus/standard/*.docx' \
        '../shared/corpus/traps_dev/*_*.txt' '../shared/corpus/traps_dev/*_*.md' '../shared/corpus/traps_dev/*_*.docx'
"""

from __future__ import annotations

import argparse
import collections
import glob
from pathlib import Path

from clausecheck.errors import ClausecheckError
from clausecheck.pipeline import Settings, check_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="+", help="file globs")
    args = parser.parse_args()
    files = sorted({Path(p) for pattern in args.patterns for p in glob.glob(pattern)})
    types: collections.Counter = collections.Counter()
    missing: collections.Counter = collections.Counter()
    examples: dict = collections.defaultdict(list)
    for path in files:
        try:
            report = check_file(path, Settings())
        except ClausecheckError:
            continue
        types[report.contract_type.id] += 1
        for finding in report.findings:
            if finding.kind == "missing":
                missing[(report.contract_type.id, finding.topic)] += 1
                examples[(report.contract_type.id, finding.topic)].append(path.name[:50])
    print(f"{sum(types.values())} contracts: " + ", ".join(f"{t} {n}" for t, n in sorted(types.items())))
    by_topic: collections.Counter = collections.Counter()
    for (type_id, topic), count in sorted(missing.items()):
        by_topic[topic] += count
        print(f"  {type_id:20} {topic:20} {count:4}  e.g. {', '.join(examples[(type_id, topic)][:2])}")
    print("missing by element: " + ", ".join(f"{t} {n}" for t, n in sorted(by_topic.items())) + f"; total {sum(by_topic.values())}")


if __name__ == "__main__":
    main()
