"""Repair every field of one filing against a passage index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional

from ..layout.vocabulary import FREE_TEXT_FIELDS
from ..model import (
    CONTROLS_FLAG,
    Cell,
    Evidence,
    FieldStatus,
    Filing,
    FragmentKind,
    HeaderItem,
    HeaderValue,
    RepairedField,
    lost_characters,
)
from ..model.text import chinese_numeral
from .engine import MAX_REPAIR_CHARS, repair_field

if TYPE_CHECKING:
    from ..model import FilingResult
from .index import PassageRef, Trust
from .sources import WitnessSource
from .normalise import repair_level1, repair_level2, repair_operator, repair_plain, repair_unit

FREE_TEXT_COLUMNS = ("level3", "explanation", "scoring_rule", "remark")


@dataclass
class RepairedFiling:
    """A filing's repaired header items and, per fragment, its repaired rows."""

    department: Optional[str]
    duties: list[HeaderValue]
    goals: list[HeaderValue]
    rows: dict[FragmentKind, list[dict[str, RepairedField]]] = field(default_factory=dict)


def header_field_name(kind: str, position: int) -> str:
    return f"{kind}[{position}]"


def row_field_name(kind: FragmentKind, row: int, column: str) -> str:
    return f"{kind.value}[{row}].{column}"


def filer_of(filing: Filing) -> Optional[str]:
    """Who filed it: the department, which files the same duties year after year."""
    return filing.department.text.strip() if filing.department and filing.department.text.strip() else None


def passages_of(filing: Filing, trust: Trust = Trust.FILING) -> Iterator[tuple[str, PassageRef]]:
    """Every free-text cell of a filing, as (text, where) pairs for the index."""
    group = filer_of(filing)

    def ref(name: str) -> PassageRef:
        return PassageRef(source=filing.source, filing=filing.filing, field=name, trust=trust, group=group)

    for kind, items in (("duties", filing.duties), ("goals", filing.goals)):
        for position, item in enumerate(items, start=1):
            if len(item.cell.text) <= MAX_REPAIR_CHARS:
                yield item.cell.text, ref(header_field_name(kind, position))
    for kind, fragment in filing.fragments.items():
        for row in fragment.rows:
            for column in FREE_TEXT_COLUMNS:
                cell = row.cells.get(column)
                if cell is not None and len(cell.text) <= MAX_REPAIR_CHARS:  # see repair_field
                    yield cell.text, ref(row_field_name(kind, row.index, column))


def repaired_passages(result: "FilingResult", trust: Trust = Trust.MEMORY) -> Iterator[tuple[str, PassageRef]]:
    """The repaired free-text values of a converted filing, for the repair memory.

    Remembering the restored text (not only the raw cells) lets the next
    batch start from what this one pieced together from several witnesses.
    """
    def ref(name: str) -> PassageRef:
        return PassageRef(source=result.source, filing=result.filing, field=name, trust=trust,
                          group=result.department)

    for kind, items in (("duties", result.duties), ("goals", result.goals)):
        for position, item in enumerate(items, start=1):
            if item.evidence and item.text:
                yield item.text, ref(header_field_name(kind, position))
    for record in result.records:
        for column in FREE_TEXT_COLUMNS:
            field_ = record.fields.get(column)
            if field_ is not None and field_.evidence and field_.value:
                kind = FragmentKind.INDICATORS if column == "level3" else (
                    FragmentKind.EXPLANATIONS if column == "explanation" else FragmentKind.SCORING)
                yield field_.value, ref(row_field_name(kind, record.row, column))


