"""The header block above an indicator table: department, project, goals, budget, period, year, kind.

Part of the layout reader; the labels it looks for live in :mod:`jixiao.layout.header_block`.
"""

from __future__ import annotations

import re
from typing import Optional, Union

from ..layout.header_block import (
    YEAR,
    labels,
    kind_of,
    looks_like_name,
    match_label,
    strip_code,
)
from ..model import (
    BudgetItem,
    Cell,
    Extracted,
    Filing,
    Grid,
    GridCell,
    HeaderItem,
    Provenance,
)

from .header import Header


# ---------------------------------------------------------------------------- header block

_AMOUNT = re.compile(r"^\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*(万元|亿元|千元|元|万|亿)?\s*$")
_UNIT_NOTE = re.compile(r"(?:金额|资金)?单位\s*[:：]\s*(万元|亿元|千元|元)|^\s*[(（](万元|元)[)）]\s*$", re.M)
_UNIT_IN_LABEL = re.compile(r"[(（]\s*(万元|亿元|千元|元)\s*[)）]")


def _budget_item(label: str, rest: str, following: list[GridCell], cell: GridCell,
                 unit_note: Optional[str]) -> Optional[BudgetItem]:
    unit = None
    match = _UNIT_IN_LABEL.search(rest)
    if match:
        unit, rest = match.group(1), rest[:match.start()] + rest[match.end():]
    raw, where = rest.strip(" :："), cell
    if not raw and following:
        raw, where = following[0].text.strip(), following[0]
    if not raw:
        return None
    amount_match = _AMOUNT.match(raw)
    amount: Optional[Union[int, float]] = None
    if amount_match:
        value = float(amount_match.group(1).replace(",", ""))
        amount = int(value) if value.is_integer() else value
        unit = {"万": "万元", "亿": "亿元"}.get(amount_match.group(2) or "", amount_match.group(2)) or unit
    elif match_label(raw, labels("budget")) or not re.search(r"\d", raw):
        return None  # the next cell is another label, not an amount
    return BudgetItem(label=label, amount=amount, unit=unit or unit_note, raw=raw, provenance=where.provenance)


def _header_block(grid: Grid, rows: list[list[GridCell]], header: Header, filing: Filing,
                  around: Optional[list[list[GridCell]]] = None, since: int = 0) -> None:
    """Department, project, goals, budget, period, year and kind, from the rows above the header (from
    row ``since``: a second table of the same grid has its own block, below the first table) and, for a
    page or a Word file, from the paragraphs and tables before it (``around``)."""
    before = [*(around or []), *rows[since:header.top]]
    found: dict[str, tuple[int, str, GridCell]] = {}
    goal_items: list[HeaderItem] = []
    budget: dict[str, BudgetItem] = {}
    head_text = "\n".join(line for n, line in grid.lines if header.line is None or n < header.line)
    note = _UNIT_NOTE.search(head_text)
    unit_note = (note.group(1) or note.group(2)) if note else None
    for cells in before:
        for k, cell in enumerate(cells):
            budget_match = match_label(cell.text, labels("budget"))
            if budget_match is not None:
                item = _budget_item(budget_match[0], budget_match[1], cells[k + 1:], cell, unit_note)
                if item is not None and item.label not in budget:
                    budget[item.label] = item
                continue
            for what in ("department", "project", "goals", "period"):
                kind_labels = labels(what)
                match = match_label(cell.text, kind_labels)
                if match is None:
                    continue
                label, rest = match
                if not rest:
                    following = cells[k + 1:]
                    if what == "goals" and grid.tokenised:
                        rest = " ".join(c.text for c in following)
                    elif following:
                        rest = following[0].text
                    if match_label(rest, labels("department") + labels("project") + labels("goals") + labels("period")):
                        rest = ""
                elif what == "goals" and grid.tokenised:
                    rest = " ".join([rest, *(c.text for c in cells[k + 1:])])
                rank = kind_labels.index(label)
                fits = (what in ("goals", "period") and bool(re.search(r"\w", rest))) or looks_like_name(rest)
                if rest and fits and (what not in found or rank < found[what][0]):
                    found[what] = (rank, rest.strip(), cell)
                break
    for line_no, line in grid.lines:
        numbered = re.match(r"^\s*目\s*标\s*(\d+)\s*[:：、.]\s*(.+)$", line)
        if numbered and (header.line is None or line_no < header.line):
            goal_items.append(HeaderItem(label=f"目标{numbered.group(1)}", number=int(numbered.group(1)),
                                         cell=Cell(text=numbered.group(2).strip(),
                                                   provenance=Provenance(file=grid.source, line=line_no))))
    if "department" in found:
        _, value, cell = found["department"]
        filing.department = Cell(text=strip_code(value), provenance=cell.provenance)
    if "project" in found:
        _, value, cell = found["project"]
        filing.project = Cell(text=value, provenance=cell.provenance)
    if "period" in found:
        _, value, cell = found["period"]
        filing.period = Cell(text=value, provenance=cell.provenance)
    filing.budget = list(budget.values())
    if goal_items:
        filing.goals = goal_items
    elif "goals" in found:
        _, value, cell = found["goals"]
        filing.goals = [HeaderItem(label="目标", number=None, cell=Cell(text=value, provenance=cell.provenance))]
    year = YEAR.search(head_text)
    if year:
        filing.year = int(year.group(1))
    title_kind = kind_of(head_text.split("项目名称")[0]) if head_text else None
    if title_kind is None and any(name in header.fields for name in ("actual", "points")):
        title_kind = "self_evaluation"  # 实际完成值 and 得分 columns: a self-evaluation, whatever its title
    filing.document_kind = title_kind or ("project" if filing.project is not None else "department")


def _around(extracted: Extracted, grid: Grid, header: Header) -> list[list[GridCell]]:
    """For a page, a Word file or a scan, what precedes the table: the paragraphs (as one-cell rows) and
    the rows of the tables before it, in reading order (a scan's lines count its text lines and table
    rows top-down, as a page's do). A spreadsheet's other sheets are not its header."""
    if grid.form not in ("html", "docx", "ocr") or header.line is None:
        return []
    table_lines = {c.provenance.line for g in extracted.grids for c in g.cells}
    out: list[tuple[int, list[GridCell]]] = []
    for line_no, text in grid.lines:
        if line_no < header.line and line_no not in table_lines:
            out.append((line_no, [GridCell(text=text, row=0, col=0,
                                           provenance=Provenance(file=grid.source, line=line_no))]))
    for other in extracted.grids:
        if other is grid:
            continue
        for cells in other.rows():
            if cells and cells[0].provenance.line is not None and cells[0].provenance.line < header.line:
                out.append((cells[0].provenance.line, cells))
    return [cells for _, cells in sorted(out, key=lambda pair: pair[0])]
