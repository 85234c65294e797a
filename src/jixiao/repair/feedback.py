"""Clerk decisions feed the next batch: the same raw text in the same kind of field
gets the value a clerk settled on, without asking again.

The review app (``jixiao.review``) writes the decisions into the repair
memory's SQLite file; this module only reads them, as the strongest evidence
the memory holds, so the batch runner needs nothing of the review app.

``jixiao convert --memory PATH`` calls :func:`apply_decisions` on every filing
right after repair and join; the manifest counts the fields it settled
(``decisions_applied``). Accepted and edited texts also enter the repair
memory as trusted passages (see ``jixiao.review.actions``), so a *different* garbling of the
same passage is repaired too; this module covers the exact repeat.
"""

from __future__ import annotations

import sqlite3
from typing import Optional

from ..model import FieldStatus, FilingResult, HeaderValue, RepairedField
from ..model.decision import DECISION_COLUMNS, SETTLING_VALUE, Decision, decision_from_row, replay
from .settle import settle_result

_cache: dict[int, tuple[tuple[int, Optional[int]], dict[tuple[str, str], Decision]]] = {}


def _confirmed(conn: sqlite3.Connection) -> dict[tuple[str, str], Decision]:
    # One scan of the log per batch, not per filing: the log only changes between batches
    # (a concurrent review adds rows, which bump the row count and refresh the cache).
    count = conn.execute("SELECT count(*), max(seq) FROM review_decisions").fetchone() \
        if _has_log(conn) else (0, None)
    key = (count[0], count[1])
    cached = _cache.get(id(conn))
    if cached is None or cached[0] != key:
        cached = (key, confirmed_by_raw(conn))
        _cache[id(conn)] = cached
    return cached[1]


def _has_log(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'review_decisions'").fetchone() is not None


def confirmed_by_raw(conn: sqlite3.Connection) -> dict[tuple[str, str], Decision]:
    """For every (field kind, raw text), the latest settled value a clerk gave it, in any batch.

    Only accepted, picked and edited values count: a rejected repair says
    only that *that* repair was wrong, and a later batch may have the evidence.
    """
    # read-only: conversion workers open the store with mode=ro, and a store that
    # never saw a review simply has no decisions
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'review_decisions'").fetchone() is None:
        return {}
    rows = [decision_from_row(r) for r in conn.execute(
        f"SELECT {', '.join(DECISION_COLUMNS)} FROM review_decisions ORDER BY seq")]
    by_item: dict[tuple[str, str], list[Decision]] = {}
    for row in rows:
        by_item.setdefault((row.batch, row.item), []).append(row)
    found: dict[tuple[str, str], Decision] = {}
    for state in sorted((replay(r) for r in by_item.values()),
                        key=lambda s: s.decision.seq if s.decision else -1):
        d = state.decision
        if d is not None and d.action in SETTLING_VALUE and d.raw is not None:
            found[(d.kind, d.raw)] = d
    return found


def apply_decisions(result: FilingResult, conn: sqlite3.Connection) -> FilingResult:
    """``result`` with every earlier clerk decision that fits applied (a copy; unchanged if none).

    A decision fits a field when the field's raw text equals the decided
    item's raw text and both are the same kind of field (``scoring_rule``,
    ``duties``…). The field then carries the clerk's value, status
    ``confirmed`` or ``edited`` and an evidence of kind ``decision``.
    """
    confirmed = _confirmed(conn)
    if not confirmed:
        return result
    settled, _ = settle_result(result, lambda item, kind, raw: confirmed.get((kind, raw)) if raw else None)
    return settled


def decisions_applied(result: FilingResult) -> int:
    """How many fields of ``result`` a clerk decision settled (for the manifest)."""
    def decided(field) -> bool:
        return bool(field.evidence) and field.evidence[0].kind == "decision" and \
            field.status in (FieldStatus.CONFIRMED, FieldStatus.EDITED)

    headers: list[HeaderValue] = [*result.duties, *result.goals]
    fields: list[RepairedField] = [f for r in result.records for f in r.fields.values()]
    return sum(1 for f in (*headers, *fields) if decided(f))
