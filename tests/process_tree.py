"""Time and peak memory of a command and every process it starts (workers included).

Memory is sampled every :data:`INTERVAL` seconds as the sum, over the command's
process and all its descendants, of each one's proportional set size (PSS: a page
shared by n processes counts 1/n in each, so the forkserver's pages shared by its
workers are counted once); where PSS cannot be read, the resident set size. A
spike shorter than the interval can be missed; the figure is a lower bound of the
true peak, and the sum of RSS an upper one.
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Optional

import psutil

INTERVAL = 0.05


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_bytes: int
    stdout: str
    stderr: str

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / (1 << 20)


def _tree_memory(root: psutil.Process) -> int:
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            try:
                total += process.memory_full_info().pss
            except (psutil.AccessDenied, AttributeError):
                total += process.memory_info().rss
        except psutil.Error:
            continue  # it ended between the listing and the reading
    return total


def measure(argv: list[str], *, env: Optional[dict] = None, cwd: Optional[str] = None,
            timeout: float = 900) -> Measured:
    """Run ``argv`` to its end and measure it (a run past ``timeout`` is killed, its returncode -9)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True,
                               start_new_session=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not done.is_set():
            peak[0] = max(peak[0], _tree_memory(root))
            done.wait(INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        import os
        import signal

        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return Measured(process.returncode, seconds, peak[0], stdout, stderr)
