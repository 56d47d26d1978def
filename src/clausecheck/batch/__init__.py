"""Folder runs: every contract under a folder checked by a pool of workers (local processes, or
a Dask cluster with `--cluster`), one memo each, plus `results.jsonl`, `summary.csv` and a
portfolio `index.html`, kept consistent by one writer through the result store.

discover finds the files, work checks one, pool and cluster run many, store keeps the
results, outputs writes the portfolio files, run ties them together.
"""

from clausecheck.batch.discover import Candidate, display_path, find_contracts, memo_name
from clausecheck.batch.options import BatchOptions, BatchResult, Task
from clausecheck.batch.outputs import neutralise_cell
from clausecheck.batch.progress import progress_printer
from clausecheck.batch.run import Interrupted, run_batch

__all__ = [
    "BatchOptions",
    "BatchResult",
    "Candidate",
    "Interrupted",
    "Task",
    "display_path",
    "find_contracts",
    "memo_name",
    "neutralise_cell",
    "progress_printer",
    "run_batch",
]
