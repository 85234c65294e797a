"""The persistent repair memory: passages and clerk decisions in SQLite.

One SQLite file (``--memory PATH``, by default ``~/.local/share/jixiao/memory.sqlite``
or ``$JIXIAO_MEMORY``, read by ``jixiao.pipeline.options``) keeps every passage seen in earlier batches and every
clerk decision, so the next batch repairs more on its own. The file runs in
WAL mode so that a review server and a conversion can use it at once, and each
component's schema is versioned in ``schema_migrations`` and migrated forward
on open.

Candidate lookup uses a bigram posting table inside SQLite: a garbled field
asks only for the postings of its own bigrams, capped per bigram, so the cost
of a lookup stays flat however many passages the memory holds.
"""

from __future__ import annotations

import math
import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from ..model.errors import ErrorCode, JixiaoError
from .damage import Garbled
from .index import (
    MAX_SLOT_CANDIDATES,
    SLOT_COLUMNS,
    Passage,
    PassageRef,
    Trust,
    bigrams,
    column_of,
    text_bigrams,
    department_kind,
)
from .sources import CombinedIndex  # noqa: F401 (it lived here; import it from .sources)

DEFAULT_MEMORY = Path.home() / ".local/share/jixiao/memory.sqlite"
"""Where the memory lives unless told (``$JIXIAO_MEMORY`` is read in ``jixiao.pipeline.options``)."""
POSTINGS_PER_GRAM = 2_000  # postings read per bigram; rarer bigrams decide anyway

# Each component owns an ordered list of migrations; never edit a released
# step, append a new one.
MIGRATIONS: dict[str, Sequence] = {
    "memory": (
        # 1: passages and their bigram postings
        """
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL UNIQUE,
            trust INTEGER NOT NULL,
            source TEXT, filing TEXT, field TEXT,
            seen INTEGER NOT NULL DEFAULT 1,
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE grams (gram TEXT NOT NULL, passage INTEGER NOT NULL REFERENCES passages(id),
                            PRIMARY KEY (gram, passage)) WITHOUT ROWID;
        CREATE TABLE gram_df (gram TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
        """,
        # 2: who filed a passage, and the header slot it stands in ('教育局|duties[3]')
        lambda conn: _add_columns(conn, "passages", {"grp": "TEXT", "slot": "TEXT"}),
        "CREATE INDEX IF NOT EXISTS passages_slot ON passages (slot) WHERE slot IS NOT NULL",
        # 4: trust stored by name (issue 11); ``trust`` stays as the rank, kept in step by _sync_trust_ranks
        lambda conn: _trust_by_name(conn),
        # 5: the batches already learned, so that a rerun (after a kill, or of the same inputs) counts nothing twice
        """
        CREATE TABLE IF NOT EXISTS batches (
            id TEXT PRIMARY KEY,
            passages INTEGER NOT NULL,
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """,
    ),
}
MAX_PASSAGE_CHARS = 4_000
"""Longer texts are not remembered: no filing cell is that long, and one pasted book would bloat every lookup."""
BUSY_TIMEOUT = 60.0
"""Seconds a connection waits for another process's lock (a conversion, the review server, a migration)."""

LEGACY_TRUST_NAMES = {0: "filing", 1: "batch", 2: "decision", 3: "memory", 4: "reference"}
"""What the integer ``trust`` of a store before schema version 4 meant (frozen: never edit)."""


def _trust_by_name(conn: sqlite3.Connection) -> None:
    _add_columns(conn, "passages", {"trust_name": "TEXT NOT NULL DEFAULT 'memory'"})
    cases = " ".join(f"WHEN {rank} THEN '{name}'" for rank, name in LEGACY_TRUST_NAMES.items())
    conn.execute(f"UPDATE passages SET trust_name = CASE trust {cases} ELSE 'memory' END")
    conn.execute("CREATE TABLE IF NOT EXISTS trust_levels (name TEXT PRIMARY KEY, rank INTEGER NOT NULL) "
                 "WITHOUT ROWID")


def _sync_trust_ranks(conn: sqlite3.Connection) -> None:
    """Keep the ``trust`` rank column in step with :class:`Trust`: the names are the truth.

    Cheap when nothing changed (one small table read); when this jixiao ranks
    the levels differently from the one that wrote the store, every passage's
    rank is recomputed from its name.
    """
    wanted = {level.key: int(level) for level in Trust}
    if dict(conn.execute("SELECT name, rank FROM trust_levels").fetchall()) == wanted:
        return
    with transaction(conn):
        conn.execute("DELETE FROM trust_levels")
        conn.executemany("INSERT INTO trust_levels (name, rank) VALUES (?, ?)", wanted.items())
        conn.execute("UPDATE passages SET trust = coalesce((SELECT rank FROM trust_levels "
                     "WHERE name = passages.trust_name), ?)", (int(Trust.MEMORY),))


