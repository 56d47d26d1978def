"""What a batch is asked to do and what it reports back: shared by discovery, the pools and the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BatchOptions:
    """What a batch is asked to do, besides the check settings of each file."""

    jobs: int = 0  # 0: one worker per CPU
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    timeout: float = 300.0  # seconds one file may take in a worker
    force: bool = False
    max_bytes: int = 50 * 1024 * 1024
    follow_links: bool = False  # read links that lead outside the input folder
    cluster: str | None = None  # None: local worker processes; "local[:N]" or "tcp://host:port": Dask
    ship_files: bool = False  # cluster: send each file's bytes instead of its path


@dataclass(frozen=True)
class Task:
    """One file a worker is asked to check."""

    index: int  # position in the sorted list of candidates
    path: Path
    display: str
    memo: str
    size: int


@dataclass
class BatchResult:
    """Counts of a finished (or interrupted) run, for the command line."""

    found: int = 0
    checked: int = 0
    reused: int = 0
    failed: int = 0
    interrupted: str | None = None
    worst: int = -1  # highest severity rank among non-note findings
    output: Path | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # things the user should know (a store rebuilt, a dashboard)
