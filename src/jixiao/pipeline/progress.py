"""Progress of a batch: a rich bar for people, JSON lines for machines, or nothing.

Each reporter is a context manager and a ``(phase, done, total)`` callable,
the ``progress`` argument of :func:`jixiao.pipeline.convert`.
"""

from __future__ import annotations

import json
import sys
import time
from typing import IO, Optional

PHASES = {"extract": "extract", "repair": "repair+join"}


class NullProgress:
    """Says nothing (``--quiet``, or stderr is not a terminal)."""

    def __enter__(self) -> "NullProgress":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def __call__(self, phase: str, done: int, total: int) -> None:
        return None


class RichProgress(NullProgress):
    """A rich bar on stderr: filings done, rate, ETA and the current phase."""

    def __init__(self, stream: Optional[IO] = None):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self._progress = Progress(
            TextColumn("[bold]{task.description:<11}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>8} filings/s"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=Console(file=stream or sys.stderr), transient=False)
        self._tasks: dict[str, int] = {}
        self._started: dict[str, float] = {}

    def __enter__(self) -> "RichProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase not in self._tasks:
            self._tasks[phase] = self._progress.add_task(PHASES.get(phase, phase), total=total, rate="-")
            self._started[phase] = time.perf_counter()
        elapsed = time.perf_counter() - self._started[phase]
        rate = f"{done / elapsed:.1f}" if elapsed > 0 else "-"
        self._progress.update(self._tasks[phase], completed=done, total=total, rate=rate)


class JsonProgress(NullProgress):
    """One JSON line per event on ``stream``: phase starts and ends, and at most one per ``every`` s."""

    def __init__(self, stream: Optional[IO] = None, every: float = 1.0):
        self.stream = stream or sys.stdout
        self.every = every
        self._last = 0.0
        self._started: dict[str, float] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        first = phase not in self._started
        if first:
            self._started[phase] = now
        if not (first or done >= total or now - self._last >= self.every):
            return
        self._last = now
        elapsed = now - self._started[phase]
        rate = done / elapsed if elapsed > 0 else None
        eta = (total - done) / rate if rate else None
        self.emit({"event": "progress", "phase": phase, "done": done, "total": total,
                   "elapsed": round(elapsed, 3), "rate": round(rate, 2) if rate else None,
                   "eta": round(eta, 1) if eta is not None else None})

    def emit(self, payload: dict) -> None:
        self.stream.write(json.dumps(payload, ensure_ascii=False) + "\n")
        self.stream.flush()


def reporter(*, quiet: bool = False, log_json: bool = False, stream: Optional[IO] = None) -> NullProgress:
    """The reporter the command line asked for."""
    if log_json:
        return JsonProgress()
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return NullProgress()
    return RichProgress(stream)