def repair_filing(filing: Filing, index: WitnessSource, *, trust: Trust = Trust.FILING) -> RepairedFiling:
    """Repair the header items and every cell of every fragment of one filing.

    ``index`` must already hold this filing's passages (see :func:`passages_of`)
    and whatever else may witness them: the batch, memory, references.
    """
    group = filer_of(filing)

    def exclude(name: str) -> PassageRef:
        return PassageRef(source=filing.source, filing=filing.filing, field=name, trust=trust, group=group)

    lost = lost_characters(filing.cleaned)

    def checked(field_: RepairedField, cell: Optional[Cell]) -> RepairedField:
        """A field is only as sure as its cell: OCR confidence, and characters removed (issue 23)."""
        field_ = _ocr_checked(field_, cell)
        if lost(cell) and CONTROLS_FLAG not in field_.flags:
            field_ = field_.model_copy(update={"flags": [*field_.flags, CONTROLS_FLAG]})
        return field_

    def free_text(cell: Optional[Cell], name: str) -> RepairedField:
        if cell is None:
            return RepairedField(value=None, raw=None, status=FieldStatus.INTACT, confidence=1.0)
        repaired = repair_field(cell.text, index, at_capacity=cell.at_capacity, exclude=exclude(name),
                                filing=filing.filing, provenance=cell.provenance)
        return checked(repaired, cell)

    duties = [_header_value(item, "duties", k, free_text, _duty_label)
              for k, item in enumerate(filing.duties, start=1)]
    goals = [_header_value(item, "goals", k, free_text, _goal_label)
             for k, item in enumerate(filing.goals, start=1)]

    rows: dict[FragmentKind, list[dict[str, RepairedField]]] = {}
    for kind, fragment in filing.fragments.items():
        repaired_rows = []
        for row in fragment.rows:
            cells = row.cells
            repaired: dict[str, RepairedField] = {}
            if kind is FragmentKind.INDICATORS:
                repaired["level1"] = checked(repair_level1(cells.get("level1")), cells.get("level1"))
                repaired["level2"] = checked(repair_level2(cells.get("level2"), repaired["level1"].value),
                                                  cells.get("level2"))
                repaired["level3"] = free_text(cells.get("level3"), row_field_name(kind, row.index, "level3"))
                repaired["operator"] = checked(repair_operator(cells.get("operator")), cells.get("operator"))
                repaired["target"] = checked(repair_plain(cells.get("target")), cells.get("target"))
                repaired["unit"] = checked(repair_unit(cells.get("unit")), cells.get("unit"))
            elif kind is FragmentKind.EXPLANATIONS:
                repaired["explanation"] = free_text(
                    cells.get("explanation"), row_field_name(kind, row.index, "explanation"))
            else:
                repaired["scoring_rule"] = free_text(
                    cells.get("scoring_rule"), row_field_name(kind, row.index, "scoring_rule"))
                repaired["remark"] = free_text(cells.get("remark"), row_field_name(kind, row.index, "remark"))
                repaired["score"] = checked(repair_plain(cells.get("score")), cells.get("score"))
            # a single table holds every column in one row: the other fields, by their kind
            for name, cell in cells.items():
                if name not in repaired:
                    repaired[name] = (free_text(cell, row_field_name(kind, row.index, name))
                                      if name in FREE_TEXT_FIELDS
                                      else checked(repair_plain(cell), cell))
            repaired_rows.append(_as_printed(repaired, cells))
        rows[kind] = repaired_rows

    return RepairedFiling(department=group, duties=duties, goals=goals, rows=rows)


LOW_OCR_CONFIDENCE = 0.8


def _as_printed(repaired: dict[str, RepairedField], cells: dict[str, Cell]) -> dict[str, RepairedField]:
    """Each field's raw text is the cell as printed, where the reader cut or cleaned the cell's text
    (the clean text is what repair worked on)."""
    for name, cell in cells.items():
        if cell.raw is not None and name in repaired:
            repaired[name] = repaired[name].model_copy(update={"raw": cell.raw})
    return repaired


def _with_ocr_confidence(field_: RepairedField, cell: Cell) -> RepairedField:
    """An OCR cell is only as sure as the recogniser was."""
    if cell.ocr_confidence is None:
        return field_
    update: dict = {"confidence": round(min(field_.confidence, cell.ocr_confidence), 4)}
    if cell.ocr_confidence < LOW_OCR_CONFIDENCE:
        update["flags"] = [*field_.flags, "low_ocr_confidence"]
    return field_.model_copy(update=update)


def _ocr_checked(field_: RepairedField, cell: Optional[Cell]) -> RepairedField:
    """Structured fields too: an OCR slip guessed back (ocr_fixes, ocr_marks) is flagged."""
    return field_ if cell is None else _with_ocr_confidence(field_, cell)


def _duty_label(item: HeaderItem) -> str:
    return f"（{chinese_numeral(item.number)}）" if item.number else item.label


def _goal_label(item: HeaderItem) -> str:
    return f"目标{item.number}" if item.number is not None else item.label


def _header_value(item: HeaderItem, kind: str, position: int, free_text, label_of) -> HeaderValue:
    repaired = free_text(item.cell, header_field_name(kind, position))
    label = label_of(item)
    evidence = list(repaired.evidence)
    if item.label and label.replace(" ", "") not in item.label.replace(" ", "").replace("、", "").replace(":", "").replace("：", ""):
        # the label itself was damaged ("（十 ）", "目 4"): its number follows from the sequence
        evidence.insert(0, Evidence(kind="numbering", field=header_field_name(kind, position), text=label))
    return HeaderValue(
        label=label, number=item.number, text=repaired.value,
        raw=item.cell.raw if item.cell.raw is not None else item.cell.text,
        status=repaired.status, confidence=repaired.confidence, evidence=evidence,
        flags=repaired.flags, provenance=item.cell.provenance,
    )
