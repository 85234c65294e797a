"""Build the clerks' queue: one item per flagged field, lowest confidence first."""

from __future__ import annotations

from typing import Iterable

from ..model import FilingResult, ReviewItem


def review_items(result: FilingResult) -> list[ReviewItem]:
    """Every field of a filing that a clerk should look at, header items first."""
    items: list[ReviewItem] = []
    common = dict(filing=result.filing, source=result.source, department=result.department, year=result.year)
    for kind, values in (("duties", result.duties), ("goals", result.goals)):
        for position, value in enumerate(values, start=1):
            if value.needs_review:
                name = f"{kind}[{position}]"
                items.append(ReviewItem(
                    id=f"{result.filing}:{name}", row=None, field=name, raw=value.raw, value=value.text,
                    status=value.status, confidence=value.confidence, flags=value.flags,
                    evidence=value.evidence, provenance=value.provenance, **common,
                ))
    for record in result.records:
        for name, field in record.fields.items():
            if field.needs_review:
                items.append(ReviewItem(
                    id=f"{result.filing}:{record.row}:{name}", row=record.row, field=name, raw=field.raw,
                    value=field.value, status=field.status, confidence=field.confidence,
                    flags=field.flags, evidence=field.evidence, candidates=field.candidates,
                    provenance=field.provenance, **common,
                ))
    return items


def sorted_queue(items: Iterable[ReviewItem]) -> list[ReviewItem]:
    """Lowest confidence first; ties keep the order the filings produced them in."""
    return sorted(items, key=lambda item: item.confidence)
