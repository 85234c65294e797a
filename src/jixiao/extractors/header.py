"""The header block every fragment repeats: department, duties and goals.

Shared by all extractors: a text dump gives the block as lines, a PDF as the
cells of the rows above the indicator table. Both end up as cells that are
split here into numbered items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..model import Cell, HeaderItem, Provenance
from ..model.text import chinese_numeral, parse_chinese_numeral

# Labels are often clipped ("部门单位名", "部门（单位）职", "年度总体目"), so each
# pattern accepts any prefix that still identifies the label.
DEPARTMENT_LABEL = re.compile(r"^\s*(?:部门\s*[（(]?\s*单位\s*[）)]?\s*名称?|单位名称|部门名称)\s*[:：]?")
DUTIES_LABEL = re.compile(r"^\s*部门\s*[（(]?\s*单位\s*[）)]?\s*职责?\s*[:：]?")
GOALS_LABEL = re.compile(r"^\s*年度(?:总体|履职)?目标?\s*[:：]?")
TITLE_WORDS = ("年度履职目标", "绩效目标表")
YEAR_PATTERN = re.compile(r"(20\d{2})\s*年")

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
    """The cells of one header block as found by an extractor."""

    department: Optional[Cell] = None
    duties: Optional[Cell] = None
    goals: Optional[Cell] = None
    year: Optional[int] = None


def strip_label(text: str, label: re.Pattern) -> tuple[str, bool]:
    match = label.match(text)
    if not match or match.end() == 0:
        return text, False
    return text[match.end():], True


def classify_header_lines(lines: list[tuple[int, str]], source: str) -> HeaderBlock:
    """Assign the lines of a text-dump header block to department, duties and goals.

    Lines carry their (clipped) labels only in some fragments, so a line is also
    recognised by its content: duties start with （一）, goals with 目标 or 1、.
    """
    block = HeaderBlock()
    for line_no, text in lines:
        if not text.strip() or any(word in text for word in TITLE_WORDS) and len(text.strip()) < 40:
            year = YEAR_PATTERN.search(text)
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
