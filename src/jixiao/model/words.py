"""jieba's word dictionary, loaded once per machine, and looked up only where a word split needs it.

Repair asks of a cell that ends in a lone character whether that character
usually begins a longer word (建 of 建设): the cell was then likely cut. Both
answers come from jieba's dictionary (issue 22):

* per character, the total frequency of the longer words it begins and its
  own frequency as a word (:func:`word_starts`, :func:`alone_frequency`),
  which settle most endings;
* jieba's own split of the cell's tail (:func:`cut`), for the few they do not.

jieba keeps its dictionary as one marshalled dict of half a million words
that takes half a second to load, in every process, for a split of twelve
characters. So the dictionary is loaded once per machine and jieba version
(by jieba, from the cache file it writes), and its words are kept in a SQLite
table beside that file (:func:`word_table`). A split then reads from the table
the words that are substrings of the text (at most 78 for 12 characters) and
runs jieba's split (``Tokenizer.cut``, no HMM, written out in :func:`_jieba_split`
so that jieba is not even imported) over them: jieba never looks at any other
word for that text, so the split is the same.

Both files live in a private folder, ``$XDG_CACHE_HOME/jixiao``
(``~/.cache/jixiao``), 0700. jieba's own default is a shared ``jieba.cache`` in
the temporary folder, which it loads without checking who wrote it: another
user's file would change which cells count as cut. A folder that is not private
(another owner, writable by others) is not used; a private temporary folder
stands in for this process.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sqlite3
import stat
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

TABLE_FORMAT = 1
"""Bump when what the word table holds changes, so that an old file is made again."""

_LOCK = threading.RLock()
_CONNECTION: dict[int, sqlite3.Connection] = {}  # per process id: a forked child opens its own


def cache_folder() -> Path:
    """The private folder for jieba's cache and the word table; made 0700 if missing."""
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


def _jieba_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jieba")
    except PackageNotFoundError:  # pragma: no cover - jieba is a dependency
        return "unknown"


@lru_cache(maxsize=1)
def _table_key() -> str:
    """What the word table was made from: jieba's version and its dictionary file (found without
    importing jieba, which takes tens of milliseconds)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    path = Path(spec.origin).parent / "dict.txt" if spec is not None and spec.origin else None
    where = f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}" if path and path.is_file() else "none"
    return f"{TABLE_FORMAT}:{_jieba_version()}:{where}"


def tokenizer() -> Any:
    """jieba's default tokenizer with its whole dictionary loaded, from the cache file jieba keeps in
    :func:`cache_folder` (written there the first time, as jieba writes it: atomically)."""
    import jieba

    with _LOCK:
        if not jieba.dt.initialized:
            jieba.setLogLevel(60)  # jieba prints its loading times on stderr, which is the user's log
            jieba.dt.cache_file = str(cache_folder() / f"jieba-{_jieba_version()}.cache")
            jieba.dt.initialize()
    return jieba.dt


def word_table() -> sqlite3.Connection:
    """The word table of this process: ``words(word, freq)`` (jieba's dictionary: every word, and
    every prefix of one with frequency 0, as jieba keeps them), ``chars(char, starts, alone)`` and
    ``meta(key, total)``; made from jieba's dictionary when missing or made from another."""
    with _LOCK:
        connection = _CONNECTION.get(os.getpid())
        if connection is None:
            path = cache_folder() / "jieba-words.sqlite"
            connection = _open_table(path)
            if connection is None:
                _write_table(path)
                connection = _open_table(path)
            if connection is None:  # a folder that keeps nothing: the table in memory
                connection = sqlite3.connect(":memory:", check_same_thread=False)
                _fill(connection)
            _CONNECTION.clear()
            _CONNECTION[os.getpid()] = connection
        return connection


def _open_table(path: Path) -> Optional[sqlite3.Connection]:
    """The table at ``path`` when it was made from this jieba's dictionary, else None."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(str(path), check_same_thread=False)
        row = connection.execute("SELECT key FROM meta").fetchone()
        if row is not None and row[0] == _table_key():
            return connection
        connection.close()
    except sqlite3.Error:
        pass  # unreadable or of another form: made again
    return None


def _write_table(path: Path) -> None:
    """Make the table in a temporary file beside ``path`` and move it into place, so that a process
    reading it never sees half a table; a folder that refuses only costs the next process this again."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(handle)
    except OSError:
        return
    try:
        connection = sqlite3.connect(temporary)
        try:
            _fill(connection)
        finally:
            connection.close()
        os.replace(temporary, path)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _fill(connection: sqlite3.Connection) -> None:
    dictionary = tokenizer()
    starts: dict[str, int] = {}
    alone: dict[str, int] = {}
    for word, freq in dictionary.FREQ.items():
        if freq <= 0:
            continue  # a prefix of a longer word: no word of its own
        if len(word) >= 2:
            starts[word[0]] = starts.get(word[0], 0) + freq
        elif len(word) == 1:
            alone[word] = freq
    with connection:
        connection.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
        connection.execute("CREATE TABLE chars (char TEXT PRIMARY KEY, starts INTEGER NOT NULL, "
                           "alone INTEGER NOT NULL) WITHOUT ROWID")
        connection.execute("CREATE TABLE meta (key TEXT NOT NULL, total INTEGER NOT NULL)")
        connection.executemany("INSERT INTO words VALUES (?, ?)", dictionary.FREQ.items())
        connection.executemany("INSERT INTO chars VALUES (?, ?, ?)",
                               ((c, starts.get(c, 0), alone.get(c, 0)) for c in sorted({*starts, *alone})))
        connection.execute("INSERT INTO meta VALUES (?, ?)", (_table_key(), dictionary.total))


