"""One fragment grid of the seed's split layout: its column header, each column's role, its rows.

Part of the split-fragment family (:mod:`.fragments`). A fragment grid comes in one of three forms
(``Grid.form``), each read by the rule its cells call for:

- ``lines`` (a text dump): each row is a line printed with its cells run together; the line is cut into
  the fragment's columns by what they hold (the taxonomy's level names, the operator that anchors the
  value, the score glued to the end of a rule). The columns are known by their place in the family;
- ``pdf`` (a ruled page): the column header's cells name the fields (the layout vocabulary), each cell
  below belongs to the named column it overlaps most, and a merged cell covers the rows it reaches;
- ``ocr`` (a scan): the recogniser read each cell for its column (marks by their shape, a score as a
  number) and says so (``GridCell.role``); a merged cell covers its rows, and a row whose cells all read
  empty is kept (its "/" marks were lost: dropping it would shift every later row against the other
  fragments).

Any other form is read as a ruled grid, by column index where its cells have no bbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from .fragment_cells import split_indicator_line, split_scoring_cell
from ..extractors.ocr_fixes import GUESS_CONFIDENCE
from ..layout.vocabulary import column_fields, header_fragment, remark_holds_scores, spec_named
from ..model import INDICATOR_COLUMNS, Cell, FragmentKind, Grid, GridCell
from .fragment_block import BLOCK_ROLES, cell_of
from .header import Column

FIELDS_BY_PLACE = {
    FragmentKind.INDICATORS: INDICATOR_COLUMNS,
    FragmentKind.EXPLANATIONS: ("explanation",),
    FragmentKind.SCORING: ("scoring_rule", "score", "remark"),
}
"""The columns a dump's line is cut into, by fragment, in their printed order."""

UNNAMED_PLACE_SCORE = 0.5
"""How sure a dump's column is when its header does not name it: only its place in the family says it."""

Cells = dict[str, Cell]


@dataclass
class FragmentRows:
    """What one fragment grid gave below its column header: each column's role, and the rows read."""

    columns: list[Column]
    rows: list[Cells]


def header_row(grid: Grid, rows: list[list[GridCell]]) -> Optional[int]:
    """The row of the fragment's column header, or None when no row names the fragment's columns."""
    if grid.form == "ocr":
        # a scan's grid holds the block values it read, then the column header it found them under
        return next((k for k, row in enumerate(rows) if row and any(c.role not in BLOCK_ROLES for c in row)), None)
    kind = grid.fragment.value if grid.fragment is not None else None
    for k, row in enumerate(rows):
        texts = [c.text for c in row]
        if row and (header_fragment(texts) == kind or not grid.positional and header_fragment(["".join(texts)]) == kind):
            return k  # a dump's header line may hold a name with spaces inside ('评 (扣) 分标准')
    return None


def read_rows(grid: Grid, rows: list[list[GridCell]], at: int) -> FragmentRows:
    """The columns and rows of a fragment grid whose column header is row ``at``."""
    reader = _READERS.get(grid.form, _ruled_rows)
    return reader(grid, rows, at)


# ---------------------------------------------------------------------------- a text dump's lines

def _line_rows(grid: Grid, rows: list[list[GridCell]], at: int) -> FragmentRows:
    kind = _kind(grid)
    header = rows[at]
    named = {name: cell for name, cell in zip(column_fields(kind.value, [c.text for c in header]), header) if name}
    columns = []
    for name in FIELDS_BY_PLACE[kind]:
        cell = named.get(name)
        columns.append(Column(spec_named(name), cell.text if cell is not None else "", decided_by="position",
                              score=1.0 if cell is not None else UNNAMED_PLACE_SCORE,
                              note=None if cell is not None else "the header does not name it; its place does"))
    return FragmentRows(columns, [_cut_line(kind, row) for row in rows[at + 1:] if row])


def _cut_line(kind: FragmentKind, row: list[GridCell]) -> Cells:
    """A dump's line cut into the fragment's columns."""
    line = row[0] if len(row) == 1 else row[0].model_copy(update={"text": " ".join(c.text for c in row)})
    if kind is FragmentKind.INDICATORS:
        return {name: Cell(text=part.text, provenance=line.provenance, at_capacity=part.at_capacity)
                for name, part in split_indicator_line(line.text).items()}
    if kind is FragmentKind.EXPLANATIONS:
        return {"explanation": cell_of(line, line.text.strip())}
    return _ruled_scoring({"scoring_rule": line})


# ---------------------------------------------------------------------------- a ruled page

_Band = tuple[float, float, str]  # a named column's left and right edge, and its field


