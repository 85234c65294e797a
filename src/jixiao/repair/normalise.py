"""Vocabulary repair for the structured columns: 一级/二级指标, operator, target, unit."""

from __future__ import annotations

from typing import Optional

from ..layout.values import level1_name, level2_name
from ..model import Cell, Evidence, FieldStatus, RepairedField
from ..layout.taxonomy import (
    ALL_LEVEL2,
    LEVEL1_NAMES,
    LEVEL2_BY_LEVEL1,
    is_empty_marker,
    match_prefix,
    normalise_operator,
    normalise_unit,
)

VOCABULARY_CONFIDENCE = 0.95  # a clipped name that only one taxonomy entry starts with


def _empty(cell: Optional[Cell]) -> RepairedField:
    return RepairedField(value=None, raw=cell.text if cell else None, status=FieldStatus.INTACT,
                         confidence=1.0, provenance=cell.provenance if cell else None)


def _from_vocabulary(cell: Cell, vocabulary: tuple[str, ...], name: str, *, min_clipped: int) -> RepairedField:
    text = cell.text.strip()
    match = match_prefix(text, vocabulary, min_clipped=min_clipped)
    if match is None or len(match.matched) != len(text):
        # not a (clipped) entry of the taxonomy: keep it, but let a clerk look
        return RepairedField(value=text, raw=cell.text, status=FieldStatus.INTACT, confidence=0.7,
                             flags=[f"unknown_{name}"], provenance=cell.provenance)
    if not match.clipped or cell.at_capacity is False:
        # a whole name, or a short form the source shows is whole (经济效益 in a cell that ends well
        # before its border): as printed, since nothing says characters were lost
        return RepairedField(value=match.canonical if not match.clipped else text, raw=cell.text, status=FieldStatus.INTACT,
                             confidence=1.0, provenance=cell.provenance)
    restored = match.canonical[len(match.matched):]
    return RepairedField(
        value=match.canonical, raw=cell.text, status=FieldStatus.REPAIRED,
        confidence=VOCABULARY_CONFIDENCE, provenance=cell.provenance,
        evidence=[Evidence(kind="vocabulary", field=name, text=restored,
                           span=(len(match.matched), len(match.canonical)))],
    )


def _known(field: RepairedField, cell: Cell, known: Optional[str]) -> RepairedField:
    """A name the layout vocabulary reads as a group (产出, 项目完成指标, 产出类指标: the form's own words for
    a national group, or a group the user's vocabulary lists) is no unknown name: kept as printed,
    with nothing for a clerk to check."""
    if not field.flags or known is None:
        return field
    return RepairedField(value=cell.text.strip(), raw=cell.text, status=FieldStatus.INTACT, confidence=1.0,
                         provenance=cell.provenance)


def repair_level1(cell: Optional[Cell]) -> RepairedField:
    if cell is None or is_empty_marker(cell.text):
        return _empty(cell)
    return _known(_from_vocabulary(cell, LEVEL1_NAMES, "level1", min_clipped=3), cell, level1_name(cell.text))


def repair_level2(cell: Optional[Cell], level1: Optional[str]) -> RepairedField:
    if cell is None or is_empty_marker(cell.text):
        return _empty(cell)
    vocabulary = LEVEL2_BY_LEVEL1.get(level1 or "", ())
    field = _from_vocabulary(cell, vocabulary, "level2", min_clipped=4) if vocabulary else None
    if field is None or field.flags:
        field = _from_vocabulary(cell, ALL_LEVEL2, "level2", min_clipped=4)
    # a 二级 printed with a 一级's name (满意度指标 under 满意度指标) is a group name too
    return _known(field, cell, level2_name(cell.text) or level1_name(cell.text))


def repair_operator(cell: Optional[Cell]) -> RepairedField:
    if cell is None or is_empty_marker(cell.text):
        return _empty(cell)
    canonical = normalise_operator(cell.text)
    if canonical is None:
        return RepairedField(value=cell.text.strip(), raw=cell.text, status=FieldStatus.UNREPAIRED,
                             confidence=0.3, flags=["unknown_operator"], provenance=cell.provenance)
    status = FieldStatus.INTACT
    return RepairedField(value=canonical, raw=cell.text, status=status, confidence=1.0,
                         provenance=cell.provenance)


def repair_unit(cell: Optional[Cell]) -> RepairedField:
    if cell is None or is_empty_marker(cell.text):
        return _empty(cell)
    return RepairedField(value=normalise_unit(cell.text), raw=cell.text, status=FieldStatus.INTACT,
                         confidence=1.0, provenance=cell.provenance)


def repair_plain(cell: Optional[Cell]) -> RepairedField:
    """Targets and other short values: trimmed, "/" becomes null."""
    if cell is None or is_empty_marker(cell.text):
        return _empty(cell)
    return RepairedField(value=cell.text.strip(), raw=cell.text, status=FieldStatus.INTACT,
                         confidence=1.0, provenance=cell.provenance)
