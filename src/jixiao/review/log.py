"""The clerks' decision log: append-only, in the repair memory's SQLite file.

Every decision is one row: who, when, which item, the value before and after,
the action, the candidate rank and the jixiao version. Nothing is updated or
deleted: an undo is a new row that names the row it takes back. An item's
state is the replay of its rows, and its *version* is the number of rows it
has, so a writer that saw an older version gets a :class:`Conflict` instead
of silently overwriting a colleague (two servers on one store work because
the store runs in WAL mode and every write is a ``BEGIN IMMEDIATE``
transaction that re-checks the version).
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Optional

from .. import __version__
from ..model.errors import ErrorCode, JixiaoError
from ..model.decision import (
    ACTIONS,
    DECIDING,
    DECISION_COLUMNS,
    Decision,
    ItemState,
    ReviewAction,
    decision_from_row,
    field_kind,
    replay,
)
from ..repair.memory import migrate, transaction

__all__ = ["ACTIONS", "DECIDING", "Change", "Conflict", "Decision", "DecisionLog", "ItemState",
           "ensure_schema", "field_kind", "replay"]

# Never edit a released step; append a new one.
MIGRATIONS = (
    """
    CREATE TABLE review_decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op TEXT NOT NULL,
        batch TEXT NOT NULL,
        item TEXT NOT NULL,
        filing TEXT,
        field TEXT NOT NULL,
        kind TEXT NOT NULL,
        raw TEXT,
        action TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        status TEXT,
        candidate_rank INTEGER,
        undoes INTEGER REFERENCES review_decisions(seq),
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL,
        jixiao_version TEXT NOT NULL,
        item_version INTEGER NOT NULL
    );
    CREATE INDEX review_decisions_item ON review_decisions (batch, item, seq);
    CREATE INDEX review_decisions_raw ON review_decisions (kind, raw, seq);
    CREATE INDEX review_decisions_reviewer ON review_decisions (batch, reviewer, seq)
    """,
)



def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create or migrate the decision log's tables on a connection from ``repair.memory.connect``."""
    migrate(conn, "review", MIGRATIONS)


class DecisionError(JixiaoError, ValueError):
    """A decision that cannot be logged as asked (an unknown action)."""

    default_code = ErrorCode.BAD_ACTION


class Conflict(JixiaoError):
    """Someone else changed the item since this writer saw it."""

    default_code = ErrorCode.DECISION_CONFLICT

    def __init__(self, item: str, state: ItemState):
        super().__init__(f"item {item} changed: now at version {state.version}")
        self.item = item
        self.state = state


@dataclass
class Change:
    """One item's part in a decision: what the writer saw and what it wants."""

    item: str
    filing: Optional[str]
    field: str
    raw: Optional[str]
    old_value: Optional[str]
    new_value: Optional[str]
    status: Optional[str]
    expected_version: Optional[int] = None  # None: take the item as it is now (replay)
    candidate_rank: Optional[int] = None


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


class DecisionLog:
    """The log of one batch (``batch`` is the batch folder's resolved path)."""

    def __init__(self, conn: sqlite3.Connection, batch: str):
        ensure_schema(conn)
        self.conn = conn
        self.batch = batch

    def _rows(self, where: str, params: tuple) -> list[Decision]:
        sql = f"SELECT {', '.join(DECISION_COLUMNS)} FROM review_decisions WHERE {where} ORDER BY seq"
        return [decision_from_row(r) for r in self.conn.execute(sql, params)]

    def state(self, item: str) -> ItemState:
        return replay(self._rows("batch = ? AND item = ?", (self.batch, item)))

    def states(self) -> dict[str, ItemState]:
        """Every item of the batch that has rows, replayed."""
        by_item: dict[str, list[Decision]] = {}
        for row in self._rows("batch = ?", (self.batch,)):
            by_item.setdefault(row.item, []).append(row)
        return {item: replay(rows) for item, rows in by_item.items()}

    def _append(self, op: str, change: Change, action: str, reviewer: str, version: int,
                undoes: Optional[int] = None) -> None:
        self.conn.execute(
            "INSERT INTO review_decisions (op, batch, item, filing, field, kind, raw, action, old_value, "
            "new_value, status, candidate_rank, undoes, reviewer, at, jixiao_version, item_version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (op, self.batch, change.item, change.filing, change.field, field_kind(change.field), change.raw,
             action, change.old_value, change.new_value, change.status, change.candidate_rank, undoes,
             reviewer, _now(), __version__, version))

    def record(self, changes: list[Change], action: str, reviewer: str, *,
               skip_conflicts: bool = False) -> tuple[list[str], list[Conflict]]:
        """Append one decision over one or more items, atomically.

        A change whose expected version is stale raises :class:`Conflict`
        (nothing is written), or with ``skip_conflicts`` is left out and
        reported. Returns the items written and the conflicts skipped.
        """
        if action not in ACTIONS or action == ReviewAction.UNDO:
            raise DecisionError(f"unknown decision action {action!r}")
        op = uuid.uuid4().hex
        written, conflicts = [], []
        with transaction(self.conn):
            for change in changes:
                state = self.state(change.item)
                if change.expected_version is not None and state.version != change.expected_version:
                    if not skip_conflicts:
                        raise Conflict(change.item, state)
                    conflicts.append(Conflict(change.item, state))
                    continue
                self._append(op, change, action, reviewer, state.version + 1)
                written.append(change.item)
        return written, conflicts

    def undo(self, reviewer: str) -> list[Decision]:
        """Take back this reviewer's latest decision still in force (every item of it).

        Raises :class:`Conflict` when a colleague decided one of its items
        since: undoing would then throw away their decision too.
        """
        with transaction(self.conn):
            latest = self._rows("batch = ? AND reviewer = ? AND action != 'undo'", (self.batch, reviewer))
            for candidate in reversed(latest):
                rows = [r for r in latest if r.op == candidate.op]
                in_force = [r for r in rows if self._in_force(r)]
                if in_force:
                    break
            else:
                return []
            states = {r.item: self.state(r.item) for r in in_force}
            for row in in_force:
                state = states[row.item]
                if state.decision is None or state.decision.seq != row.seq:
                    raise Conflict(row.item, state)
            op = uuid.uuid4().hex
            undone = []
            for row in in_force:
                below = replay(d for d in self._rows("batch = ? AND item = ?", (self.batch, row.item))
                               if d.seq != row.seq and d.undoes != row.seq).decision
                restored = below.new_value if below else row.old_value
                change = Change(item=row.item, filing=row.filing, field=row.field, raw=row.raw,
                                old_value=row.new_value, new_value=restored,
                                status=below.status if below else None)
                self._append(op, change, "undo", reviewer, states[row.item].version + 1, undoes=row.seq)
                undone.append(row)
        return undone

    def _in_force(self, row: Decision) -> bool:
        return not self.conn.execute("SELECT 1 FROM review_decisions WHERE undoes = ?", (row.seq,)).fetchone()

    def entries(self) -> list[Decision]:
        """The whole log of this batch, oldest first (append-only history)."""
        return self._rows("batch = ?", (self.batch,))

    def in_force(self) -> list[Decision]:
        """The decisions in force, one per decided or flagged item: what export and replay use."""
        return [s.decision for s in self.states().values() if s.decision is not None]
