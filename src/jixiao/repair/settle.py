"""Write a clerk's decision into a filing's fields: the one place that knows how.

Both ``jixiao export`` (decisions of this batch, by item id) and a re-run of
``jixiao convert`` (decisions of earlier batches, by field kind and raw text)
go through :func:`settle_result`, so a decided field reads the same either way:
the clerk's value, status ``confirmed`` or ``edited``, confidence 1, a
``decision`` evidence first, and a ``gap`` flag only if a □ remains.
"""

from __future__ import annotations

from typing import Callable, Optional, Union

from ..model import (
    GAP,
    Evidence,
    FieldStatus,
    FilingResult,
    HeaderValue,
    Record,
    RepairedField,
    filing_needs_review,
)
from ..model.decision import Decision, ReviewAction, field_kind

FLAGGED = "flagged_for_colleague"

Lookup = Callable[[str, str, Optional[str]], Optional[Decision]]
"""(item id, field kind, raw text) → the decision to apply, or None."""


def item_id(filing: str, field: str, row: Optional[int] = None) -> str:
    """The review item id of a field (as ``output.review_queue`` builds it)."""
    return f"{filing}:{field}" if row is None else f"{filing}:{row}:{field}"


def _decision_evidence(decision: Decision) -> Evidence:
    return Evidence(kind="decision", source=f"reviewer:{decision.reviewer}", filing=decision.filing,
                    field=decision.field, text=decision.new_value or "")


def settle(field: Union[RepairedField, HeaderValue], decision: Decision):
    """The field with ``decision`` applied (a copy); a flag only marks it for a colleague."""
    if decision.action == ReviewAction.FLAG:
        flags = field.flags if FLAGGED in field.flags else [*field.flags, FLAGGED]
        return field.model_copy(update={"flags": flags})
    value = decision.new_value
    status = FieldStatus(decision.status) if decision.status else FieldStatus.CONFIRMED
    evidence = [_decision_evidence(decision)]
    if decision.action == "accept":
        evidence += field.evidence  # the clerk confirmed the repair: its witnesses still stand
    elif decision.action == "candidate" and isinstance(field, RepairedField):
        rank = (decision.candidate_rank or 0) - 1
        if 0 <= rank < len(field.candidates) and field.candidates[rank].text == value:
            evidence += field.candidates[rank].evidence
    update = {"status": status, "confidence": 1.0, "evidence": evidence,
              "flags": ["gap"] if value and GAP in value else []}
    update["value" if isinstance(field, RepairedField) else "text"] = value
    return field.model_copy(update=update)


def settle_result(result: FilingResult, lookup: Lookup) -> tuple[FilingResult, int]:
    """A copy of ``result`` with every decision ``lookup`` finds applied; and how many it applied."""
    applied = 0

    def header(kind: str, items: list[HeaderValue]) -> list[HeaderValue]:
        nonlocal applied
        out = []
        for position, item in enumerate(items, start=1):
            name = f"{kind}[{position}]"
            decision = lookup(item_id(result.filing, name), field_kind(name), item.raw)
            if decision is not None:
                item = settle(item, decision)
                applied += 1
            out.append(item)
        return out

    records: list[Record] = []
    for record in result.records:
        fields = dict(record.fields)
        top = {}
        for name, field in record.fields.items():
            decision = lookup(item_id(result.filing, name, record.row), name, field.raw)
            if decision is None:
                continue
            fields[name] = settle(field, decision)
            applied += 1
            if name != "score" and decision.action != ReviewAction.FLAG:
                top[name] = fields[name].value
        records.append(record.model_copy(update={
            **top, "fields": fields, "needs_review": any(f.needs_review for f in fields.values())}))
    duties, goals = header("duties", result.duties), header("goals", result.goals)
    needs_review = filing_needs_review(result.status, (*duties, *goals), records)
    return result.model_copy(update={"duties": duties, "goals": goals, "records": records,
                                     "needs_review": needs_review}), applied
