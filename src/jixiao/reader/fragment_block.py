"""The header block every fragment of the seed's split layout repeats: department, duties, goals, year.

Part of the split-fragment family (:mod:`.fragments`). Each extractor hands the block over as what it
is in its format: a text dump as the lines above the fragment's column header (``Grid.lines``), a ruled
PDF page as the label | value rows above it, a scan as the value cells it read beside their labels
(``GridCell.role``: the recogniser reads a value once it knows its label). This module reads each into a
:class:`HeaderBlock` and splits duties and goals into numbered items. The labels live in
:mod:`jixiao.layout.header_block`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..layout.header_block import DEPARTMENT_LABEL, DUTIES_LABEL, GOALS_LABEL, TITLE_WORDS, YEAR, strip_label
from ..model import Cell, Grid, GridCell, HeaderItem, Provenance
from ..model.text import chinese_numeral, parse_chinese_numeral

BLOCK_ROLES = ("department", "duties", "goals")
"""The roles of a header block's values, as a scan names them (``GridCell.role``)."""

DUTY_LABEL = re.compile(r"[（(]\s*([一二三四五六七八九十][一二三四五六七八九十 ]{0,3})\s*[）)]")
GOAL_MARKER = re.compile(r"目\s*标?\s*[:：]?\s*(\d{1,2})\s*[、.．:：,，]?\s*")
NUMBERED_MARKER = re.compile(r"(?:^|(?<=[。；;]))\s*(\d{1,2})\s*[、.．]\s*")
LEADING_PUNCTUATION = "，,、.．:：;； "
TERMINAL_PUNCTUATION = "。；;！!？?”）)"


def numeral_fits(garbled: str, n: int) -> bool:
    """Whether a damaged label such as "十 " (a collapsed run) can be the numeral for n."""
    full = chinese_numeral(n)
    visible = garbled.rstrip()
    if visible == full:
        return True
    # A collapsed run keeps its first character(s) and replaces the rest by a space.
    return garbled != visible and full.startswith(visible) and len(full) > len(visible)


@dataclass
class HeaderBlock:
    """The cells of one fragment's header block, and the year its title names."""

    department: Optional[Cell] = None
    duties: Optional[Cell] = None
    goals: Optional[Cell] = None
    year: Optional[int] = None

    @property
    def empty(self) -> bool:
        """No department, duties or goals: a page that continues a fragment prints none."""
        return self.department is None and self.duties is None and self.goals is None


def cell_of(cell: GridCell, text: Optional[str] = None) -> Cell:
    """The filing's cell of a grid cell (its text replaced by ``text`` when given), with everything the
    extractor knew of it: provenance, whether it filled its width, the recogniser's confidence."""
    return Cell(text=cell.text if text is None else text, provenance=cell.provenance,
                at_capacity=cell.at_capacity, ocr_confidence=cell.ocr_confidence)


def read_block(grid: Grid, above: list[list[GridCell]]) -> HeaderBlock:
    """One fragment grid's header block: the values a scan named, else the label | value rows ``above``
    the column header of a ruled page, else the lines of a text dump above it."""
    named = [cell for cell in grid.cells if cell.role in BLOCK_ROLES]
    if named or grid.form == "ocr":
        return _named_block(named)
    if grid.positional:
        return _label_value_block(grid, above)
    return classify_header_lines(grid.lines, grid.source)


def _named_block(cells: list[GridCell]) -> HeaderBlock:
    """A scan's block: the recogniser read each value for the label beside it."""
    block = HeaderBlock()
    for cell in cells:
        if getattr(block, str(cell.role)) is None:
            setattr(block, str(cell.role), cell_of(cell))
    return block


def _label_value_block(grid: Grid, rows: list[list[GridCell]]) -> HeaderBlock:
    """A ruled page's block: rows of a label and its value (the longest other cell) above the column
    header. The year is the page title's (the text above the table, ``Grid.lines``)."""
    block = HeaderBlock()
    for cells in rows:
        if len(cells) < 2:
            continue  # the full-width 绩效指标 row, a title row
        label, value = cells[0], max(cells[1:], key=lambda c: len(c.text))
        for name, pattern in (("duties", DUTIES_LABEL), ("goals", GOALS_LABEL), ("department", DEPARTMENT_LABEL)):
            rest, matched = strip_label(label.text, pattern)
            if matched and not rest.strip() and getattr(block, name) is None:
                setattr(block, name, cell_of(value, value.text.strip() if name == "department" else None))
                break
    if not block.empty:
        # the title's characters run together line after line, as the page prints them
        year = YEAR.search("".join(text for _, text in grid.lines))
        block.year = int(year.group(1)) if year else None
    return block