@lru_cache(maxsize=65536)
def _char_row(char: str) -> tuple[int, int]:
    row = word_table().execute("SELECT starts, alone FROM chars WHERE char = ?", (char,)).fetchone()
    return (int(row[0]), int(row[1])) if row is not None else (0, 0)


def starts_frequency(char: str) -> int:
    """The total jieba frequency of the longer words ``char`` begins (0 when it begins none)."""
    return _char_row(char)[0]


def alone_frequency(char: str) -> int:
    """jieba's frequency of ``char`` as a word of its own (0 when it is none)."""
    return _char_row(char)[1]


@lru_cache(maxsize=1)
def _total() -> int:
    return int(word_table().execute("SELECT total FROM meta").fetchone()[0])


def cut(text: str) -> Iterator[str]:
    """jieba's split of ``text`` into dictionary words (``jieba.cut(text, HMM=False)``), over the
    dictionary's words that are substrings of ``text``: the only words its split of ``text``
    ever looks up."""
    pieces = sorted({text[a:b] for a in range(len(text)) for b in range(a + 1, len(text) + 1)})
    freq: dict[str, int] = {}
    table = word_table()
    for start in range(0, len(pieces), 500):  # under SQLite's limit on a statement's parameters
        chunk = pieces[start:start + 500]
        marks = ",".join("?" * len(chunk))
        freq.update(table.execute(f"SELECT word, freq FROM words WHERE word IN ({marks})", chunk).fetchall())
    return _jieba_split(text, freq, _total())


# jieba 0.42's own expressions (jieba/__init__.py: re_han_default, re_skip_default, re_eng)
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)


def _jieba_split(sentence: str, freq: dict[str, int], total: int) -> Iterator[str]:
    """``jieba.Tokenizer.cut(sentence, HMM=False)``, written out here so that a split does not
    import jieba (its module imports pkg_resources: a tenth of a second in every process that
    splits a word). tests/test_startup.py checks it against jieba itself."""
    for block in _HAN.split(sentence):
        if not block:
            continue
        if _HAN.match(block):
            yield from _dag_words(block, freq, total)
            continue
        for piece in _SKIP.split(block):
            if _SKIP.match(piece):
                yield piece
            else:
                yield from piece  # one character at a time, as jieba gives them


def _dag_words(sentence: str, freq: dict[str, int], total: int) -> Iterator[str]:
    """jieba's ``__cut_DAG_NO_HMM``: the most probable route through the words of the dictionary
    (``get_DAG`` and ``calc``), runs of single Latin letters and digits kept together."""
    route = _route(sentence, _dag(sentence, freq), freq, total)
    x, buffer = 0, ""
    while x < len(sentence):
        y = route[x][1] + 1
        word = sentence[x:y]
        if _ENG.match(word) and len(word) == 1:
            buffer += word
        else:
            if buffer:
                yield buffer
                buffer = ""
            yield word
        x = y
    if buffer:
        yield buffer


def _dag(sentence: str, freq: dict[str, int]) -> dict[int, list[int]]:
    """jieba's ``get_DAG``: for each position, the ends of the dictionary words starting there."""
    dag: dict[int, list[int]] = {}
    n = len(sentence)
    for k in range(n):
        ends = []
        i, fragment = k, sentence[k]
        while i < n and fragment in freq:  # a prefix of some word (frequency 0) lets the scan go on
            if freq[fragment]:
                ends.append(i)
            i += 1
            fragment = sentence[k:i + 1]
        dag[k] = ends or [k]
    return dag


def _route(sentence: str, dag: dict[int, list[int]], freq: dict[str, int],
           total: int) -> dict[int, tuple[float, int]]:
    """jieba's ``calc``: from the end backwards, the best log probability and the word's end."""
    n = len(sentence)
    route: dict[int, tuple[float, int]] = {n: (0, 0)}
    logtotal = math.log(total)
    for idx in range(n - 1, -1, -1):
        route[idx] = max((math.log(freq.get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                         for x in dag[idx])
    return route
