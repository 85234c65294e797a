"""Clerk decisions feed the next batch: the same raw text in the same kind of field
gets the value a clerk settled on, without asking again.

``jixiao convert --memory PATH`` calls :func:`apply_decisions` on every filing
right after repair and join; the manifest counts the fields it settled
(``decisions_applied``). Accepted and edited texts also enter the repair
memory as trusted passages (see ``app.py``), so a *different* garbling of the
same passage is repaired too; this module covers the exact repeat.
"""

from __future__ import annotations

import sqlite3

from ...model import FilingResult, HeaderValue, RepairedField
from .log import Decision, confirmed_by_raw
from .settle import settle_result

_cache: dict[int, tuple[int, dict]] = {}


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
            field.status.value in ("confirmed", "edited")

    headers: list[HeaderValue] = [*result.duties, *result.goals]
    fields: list[RepairedField] = [f for r in result.records for f in r.fields.values()]
    return sum(1 for f in (*headers, *fields) if decided(f))