def _add_columns(conn: sqlite3.Connection, table: str, columns: dict[str, str]) -> None:
    # SQLite has no ADD COLUMN IF NOT EXISTS; stores written by pre-release builds may have some
    have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    for name, kind in columns.items():
        if name not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


class MemoryStoreError(JixiaoError):
    """The repair memory cannot be used; the message names the file, what is wrong and the ways on.
    ``path``, ``problem`` and ``damaged`` say it as data."""

    default_code = ErrorCode.MEMORY_UNUSABLE

    def __init__(self, path: Path, problem: str, *, damaged: bool = False):
        self.path, self.problem, self.damaged = Path(path), problem, damaged
        ways = (f"convert without it (--no-memory), move it aside (mv {self.path} {self.path}.damaged) so that a "
                f"new one is started, or try `jixiao memory salvage --memory {self.path}`, which keeps what can "
                "still be read") if damaged else "convert without it (--no-memory) or give another --memory PATH"
        super().__init__(f"repair memory {self.path}: {problem}. Ways on: {ways}",
                         code=ErrorCode.MEMORY_DAMAGED if damaged else None)


class MemoryDamaged(MemoryStoreError):
    """The memory file is not a sound SQLite database (truncated, overwritten, not SQLite at all)."""

    default_code = ErrorCode.MEMORY_DAMAGED

    def __init__(self, path: Path, problem: str):
        super().__init__(path, problem, damaged=True)


_DAMAGE_CODES = {"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_SEQUENCE",
                 "SQLITE_CORRUPT_VTAB", "SQLITE_IOERR_SHORT_READ"}


def store_error(path: Path, error: BaseException) -> MemoryStoreError:
    """The :class:`MemoryStoreError` that an sqlite3 or OS error on the memory file means."""
    if isinstance(error, MemoryStoreError):
        return error
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name in _DAMAGE_CODES or name.startswith("SQLITE_CORRUPT") or "malformed" in text or \
            "not a database" in text:
        return MemoryDamaged(path, f"the file is damaged ({text})")
    if isinstance(error, OSError):
        return MemoryStoreError(path, f"cannot be opened or created: {error.strerror or error}")
    return MemoryStoreError(path, f"cannot be used: {text}")


def connect_read_only(path: Path, **options) -> sqlite3.Connection:
    """An SQLite file opened read-only, by a URI escaped from its path, never formatted into one
    (issue 23: ``f"file:{path}?mode=ro"`` read ``h#h.sqlite`` as a new, empty file ``h``). Every byte
    but letters, digits, ``-._~`` and ``/`` is percent-encoded, so ``#``, ``?``, ``%``, spaces and
    names that are not UTF-8 reach SQLite as the bytes they are."""
    from urllib.parse import quote

    absolute = os.path.abspath(os.fspath(path))
    return sqlite3.connect(f"file:{quote(os.fsencode(absolute), safe='/')}?mode=ro", uri=True, **options)


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists: it holds the clerks' decisions. SQLite
    gives the -wal and -shm files the database's mode, so they are private too."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def check(conn: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` (every page and record, not the index contents: fast enough at open)."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise MemoryDamaged(path, "the file is damaged (quick_check: " + "; ".join(problems) + ")")


def connect(path: Path, *, verify: bool = True) -> sqlite3.Connection:
    """Open (creating if needed, mode 0600) a jixiao SQLite store in WAL mode, checked and migrated.

    Safe when several processes create or migrate one new store at once: the
    switch to WAL waits for the others, and each migration step runs in an
    exclusive transaction that re-reads the version first. Raises
    :class:`MemoryStoreError` (:class:`MemoryDamaged` for a damaged file) with
    a message that names the file and the ways on.
    """
    path = Path(path)
    try:
        create_private(path)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as error:
        raise store_error(path, error) from None
    try:
        if verify:
            check(conn, path)
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn, "memory", MIGRATIONS["memory"])
        _sync_trust_ranks(conn)
    except BaseException as error:
        conn.close()
        if isinstance(error, (sqlite3.Error, OSError, MemoryStoreError)):
            raise store_error(path, error) from None
        raise
    return conn


_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # SQLite's primary result codes (sqlite3 names them from Python 3.11)


