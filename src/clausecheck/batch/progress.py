"""A one-line progress bar for a batch on a terminal (files done / total, rate, failures, the
current file); nothing at all when stderr is a file or a pipe, so logs stay clean."""

from __future__ import annotations

import sys
import time
from typing import Callable

ProgressCallback = Callable[..., None]


def progress_printer(stream=None) -> ProgressCallback | None:
    """`show(done, total, current, failures=0)` drawing on a terminal; None when not a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    started = time.monotonic()

    def show(done: int, total: int, current: str, failures: int = 0) -> None:
        width = 24
        filled = int(width * done / total) if total else width
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        name = current.replace("\n", " ")[-40:]
        failed = f" {failures} failed" if failures else ""
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:5.1f}/s {elapsed:5.0f}s{failed} {name:<40}")
        if done >= total and not current:
            stream.write("\n")
        stream.flush()

    return show
