"""Learned layouts: a clerk's column roles for a header, used as a third witness beside header and cells.

A table the reader does not understand (or reads with doubt) is taught once in the review app: the
clerk sets each column's role, and the mapping is remembered in the repair memory under the header's
*signature* (its cells, normalised, joined by '|'). Every later table with that signature is read with
it: a column the reader has no sure role for takes the learned one (``decided_by`` learned); a column
whose header the vocabulary names keeps its role unless the clerk overrode that very column; where the
two disagree, the column's note says so. The layouts in use travel with the tasks (``using``) and are
part of the cache key.
"""

from __future__ import annotations

import contextlib
import hashlib
from contextvars import ContextVar
from typing import Iterable, Iterator, Optional

from ..layout.vocabulary import fields, normalise, spec_named
from ..model import LearnedLayout
from .header import Column

_CURRENT: ContextVar[tuple[LearnedLayout, ...]] = ContextVar("jixiao_learned_layouts", default=())


def signature(headers: Iterable[str]) -> str:
    """A header's signature: each cell normalised (simplified, no blanks or pipes), joined by '|'."""
    return "|".join(normalise(text) for text in headers)


def digest(layouts: Iterable[LearnedLayout]) -> str:
    """A digest of the layouts in use, for cache keys."""
    text = "\n".join(sorted(layout.model_dump_json() for layout in layouts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def current() -> tuple[LearnedLayout, ...]:
    return _CURRENT.get()


@contextlib.contextmanager
def using(layouts: Iterable[LearnedLayout]) -> Iterator[tuple[LearnedLayout, ...]]:
    """Read with these learned layouts inside the block."""
    token = _CURRENT.set(tuple(layouts))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def roles() -> tuple[str, ...]:
    """The roles a clerk may give a column: the fields of the vocabulary in force (a field with two
    labels, 分值 and 权重, is one role)."""
    return tuple(dict.fromkeys(spec.name for spec in fields()))


def find(headers: Iterable[str]) -> Optional[LearnedLayout]:
    """The learned layout for this header, if a clerk taught one."""
    key = signature(headers)
    return next((layout for layout in current() if layout.signature == key), None)


def apply(columns: list[Column], layout: LearnedLayout) -> list[Column]:
    """The columns with the learned roles: taken where the reader had none (or the clerk overrode it),
    reported where the reader's header and the clerk disagree."""
    out = [Column(c.spec, c.header, c.row_label, c.shadow, c.decided_by, c.score, c.note) for c in columns]
    for index, role in layout.roles.items():
        if index >= len(out):
            continue
        column = out[index]
        if role is not None and role not in roles():
            # a layout taught by a jixiao that knows another field: said, not guessed
            column.note = f"learned layout {layout.name!r} says {role}, a field this jixiao does not know"
            continue
        said = column.spec.name if column.spec is not None else None
        if said == role:
            column.note = f"learned layout {layout.name!r} agrees"
            continue
        sure = column.spec is not None and column.decided_by in ("header", "header+cells")
        if sure and index not in layout.overrides:
            column.note = (f"learned layout {layout.name!r} says {role or 'no field'}; the header says "
                           f"{said}, which is kept")
            continue
        column.spec = spec_named(role) if role else None
        column.row_label = False
        column.decided_by, column.score = "learned", 1.0
        column.note = f"learned layout {layout.name!r}" + (f" (the reader read {said})" if said else "")
    return out
