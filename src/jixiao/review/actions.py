"""From a clerk's key press to a logged decision, and from a decision to the memory.

The web app and the JSON replay (``jixiao export --replay``) both go through
:func:`decide`, so a replayed decision is checked exactly like a live one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import GAP, ReviewItem
from ..model.errors import ErrorCode
from ..repair.damage import parse_garbled, render
from ..repair.index import PassageRef, Trust
from .log import Change, Conflict, DecisionError, DecisionLog, ItemState, field_kind


class ActionError(DecisionError):
    """The request makes no sense for this item (unknown action, no such candidate, empty edit)."""

    default_code = ErrorCode.BAD_ACTION


@dataclass
class Outcome:
    written: list[str]
    conflicts: list[Conflict]
    value: Optional[str]
    status: Optional[str]


def raw_with_gaps(raw: Optional[str]) -> Optional[str]:
    """The raw text with each gap written as one □: what "reject" keeps."""
    if raw is None or raw.strip() in ("", "/", "／"):
        return None
    return render(parse_garbled(raw).tokens).strip()


def current(item: ReviewItem, state: ItemState) -> tuple[Optional[str], str]:
    """The item's value and status now: the decision in force, else the converter's proposal."""
    if state.decision is not None:
        return state.decision.new_value, state.decision.status or item.status.value
    return item.value, item.status.value


def resolve_value(item: ReviewItem, action: str, *, value: Optional[str] = None,
                  rank: Optional[int] = None) -> tuple[Optional[str], Optional[str]]:
    """(new value, resulting status) of a settling action; ``flag`` is handled by the caller."""
    if action == "accept":
        return item.value, "confirmed"
    if action == "reject":
        return raw_with_gaps(item.raw), "confirmed"
    if action == "candidate":
        if rank is None or not 1 <= rank <= len(item.candidates):
            raise ActionError(f"{item.id}: no candidate {rank} (it has {len(item.candidates)})")
        return item.candidates[rank - 1].text, "confirmed"
    if action == "edit":
        text = (value or "").strip()
        if not text:
            raise ActionError(f"{item.id}: an edit needs a value")
        return text, "confirmed" if text == item.value else "edited"
    raise ActionError(f"unknown action {action!r}: use accept, reject, edit, candidate or flag")


def decide(log: DecisionLog, items: list[ReviewItem], action: str, reviewer: str, *,
           versions: dict[str, Optional[int]], value: Optional[str] = None, rank: Optional[int] = None,
           skip_conflicts: bool = False, memory=None) -> Outcome:
    """Log ``action`` on ``items`` (the first is the one the clerk looked at).

    The first item fixes the new value; every other item (apply to identical
    raw strings, bulk accept) gets its own proposal for ``accept`` and the
    same value otherwise. ``versions`` holds the version each item was seen
    at; a stale one raises :class:`Conflict` unless ``skip_conflicts``.
    """
    if not items:
        return Outcome([], [], None, None)
    changes = []
    first_value = first_status = None
    for position, item in enumerate(items):
        state = log.state(item.id)
        old_value, old_status = current(item, state)
        new_value: Optional[str]
        status: Optional[str]
        if action == "flag":
            new_value, status = old_value, old_status
        elif action == "accept" or position == 0:
            new_value, status = resolve_value(item, action, value=value, rank=rank)
        else:
            new_value = first_value
            status = "confirmed" if new_value == item.value else "edited"
        if position == 0:
            first_value, first_status = new_value, status
        changes.append(Change(item=item.id, filing=item.filing, field=item.field, raw=item.raw,
                              old_value=old_value, new_value=new_value, status=status,
                              expected_version=versions.get(item.id),
                              candidate_rank=rank if action == "candidate" and position == 0 else None))
    written, conflicts = log.record(changes, action, reviewer, skip_conflicts=skip_conflicts)
    if memory is not None and action in ("accept", "edit", "candidate"):
        remember(memory, [c for c in changes if c.item in set(written)],
                 {item.id: item for item in items})
    return Outcome(written, conflicts, first_value, first_status)


def remember(memory, changes: list[Change], items: dict[str, ReviewItem]) -> int:
    """Accepted and edited texts become trusted passages of the repair memory."""
    passages = [(c.new_value, PassageRef(source=items[c.item].source, filing=c.filing, field=c.field,
                                         trust=Trust.DECISION))
                for c in changes if c.new_value and GAP not in c.new_value]
    return memory.add(passages, trust=Trust.DECISION) if passages else 0


def replay_decisions(log: DecisionLog, batch, decisions: list[dict], reviewer: str, *, memory=None) -> dict:
    """Apply decisions exported from another batch (``GET /api/decisions``) to ``batch``.

    A decision lands on the item with the same id, else on every undecided
    item with the same raw text in the same kind of field. Items already
    decided here are left alone: the clerk of this batch has the last word.
    Returns counts: applied, skipped (already decided), unmatched.
    """
    counts = {"applied": 0, "skipped": 0, "unmatched": 0}
    states = log.states()
    for entry in decisions:
        action = entry.get("action")
        if action not in ("accept", "reject", "edit", "candidate", "flag"):
            counts["unmatched"] += 1
            continue
        kind = field_kind(entry.get("field", ""))
        target = batch.by_id.get(entry.get("item"))
        targets = [target] if target is not None and target.raw == entry.get("raw") else [
            item for item in batch.items if item.raw == entry.get("raw") and field_kind(item.field) == kind]
        if not targets:
            counts["unmatched"] += 1
            continue
        for item in targets:
            state = states.get(item.id) or ItemState()
            if state.decided or (action == "flag" and state.flagged):
                counts["skipped"] += 1
                continue
            value = entry.get("new_value")
            if action == "candidate" or (action == "accept" and value != item.value):
                # the same raw text may have another proposal here: the clerk's text is what counts
                ranks = [k for k, c in enumerate(item.candidates, start=1) if c.text == value]
                act, rank = ("candidate", ranks[0]) if ranks else (
                    ("accept", None) if value == item.value else ("edit", None))
            else:
                act, rank = action, None
            if act == "edit" and not value:
                counts["unmatched"] += 1
                continue
            outcome = decide(log, [item], act, reviewer, versions={item.id: state.version}, value=value,
                             rank=rank, skip_conflicts=True, memory=memory)
            counts["applied"] += len(outcome.written)
            counts["skipped"] += len(outcome.conflicts)
            states[item.id] = log.state(item.id)
    return counts
