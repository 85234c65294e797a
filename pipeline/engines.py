"""Where batch tasks run: in this process, on a local pool of worker processes, or on Dask.

Engines are registered by name, as camelot registers its parsers::

    ENGINES = {"serial": SerialEngine, "local": LocalEngine, "dask": DaskEngine}

An engine is a context manager with one method, :meth:`run`: it calls a
module-level function on many argument tuples and yields ``(key, Done)`` in
*completion* order. ``Done.error`` is set instead of ``Done.value`` when the
task timed out, its worker died or ran out of memory: a task never raises into
the batch. Ordering is the caller's job (the batch runner buffers and writes in
input order), so all engines give the same bytes for the same inputs.

``setup`` is a ``(function, argument)`` pair run once in each worker before its
first task (and again in a replacement worker): that is how phase 2 ships the
read-only batch index once per worker rather than once per task.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import pickle
import sys
import time
import types
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator, Optional

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_LIMIT = 4 << 30  # bytes of address space per worker; OCR models need a few GiB


@dataclass
class Done:
    """How one task ended: its value, or why it has none."""

    value: Any = None
    error: Optional[str] = None
    seconds: float = 0.0


Task = tuple[Any, tuple]  # (key, arguments)
Setup = Optional[tuple[Callable[[Any], None], Any]]


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class SerialEngine:
    """Everything in the calling process: no isolation, no timeout; for the API and debugging."""

    name = "serial"

    def __init__(self, **_: Any) -> None:
        self.workers = 1

    def __enter__(self) -> "SerialEngine":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def run(self, fn: Callable, tasks: Iterable[Task], *, setup: Setup = None) -> Iterator[tuple[Any, Done]]:
        if setup is not None:
            setup[0](setup[1])
        for key, args in tasks:
            started = time.perf_counter()
            try:
                yield key, Done(fn(*args), seconds=time.perf_counter() - started)
            except MemoryError:
                yield key, Done(error="ran out of memory", seconds=time.perf_counter() - started)


# ---------------------------------------------------------------- local pool

def _limit_memory(limit: Optional[int]) -> None:
    if not limit:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not POSIX, or not allowed
        pass


def _worker_main(conn, memory_limit: Optional[int], setup_blob: Optional[bytes]) -> None:
    """A pool worker: run setup, then answer (fn, args) messages until told to stop."""
    _limit_memory(memory_limit)
    if setup_blob is not None:
        function, argument = pickle.loads(setup_blob)
        function(argument)
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        fn, args = message
        try:
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send(("error", "ran out of memory"))
        except Exception as error:  # the task function should catch its own; this is the last net
            conn.send(("error", f"{type(error).__name__}: {error}"))


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    """Start workers without re-running the caller's ``__main__``.

    Workers only run jixiao's module-level functions, so they never need it; and
    a script, notebook or ``python -`` that calls ``convert`` without an
    ``if __name__ == "__main__":`` guard would otherwise start workers from
    every worker (multiprocessing re-imports the main module in each child).
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@dataclass
class _Worker:
    process: Any
    conn: Any
    ready: bool = False
    task: Optional[Task] = None
    started: float = 0.0


