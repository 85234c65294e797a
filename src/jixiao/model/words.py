"""jieba's word dictionary, loaded once and only when a word split is needed (issue 22).

Repair asks of a cell that ends in a lone character whether that character
usually begins a longer word (建 of 建设): the cell was then likely cut. Two
things answer it, both from jieba's dictionary:

* a small table per character: the total frequency of the longer words it
  begins, and its own frequency as a word (:func:`character_table`). It is
  computed from the dictionary once per jieba version and kept as JSON in a
  private cache folder, so most questions are settled without jieba at all;
* jieba's word split of the cell's tail (:func:`cut`), for the few endings the
  table does not settle. jieba's dictionary takes about half a second to load
  from the cache file jieba writes; that file is kept in the same private folder.

The private folder is ``$XDG_CACHE_HOME/jixiao`` (``~/.cache/jixiao``), 0700. jieba's
own default is a shared ``jieba.cache`` in the temporary folder, which it loads
without checking who wrote it: another user's file would change which cells
count as cut. A folder that is not private (another owner, writable by others)
is not used; a private temporary folder stands in for this process.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

_LOCK = threading.Lock()
TABLE_FORMAT = 1
"""Bump when what the character table holds changes, so an old file is computed again."""


def cache_folder() -> Path:
    """The private folder for jieba's cache and the character table; made 0700 if missing."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(root) / "jixiao"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _private(folder):
            return folder
    except OSError:
        pass
    return _fallback_folder()


def _private(folder: Path) -> bool:
    """Only this user owns the folder and can write in it (what is loaded from it decides repairs)."""
    info = folder.lstat()
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


@lru_cache(maxsize=1)
def _fallback_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="jixiao-words-"))  # 0700, this process's own


def _jieba_dictionary_file() -> Optional[Path]:
    """jieba's bundled dictionary, found without importing jieba (which takes tens of ms)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "dict.txt"
    return path if path.is_file() else None


def _jieba_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jieba")
    except PackageNotFoundError:  # pragma: no cover - jieba is a dependency
        return "unknown"


@lru_cache(maxsize=1)
def _table_key() -> str:
    """What the character table was computed from: jieba's version and its dictionary file."""
    path = _jieba_dictionary_file()
    where = f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}" if path is not None else "none"
    return f"{TABLE_FORMAT}:{_jieba_version()}:{where}"


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """jieba's default tokenizer with its dictionary loaded, from the cache file it keeps in
    :func:`cache_folder` (written there the first time, as jieba writes it: atomically)."""
    import jieba

    with _LOCK:
        jieba.setLogLevel(60)  # jieba prints its loading times on stderr, which is the user's log
        jieba.dt.cache_file = str(cache_folder() / f"jieba-{_jieba_version()}.cache")
        jieba.dt.initialize()
    return jieba.dt


def cut(text: str) -> Iterator[str]:
    """jieba's split of ``text`` into dictionary words (no HMM: only words jieba knows)."""
    words: Iterator[str] = tokenizer().cut(text, HMM=False)
    return words


@lru_cache(maxsize=1)
def character_table() -> tuple[dict[str, int], dict[str, int]]:
    """Per character: the total jieba frequency of the longer words it begins, and its own
    frequency as a one-character word. Read from the table file, or computed from jieba's
    dictionary (about a second, once per jieba version) and written there."""
    path = cache_folder() / "word-starts.json"
    key = _table_key()
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            starts: dict[str, int] = stored["starts"]
            alone: dict[str, int] = stored["alone"]
            return starts, alone
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass  # missing, unreadable or another version's: computed again below
    starts, alone = _compute_table()
    _write_atomically(path, json.dumps({"key": key, "starts": starts, "alone": alone}, ensure_ascii=False))
    return starts, alone


def _compute_table() -> tuple[dict[str, int], dict[str, int]]:
    starts: dict[str, int] = {}
    alone: dict[str, int] = {}
    for word, freq in tokenizer().FREQ.items():
        if freq <= 0:
            continue  # jieba keeps every prefix of a word with frequency 0: no word
        if len(word) >= 2:
            starts[word[0]] = starts.get(word[0], 0) + freq
        elif len(word) == 1:
            alone[word] = freq
    return starts, alone


def _write_atomically(path: Path, text: str) -> None:
    """Write the table where the next process finds it; a folder that refuses only costs the
    next process the computation again."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def word_starts() -> dict[str, int]:
    """For each character, the total jieba frequency of longer words it begins."""
    return character_table()[0]


def alone_frequency(char: str) -> int:
    """jieba's frequency of ``char`` as a word of its own (0 when it is none)."""
    return character_table()[1].get(char, 0)