def classify_header_lines(lines: list[tuple[int, str]], source: str) -> HeaderBlock:
    """Assign the lines of a text-dump header block to department, duties and goals.

    Lines carry their (clipped) labels only in some fragments, so a line is also
    recognised by its content: duties start with （一）, goals with 目标 or 1、.
    """
    block = HeaderBlock()
    for line_no, text in lines:
        if not text.strip() or any(word in text for word in TITLE_WORDS) and len(text.strip()) < 40:
            year = YEAR.search(text)
            if year and block.year is None:
                block.year = int(year.group(1))
            continue
        provenance = Provenance(file=source, line=line_no)
        body, had_label = strip_label(text, DUTIES_LABEL)
        if had_label or DUTY_LABEL.match(text.strip()):
            block.duties = Cell(text=body.strip(), provenance=provenance)
            continue
        body, had_label = strip_label(text, GOALS_LABEL)
        stripped = text.strip()
        if had_label or stripped.startswith("目标") or NUMBERED_MARKER.match(stripped):
            # "年度总体目目标:1、…" is the clipped label glued to "目标:1、…"
            block.goals = Cell(text=(body if had_label else stripped).strip(), provenance=provenance)
            continue
        body, _ = strip_label(text, DEPARTMENT_LABEL)
        if block.department is None:
            block.department = Cell(text=body.strip(), provenance=provenance)
    return block


def split_duties(cell: Cell) -> list[HeaderItem]:
    """Split a duties cell into items （一）…（十一）, accepting damaged labels like （十 ）.

    A label is only taken as an item boundary when its numeral continues the
    sequence, so a parenthesis inside an item (（含 、工 …）) is not split on.
    """
    items: list[HeaderItem] = []
    starts: list[tuple[int, int, str, int]] = []  # (label start, body start, label, number)
    expected = 1
    for match in DUTY_LABEL.finditer(cell.text):
        inner = match.group(1)
        number = parse_chinese_numeral(inner)
        if number != expected and not numeral_fits(inner, expected):
            continue
        starts.append((match.start(), match.end(), match.group(0), expected))
        expected += 1
    if not starts:
        return [_item("", None, cell.text, cell)] if cell.text.strip() else []
    for k, (start, body_start, label, number) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(cell.text)
        items.append(_item(label, number, cell.text[body_start:end], cell))
    _mark_clipped_tail(items, cell)
    return items


def split_goals(cell: Cell) -> list[HeaderItem]:
    """Split a goals cell into items at 目标N markers (or N、 when there are none)."""
    markers = list(GOAL_MARKER.finditer(cell.text))
    if not markers:
        markers = list(NUMBERED_MARKER.finditer(cell.text))
    if not markers:
        return [_item("", None, cell.text, cell)] if cell.text.strip() else []
    items: list[HeaderItem] = []
    for k, match in enumerate(markers):
        end = markers[k + 1].start() if k + 1 < len(markers) else len(cell.text)
        body = cell.text[match.end():end]
        items.append(_item(match.group(0).strip(), int(match.group(1)), body, cell))
    _mark_clipped_tail(items, cell)
    return items


def _item(label: str, number: Optional[int], body: str, cell: Cell) -> HeaderItem:
    body = body.lstrip(LEADING_PUNCTUATION).rstrip("\n")
    # keep a trailing space: it is the gap marker of a collapsed run ("提 ")
    body = body.rstrip() + (" " if body.endswith(" ") and body.strip() else "")
    return HeaderItem(
        label=label,
        number=number,
        cell=Cell(text=body, provenance=cell.provenance, at_capacity=False,
                  ocr_confidence=cell.ocr_confidence),
    )


def _mark_clipped_tail(items: list[HeaderItem], cell: Cell) -> None:
    """The last item of a cell that overflowed its capacity may be cut off."""
    if not items:
        return
    last = items[-1].cell
    overflowed = cell.at_capacity or re.search(r"[\u4e00-\u9fff] ", cell.text) is not None
    if overflowed and last.text and last.text.rstrip()[-1:] not in TERMINAL_PUNCTUATION:
        items[-1] = items[-1].model_copy(update={"cell": last.model_copy(update={"at_capacity": True})})