def _busy(error: sqlite3.OperationalError) -> bool:
    """Another connection holds the file (SQLITE_BUSY or SQLITE_LOCKED): by SQLite's code where Python
    gives it (3.11+); Python 3.10's error carries only SQLite's message."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)  # pragma: no cover - Python 3.10


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL. Changing the journal mode needs the file to itself, and SQLite does not call the
    busy handler for it when another connection is mid-way: wait here, up to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    delay = 0.005
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError as error:
            if not _busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
            continue
        if mode.lower() == "wal" or time.monotonic() > deadline:
            return
        time.sleep(delay)  # another connection kept it from switching (it reports the old mode): again


def migrate(conn: sqlite3.Connection, component: str, steps: Sequence) -> int:
    """Apply the steps of ``component`` not yet applied, each in its own exclusive transaction.

    A step is SQL (statements separated by ";") or a callable taking the connection.
    The version is read inside the transaction, so two processes migrating one
    store at once apply each step once (the second finds it done).

    Other components (the review app's decision log) call this with their
    own name and steps on the same connection. Returns the version reached.
    """
    while True:
        with transaction(conn, exclusive=True):
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                         "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_migrations WHERE component = ?", (component,)).fetchone()
            version = row[0] if row else 0
            if version > len(steps):
                raise MemoryStoreError(
                    Path(conn.execute("PRAGMA database_list").fetchone()[2] or "?"),
                    f"its {component} schema is version {version}, newer than this jixiao ({len(steps)}): "
                    "upgrade jixiao")
            if version == len(steps):
                return version
            step = steps[version]
            if callable(step):
                step(conn)
            else:
                for statement in step.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (component, version) VALUES (?, ?) "
                         "ON CONFLICT(component) DO UPDATE SET version = excluded.version", (component, version + 1))


@contextmanager
def transaction(conn: sqlite3.Connection, *, exclusive: bool = False) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (or EXCLUSIVE) … COMMIT, rolled back on any error (the store is never half-written)."""
    conn.execute("BEGIN EXCLUSIVE" if exclusive else "BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _slot_key(ref: PassageRef) -> Optional[str]:
    if column_of(ref.field) not in SLOT_COLUMNS or not ref.group:
        return None
    return f"{department_kind(ref.group)}|{ref.field}"


class RepairMemory:
    """Passages remembered across batches: a :class:`~.sources.WitnessSource`, like a PassageIndex."""

    def __init__(self, path: Path = DEFAULT_MEMORY):
        self.path = Path(path)
        self.conn = connect(self.path)  # checked (quick_check) and migrated: MemoryStoreError says what is wrong

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "RepairMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM passages").fetchone()[0]

    def add(self, items: Iterable[tuple[Optional[str], PassageRef]], *, trust: Optional[Trust] = None,
            batch: Optional[str] = None) -> int:
        """Remember passages (one transaction for the lot). Returns how many were new.

        A passage seen again keeps its most trusted origin: a clerk's decision
        is never demoted by a later batch that saw the same text. With ``batch``
        (an id of the batch's inputs), a batch already learned adds nothing: a
        rerun after a kill, or of the same inputs, counts no passage twice.
        Texts longer than :data:`MAX_PASSAGE_CHARS` are not remembered.
        """
        added = 0
        with transaction(self.conn):
            if batch is not None:
                if self.conn.execute("SELECT 1 FROM batches WHERE id = ?", (batch,)).fetchone() is not None:
                    return 0
            for text, ref in items:
                if text is None:
                    continue
                text = text.strip()
                if len(text) < 4 or len(text) > MAX_PASSAGE_CHARS or text in ("/", "／"):
                    continue
                level = Trust(trust if trust is not None else max(ref.trust, Trust.MEMORY))
                row = self.conn.execute("SELECT id, trust_name FROM passages WHERE text = ?", (text,)).fetchone()
                if row is not None:
                    self.conn.execute("UPDATE passages SET seen = seen + 1 WHERE id = ?", (row[0],))
                    if level < Trust.from_key(row[1]):
                        self.conn.execute("UPDATE passages SET trust = ?, trust_name = ?, source = ?, filing = ?, "
                                          "field = ?, grp = ? WHERE id = ?",
                                          (int(level), level.key, ref.source, ref.filing, ref.field, ref.group,
                                           row[0]))
                    continue
                cursor = self.conn.execute(
                    "INSERT INTO passages (text, trust, trust_name, source, filing, field, grp, slot) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (text, int(level), level.key, ref.source, ref.filing, ref.field, ref.group, _slot_key(ref)))
                passage_id = cursor.lastrowid
                grams = sorted(text_bigrams(text))
                self.conn.executemany("INSERT OR IGNORE INTO grams (gram, passage) VALUES (?, ?)",
                                      [(g, passage_id) for g in grams])
                self.conn.executemany("INSERT INTO gram_df (gram, df) VALUES (?, 1) "
                                      "ON CONFLICT(gram) DO UPDATE SET df = df + 1", [(g,) for g in grams])
                added += 1
            if batch is not None:
                self.conn.execute("INSERT INTO batches (id, passages) VALUES (?, ?)", (batch, added))
        return added

    def layouts(self):
        """The clerks' learned layouts kept in this memory (:class:`~.layouts.LayoutStore`)."""
        from .layouts import LayoutStore  # imported here: layouts builds on this module's migrate

        return LayoutStore(self.conn)

    def state(self) -> dict:
        """What the manifest records of this memory, so a run can be explained and repeated: its path,
        schema version, passage and batch counts and a digest of its contents (passages, trust, decisions)."""
        from hashlib import sha256

        versions = dict(self.conn.execute("SELECT component, version FROM schema_migrations"))
        hasher = sha256()
        for row in self.conn.execute("SELECT text, trust, seen FROM passages ORDER BY id"):
            hasher.update(repr(row).encode("utf-8", "surrogatepass"))
        others = [name for (name,) in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
            "('passages', 'grams', 'gram_df', 'batches', 'schema_migrations') ORDER BY name")]
        for name in others:  # e.g. the review app's decision log
            hasher.update(repr((name, self.conn.execute(f'SELECT count(*) FROM "{name}"').fetchone())).encode())
        return {"path": str(self.path), "schema": versions.get("memory", 0),
                "schemas": versions, "passages": len(self),
                "batches": self.conn.execute("SELECT count(*) FROM batches").fetchone()[0],
                "digest": hasher.hexdigest()[:16]}

    def retract(self, text: str) -> str:
        """Take back a clerk decision's passage (the clerk undid it).

        A text the batches also showed goes back to plain memory trust; a text
        only the clerk gave (typed in an edit) is forgotten with its postings.
        Returns what happened: "forgotten", "demoted" or "kept".
        """
        text = text.strip()
        with transaction(self.conn):
            row = self.conn.execute("SELECT id, trust_name, seen FROM passages WHERE text = ?",
                                    (text,)).fetchone()
            if row is None or Trust.from_key(row[1]) is not Trust.DECISION:
                return "kept"
            passage_id, _, seen = row
            if seen > 1:
                self.conn.execute("UPDATE passages SET trust = ?, trust_name = ?, seen = seen - 1 WHERE id = ?",
                                  (int(Trust.MEMORY), Trust.MEMORY.key, passage_id))
                return "demoted"
            grams = [g for (g,) in self.conn.execute("SELECT gram FROM grams WHERE passage = ?", (passage_id,))]
            self.conn.execute("DELETE FROM grams WHERE passage = ?", (passage_id,))
            self.conn.executemany("UPDATE gram_df SET df = df - 1 WHERE gram = ?", [(g,) for g in grams])
            self.conn.execute("DELETE FROM gram_df WHERE df <= 0")
            self.conn.execute("DELETE FROM passages WHERE id = ?", (passage_id,))
            return "forgotten"

    def unusual_ending(self, column: str, text: Optional[str]) -> bool:
        """The memory keeps no profile of how a column's cells end (the batch's own cells do)."""
        return False

    def slot_candidates(self, ref: PassageRef) -> list[Passage]:
        """Remembered passages from the same header slot of same-kind departments."""
        key = _slot_key(ref)
        if key is None:
            return []
        rows = self.conn.execute("SELECT id FROM passages WHERE slot = ? ORDER BY trust, id LIMIT ?",
                                 (key, MAX_SLOT_CANDIDATES)).fetchall()
        return [self._passage(passage_id) for (passage_id,) in rows]

    def _passage(self, passage_id: int) -> Passage:
        text, trust, source, filing, field, group = self.conn.execute(
            "SELECT text, trust_name, source, filing, field, grp FROM passages WHERE id = ?",
            (passage_id,)).fetchone()
        ref = PassageRef(source=source or str(self.path), filing=filing, field=field or "memory",
                         trust=Trust.from_key(trust), group=group)
        return Passage(id=-passage_id, text=text, refs=[ref])

    def candidates(self, garbled: Garbled, *, limit: int = 12) -> list[Passage]:
        """The remembered passages sharing the most informative bigrams with ``garbled``."""
        grams = sorted(bigrams(garbled.tokens))
        if not grams:
            return []
        total = max(len(self), 1)
        scores: dict[int, float] = {}
        marks = ",".join("?" * len(grams))
        for gram, df in self.conn.execute(f"SELECT gram, df FROM gram_df WHERE gram IN ({marks})", grams):
            weight = math.log(1 + total / df)
            for (passage_id,) in self.conn.execute(
                    "SELECT passage FROM grams WHERE gram = ? LIMIT ?", (gram, POSTINGS_PER_GRAM)):
                scores[passage_id] = scores.get(passage_id, 0.0) + weight
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [self._passage(passage_id) for passage_id, _ in best]