class LocalEngine:
    """A pool of worker processes that this engine owns, so it can kill and replace any of them.

    ``concurrent.futures.ProcessPoolExecutor`` cannot kill one hung task and
    breaks entirely when a worker dies; here each worker runs one task at a
    time, a task past ``timeout`` seconds gets its worker killed and replaced,
    and a worker that dies (out of memory, a crash in C code) costs only the
    task it was running. Each worker's address space is capped at
    ``memory_limit`` bytes, so a runaway allocation raises MemoryError there.
    """

    name = "local"

    def __init__(self, workers: Optional[int] = None, *, timeout: Optional[float] = DEFAULT_TIMEOUT,
                 memory_limit: Optional[int] = DEFAULT_MEMORY_LIMIT, **_: Any) -> None:
        self.workers = workers or default_workers()
        self.timeout = timeout
        self.memory_limit = memory_limit
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        # not fork: the parent may run a progress thread and hold SQLite handles
        self._context = multiprocessing.get_context(method)
        if method == "forkserver":  # workers fork from a server that has jixiao imported already
            self._context.set_forkserver_preload(["jixiao.pipeline.batch"])

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def _start(self, setup_blob: Optional[bytes]) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, self.memory_limit, setup_blob),
                                        daemon=True)
        with _without_main():
            process.start()
        child.close()
        return _Worker(process, parent)

    @staticmethod
    def _stop(worker: _Worker, *, kill: bool) -> None:
        if kill:
            worker.process.kill()
        else:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        worker.process.join(5)
        if worker.process.is_alive():  # pragma: no cover - a worker ignoring its stop message
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def run(self, fn: Callable, tasks: Iterable[Task], *, setup: Setup = None) -> Iterator[tuple[Any, Done]]:
        setup_blob = pickle.dumps(setup, protocol=pickle.HIGHEST_PROTOCOL) if setup is not None else None
        pending = iter(tasks)
        first = next(pending, None)
        if first is None:  # everything was cached: start no worker at all
            return
        pending = itertools.chain([first], pending)
        exhausted = False
        workers = [self._start(setup_blob) for _ in range(self.workers)]
        setup_failures = 0
        try:
            while True:
                # hand a task to every idle worker
                for worker in workers:
                    if worker.ready and worker.task is None:
                        task = None if exhausted else next(pending, None)
                        exhausted = task is None
                        if task is None:
                            continue
                        worker.task, worker.started = task, time.monotonic()
                        worker.conn.send((fn, task[1]))
                if exhausted and all(w.task is None for w in workers):
                    return
                waitables = [w.conn for w in workers] + [w.process.sentinel for w in workers]
                wait(waitables, timeout=self._next_deadline(workers))
                for position, worker in enumerate(workers):
                    finished, replace = self._poll(worker)
                    if replace:
                        if not worker.ready and finished is None:
                            setup_failures += 1
                            if setup_failures > 3 * self.workers:
                                raise RuntimeError(
                                    "local engine: workers keep dying during setup (exit code "
                                    f"{worker.process.exitcode}); a script that converts with worker "
                                    "processes must do it under `if __name__ == '__main__':`")
                        self._stop(worker, kill=True)
                        workers[position] = self._start(setup_blob)
                    if finished is not None:
                        yield finished
        finally:
            for worker in workers:
                self._stop(worker, kill=worker.task is not None)

    def _next_deadline(self, workers: list[_Worker]) -> Optional[float]:
        busy = [w.started for w in workers if w.task is not None]
        if self.timeout is None or not busy:
            return None
        return max(0.0, min(busy) + self.timeout - time.monotonic()) + 0.01

    def _poll(self, worker: _Worker) -> tuple[Optional[tuple[Any, Done]], bool]:
        """What happened to one worker: (a finished task or None, whether to replace the worker)."""
        died = False
        if worker.conn.poll():
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                kind, payload, died = "died", None, True
            if kind == "ready":
                worker.ready = True
                return None, False
            if kind in ("ok", "error"):
                key, seconds = worker.task[0], time.monotonic() - worker.started
                worker.task = None
                done = Done(payload, seconds=seconds) if kind == "ok" else Done(error=payload, seconds=seconds)
                # after a MemoryError the worker's heap is suspect: start a fresh one
                return (key, done), kind == "error" and payload == "ran out of memory"
        elif not worker.process.is_alive():
            died = True
        if died:
            worker.process.join(1)
            code = worker.process.exitcode
            reason = (f"worker process was killed by signal {-code} (out of memory, or a crash)"
                      if code is not None and code < 0 else f"worker process exited with code {code}")
            return self._lost(worker, reason), True
        if worker.task is not None and self.timeout is not None and \
                time.monotonic() - worker.started > self.timeout:
            return self._lost(worker, f"timed out after {self.timeout:g} s"), True
        return None, False

    @staticmethod
    def _lost(worker: _Worker, reason: str) -> Optional[tuple[Any, Done]]:
        task, worker.task = worker.task, None
        if task is None:
            return None
        return task[0], Done(error=reason, seconds=time.monotonic() - worker.started)


# ---------------------------------------------------------------- dask

_DASK_CONTEXT: dict[str, Any] = {}


def _dask_call(setup_key: Optional[str], setup: Setup, fn: Callable, args: tuple):
    """Run one task on a Dask worker, running ``setup`` first if this worker has not yet."""
    if setup is not None and _DASK_CONTEXT.get("setup") != setup_key:
        setup[0](setup[1])
        _DASK_CONTEXT["setup"] = setup_key
    return fn(*args)


