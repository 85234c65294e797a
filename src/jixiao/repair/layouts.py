"""Learned layouts in the repair memory: a clerk's column roles for a header, kept like a decision.

A clerk teaches a table the reader did not understand in the review app; the mapping (a
:class:`~jixiao.model.LearnedLayout`) is stored here, in the memory's SQLite file, under the
header's signature. The table is append-only, like the review decision log: teaching a header
again, forgetting it (``jixiao layouts forget``) and undoing either are each a new row, so the
history says who decided what and when, and an undo never loses what stood before. The layout in
force for a signature is the replay of its rows.

Each change is one row written in one ``BEGIN IMMEDIATE`` transaction, so a process killed while
saving leaves the layout whole or absent, never half-written (the roles are one JSON value of the
row), and the memory passes ``jixiao memory check``.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Iterable, Optional

from .. import __version__
from ..layout.vocabulary import fields
from ..model import LearnedLayout
from ..model.errors import ErrorCode, JixiaoError
from .memory import migrate, transaction

COMPONENT = "layouts"
# Each step is appended, never edited (see repair.memory.migrate).
MIGRATIONS = (
    """
    CREATE TABLE learned_layouts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op TEXT NOT NULL,
        action TEXT NOT NULL,
        signature TEXT NOT NULL,
        name TEXT NOT NULL,
        roles TEXT,
        overrides TEXT,
        undoes INTEGER REFERENCES learned_layouts(seq),
        reviewer TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        jixiao_version TEXT NOT NULL
    );
    CREATE INDEX learned_layouts_signature ON learned_layouts (signature, seq);
    CREATE INDEX learned_layouts_reviewer ON learned_layouts (reviewer, seq)
    """,
)
ACTIONS = ("teach", "forget", "undo")
"""teach: a layout is set for a signature; forget: it no longer stands; undo: a row is taken back."""


class LayoutConflict(JixiaoError):
    """Someone changed this header's layout since the writer looked at it."""

    default_code = ErrorCode.DECISION_CONFLICT

    def __init__(self, signature: str, version: int):
        super().__init__(f"the layout of header {signature!r} changed since it was shown (now version {version})")
        self.signature = signature
        self.version = version


class UnknownLayout(JixiaoError, LookupError):
    """No layout in force has that name or signature."""

    default_code = ErrorCode.NOT_FOUND


@dataclass(frozen=True)
class LayoutEntry:
    """One row of the history."""

    seq: int
    action: str
    signature: str
    name: str
    roles: Optional[dict[int, Optional[str]]]
    overrides: Optional[list[int]]
    undoes: Optional[int]
    reviewer: str
    decided_at: str

    def to_json(self) -> dict:
        return {"seq": self.seq, "action": self.action, "signature": self.signature, "name": self.name,
                "roles": self.roles, "overrides": self.overrides, "undoes": self.undoes,
                "reviewer": self.reviewer, "decided_at": self.decided_at}


_COLUMNS = "seq, action, signature, name, roles, overrides, undoes, reviewer, decided_at"


def _entry(row: tuple) -> LayoutEntry:
    seq, action, signature, name, roles, overrides, undoes, reviewer, decided_at = row
    return LayoutEntry(seq=seq, action=action, signature=signature, name=name,
                       roles={int(k): v for k, v in json.loads(roles).items()} if roles is not None else None,
                       overrides=json.loads(overrides) if overrides is not None else None,
                       undoes=undoes, reviewer=reviewer, decided_at=decided_at)


def replay(entries: Iterable[LayoutEntry]) -> Optional[LayoutEntry]:
    """The row in force among one signature's rows (oldest first): the latest teach or forget that no
    undo took back; None when nothing stands (never taught, forgotten, or every teach undone)."""
    rows = list(entries)
    undone = {e.undoes for e in rows if e.action == "undo"}
    standing = [e for e in rows if e.action != "undo" and e.seq not in undone]
    if not standing or standing[-1].action == "forget":
        return None
    return standing[-1]


def as_layout(entry: LayoutEntry) -> LearnedLayout:
    """The learned layout a teach row holds."""
    return LearnedLayout(signature=entry.signature, name=entry.name, roles=dict(entry.roles or {}),
                         overrides=list(entry.overrides or []), reviewer=entry.reviewer,
                         decided_at=entry.decided_at)


def role_names() -> tuple[str, ...]:
    """The roles a column may be given: the fields of the vocabulary in force (分值 and 权重 are one)."""
    return tuple(dict.fromkeys(spec.name for spec in fields()))


def check_roles(layout: LearnedLayout) -> None:
    """Raise ValueError naming a role of ``layout`` that is no field, and the roles there are."""
    known = role_names()
    for index, role in sorted(layout.roles.items()):
        if role is not None and role not in known:
            raise ValueError(f"learned layout {layout.name!r}: column {index} has the unknown role {role!r}; "
                             f"roles are {', '.join(known)} (or none)")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


