"""The batch cache: what each input turned into, so a re-run or a resumed run redoes only what changed.

``OUT/.cache/`` holds one file per finished unit of work, each written to a
temporary name and renamed into place, so a run killed at any instant leaves
either a whole entry or none:

- ``extract/<key>.pkl``: the :class:`Filing` (or the failed manifest entry) of
  one input. The key hashes the input's bytes, its path as given (it is
  written into every record), the jixiao version, :data:`CACHE_FORMAT`, the
  extraction limits of the options (not the environment) and the layout
  vocabulary's fingerprint (a header name added reads the columns anew).
- ``repair/<key>.pkl``: the finished ``(ManifestEntry, FilingResult)``. Repair
  depends on the whole batch, so this key also hashes the batch digest (every
  extraction key and filing id of the batch, in input order: the passage index
  is a function of exactly that) and digests of the repair memory and of the
  reference documents. Change one input and every filing is repaired again
  (its evidence may have changed) but only the changed one is re-extracted.

Entries are pickles written by this process for this process: the cache is as
trusted as the output folder it sits in. Failures caused by the machine rather
than the input (timeouts, dead workers) are not cached, so a re-run retries them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

from .. import __version__
from ..layout import vocabulary

if TYPE_CHECKING:
    pass

CACHE_FORMAT = 3  # 2: schema 2 (kind, project, budget, period, weight, actual, points …); 3: Filing.route, error codes
"""Bump when what is cached changes meaning, so old entries are ignored."""

KINDS = ("extract", "repair")


def digest(*parts: Union[str, bytes]) -> str:
    """A hex sha256 over the parts, each length-prefixed so that no two lists collide."""
    hasher = hashlib.sha256()
    for part in parts:
        # surrogatepass: a file name that is not UTF-8 (a lone surrogate in Python) is data too
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def extraction_key(source: str, data: bytes, task: Optional[Any] = None) -> str:
    """The cache key of one input's extraction and reading: its bytes, its name, the code's version, and
    everything the task runs under (a :class:`~.task.TaskSettings`: limits, vocabulary, reader settings,
    text form; or bare ExtractionLimits). Hashed from the options the batch runs with, never from the
    environment."""
    from .task import TaskSettings

    task = task if task is not None else TaskSettings()
    return digest("extract", str(CACHE_FORMAT), __version__, vocabulary.fingerprint(), source,
                  hashlib.sha256(data).digest(), *task.cache_parts())


def memory_digest(path: Optional[Union[str, os.PathLike]]) -> str:
    """A digest that changes whenever passages or their trust change in the repair memory."""
    if path is None:
        return "none"
    try:
        conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT count(*), coalesce(max(id), 0), total(trust), total(seen) "
                               "FROM passages").fetchone()
            tables = [name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            others = []
            for name in tables:  # e.g. the review app's decision log
                if name not in ("passages", "grams", "gram_df"):
                    try:
                        others.append(conn.execute(f'SELECT count(*), max(rowid) FROM "{name}"').fetchone())
                    except sqlite3.Error:
                        others.append(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone())
        finally:
            conn.close()
    except sqlite3.Error as error:
        return f"unreadable:{error}"
    return digest("memory", str(Path(path).resolve()), repr(row), repr(others))


def files_digest(paths: Iterable[Union[str, os.PathLike]]) -> str:
    """A digest of files' names and bytes (the reference documents)."""
    parts: list[Union[str, bytes]] = ["files"]
    for path in paths:
        parts += [str(path), hashlib.sha256(Path(path).read_bytes()).digest()]
    return digest(*parts)


class Cache:
    """Atomic pickled entries under ``root/<kind>/<key[:2]>/<key>.pkl``."""

    def __init__(self, root: Union[str, os.PathLike]):
        self.root = Path(root)
        self.used: set[tuple[str, str]] = set()

    def path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.pkl"

    def get_bytes(self, kind: str, key: str) -> Optional[bytes]:
        try:
            data = self.path(kind, key).read_bytes()
        except OSError:
            return None
        self.used.add((kind, key))
        return data

    def get(self, kind: str, key: str) -> Any:
        """The cached value, or None when absent or unreadable (then the work is simply redone)."""
        data = self.get_bytes(kind, key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:
            self.used.discard((kind, key))
            return None

    def put(self, kind: str, key: str, value: Any) -> bytes:
        """Store ``value``; returns its pickle. No fsync: a killed process loses nothing the
        kernel has; after a power cut a torn entry fails to unpickle and is redone."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path = self.path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.used.add((kind, key))
        return data

    def prune(self) -> int:
        """Drop every entry this run did not use (after a finished batch): the cache then
        holds exactly the last batch, and does not grow with every changed input."""
        removed = 0
        for kind in KINDS:
            for path in (self.root / kind).glob("*/*"):
                key = path.name.split(".")[0] if not path.name.startswith(".") else None
                if key is None or (kind, key) not in self.used:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