class DaskEngine:
    """Tasks on a Dask cluster: ``scheduler="tcp://host:port"``, or a LocalCluster started here.

    ``setup``'s argument is scattered to every worker once (``broadcast=True``)
    and each task receives it by reference, so the batch index travels once
    per worker. At most one task per worker thread is in flight, so a task's
    wall time is measured from its submission: past ``timeout`` its future is
    cancelled, its worker restarted (the nanny starts a fresh one) and the task
    reported as timed out. A task that keeps killing workers (Dask's memory
    limit, a crash) comes back as ``KilledWorker`` and is reported failed.
    Workers need ``pip install jixiao`` of the same version as the client.
    """

    name = "dask"

    def __init__(self, workers: Optional[int] = None, *, scheduler: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT, memory_limit: Optional[int] = DEFAULT_MEMORY_LIMIT,
                 **_: Any) -> None:
        self.requested = workers
        self.scheduler = scheduler
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.client = None
        self.cluster = None
        self.workers = workers or 1

    def __enter__(self) -> "DaskEngine":
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            with _without_main():  # see _without_main: the nannies spawn worker processes
                self.cluster = LocalCluster(n_workers=self.requested or default_workers(), threads_per_worker=1,
                                            processes=True, memory_limit=self.memory_limit or 0,
                                            dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)
        self.client.wait_for_workers(1)
        self.workers = max(1, sum(self.client.nthreads().values()))
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def run(self, fn: Callable, tasks: Iterable[Task], *, setup: Setup = None) -> Iterator[tuple[Any, Done]]:
        import uuid

        from distributed import wait as dask_wait

        client = self.client
        pending = iter(tasks)
        first = next(pending, None)
        if first is None:
            return
        pending = itertools.chain([first], pending)
        setup_key = uuid.uuid4().hex if setup is not None else None
        # one copy of the (large) setup argument per worker, not per task
        shipped = (setup[0], client.scatter(setup[1], broadcast=True, hash=False)) if setup is not None else None
        running: dict[Any, tuple[Any, float]] = {}  # future -> (key, submitted)

        def submit() -> None:
            task = next(pending, None)
            if task is not None:
                future = client.submit(_dask_call, setup_key, shipped, fn, task[1], pure=False)
                running[future] = (task[0], time.monotonic())

        for _ in range(self.workers):
            submit()
        while running:
            timeout = None
            if self.timeout is not None:
                timeout = max(0.05, min(s for _, s in running.values()) + self.timeout - time.monotonic())
            try:
                dask_wait(list(running), timeout=timeout, return_when="FIRST_COMPLETED")
            except TimeoutError:
                pass
            for future in [f for f in running if f.done()]:
                key, submitted = running.pop(future)
                yield key, self._done(future, submitted)
                submit()
            for future, (key, submitted) in list(running.items()):
                if self.timeout is not None and time.monotonic() - submitted > self.timeout:
                    running.pop(future)
                    self._kill(future)
                    yield key, Done(error=f"timed out after {self.timeout:g} s",
                                    seconds=time.monotonic() - submitted)
                    submit()
        if shipped is not None:
            client.cancel([shipped[1]])

    @staticmethod
    def _done(future, submitted: float) -> Done:
        seconds = time.monotonic() - submitted
        if future.status == "finished":
            return Done(future.result(), seconds=seconds)
        error = future.exception()
        name = type(error).__name__
        if name == "KilledWorker":
            return Done(error="its worker died repeatedly (out of memory, or a crash)", seconds=seconds)
        if isinstance(error, MemoryError):
            return Done(error="ran out of memory", seconds=seconds)
        return Done(error=f"{name}: {error}", seconds=seconds)

    def _kill(self, future) -> None:
        """Cancel a hung task and restart the worker running it: a thread cannot be stopped."""
        client = self.client
        holders = [worker for worker, keys in client.processing().items() if future.key in keys]
        future.cancel()
        if holders:
            try:
                with _without_main():
                    client.restart_workers(holders, timeout=60)
            except Exception:  # pragma: no cover - e.g. workers without a nanny
                pass


ENGINES: dict[str, type] = {"serial": SerialEngine, "local": LocalEngine, "dask": DaskEngine}
"""Engines by name; ``make_engine("local", workers=4)`` builds one."""


def make_engine(name: str, **options: Any):
    """The engine registered as ``name``, configured with ``options``."""
    try:
        engine = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}") from None
    return engine(**options)
