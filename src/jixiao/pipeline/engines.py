"""Where batch tasks run: in this process, on a local pool of worker processes, or on Dask.

Engines are registered by name, as camelot registers its parsers::

    ENGINES = {"serial": SerialEngine, "local": LocalEngine, "dask": DaskEngine (in .dask_engine)}

An engine is a context manager with one method, :meth:`run`: it calls a
module-level function on many argument tuples and yields ``(key, Done)`` in
*completion* order. ``Done.error`` is set instead of ``Done.value`` when the
task timed out, its worker died or ran out of memory: a task never raises into
the batch. Ordering is the caller's job (the batch runner buffers and writes in
input order), so all engines give the same bytes for the same inputs.

``setup`` is a ``(function, argument)`` pair run once in each worker before its
first task (and again in a replacement worker): that is how phase 2 ships the
read-only batch index once per worker rather than once per task.

``shares_files`` says whether the workers see the batch's files: then an
extraction task names its input (path and fingerprint) and the worker reads it,
so that the batch's process never holds an input whole; otherwise the task
carries the bytes.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import pickle
import sys
import threading
import time
import types
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator, Optional

from ..model.errors import EngineError, ErrorCode, JixiaoError

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_LIMIT = 4 << 30  # bytes of address space per worker; OCR models need a few GiB


@dataclass
class Done:
    """How one task ended: its value, or why it has none (``error`` for people, ``code`` for code)."""

    value: Any = None
    error: Optional[str] = None
    seconds: float = 0.0
    code: Optional[ErrorCode] = None


class UnknownEngine(JixiaoError, ValueError):
    """No engine has that name."""

    default_code = ErrorCode.BAD_OPTION


OUT_OF_MEMORY = "ran out of memory"


Task = tuple[Any, tuple]  # (key, arguments)
Setup = Optional[tuple[Callable[[Any], None], Any]]


GC_THRESHOLD = (10_000, 10, 10)
"""The cyclic collector's thresholds in a jixiao process (Python's default: 700, 10, 10)."""


def collect_garbage_less_often() -> None:
    """Run the cyclic garbage collector about 14 times less often (issue 22): a convert makes
    millions of short-lived objects (tokens, cells, the DP's rows) but few cycles, and at the
    default threshold the collector walked the models and modules every process holds some 400
    times in a ten-file convert, a tenth of its CPU. Memory is unchanged (the peak RSS of that
    convert is the same); called by the command line and by each pool worker, never on import,
    so a program that imports jixiao keeps its own setting."""
    import gc

    gc.set_threshold(*GC_THRESHOLD)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class SerialEngine:
    """Everything in the calling process: no isolation, no timeout; for the API and debugging."""

    name = "serial"
    shares_files = True  # tasks may name input files instead of carrying their bytes

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
                yield key, Done(error=OUT_OF_MEMORY, code=ErrorCode.OUT_OF_MEMORY,
                                seconds=time.perf_counter() - started)


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


def _die_with(parent: Optional[int]) -> None:
    """End this worker as soon as the process that owns the pool is gone (issue 14: workers outlived a
    killed parent by seconds, still writing cache entries).

    On Linux the kernel sends SIGKILL when the direct parent dies (``PR_SET_PDEATHSIG``); the direct
    parent may be the forkserver rather than the pool's owner, so a daemon thread also watches the
    owner's pid and ends the process when it is gone or a zombie.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no libc to ask: the watch thread remains
            pass
    if parent is None:
        return

    def gone() -> bool:
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # pragma: no cover - a pid reused by another user's process
            return True
        try:
            with open(f"/proc/{parent}/stat", "rb") as stat:
                return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
        except OSError:
            return False

    def watch() -> None:
        while not gone():
            time.sleep(0.2)
        os._exit(1)

    if gone():
        os._exit(1)
    # The thread must not take a share of the worker's address-space cap (--memory-limit): a small
    # stack, and glibc told to give it no malloc arena of its own (each reserves 64-128 MB).
    _one_malloc_arena()
    default_stack = threading.stack_size(1 << 17)
    try:
        threading.Thread(target=watch, name="jixiao-parent-watch", daemon=True).start()
    finally:
        threading.stack_size(default_stack)


def _one_malloc_arena() -> None:
    """``mallopt(M_ARENA_MAX, 1)`` where glibc has it: threads share the main heap (workers run one
    task at a time; the OCR runtime allocates through its own arena)."""
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def _quiet_stdout() -> None:
    """Send whatever this worker prints to stderr: stdout is the user's (``--log-json`` writes JSON
    lines there), and libraries chatter (issue 23: xlrd's ``*** xf #14 …`` landed in the JSON)."""
    try:
        sys.stdout.flush()
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # C code writing to fd 1 too
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real file descriptors
        pass
    sys.stdout = sys.stderr


WORK_ROOM = 128 << 20
"""Address space a worker needs beyond what it has at start, to do anything at all."""


def _address_space() -> int:
    """This process's address space in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


def _worker_main(conn, memory_limit: Optional[int], setup_blob: Optional[bytes],
                 parent: Optional[int] = None) -> None:
    """A pool worker: run setup, then answer (fn, args) messages until told to stop."""
    _quiet_stdout()
    _die_with(parent)
    collect_garbage_less_often()
    if memory_limit and _address_space() + WORK_ROOM > memory_limit:
        conn.send(("unfit", _address_space()))  # the cap would leave it no room to work: say so and stop
        return
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
            conn.send(("error", (ErrorCode.OUT_OF_MEMORY.value, OUT_OF_MEMORY)))
        except Exception as error:  # the task function should catch its own; this is the last net
            conn.send(("error", (ErrorCode.TASK_FAILED.value, f"{type(error).__name__}: {error}")))


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
    shares_files = True

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
        process = self._context.Process(target=_worker_main,
                                        args=(child, self.memory_limit, setup_blob, os.getpid()), daemon=True)
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
                                raise EngineError(self._setup_failure(worker.process.exitcode))
                        self._stop(worker, kill=True)
                        workers[position] = self._start(setup_blob)
                    if finished is not None:
                        yield finished
        finally:
            for worker in workers:
                self._stop(worker, kill=worker.task is not None)

    def _setup_failure(self, code: Optional[int]) -> str:
        """Why no worker starts, in the words of the setting to change (issue 23: `--memory-limit 20M`
        gave a RuntimeError about ``__main__``)."""
        if self.memory_limit:
            return (f"the local engine's workers die as they start (exit code {code}): a worker needs more "
                    f"address space than --memory-limit {_mb(self.memory_limit)} allows (about 600 MB to start, "
                    "a few GB for OCR); raise --memory-limit (e.g. 4G, the default) or give 0 for no limit")
        return (f"the local engine's workers die as they start (exit code {code}); a script that converts "
                "with worker processes must do it under `if __name__ == '__main__':`")

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
            if kind == "unfit":
                raise EngineError(
                    f"a local worker already takes {payload >> 20} MB of address space before any work; "
                    f"--memory-limit {_mb(self.memory_limit or 0)} leaves it no room: raise it (e.g. 4G, the "
                    "default) or give 0 for no limit")
            if kind in ("ok", "error"):
                key, seconds = worker.task[0], time.monotonic() - worker.started
                worker.task = None
                if kind == "ok":
                    return (key, Done(payload, seconds=seconds)), False
                code, message = payload
                done = Done(error=message, code=ErrorCode(code), seconds=seconds)
                # after a MemoryError the worker's heap is suspect: start a fresh one
                return (key, done), done.code is ErrorCode.OUT_OF_MEMORY
        elif not worker.process.is_alive():
            died = True
        if died:
            worker.process.join(1)
            code = worker.process.exitcode
            reason = (f"worker process was killed by signal {-code} (out of memory, or a crash)"
                      if code is not None and code < 0 else f"worker process exited with code {code}")
            return self._lost(worker, reason, ErrorCode.WORKER_DIED), True
        if worker.task is not None and self.timeout is not None and \
                time.monotonic() - worker.started > self.timeout:
            return self._lost(worker, f"timed out after {self.timeout:g} s", ErrorCode.TIMED_OUT), True
        return None, False

    @staticmethod
    def _lost(worker: _Worker, reason: str, code: ErrorCode) -> Optional[tuple[Any, Done]]:
        task, worker.task = worker.task, None
        if task is None:
            return None
        return task[0], Done(error=reason, code=code, seconds=time.monotonic() - worker.started)


def _mb(size: int) -> str:
    return f"{size >> 20}M" if size % (1 << 20) == 0 else f"{size} bytes"


def _dask_engine(**options: Any):
    """The Dask engine (see :mod:`.dask_engine`), imported on demand: distributed is heavy."""
    from .dask_engine import DaskEngine

    return DaskEngine(**options)


ENGINES: dict[str, Callable[..., Any]] = {"serial": SerialEngine, "local": LocalEngine, "dask": _dask_engine}
"""Engines by name; ``make_engine("local", workers=4)`` builds one."""


def make_engine(name: str, **options: Any):
    """The engine registered as ``name``, configured with ``options``."""
    try:
        engine = ENGINES[name]
    except KeyError:
        raise UnknownEngine(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}") from None
    return engine(**options)
