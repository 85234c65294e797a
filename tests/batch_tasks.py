"""Task functions for the engine tests: importable by worker processes (tests/ is on their sys.path)."""

from __future__ import annotations

import os
import signal
import time


def square(x: int) -> int:
    return x * x


def misbehave(x: int):
    """Behave for most inputs; hang, die or run out of memory for a few."""
    if x == 3:
        time.sleep(3600)  # hangs: must be killed by the timeout
    if x == 5:
        os.kill(os.getpid(), signal.SIGKILL)  # the worker dies under the task
    if x == 7:
        bytearray(1 << 31)  # 2 GiB: above the worker's address-space limit
    return x * x


SEEN: list = []


def remember(value) -> None:
    """A setup function: the value every task of this worker sees."""
    SEEN[:] = [value, os.getpid()]


def seen(_: int):
    return SEEN[0], SEEN[1]


def address_space(_=None) -> int:
    """This worker's address space in bytes (VmSize), for limits set relative to what a worker needs."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) << 10 for line in status if line.startswith("VmSize:"))


def address_space_once_loaded(_=None) -> int:
    """This worker's address space once it has read a filing: extractors and their readers are imported
    on first use since issue 22, so a worker starts small and grows with its first filing (imports,
    the word table, a thread's malloc arena)."""
    from pathlib import Path

    from jixiao.extractors.text import extract_text
    from jixiao.reader.read import read_layout

    seed = Path(__file__).resolve().parent.parent / "samples" / "seed_hengyang_emergency_management.txt"
    read_layout(extract_text(seed.name, seed.read_bytes()))
    return address_space()


def phase2_worker_address_space() -> int:
    """What a phase-2 worker (jixiao imported, the word dictionary loaded) takes before any filing, with
    the modules a text or PDF filing imports on first use loaded too."""
    from jixiao.pipeline.batch import Phase2Context, install_context
    from jixiao.pipeline.engines import LocalEngine
    from jixiao.repair.index import PassageIndex

    with LocalEngine(workers=1, memory_limit=None) as engine:
        ((_, done),) = engine.run(address_space_once_loaded, [(0, ())],
                                  setup=(install_context, Phase2Context(batch=PassageIndex())))
    return done.value