class LayoutStore:
    """The learned layouts of one repair memory (a connection from ``repair.memory.connect``)."""

    def __init__(self, conn: sqlite3.Connection):
        migrate(conn, COMPONENT, MIGRATIONS)
        self.conn = conn

    def _rows(self, where: str = "1", params: tuple = ()) -> list[LayoutEntry]:
        sql = f"SELECT {_COLUMNS} FROM learned_layouts WHERE {where} ORDER BY seq"
        return [_entry(row) for row in self.conn.execute(sql, params)]

    def history(self, signature: Optional[str] = None) -> list[LayoutEntry]:
        """Every row, oldest first (of one signature when given)."""
        return self._rows("signature = ?", (signature,)) if signature is not None else self._rows()

    def version(self, signature: str) -> int:
        """How many rows the signature has: a writer that saw an older version gets a conflict."""
        return self.conn.execute("SELECT count(*) FROM learned_layouts WHERE signature = ?",
                                 (signature,)).fetchone()[0]

    def get(self, signature: str) -> Optional[LearnedLayout]:
        """The layout in force for a header's signature, if any."""
        entry = replay(self.history(signature))
        return as_layout(entry) if entry is not None else None

    def in_force(self) -> list[LearnedLayout]:
        """Every layout in force, in the order they were first taught."""
        by_signature: dict[str, list[LayoutEntry]] = {}
        for entry in self._rows():
            by_signature.setdefault(entry.signature, []).append(entry)
        standing = (replay(rows) for rows in by_signature.values())
        return [as_layout(entry) for entry in standing if entry is not None]

    def find(self, key: str) -> LearnedLayout:
        """The layout in force with this signature, or else this name (the latest taught of that name)."""
        layouts = self.in_force()
        for layout in layouts:
            if layout.signature == key:
                return layout
        named = [layout for layout in layouts if layout.name == key]
        if not named:
            raise UnknownLayout(f"no learned layout has the name or signature {key!r}")
        return max(named, key=lambda layout: layout.decided_at or "")

    def _append(self, op: str, action: str, signature: str, name: str, reviewer: str, *,
                roles: Optional[dict[int, Optional[str]]] = None, overrides: Optional[list[int]] = None,
                undoes: Optional[int] = None) -> str:
        at = _now()
        self.conn.execute(
            "INSERT INTO learned_layouts (op, action, signature, name, roles, overrides, undoes, reviewer, "
            "decided_at, jixiao_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (op, action, signature, name,
             json.dumps({str(k): v for k, v in sorted(roles.items())}, ensure_ascii=False)
             if roles is not None else None,
             json.dumps(sorted(overrides)) if overrides is not None else None,
             undoes, reviewer, at, __version__))
        return at

    def teach(self, layout: LearnedLayout, reviewer: str, *, expected_version: Optional[int] = None) -> LearnedLayout:
        """Store ``layout`` as the one in force for its signature (one transaction). With
        ``expected_version`` (the version the clerk's screen showed), a colleague's save in between
        raises :class:`LayoutConflict` and nothing is written."""
        check_roles(layout)  # ValueError naming the role, before anything is written
        with transaction(self.conn):
            self._check(layout.signature, expected_version)
            at = self._append(uuid.uuid4().hex, "teach", layout.signature, layout.name, reviewer,
                              roles=dict(layout.roles), overrides=list(layout.overrides))
        return layout.model_copy(update={"reviewer": reviewer, "decided_at": at})

    def forget(self, key: str, reviewer: str) -> LearnedLayout:
        """Take a layout out of force (by signature or name); it stays in the history, and undo brings it back."""
        with transaction(self.conn):
            layout = self.find(key)
            self._append(uuid.uuid4().hex, "forget", layout.signature, layout.name, reviewer)
        return layout

    def undo(self, reviewer: str) -> Optional[LayoutEntry]:
        """Take back this reviewer's latest teach or forget that still stands; returns it (None: nothing
        to undo). A colleague's later change to the same header raises :class:`LayoutConflict`."""
        with transaction(self.conn):
            undone = {e.undoes for e in self._rows("action = 'undo'")}
            mine = [e for e in self._rows("reviewer = ? AND action != 'undo'", (reviewer,)) if e.seq not in undone]
            if not mine:
                return None
            latest = mine[-1]
            later = [e for e in self.history(latest.signature) if e.seq > latest.seq and e.action != "undo"
                     and e.seq not in undone]
            if later:
                raise LayoutConflict(latest.signature, self.version(latest.signature))
            self._append(uuid.uuid4().hex, "undo", latest.signature, latest.name, reviewer, undoes=latest.seq)
        return latest

    def _check(self, signature: str, expected_version: Optional[int]) -> None:
        if expected_version is not None:
            version = self.version(signature)
            if version != expected_version:
                raise LayoutConflict(signature, version)


def layouts_in_force(conn: sqlite3.Connection) -> list[LearnedLayout]:
    """The layouts in force in a memory, without creating the table in a memory no clerk ever taught
    (a convert or a check then writes nothing to it)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'learned_layouts'").fetchone() is None:
        return []
    return LayoutStore(conn).in_force()


__all__ = ["ACTIONS", "COMPONENT", "layouts_in_force", "check_roles", "role_names", "LayoutConflict", "LayoutEntry", "LayoutStore", "UnknownLayout", "as_layout",
           "replay"]
