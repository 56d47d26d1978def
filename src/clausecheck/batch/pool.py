"""The local worker pool: worker processes, each with its own compiled engine, that check the
files the parent sends them over a pipe.

A worker that hangs past the timeout is killed and one that dies is buried; its file is
recorded as E301 and a fresh worker takes its place. Workers never outlive the parent: each
closes the parent's ends of every pipe it inherited (so a dead parent means end of file), asks
Linux to kill it when its parent dies (PR_SET_PDEATHSIG through the C library's `prctl`), and
elsewhere a watchdog thread ends it when its parent process is gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import wait
from typing import Callable

from clausecheck.batch import work
from clausecheck.batch.options import Task
from clausecheck.engine.warm import precompile
from clausecheck.errors import ClausecheckError
from clausecheck.pipeline import engine_for

WORKER_START_FAILURES_ALLOWED = 3
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_CHECK_SECONDS = 1.0


def _die_with_parent(parent_pid: int) -> None:
    """Make sure this process ends when the process `parent_pid` does."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(PARENT_CHECK_SECONDS)

    # The parent may have died before prctl took effect: the watchdog covers that too.
    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def worker_main(connection, settings, parent_pid: int, inherited: tuple[int, ...]) -> None:
    """A worker: compile the engine once, then check files sent over `connection` until told to stop."""
    # The main process decides when to stop; a Ctrl-C on the terminal reaches it alone.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for descriptor in inherited:  # the parent's ends of the pipes: with them open, no EOF ever comes
        try:
            os.close(descriptor)
        except OSError:
            pass
    _die_with_parent(parent_pid)
    try:
        try:
            engine_for(settings.rules_dirs)
        except BaseException as error:  # noqa: BLE001 - tell the main process why, then end
            connection.send(("failed", f"{type(error).__name__}: {error}"))
            return
        connection.send(("ready", None))
        while True:
            task = connection.recv()
            if task is None:
                return
            index, path, display, memo = task
            connection.send(("done", (index, work.check_one(path, display, memo, settings))))
    except (EOFError, OSError):
        return  # the parent's end of the pipe is gone: so is the parent


def context():
    # fork starts workers fast and shares the imported code; spawn where fork does not exist.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")



def stop_worker(process, connection, stop_message, kill: bool = False) -> None:
    """Ask a worker process to stop (or kill it), wait a little, kill it if it lingers, and
    close our end of its pipe. The serve page's workers stop the same way."""
    if process.is_alive():
        if kill:
            process.kill()
        else:
            try:
                connection.send(stop_message)
            except OSError:
                pass
    process.join(timeout=None if kill else 5)
    if process.is_alive():
        process.kill()
        process.join()
    connection.close()


class Worker:
    """A worker process, its pipe and the file it is busy with."""

    def __init__(self, process_context, settings, parent_ends: tuple[int, ...] = ()):
        self.connection, child = process_context.Pipe()
        forked = process_context.get_start_method() == "fork"
        inherited = (*parent_ends, self.connection.fileno()) if forked else ()
        self.process = process_context.Process(target=worker_main, args=(child, settings, os.getpid(), inherited), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send((task.index, task.path, task.display, task.memo))

    def stop(self, kill: bool = False) -> None:
        stop_worker(self.process, self.connection, None, kill)


class WorkerPool:
    """Up to `jobs` workers checking `tasks`; see the module docstring."""

    def __init__(self, jobs: int, settings, timeout: float):
        self.jobs, self.settings, self.timeout = jobs, settings, timeout
        self.context = context()

    def prepare(self) -> None:
        if self.context.get_start_method() == "fork":
            # Workers forked from a process that has compiled the rules need not compile them
            # again: they start at once and share the compiled pack's memory.
            precompile(engine_for(self.settings.rules_dirs))
            # The compiled engine lives as long as the run: keep the collector from re-scanning
            # it in every worker (and from touching, hence copying, the pages shared by fork).
            gc.freeze()

    def run(self, tasks: list[Task], record: Callable[[Task, dict], None], started: Callable[[Task], None], tell: Callable[[str], None] = print) -> None:
        """Check `tasks`; call `record(task, outcome)` for each, with an E301 outcome for lost ones."""
        self.prepare()
        pending = list(reversed(tasks))
        workers: list[Worker] = []
        start_failures = 0
        try:
            while pending or any(w.task for w in workers):
                while len(workers) < min(self.jobs, len(pending) + sum(1 for w in workers if w.task)):
                    workers.append(Worker(self.context, self.settings, tuple(w.connection.fileno() for w in workers)))
                for worker in workers:
                    if worker.ready and worker.task is None and pending:
                        task = pending.pop()
                        started(task)
                        worker.give(task)
                busy = [w for w in workers if w.task]
                now = time.monotonic()
                wait_for = min((w.started + self.timeout - now for w in busy), default=1.0)
                ready = wait([w.connection for w in workers] + [w.process.sentinel for w in workers], timeout=max(0.0, min(wait_for, 1.0)))
                for worker in list(workers):
                    lost: str | None = None
                    if worker.connection in ready:
                        try:
                            kind, payload = worker.connection.recv()
                        except (EOFError, OSError):
                            kind, payload = "dead", None
                        if kind == "ready":
                            worker.ready = True
                            continue
                        if kind == "done":
                            task, worker.task = worker.task, None
                            record(task, payload[1])
                            continue
                        if kind == "failed":
                            raise ClausecheckError(f"a worker could not start: {payload}", code="E301")
                        lost = "the worker process died"
                    elif worker.process.sentinel in ready and not worker.process.is_alive():
                        lost = "the worker process died"
                    elif worker.task and time.monotonic() - worker.started > self.timeout:
                        lost = f"timed out after {self.timeout:g} s"
                    if lost is None:
                        continue
                    worker.stop(kill=True)
                    workers.remove(worker)
                    if worker.task is None:
                        if not worker.ready:
                            start_failures += 1
                            if start_failures >= WORKER_START_FAILURES_ALLOWED:
                                raise ClausecheckError(f"workers die while starting (exit code {worker.process.exitcode})", code="E301")
                        continue
                    code = worker.process.exitcode
                    why = lost if code is None or lost.startswith("timed") else f"{lost} (exit code {code})"
                    record(worker.task, work.error_outcome(worker.task.display, "E301", why))
        finally:
            for worker in workers:
                worker.stop(kill=bool(worker.task))
