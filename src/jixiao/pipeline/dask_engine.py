"""The Dask engine: batch tasks on a Dask cluster, or on a LocalCluster started here.

Registered as ``"dask"`` in :data:`jixiao.pipeline.engines.ENGINES`; the
interface is the one described there.
"""

from __future__ import annotations

import itertools
import time
from typing import Any, Callable, Iterable, Iterator, Optional

from ..model.errors import EngineError, ErrorCode
from .engines import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIMEOUT,
    OUT_OF_MEMORY,
    Done,
    Setup,
    Task,
    _without_main,
    default_workers,
)

CONNECT_TIMEOUT = 10.0
"""Seconds to reach a scheduler given with ``--scheduler`` before the batch stops with an EngineError."""

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
        # a LocalCluster's workers read the inputs themselves; a remote cluster's get their bytes
        self.shares_files = not scheduler

    def __enter__(self) -> "DaskEngine":
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = _connect(Client, self.scheduler)
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
                    yield key, Done(error=f"timed out after {self.timeout:g} s", code=ErrorCode.TIMED_OUT,
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
            return Done(error="its worker died repeatedly (out of memory, or a crash)", code=ErrorCode.WORKER_DIED,
                        seconds=seconds)
        if isinstance(error, MemoryError):
            return Done(error=OUT_OF_MEMORY, code=ErrorCode.OUT_OF_MEMORY, seconds=seconds)
        return Done(error=f"{name}: {error}", code=ErrorCode.TASK_FAILED, seconds=seconds)

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


def _connect(client_class: Callable[..., Any], scheduler: str):
    """A client of the scheduler at ``scheduler``, or an :class:`EngineError` naming it (issue 23: an
    unreachable scheduler gave a traceback after 30 s)."""
    client = None
    try:
        client = client_class(scheduler, timeout=CONNECT_TIMEOUT)
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT * 3)
        return client
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        if client is not None:
            client.close()
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise EngineError(f"the Dask scheduler {scheduler} cannot be reached or has no workers ({detail}); "
                          "check the address (tcp://host:8786) and that its workers run, or leave out "
                          "--scheduler to start a cluster here") from None