def _ruled_rows(grid: Grid, rows: list[list[GridCell]], at: int) -> FragmentRows:
    kind = _kind(grid)
    header, body = rows[at], rows[at + 1:]
    names = column_fields(kind.value, [c.text for c in header])
    bands = [(*_extent(c), name) for c, name in zip(header, names) if name]
    columns = [Column(spec_named(name) if name else None, c.text) for c, name in zip(header, names)]
    if remark_holds_scores(names, [c.text for row in body for c in row if _band_of(c, bands) == "remark"]):
        # the seed's 评/扣分标准 | 备注 with the score under 备注 (issue 11)
        bands = [(x0, x1, "score" if name == "remark" else name) for x0, x1, name in bands]
        for column in columns:
            if column.spec is not None and column.spec.name == "remark":
                column.spec, column.decided_by = spec_named("score"), "cells"
                column.note = f"headed {column.header}, its cells are scores"
    read = FragmentRows(columns, [])
    spanning: dict[str, GridCell] = {}  # a merged cell covers the rows below it on this page
    for k in range(at + 1, len(rows)) if bands else ():
        cells = _ruled_row(kind, k, rows[k], bands, spanning)
        if cells:  # a row with nothing in any column (the ruled blank rows below a table) is none
            read.rows.append(cells)
    return read


def _extent(cell: GridCell) -> tuple[float, float]:
    """A cell's left and right edge: its bbox's, or its columns' where it has no bbox."""
    bbox = cell.provenance.bbox
    return (bbox[0], bbox[2]) if bbox is not None else (float(cell.col), float(cell.col + cell.col_span))


def _overlap(cell: GridCell, band: _Band) -> float:
    x0, x1 = _extent(cell)
    return max(0.0, min(x1, band[1]) - max(x0, band[0]))


def _band_of(cell: GridCell, bands: list[_Band]) -> Optional[str]:
    """The named column a cell overlaps most, or None when it overlaps none."""
    if not bands:
        return None
    best = max(bands, key=lambda band: _overlap(cell, band))
    return best[2] if _overlap(cell, best) > 0 else None


def _ruled_row(kind: FragmentKind, index: int, row: list[GridCell], bands: list[_Band],
               spanning: dict[str, GridCell]) -> Cells:
    """One row of a ruled page: its cells by column ({} when none holds any text)."""
    found: dict[str, GridCell] = {}
    for cell in row:
        name = _band_of(cell, bands)
        if name is not None and name not in found:
            found[name] = spanning[name] = cell
    for name, cell in spanning.items():
        if name not in found and cell.row + cell.row_span > index:
            found[name] = cell  # the cell drawn above reaches down over this row
    if not any(c.text.strip() for c in found.values()):
        return {}
    order = [name for _, _, name in bands]
    found = dict(sorted(found.items(), key=lambda item: order.index(item[0])))
    if kind is FragmentKind.SCORING:
        return _ruled_scoring(found)
    return {name: cell_of(cell) for name, cell in found.items()}


def _ruled_scoring(found: dict[str, GridCell]) -> Cells:
    """A scoring row: with no 分值 column the score is glued to the end of the rule, as in a text dump,
    and a remark may follow it; a score column's "/" is no score."""
    cells: Cells = {}
    rule = found.get("scoring_rule")
    if rule is not None:
        if "score" in found:
            cells["scoring_rule"] = cell_of(rule)
        else:
            text, score, remark = split_scoring_cell(rule.text)
            cells["scoring_rule"] = cell_of(rule, text)
            if score is not None:
                cells["score"] = cell_of(rule, score)
            if remark is not None and "remark" not in found:
                cells["remark"] = cell_of(rule, remark)
    score_cell = found.get("score")
    if score_cell is not None and score_cell.text.strip() not in ("", "/", "／"):
        cells["score"] = cell_of(score_cell, score_cell.text.strip())
    remark_cell = found.get("remark")
    if remark_cell is not None and remark_cell.text.strip():
        cells["remark"] = cell_of(remark_cell)
    return cells


# ---------------------------------------------------------------------------- a scan

def _scanned_rows(grid: Grid, rows: list[list[GridCell]], at: int) -> FragmentRows:
    kind = _kind(grid)
    columns = [Column(spec_named(c.role) if c.role else None, c.text, decided_by="form") for c in rows[at]]
    read = FragmentRows(columns, [])
    carried: dict[str, tuple[Cell, int]] = {}  # merged cells: role → (cell, last row it covers)
    for k in range(at + 1, len(rows)):
        if not rows[k]:
            continue
        values: Cells = {}
        for name, (cell, last) in list(carried.items()):
            if k <= last:
                values[name] = cell
            else:
                del carried[name]
        for grid_cell in rows[k]:
            if not grid_cell.role:
                continue
            cell = cell_of(grid_cell)
            values.setdefault(grid_cell.role, cell)
            if grid_cell.row_span > 1:
                carried[grid_cell.role] = (cell, grid_cell.row + grid_cell.row_span - 1)
        read.rows.append(_scanned_cells(kind, values))
    return read


def _scanned_cells(kind: FragmentKind, values: Cells) -> Cells:
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


def _kind(grid: Grid) -> FragmentKind:
    assert grid.fragment is not None, "fragment rows are read from fragment grids only"
    return grid.fragment


_READERS: dict[str, Callable[[Grid, list[list[GridCell]], int], FragmentRows]] = {
    "lines": _line_rows,
    "pdf": _ruled_rows,
    "ocr": _scanned_rows,
}
