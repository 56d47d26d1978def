"""The process that checks files for one Dask worker thread, so that a file that hangs or
crashes its reader is stopped or buried without taking the Dask worker with it.

The Dask worker starts it as `python -m clausecheck.batch.child FD PARENT_PID` (a plain
subprocess: Dask's worker processes may not have multiprocessing children) and speaks to it
over the socket FD: first the settings and the rule pack, then one file at a time, given as
a path or as bytes. The child ends with its Dask worker (see pool._die_with_parent).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path

from clausecheck.batch import work
from clausecheck.batch.pool import _die_with_parent
from clausecheck.engine.runner import Engine
from clausecheck.engine.warm import precompile
from clausecheck.parsers import SUPPORTED_SUFFIXES

START_SECONDS = 300.0  # importing and compiling on a busy machine


def _shipped_path(folder: Path, display: str) -> str:
    """Where a shipped file's bytes are written: its suffix kept, as the readers look at it."""
    suffix = Path(display).suffix
    return str(folder / ("contract" + (suffix if suffix.lower() in SUPPORTED_SUFFIXES else "")))


def main(argv: list[str]) -> int:
    connection = Connection(int(argv[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the Dask worker decides when to stop
    _die_with_parent(int(argv[1]))
    scratch = Path(tempfile.mkdtemp(prefix="clausecheck-"))
    try:
        settings, pack = connection.recv()
        engine = Engine(pack)
        precompile(engine)
        connection.send(("ready", None))
        while True:
            task = connection.recv()
            if task is None:
                return 0
            source, display, memo = task
            shipped = not isinstance(source, str)
            if shipped:
                path = _shipped_path(scratch, display)
                with open(path, "wb") as handle:
                    if isinstance(source, bytes):
                        handle.write(source)
                    else:  # too large to ship: a sparse file of its size, which the reader refuses
                        handle.truncate(source["size"])
            else:
                path = source
            try:
                outcome = work.check_one(Path(path), display, memo, settings, engine)
            finally:
                if shipped:
                    os.unlink(path)
            connection.send(("done", outcome))
    except (EOFError, OSError):
        return 0  # the Dask worker is gone
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class Child:
    """The Dask-worker side of one child: start it, give it a file, stop it when it hangs or dies."""

    def __init__(self, settings, pack, where: str):
        self.settings, self.pack, self.where = settings, pack, where
        self.process: subprocess.Popen | None = None
        self.connection: Connection | None = None

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clausecheck.batch.child", str(theirs.fileno()), str(os.getpid())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.connection = Connection(ours.detach())
        self.connection.send((self.settings, self.pack))
        if not self.connection.poll(START_SECONDS) or self.connection.recv()[0] != "ready":
            self.stop()
            raise RuntimeError(f"the checking process on {self.where} did not start")

    def check(self, source, display: str, memo: str, timeout: float) -> dict:
        if self.process is None or self.process.poll() is not None:
            self._start()
        assert self.connection is not None and self.process is not None
        try:
            self.connection.send((source, display, memo))
            if self.connection.poll(timeout):
                kind, outcome = self.connection.recv()
                return outcome
            why = f"timed out after {timeout:g} s on worker {self.where}"
        except (EOFError, OSError):
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            why = f"the worker process died (exit code {self.process.returncode}) on worker {self.where}"
        self.stop()
        return work.error_outcome(display, "E301", why)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.connection is not None:
            self.connection.close()
        self.process = self.connection = None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
