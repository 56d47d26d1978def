"""The batch on a Dask cluster (`--cluster tcp://HOST:PORT` or `--cluster local[:N]`), the
optional extra `clausecheck[cluster]`.

The client stays the batch's one writer: the run's `record` stores each outcome and writes its
memo as the futures complete (`as_completed`), exactly as with the local pool, so the
outputs are the same bytes. The settings and the compiled rule pack travel once per worker,
inside a worker plugin; each task carries only a file's path (on a folder the workers share at
the same path) or, with `--ship-files`, its bytes. On the worker, each file is checked in a
child process (batch.child) under the per-file timeout, so a hang or a crash costs that file
an E301 naming the worker, not the worker. A worker that dies mid-file has its task retried
by the scheduler; a second loss is recorded as E301. Losing the scheduler ends the run with
E305 and a consistent output folder; the next run finishes the rest.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pickle
import threading
import time
import uuid
from concurrent.futures import CancelledError
from typing import Callable

from clausecheck.batch import work
from clausecheck.batch.child import Child
from clausecheck.batch.options import Task
from clausecheck.errors import ClausecheckError
from clausecheck.pipeline import engine_for

try:
    import dask
    from distributed import Client, KilledWorker, LocalCluster, as_completed, get_worker
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # the optional extra is not installed: say how to get it when asked for
    dask = None
    WorkerPlugin = object

IN_FLIGHT_PER_THREAD = 4  # enough queued work to keep workers busy, little held for --ship-files
CONNECT_SECONDS = 30
LOST_SCHEDULER_SECONDS = 20  # how long a run waits for a scheduler it lost before it gives up


class EnginePlugin(WorkerPlugin):
    """Carries the settings and the rule pack to each worker once; runs one child per worker thread."""

    def __init__(self, settings, pack, token: str):
        self.settings, self.pack, self.token = settings, pack, token
        self.name = f"clausecheck-{token}"

    def setup(self, worker) -> None:
        self.address = worker.address
        self.children: dict[int, Child] = {}
        self.lock = threading.Lock()

    def child(self) -> Child:
        with self.lock:
            thread = threading.get_ident()
            if thread not in self.children:
                self.children[thread] = Child(self.settings, self.pack, self.address)
            return self.children[thread]

    def teardown(self, worker) -> None:
        for child in self.children.values():
            child.stop()


def check_on_worker(plugin_name: str, source, display: str, memo: str, timeout: float) -> dict:
    """The Dask task: check one file in this worker's child process."""
    plugin = get_worker().plugins[plugin_name]
    return plugin.child().check(source, display, memo, timeout)


def parse_address(address: str) -> tuple[str, int | None]:
    """("local", N or None) for `local[:N]`, ("remote", None) for a scheduler address."""
    if address == "local":
        return "local", None
    if address.startswith("local:"):
        count = address.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise ClausecheckError(f"--cluster {address!r}: give local or local:N with N ≥ 1", code="E305")
        return "local", int(count)
    return "remote", None


