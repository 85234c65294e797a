"""Turning OCR'd table rows into the Filing's fragments and header items.

Kept apart from ``ocr.py`` (which reads pages) so the mapping from a grid of
cells to fragment columns can be tested without running OCR.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Cell, ErrorCode, ErrorItem, Filing, Fragment, FragmentKind, Provenance, Row, Severity
from ..layout.vocabulary import column_fields
from .ocr_fixes import GUESS_CONFIDENCE, normalise_header_text
from .cells import split_scoring_cell
from .header import split_duties, split_goals

if TYPE_CHECKING:
    from .grid import GridCell
    from .ocr import PageRead

INDICATOR_ORDER = ("level1", "level2", "level3", "operator", "target", "unit")


def column_names(kind: FragmentKind, header: list[tuple["GridCell", str]]) -> list[str]:
    """Column name per elementary grid column, from the column-header row's cells.

    A header cell that spans several elementary columns (the header block's
    label column does not line up with fragments 2 and 3) names all of them.
    """
    width = max((cell.col + cell.col_span for cell, _ in header), default=0)
    names = [""] * width
    found = [name or "" for name in column_fields(kind.value, [normalise_header_text(t) for _, t in header])]
    if kind is FragmentKind.INDICATORS and len(header) == 6 and len(set(found) - {""}) < 6:
        found = list(INDICATOR_ORDER)  # unreadable header cells: the seed's standard order
    for (cell, _), name in zip(header, found):
        for col in range(cell.col, cell.col + cell.col_span):
            names[col] = name
    return names


class FragmentBuilder:
    """Collects the rows of each fragment over its pages (first page plus continuations)."""

    def __init__(self, filing: Filing, source: str):
        self.filing, self.source = filing, source

    def add(self, read: "PageRead", *, continuation: bool) -> None:
        kind = read.kind
        names = read.names or column_names(kind, read.columns)
        fragment = self.filing.fragments.get(kind)
        if fragment is not None and not continuation:
            self.filing.errors.append(ErrorItem(
                code=ErrorCode.DUPLICATE_FRAGMENT, component="extract", severity=Severity.WARNING, page=read.number,
                message=f"{self.source}: a second {kind.value} fragment on page {read.number} is ignored; "
                f"the first, on page {fragment.provenance.page}, is used"))
            return
        if fragment is None:
            header_cell = read.columns[0][0] if read.columns else None
            fragment = Fragment(kind=kind, provenance=Provenance(
                file=self.source, page=read.number,
                bbox=None if header_cell is None else read.header_bbox))
            self.filing.fragments[kind] = fragment
        carried: dict[str, tuple[Cell, int]] = {}  # merged cells: name → (cell, last elementary row)
        for row in read.rows:
            if not row:
                continue
            r = row[0][0].row
            values: dict[str, Cell] = {}
            for name, (cell, last) in list(carried.items()):
                if r <= last:
                    values[name] = cell
                else:
                    del carried[name]
            for grid_cell, cell in row:
                name = names[grid_cell.col] if grid_cell.col < len(names) else ""
                if not name:
                    continue
                values[name] = cell if name not in values else values[name]
                if grid_cell.row_span > 1:
                    carried[name] = (cell, grid_cell.row + grid_cell.row_span - 1)
            # a row whose cells all read empty is kept: its "/" marks were lost, and
            # dropping it would shift every later row against the other fragments
            fragment.rows.append(Row(index=len(fragment.rows) + 1, cells=_finish(kind, values)))


def _finish(kind: FragmentKind, values: dict[str, Cell]) -> dict[str, Cell]:
    if kind is FragmentKind.INDICATORS:
        operator, target = values.get("operator"), values.get("target")
        if operator is not None and not operator.text.strip() and target is not None \
                and target.text.strip() not in ("", "/", "／"):
            # a value with no operator: the thin "=" is the mark OCR loses most often
            values["operator"] = operator.model_copy(update={
                "text": "=", "ocr_confidence": min(operator.ocr_confidence or 1.0, GUESS_CONFIDENCE)})
        return values
    if kind is FragmentKind.SCORING:
        rule = values.get("scoring_rule")
        if rule is not None and "score" not in values:
            text, score, remark = split_scoring_cell(rule.text)
            values["scoring_rule"] = rule.model_copy(update={"text": text})
            if score is not None:
                values["score"] = rule.model_copy(update={"text": score})
            if remark is not None and not (values.get("remark") and values["remark"].text.strip()):
                values["remark"] = rule.model_copy(update={"text": remark})
        if "remark" in values and not values["remark"].text.strip():
            del values["remark"]
    return values


def apply_header(filing: Filing, header: dict[str, Cell]) -> None:
    """Department, duties and goals from the header block cells read once per filing."""
    filing.department = header.get("department")
    if header.get("duties") is not None:
        filing.duties = split_duties(header["duties"])
    if header.get("goals") is not None:
        filing.goals = split_goals(header["goals"])
