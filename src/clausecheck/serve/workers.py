"""A small pool of worker processes for the web page: one slow or stuck file never blocks the page.

The page's server is one asyncio process; reading a PDF and running the rules take CPU time
and may, on a hostile file, take too long or kill the process that runs them. So every read
and every check runs here, in a worker process, and the server only waits on a Future. A
dispatcher thread hands tasks to idle workers, relays the stages a task reports ("reading",
"checking", ...), and kills a worker whose task has run past the timeout: that task fails with
E301 and a fresh worker takes the dead one's place, as in a batch.

Workers are started from a fork server (or spawned where there is none) rather than forked
from the server itself, because the server is multi-threaded by then and a fork of a threaded
process may inherit a lock held by another thread.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable

from clausecheck.batch.pool import stop_worker
from clausecheck.errors import ClausecheckError

# The pipe of the worker this process is, so that a task can report its stage from anywhere.
_worker_connection: Connection | None = None
STOP = None


def report_stage(stage: str) -> None:
    """Tell the server which step the current task is at (a no-op outside a worker)."""
    if _worker_connection is not None:
        _worker_connection.send(("stage", stage))


class TaskFailed(ClausecheckError):
    """A task ended with a coded error (raised inside the worker, or E301 for a lost worker)."""


@dataclass
class _Task:
    function: Callable[..., Any]
    args: tuple
    future: Future
    on_stage: Callable[[str], None] | None


def _worker_main(connection: Connection, initializer, initargs: tuple) -> None:
    """A worker: prepare once, then run tasks sent over `connection` until told to stop."""
    global _worker_connection
    # The server decides when workers stop; Ctrl-C on its terminal must reach the server alone.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_connection = connection
    try:
        if initializer is not None:
            initializer(*initargs)
    except BaseException as error:  # noqa: BLE001 - tell the server why, then end
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is STOP:
            return
        function, args = task
        try:
            outcome = ("done", function(*args))
        except ClausecheckError as error:
            outcome = ("error", (error.code, error.message))
        except Exception as error:  # noqa: BLE001 - a task's bug is reported as E300, the worker lives on
            outcome = ("error", ("E300", f"internal error: {type(error).__name__}: {error}"))
        connection.send(outcome)


class _Worker:
    """One worker process, its pipe, and the task it is busy with."""

    def __init__(self, context, initializer, initargs: tuple):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, initializer, initargs), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: _Task | None = None
        self.started = 0.0

    def give(self, task: _Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send((task.function, task.args))

    def stop(self, kill: bool) -> None:
        stop_worker(self.process, self.connection, STOP, kill)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class WorkerPool:
    """`jobs` worker processes; `submit` returns a Future that a timeout or a dead worker fails with E301."""

    START_FAILURES_ALLOWED = 3

    def __init__(self, jobs: int, timeout: float, initializer: Callable | None = None, initargs: tuple = (), preload: tuple[str, ...] = ()):
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self._initializer, self._initargs = initializer, initargs
        self._context = _context()
        if preload and self._context.get_start_method() == "forkserver":
            # Workers fork from a server that has imported the checker already: they start at once.
            self._context.set_forkserver_preload(list(preload))
        self._pending: collections.deque[_Task] = collections.deque()
        self._lock = threading.Lock()
        self._wake_read, self._wake_write = multiprocessing.Pipe(duplex=False)
        self._closing = False
        self._broken: str | None = None
        self._workers: list[_Worker] = []
        self._thread = threading.Thread(target=self._dispatch, name="clausecheck-workers", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- used by the server

    def submit(self, function: Callable[..., Any], args: tuple = (), on_stage: Callable[[str], None] | None = None) -> Future:
        """Run `function(*args)` in a worker; its result (or TaskFailed) arrives on the Future."""
        future: Future = Future()
        with self._lock:
            if self._closing or self._broken:
                future.set_exception(TaskFailed(self._broken or "the worker pool is closed", code="E301"))
                return future
            self._pending.append(_Task(function, args, future, on_stage))
        self._wake()
        return future

    def position(self, future: Future) -> int | None:
        """How many tasks wait before this one (0: next), or None when it is running or done."""
        with self._lock:
            for place, task in enumerate(self._pending):
                if task.future is future:
                    return place
        return None

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._pending)

    def close(self) -> None:
        with self._lock:
            self._closing = True
        self._wake()
        self._thread.join(timeout=15)

    # ---------------------------------------------------------------- the dispatcher thread

    def _wake(self) -> None:
        try:
            self._wake_write.send_bytes(b"!")
        except OSError:
            pass

    def _dispatch(self) -> None:
        start_failures = 0
        try:
            while True:
                with self._lock:
                    closing = self._closing
                if closing:
                    break
                self._fill()
                self._hand_out()
                busy = [w for w in self._workers if w.task]
                now = time.monotonic()
                wait_for = min((w.started + self.timeout - now for w in busy), default=1.0)
                sources = [self._wake_read] + [w.connection for w in self._workers] + [w.process.sentinel for w in self._workers]
                ready = wait(sources, timeout=max(0.0, min(wait_for, 1.0)))
                if self._wake_read in ready:
                    while self._wake_read.poll():
                        self._wake_read.recv_bytes()
                for worker in list(self._workers):
                    lost = self._serve(worker, ready)
                    if lost is None:
                        continue
                    worker.stop(kill=True)
                    self._workers.remove(worker)
                    if worker.task is None:
                        if not worker.ready:
                            start_failures += 1
                            if start_failures >= self.START_FAILURES_ALLOWED:
                                raise TaskFailed(f"workers die while starting (exit code {worker.process.exitcode})", code="E301")
                        continue
                    code = worker.process.exitcode
                    why = lost if code is None or lost.startswith("timed") else f"{lost} (exit code {code})"
                    self._finish(worker.task, error=TaskFailed(why, code="E301"))
        except Exception as error:  # noqa: BLE001 - fail what is left rather than leave Futures hanging
            with self._lock:
                self._broken = f"the worker pool stopped: {error}"
        finally:
            for worker in self._workers:
                if worker.task:
                    self._finish(worker.task, error=TaskFailed("the server is stopping", code="E301"))
                worker.stop(kill=bool(worker.task))
            with self._lock:
                left, self._pending = list(self._pending), collections.deque()
            for task in left:
                self._finish(task, error=TaskFailed(self._broken or "the server is stopping", code="E301"))

    def _fill(self) -> None:
        with self._lock:
            wanted = min(self.jobs, len(self._pending) + sum(1 for w in self._workers if w.task))
        # Keep at least one worker warm so that the first file of a session starts at once.
        wanted = max(wanted, 1)
        while len(self._workers) < wanted:
            self._workers.append(_Worker(self._context, self._initializer, self._initargs))

    def _hand_out(self) -> None:
        for worker in self._workers:
            if not (worker.ready and worker.task is None):
                continue
            with self._lock:
                if not self._pending:
                    return
                task = self._pending.popleft()
            if not task.future.set_running_or_notify_cancel():
                continue
            worker.give(task)
            self._stage(task, "started")

    def _serve(self, worker: _Worker, ready: list) -> str | None:
        """Read what `worker` sent; return why it is lost, or None while it is fine."""
        if worker.connection in ready:
            try:
                while worker.connection.poll():
                    kind, payload = worker.connection.recv()
                    if kind == "ready":
                        worker.ready = True
                    elif kind == "stage" and worker.task:
                        self._stage(worker.task, payload)
                    elif kind == "done" and worker.task:
                        task, worker.task = worker.task, None
                        self._finish(task, result=payload)
                    elif kind == "error" and worker.task:
                        task, worker.task = worker.task, None
                        code, message = payload
                        self._finish(task, error=TaskFailed(message, code=code))
                    elif kind == "failed":
                        raise TaskFailed(f"a worker could not start: {payload}", code="E301")
            except (EOFError, OSError):
                return "the worker process died"
            return None
        if worker.process.sentinel in ready and not worker.process.is_alive():
            return "the worker process died"
        if worker.task and time.monotonic() - worker.started > self.timeout:
            return f"timed out after {self.timeout:g} s"
        return None

    @staticmethod
    def _stage(task: _Task, stage: str) -> None:
        if task.on_stage is not None:
            try:
                task.on_stage(stage)
            except Exception:  # noqa: BLE001 - progress is a courtesy; it must not stop the pool
                pass

    @staticmethod
    def _finish(task: _Task, result: Any = None, error: Exception | None = None) -> None:
        if task.future.done():
            return
        if error is not None:
            task.future.set_exception(error)
        else:
            task.future.set_result(result)


def default_jobs() -> int:
    """Two workers at most by default: the page serves one person, and the machine is theirs."""
    return max(1, min(2, os.cpu_count() or 1))