class ClusterPool:
    """Checks the batch's tasks on Dask; the same `run` as the local WorkerPool."""

    def __init__(self, address: str, settings, timeout: float, ship_files: bool = False, jobs: int | None = None):
        if dask is None:
            raise ClausecheckError('--cluster needs Dask: pip install "clausecheck[cluster]"', code="E305")
        self.address, self.settings, self.timeout, self.ship_files, self.jobs = address, settings, timeout, ship_files, jobs
        self.kind, self.workers = parse_address(address)

    def _connect(self, tell: Callable[[str], None]):
        cluster = None
        try:
            if self.kind == "local":
                # A worker lost mid-file: its task is tried once more elsewhere, then recorded.
                with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                    cluster = LocalCluster(
                        n_workers=self.workers or self.jobs or os.cpu_count() or 1,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",
                        silence_logs=logging.ERROR,
                    )
                client = Client(cluster, timeout=CONNECT_SECONDS)
            else:
                client = Client(self.address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            if cluster is not None:
                cluster.close()
            raise ClausecheckError(f"cannot reach the Dask scheduler at {self.address}: {error}", code="E305") from None
        services = client.scheduler_info().get("services", {})
        # A local scheduler serves its dashboard only when bokeh is installed here.
        if "dashboard" in services and (self.kind == "remote" or importlib.util.find_spec("bokeh")):
            tell(f"Dask dashboard: {client.dashboard_link}")
        return client, cluster

    def run(self, tasks: list[Task], record: Callable[[Task, dict], None], started: Callable[[Task], None], tell: Callable[[str], None] = print) -> None:
        # Dask logs a lost connection with a traceback; the run reports it once, coded (E305).
        loggers = [logging.getLogger(name) for name in ("distributed", *logging.root.manager.loggerDict) if name.startswith("distributed")]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.CRITICAL)
        client, cluster = None, None
        try:
            client, cluster = self._connect(tell)
            self._run(client, tasks, record, started)
        finally:
            if client is not None:
                self._close(client, cluster)
            for logger, level in zip(loggers, levels):
                logger.setLevel(level)

    @staticmethod
    def _close(client, cluster) -> None:
        try:
            client.close(timeout=10)
        except Exception:  # noqa: BLE001 - a scheduler already gone cannot be told goodbye
            pass
        if cluster is not None:
            cluster.close(timeout=30)

    def _source(self, task: Task):
        if not self.ship_files:
            return os.path.abspath(task.path)
        if task.size > self.settings.read.max_bytes:
            return {"size": task.size}  # never read: the worker's reader refuses its size (E109)
        try:
            with open(task.path, "rb") as handle:
                return handle.read()
        except OSError:
            return os.path.abspath(task.path)  # the worker reports it as it would for a path

    def _run(self, client, tasks: list[Task], record, started) -> None:
        pack = engine_for(self.settings.rules_dirs).pack
        token = hashlib.sha256(pickle.dumps((self.settings, pack.version))).hexdigest()[:16]
        plugin = EnginePlugin(self.settings, pack, token)
        client.register_plugin(plugin, name=plugin.name)
        threads = sum(client.nthreads().values()) or 1
        queue = list(reversed(tasks))
        in_flight: dict[str, tuple[Task, int]] = {}
        completed = as_completed()

        def submit(task: Task, attempt: int) -> None:
            future = client.submit(check_on_worker, plugin.name, self._source(task), task.display, task.memo, self.timeout,
                                   key=f"clausecheck-{task.index}-{uuid.uuid4().hex}", pure=False)
            in_flight[future.key] = (task, attempt)
            completed.add(future)

        def top_up() -> None:
            while queue and len(in_flight) < threads * IN_FLIGHT_PER_THREAD:
                task = queue.pop()
                started(task)
                submit(task, 0)

        watchdog = _SchedulerWatch(client, completed)
        try:
            top_up()
            for future in completed:
                watchdog.check()
                if future.status == "pending":  # handed back while its lost worker's task is rescheduled
                    completed.add(future)
                    time.sleep(0.05)
                    continue
                task, attempt = in_flight.pop(future.key)
                if future.status == "finished":
                    outcome = future.result()
                else:
                    outcome = self._failed(future, task, attempt, submit)
                future.release()
                if outcome is not None:
                    record(task, outcome)
                top_up()
            watchdog.check()
            if queue or in_flight:
                raise ClausecheckError("the Dask scheduler was lost before every file was checked", code="E305")
        except (OSError, TimeoutError, CancelledError) as error:  # CommClosedError is an OSError
            raise ClausecheckError(f"lost the Dask scheduler at {self.address}: {type(error).__name__}: {error}", code="E305") from None
        finally:
            watchdog.stop()
            for future in list(completed.futures):
                future.cancel()

    @staticmethod
    def _failed(future, task: Task, attempt: int, submit) -> dict | None:
        """The outcome of a task that did not finish: retried once, or an E301 line."""
        try:
            return future.result(timeout=5)  # settled after all
        except KilledWorker as error:
            last = getattr(getattr(error, "last_worker", None), "address", "an unknown worker")
            if attempt == 0:
                submit(task, 1)
                return None
            return work.error_outcome(task.display, "E301", f"its worker died while checking it, twice (last on {last})")
        except Exception as error:  # noqa: BLE001 - the task itself failed on the worker
            if future.status == "cancelled":
                raise ClausecheckError(f"the Dask scheduler was lost: {error or 'tasks cancelled'}", code="E305") from None
            if attempt == 0:  # lost or unsettled: once more, like a task whose worker died
                submit(task, 1)
                return None
            return work.error_outcome(task.display, "E301", f"failed on the cluster: {type(error).__name__}: {error}")


class _SchedulerWatch:
    """Ends a run whose scheduler is gone: as_completed alone would wait for it forever."""

    def __init__(self, client, completed):
        self.client, self.completed = client, completed
        self.lost: str | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="scheduler-watch", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        unreachable_since = None
        while not self.stopped.wait(1.0):
            if self.client.status == "running":
                unreachable_since = None
                continue
            unreachable_since = unreachable_since or time.monotonic()
            if time.monotonic() - unreachable_since > LOST_SCHEDULER_SECONDS or self.client.status in ("closed", "closing"):
                self.lost = f"the Dask scheduler is unreachable (client {self.client.status})"
                self.completed.clear()  # wakes the loop up
                return

    def check(self) -> None:
        if self.lost:
            raise ClausecheckError(self.lost, code="E305")

    def stop(self) -> None:
        self.stopped.set()

