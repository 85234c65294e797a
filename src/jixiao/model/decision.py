"""A clerk's decision on one review item, as the decision log stores it.

The log itself (appending, undoing, the SQLite schema) is the review app's
(``jixiao.review.log``); the record and its replay live here because repair
reads earlier decisions as evidence (``jixiao.repair.feedback``) and export
applies them (``jixiao.repair.settle``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Iterable, Optional


class ReviewAction(str, Enum):
    """What a clerk did to an item."""

    ACCEPT = "accept"  # the proposed repair is right
    REJECT = "reject"  # the proposed repair is wrong; keep the raw text
    EDIT = "edit"  # the clerk typed the value
    CANDIDATE = "candidate"  # the clerk picked a ranked alternative
    FLAG = "flag"  # ask a colleague
    UNDO = "undo"  # take back an earlier row


DECIDING: tuple[str, ...] = (ReviewAction.ACCEPT.value, ReviewAction.REJECT.value, ReviewAction.EDIT.value,
                             ReviewAction.CANDIDATE.value)
"""Actions that settle an item's value (``flag`` only asks a colleague; ``undo`` takes one back)."""
ACTIONS: tuple[str, ...] = (*DECIDING, ReviewAction.FLAG.value, ReviewAction.UNDO.value)
SETTLING_VALUE: tuple[str, ...] = (ReviewAction.ACCEPT.value, ReviewAction.EDIT.value,
                                   ReviewAction.CANDIDATE.value)
"""Actions whose value a later batch may reuse for the same raw text (a rejection says only "not that")."""

DECISION_COLUMNS = ("seq", "op", "batch", "item", "filing", "field", "kind", "raw", "action", "old_value",
                    "new_value", "status", "candidate_rank", "undoes", "reviewer", "at", "jixiao_version",
                    "item_version")
"""The decision log's columns, in the order :func:`decision_from_row` reads them."""


def field_kind(field: str) -> str:
    """The kind of field an item is: ``scoring_rule``, ``level3``… or ``duties`` / ``goals``."""
    return field.split("[", 1)[0]


@dataclass
class Decision:
    """One row of the log."""

    seq: int
    op: str
    batch: str
    item: str
    filing: Optional[str]
    field: str
    kind: str
    raw: Optional[str]
    action: str
    old_value: Optional[str]
    new_value: Optional[str]
    status: Optional[str]
    candidate_rank: Optional[int]
    undoes: Optional[int]
    reviewer: str
    at: str
    jixiao_version: str
    item_version: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def decision_from_row(values: tuple[Any, ...]) -> Decision:
    return Decision(**dict(zip(DECISION_COLUMNS, values)))


@dataclass
class ItemState:
    """An item's state after replaying its rows: ``decision`` is the row in force, if any."""

    version: int = 0
    decision: Optional[Decision] = None

    @property
    def decided(self) -> bool:
        return self.decision is not None and self.decision.action in DECIDING

    @property
    def flagged(self) -> bool:
        return self.decision is not None and self.decision.action == ReviewAction.FLAG

    def to_json(self) -> dict[str, Any]:
        d = self.decision
        return {"version": self.version, "decided": self.decided, "flagged": self.flagged,
                "action": d.action if d else None, "value": d.new_value if d else None,
                "status": d.status if d else None, "reviewer": d.reviewer if d else None,
                "at": d.at if d else None, "candidate_rank": d.candidate_rank if d else None}


def replay(rows: Iterable[Decision]) -> ItemState:
    """Fold one item's rows (in seq order) into its state."""
    stack: list[Decision] = []
    count = 0
    for row in rows:
        count += 1
        if row.action == ReviewAction.UNDO:
            stack = [d for d in stack if d.seq != row.undoes]
        else:
            stack.append(row)
    return ItemState(version=count, decision=stack[-1] if stack else None)
