"""The layout reader: any Grid → a Filing of indicator rows, or a clear failure.

It finds the header row by the layout vocabulary (never by position), maps
columns to fields, and reads the rows below it. A row whose merged cells were
dropped (a text dump keeps no trace of them) is aligned to the header's
columns by what each cell holds: a taxonomy name belongs in 一级/二级, an
operator in 指标性质, a number in 分值 … (``_align``, a small dynamic
programme). Merged 一级/二级 cells are carried down, section rows
(``产出指标 (40-50)分``) set the group, empty category rows and page furniture
make no record, and the table ends at the first row that does not fit.

A grid with no understood header raises :class:`LayoutNotUnderstood` saying
what was seen ("line 12 holds 一级指标, 二级指标, 三级指标 but no column for
指标值"): never a pile of plausible-looking records.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..layout.header_block import (
    FURNITURE,
    SIGN_OFF,
    all_labels,
    labels,
    looks_like_name,
    match_label,
)
from ..layout.values import (
    DIRECTIONS,
    STANDARDS,
    is_empty,
    is_number,
    strip_score_range,
)
from ..layout.taxonomy import LEVEL2_BY_LEVEL1
from ..layout.vocabulary import (
    ValueKind,
    match_header,
    normalise,
)
from ..model import (
    Cell,
    ErrorItem,
    Grid,
    GridCell,
    Row,
)

from ..layout.values import classify, is_score_range, is_unit, level1_name, level2_name
from ..layout.vocabulary_file import current as current_vocabulary
from ..model import DroppedRow
from .align import _align, _fit, _BARE_NUMBERING, _NUMBERING, _VALUE_LIKE  # noqa: F401
from .settings import current as settings_in_force
from .rows import _join_broken_rows, _segment_glued, _split_packed_row, _unfuse_echoes, _unfuse_scores, _unfuse_twins
from .header import (  # noqa: F401
    Column,
    Header,
    _describe,
    _is_header_only,
    _read_header,
    _split_long_row,
    find_header,
)


# ---------------------------------------------------------------------------- the reader

@dataclass
class TableReading:
    """What reading one table's body produced: its rows, and every row it did not make a record of."""

    rows: list[Row] = field(default_factory=list)
    dropped: list[DroppedRow] = field(default_factory=list)
    empty_rows: int = 0  # template rows left empty: 一级/二级 printed and nothing else
    trailing: int = 0  # lines after the last row that fit no column: the page going on, not rows
    end: str = "grid_end"
    end_line: Optional[int] = None
    errors: list[ErrorItem] = field(default_factory=list)
    pending: list[DroppedRow] = field(default_factory=list)  # misfits since the last row read
    column_texts: dict[int, list[str]] = field(default_factory=dict)  # what each column was given, row by row
    prose: int = 0  # lines since the last row read that look like the page going on, not table rows

    @property
    def fits(self) -> list[float]:
        return [row.fit for row in self.rows if row.fit is not None]


def _assign_positional(header: Header, cells: list[GridCell], header_cols: list[int]) -> dict[int, list[GridCell]]:
    placed: dict[int, list[GridCell]] = {}
    for cell in cells:
        for k, start in enumerate(header_cols):
            end = header_cols[k + 1] if k + 1 < len(header_cols) else 10 ** 6
            if start <= cell.col < end:
                placed.setdefault(k, []).append(cell)
                break
    return placed


def _body(grid: Grid, rows: list[list[GridCell]], header: Header) -> list[list[GridCell]]:
    """The rows below the header, cut where a dump ran several rows together."""
    columns, names = header.columns, header.fields
    body = rows[header.row + 1:]
    # a tokenised line is cut where a 一级/二级 name opens a row; a row of real cells longer than the
    # header (a stream, a pipe row that lost its line breaks) is cut by _split_packed_row below,
    # which also finds rows that open with a name the taxonomy does not know (项目完成, 产出值)
    cut = _split_long_row if grid.tokenised else (lambda cells, _width: [cells])
    if not grid.positional and not grid.glued:  # a glued row is many pieces by nature
        body = [part for cells in body for part in cut(cells, len(columns))]
    if header.spill:  # the rows a flattened page ran into its header line
        body = [*cut(header.spill, len(columns)), *body]
    if grid.glued:  # several rows a flattened page printed on one line, each cut where it aligns best
        body = [chunk for cells in body for chunk in _segment_glued(columns, cells)]
        body = _unfuse_scores(columns, body)
        body = _unfuse_echoes(columns, body)
        body = _unfuse_twins(columns, body)
    if not grid.positional and not grid.glued and "score" in names:
        body = _join_broken_rows(columns, body, grid.tokenised)
    if not grid.positional and not grid.glued:
        body = [part for cells in body for part in _split_packed_row(columns, cells, grid.tokenised)]
    if "level1" not in names and "level2" in names and not grid.positional:
        body = [part for cells in body for part in _level1_apart(cells, len(columns))]
    return body


def _level1_apart(cells: list[GridCell], width: int) -> list[list[GridCell]]:
    """A row opening with a 一级 name then a 二级 one, more cells than the header has columns, under a
    header with no 一级 column (评价内容 over both: 产出目标 | 数量目标 | 当年…): the 一级 is a group row of
    its own, the rest the indicator's row. (A row as wide as the header holds its cells in its columns.)"""
    if len(cells) > max(2, width) and level1_name(cells[0].text) and not level2_name(cells[0].text) \
            and level2_name(cells[1].text) and not level1_name(cells[1].text):
        return [cells[:1], cells[1:]]
    return [cells]


def _ends_table(cells: list[GridCell], header: Header) -> Optional[str]:
    """Why this row ends the table (a sign-off or page line, another table's header), or None."""
    first = cells[0]
    if FURNITURE.match(first.text) or SIGN_OFF.search(" ".join(c.text for c in cells)):
        return "furniture"
    if _NEXT_TABLE.match(normalise(first.text)) and not _NEXT_TABLE.match(normalise(header.cells[0].text)):
        return "next_table"  # 序号 | 学校性质 | 培训机构 …: the header of another table below this one
    return None


def _fit01(score: float, cells: int) -> float:
    """A row's total alignment score as a fit from 0 to 1 (3 a cell is a perfect fit)."""
    return max(0.0, min(1.0, score / (3.0 * max(1, cells))))


def _placed(grid: Grid, header: Header, cells: list[GridCell],
            header_cols: list[int]) -> tuple[float, dict[int, str], dict[int, GridCell]]:
    """Each column's text and first cell for one row, and how well the row fits (-inf: not at all)."""
    columns = header.columns
    if grid.positional:
        placed_cells = _assign_positional(header, cells, header_cols)
        values = {k: " ".join(c.text for c in v if c.text.strip()) for k, v in placed_cells.items()}
        anchor = {k: v[0] for k, v in placed_cells.items()}
        return _positional_fit(columns, values), values, anchor
    texts = [c.text for c in cells]
    sep = "" if grid.glued else " "
    fit, placed = _align(columns, texts, grid.tokenised, sep)
    fit, placed = _with_level3(columns, texts, grid.tokenised, sep, fit, placed)
    if fit == float("-inf"):
        return fit, {}, {}
    values = {k: sep.join(texts[i] for i in idx) for k, idx in placed.items()}
    anchor = {k: cells[idx[0]] for k, idx in placed.items()}
    return _fit01(fit, len(placed)), values, anchor


def _positional_fit(columns: list[Column], values: dict[int, str]) -> float:
    """How well the cells of a row with known columns fit them: the mean of each filled cell's fit."""
    scores = [_fit(columns[k], text, classify(text)) for k, text in values.items()
              if k < len(columns) and columns[k].spec is not None and text.strip()]
    return _fit01(sum(max(-3.0, s) for s in scores), len(scores)) if scores else 1.0


def _row_cells(columns: list[Column], values: dict[int, str], anchor: dict[int, GridCell]) -> dict[str, Cell]:
    row_cells: dict[str, Cell] = {}
    for k, text in values.items():
        column = columns[k] if k < len(columns) else None
        if column is None or column.spec is None or not text.strip():
            continue
        name = _field_of(column, text)
        if name in row_cells:
            continue
        row_cells[name] = _cell(anchor[k], text)
        if column.spec.name == "score" and column.spec.label == "权重":
            row_cells["weight"] = row_cells["score"]  # a budget-system export's 权重: score keeps it too
    return row_cells


def _dropped(cells: list[GridCell], reason: str) -> DroppedRow:
    first = cells[0].provenance if cells else None
    text = " | ".join(c.text.strip() for c in cells if c.text.strip())
    return DroppedRow(line=first.line if first else None, page=first.page if first else None,
                      text=text[:200], reason=reason)


_FIGURE_WITH_MARK = re.compile(r"\d\s*(?:%|[\u4e00-\u9fff])|[≥≤><=]\s*\d")


def _keep_lost_indicators(reading: TableReading) -> None:
    """Rows after the last row read that fit no column are the page going on (a footer, the report's
    prose), unless one holds what only indicator rows hold: a group name of the taxonomy and a figure
    with its unit or sign ('效益指标 | 社会效益指标 | 服务周期内…满意程度 | 85% | …'). Such a row is dropped
    and named, never lost without a word."""
    lost = [row for row in reading.pending if _FIGURE_WITH_MARK.search(row.text) and any(
        level1_name(part) or level2_name(part) for part in re.split(r"\s*\|\s*|\s+", row.text))]
    reading.dropped.extend(lost)
    reading.pending[:] = [row for row in reading.pending if row not in lost]


def _misfit(reading: TableReading, grid: Grid, header: Header, cells: list[GridCell], reason: str) -> bool:
    """A row that fits no column: dropped if a row is read after it, the page going on if none is
    (and nothing before the first row read: a subtotal, a note under the header). True when enough
    such rows in a row end the table; a row of many real cells is the table's own, however odd, and
    does not end it."""
    if not reading.rows:
        return False
    reading.pending.append(_dropped(cells, reason))
    table_like = not grid.tokenised and len(cells) >= min(3, len(header.columns))
    reading.prose += 0 if table_like else 1
    return reading.prose >= settings_in_force().end_after_misfits


@dataclass
class _Walk:
    """What reading a table's body carries from row to row."""

    grid: Grid
    header: Header
    header_cols: list[int]
    weighted: bool  # the score column is a budget export's 权重
    carry: dict[str, Optional[Cell]] = field(
        default_factory=lambda: {"level1": None, "level2": None, "project": None})


def read_table(grid: Grid, rows: list[list[GridCell]], header: Header) -> TableReading:
    """Read the body of one table: every row becomes a record, an empty template row, a row carried
    into another (a section row, a project row, a repeated header, a weight on its own line) or a
    dropped row with its line and reason; the table ends at a sign-off, another table's header, the
    end of the grid, or a run of rows that fit no column."""
    reading = TableReading()
    walk = _Walk(grid, header, [c.col for c in header.cells] if grid.positional else [],
                 any(c.spec is not None and c.spec.name == "score" and c.spec.label == "权重"
                     for c in header.columns))
    for cells in _body(grid, rows, header):
        cells = [c for c in cells if not is_empty(c.text) or grid.positional]
        if not cells or not any(c.text.strip() for c in cells):
            continue
        ended = _ends_table(cells, header)
        if ended is not None:
            reading.end, reading.end_line = ended, cells[0].provenance.line
            break
        if _carried_row(walk, reading, cells):
            continue
        if _read_row(walk, reading, cells):
            reading.end, reading.end_line = "misfits", reading.pending[0].line
            break
    _keep_lost_indicators(reading)
    reading.trailing = len(reading.pending)
    reading.pending.clear()
    settle_rows_before_groups(reading)
    return reading


def _carried_row(walk: _Walk, reading: TableReading, cells: list[GridCell]) -> bool:
    """A row that only says something about the rows around it: a project row, the header again, a
    weight that fell onto its own line."""
    project = _project_row(cells)
    if project is not None:
        walk.carry["project"] = project  # a table of several projects: the rows below are this one's
        return True
    if _block_row(cells):
        return True  # the next project's header block (预算数 | 20.00, 绩效目标 | …, 单位:万元): no indicator
    again = _read_header(cells, walk.grid.tokenised)
    if sum(1 for c in again if c.spec) >= 3 or _is_header_only(again):
        return True  # the header repeated on a new page, or a header cell broken onto its own line
    # the weight (and direction) of a 定性 row fell onto the next line: "10", "5 正向"
    return bool(reading.rows) and _fills_previous(cells, walk.header.fields, reading.rows[-1], walk.weighted)


def _read_row(walk: _Walk, reading: TableReading, cells: list[GridCell]) -> bool:
    """Read one body row into the reading; True when it ends the table (one misfit too many)."""
    columns, names = walk.header.columns, walk.header.fields
    fit, values, anchor = _placed(walk.grid, walk.header, cells, walk.header_cols)
    for k, text in values.items():
        reading.column_texts.setdefault(k, []).append(text)
    row_cells = _row_cells(columns, values, anchor) if fit != float("-inf") else {}
    if fit == float("-inf") and _placeholder_row(cells):
        reading.empty_rows += 1  # 指标2 | 生态效益指标 | 指标1: the template's blank rows, cut as one
        return False
    if fit != float("-inf") and not any(_WORDS.search(cell.text) for cell in row_cells.values()):
        fit = float("-inf")  # numbers and signs alone: no name, no group, no sentence is no indicator
    if fit == float("-inf") or _prose_alone(walk.grid, row_cells, names):
        # a row whose cells fit no column, or a line of prose alone (the report going on below the
        # table): no indicator has a name and nothing else
        return _misfit(reading, walk.grid, walk.header, cells, "no_fit" if fit == float("-inf") else "not_a_row")
    outcome = ""
    for part in _unstacked(row_cells, anchor, columns):
        outcome = _assign_row(part, walk.carry, reading, fit, names)
    if outcome in ("note", "empty") and _shadowed_figures(columns, values):
        outcome = "no_name"  # its figures went to a column that is not read: lost, so said
    if outcome == "record":
        reading.dropped.extend(reading.pending)  # rows that fit nothing between two rows read: lost
        reading.pending.clear()
        reading.prose = 0
    elif outcome in ("run_together", "no_name"):
        reading.dropped.append(_dropped(cells, outcome))
    elif outcome == "empty":
        reading.empty_rows += 1
    return False


_WORDS = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2}")


def _shadowed_figures(columns: list[Column], values: dict[int, str]) -> bool:
    """Whether a row put a value in a repeated value field's second column (aligned there, never read)."""
    return any(columns[k].spec is None and columns[k].shadow is not None and text.strip()
               and columns[k].kind in (ValueKind.VALUE, ValueKind.NUMBER)
               for k, text in values.items() if k < len(columns))


def _placeholder_row(cells: list[GridCell]) -> bool:
    """A row of a template's blank slots: a bare numbering ('指标2'), group names, and at most one
    short number (a value the row before left behind). It has no name: it can be no indicator."""
    texts = [c.text.strip() for c in cells if not is_empty(c.text)]
    if not any(_BARE_NUMBERING.match(t) for t in texts):
        return False
    others = [t for t in texts if not _BARE_NUMBERING.match(t) and not level1_name(t) and not level2_name(t)]
    return len(others) <= 1 and all(is_number(t) and len(t) <= 4 for t in others)


def _prose_alone(grid: Grid, row_cells: dict[str, Cell], names: list[str]) -> bool:
    return (not grid.positional and set(row_cells) == {"level3"} and ("target" in names or "actual" in names)
            and not _NUMBERING.match(row_cells["level3"].text))  # '指标4.不合格产品处置率' is a row left blank


def _field_of(column: Column, text: str) -> str:
    """The field a column's text is read into: a 绩效标准 column that a form fills with the indicator's
    explanation ('反映办公大楼全年维修维护情况') rather than a standard (计划标准) gives its explanation."""
    assert column.spec is not None
    if column.spec.name == "standard" and not STANDARDS.match(normalise(text)) and text.strip().startswith("反映"):
        return "explanation"
    return column.spec.name


_VALUE_FIELDS = ("operator", "target", "unit", "score", "actual", "points", "weight")


def _with_level3(columns: list[Column], texts: list[str], tokenised: bool, sep: str, fit: float,
                 placed: dict[int, list[int]]) -> tuple[float, dict[int, list[int]]]:
    """A row that names a 一级 and a 二级 and holds values but placed no 三级 was read one column
    too far left ('成本指标 | 社会成本指标 | 定量 | 100 | %', where 成本指标 is the 二级 and 社会成本指标
    the 三级): an indicator row always has a 三级, so the best alignment that fills it is taken
    when it puts a name there (not a number). (A row that put its value in a repeated field's second
    column is not moved: it is reported as dropped, see _shadowed_figures.)"""
    names = {k: columns[k].spec.name for k in placed if columns[k].spec}  # type: ignore[union-attr]
    level3 = next((k for k, c in enumerate(columns) if c.spec is not None and c.spec.name == "level3"), None)
    if (fit == float("-inf") or level3 is None or level3 in placed
            or not {"level1", "level2"} <= set(names.values())
            or not any(name in _VALUE_FIELDS for name in names.values())):
        return fit, placed
    refit, replaced = _align(columns, texts, tokenised, sep, must_fill=level3)
    if refit == float("-inf") or _VALUE_LIKE.match(sep.join(texts[i] for i in replaced[level3])):
        return fit, placed
    return refit, replaced


_NOTE = re.compile(r"[:：].*[,，;；。]|[;；]")  # a label and a sentence, or clauses: a note, not an indicator's name

_NEXT_TABLE = re.compile(r"^(序号|编号|序列)$")


def _project_row(cells: list[GridCell]) -> Optional[Cell]:
    """A row that names the project of the rows below it (项目名称：… across the table)."""
    match = match_label(cells[0].text, labels("project"))
    if match is None or len(cells) > 2:
        return None
    name = match[1] or (cells[1].text if len(cells) > 1 else "")
    name = name.strip()
    return Cell(text=name, provenance=cells[0].provenance) if name and looks_like_name(name) else None


_UNIT_NOTE = re.compile(r"^(?:金额)?单位\s*[:：]\s*(?:万元|元|千元|亿元)$")


# a form's choice field: options each with its box ('优秀□ 良好□ 合格□', '1、持续性项目 □ 2、新增性项目 □')
_BOXED_OPTION = re.compile(r"[\u4e00-\u9fff]\s*[□☐]|[□☐]\s*[\u4e00-\u9fff]")


def _choice_field(text: str) -> bool:
    return len(_BOXED_OPTION.findall(text)) >= 2


def _block_row(cells: list[GridCell]) -> bool:
    """A row of a header block between two tables: it opens with a block label standing alone
    (绩效目标 | …, 预算数 | 20.00), holds a unit note (单位:万元) or a form's choice field (优秀□ 良好□)."""
    first = re.sub(r"[:：]\s*$", "", normalise(cells[0].text))
    if any(_UNIT_NOTE.match(normalise(c.text)) or _choice_field(c.text) for c in cells):
        return True
    if len(cells) > 1 and (level1_name(cells[1].text) or level2_name(cells[1].text)):
        return False  # 年度绩效目标 | 产出指标 | …: the block label of the indicator rows, then a row of them
    return any(first == normalise(label) for label in all_labels())


def _fills_previous(cells: list[GridCell], names: list[str], previous: Row, weighted: bool) -> bool:
    """A short row of numbers and directions only, whose fields the row above lacks, is that
    row's overflow (a budget-system export prints a 定性 row's 权重 on the next line)."""
    if len(cells) > 2:
        return False
    wanted: dict[str, GridCell] = {}
    for cell in cells:
        if is_number(cell.text) and "score" in names and "score" not in previous.cells and "score" not in wanted:
            wanted["score"] = cell
        elif normalise(cell.text) in DIRECTIONS and "direction" in names and "direction" not in previous.cells:
            wanted["direction"] = cell
        else:
            return False
    for name, cell in wanted.items():
        previous.cells[name] = _cell(cell, cell.text)
    if "score" in wanted and weighted:
        previous.cells["weight"] = previous.cells["score"]  # 权重: as in the row itself
    return True


def _cell(grid_cell: GridCell, text: str) -> Cell:
    return Cell(text=text, provenance=grid_cell.provenance, at_capacity=grid_cell.at_capacity,
                ocr_confidence=grid_cell.ocr_confidence)


_OPERATOR_SIGN = re.compile(r"[≥≤<>＞＜≧≦]|>=|<=")
_COMPARISONS = frozenset({"≥", "≤", ">", "<"})
_SCORING_PHRASE = re.compile(r"[得扣]\s*\d+(?:\.\d+)?\s*分")


def _run_together(cells: dict[str, Cell]) -> bool:
    """A row the reader could not cut apart: a 三级指标 of punctuation alone ('('), or a target holding
    two comparisons ('266米≥266米10水标尺宽度10≥50厘米'), which is several cells run together."""
    level3 = cells.get("level3")
    if level3 is not None and not re.search(r"[\u4e00-\u9fff\w]", level3.text):
        return True  # punctuation alone ('('); a placeholder like '0' is a filer's choice and stays
    if level3 is not None and _SCORING_PHRASE.search(level3.text):
        return True  # a 三级指标 holding a scoring rule ('…较大得10分,一般得6分'): name, value and rule in one
    target = cells.get("target")
    return target is not None and len(_OPERATOR_SIGN.findall(target.text)) >= 2


def _assign_row(cells: dict[str, Cell], carry: dict[str, Optional[Cell]], reading: TableReading, fit: float,
                names: list[str]) -> str:
    """Carry merged 一级/二级 down, read section rows, and keep a row only when it is an indicator.
    Returns what the row was: record, empty (a template row left blank), run_together, or note
    (a sentence, a numbered name left blank, a row above the first group: no record, no error)."""
    _carry_groups(cells, carry)
    outcome = _not_a_record(cells, carry, names)
    if outcome is not None and outcome != "before_groups":
        return outcome
    _infer_level1(carry)
    row = _completed(cells, carry)
    flags = ["low_row_fit"] if fit < settings_in_force().low_fit else []
    if outcome == "before_groups":
        flags.append("before_groups")
    reading.rows.append(Row(index=len(reading.rows) + 1, cells=row, fit=round(fit, 3), flags=flags))
    return "record"


_FIRST_GROUPS = frozenset({"数量指标", "产出指标"})


def settle_rows_before_groups(reading: TableReading) -> None:
    """Rows read above the table's first printed 一级/二级 group are indicators whose group cells the
    dump lost only when that first group is not where a table begins (数量指标 under 产出指标): a table
    whose first printed group is 时效指标 had rows before it; one that starts at 数量指标 did not, and
    what stood above it was a note."""
    before = [row for row in reading.rows if "before_groups" in row.flags]
    if not before:
        return
    first = next((row for row in reading.rows if "before_groups" not in row.flags), None)
    group = None
    if first is not None:
        level2 = first.cells.get("level2")
        group = level2_name(level2.text) if level2 is not None else None
        if group is None and first.cells.get("level1") is not None:
            group = level1_name(first.cells["level1"].text)
    # a table with group columns where no row read has a group is not understood: nothing is kept
    keep = first is not None and group is not None and group not in _FIRST_GROUPS
    rows = [row if "before_groups" not in row.flags or not keep
            else row.model_copy(update={"flags": [f for f in row.flags if f != "before_groups"]})
            for row in reading.rows if keep or "before_groups" not in row.flags]
    reading.rows = [row.model_copy(update={"index": k}) for k, row in enumerate(rows, start=1)]


def _carry_groups(cells: dict[str, Cell], carry: dict[str, Optional[Cell]]) -> None:
    """A printed 一级, 二级 or project covers the rows below it until the next one is printed."""
    level1 = cells.get("level1")
    if level1 is not None:
        name, _range = strip_score_range(level1.text)
        same = carry["level1"] is not None and normalise(carry["level1"].text) == normalise(name)
        carry["level1"] = level1.retext(name)
        if not same:  # the same 一级 printed again (a new page of one merged cell) keeps its 二级
            carry["level2"] = None
    if cells.get("project") is not None:
        carry["project"] = cells["project"]  # a merged 项目名称 cell covers the rows below it
    level2 = cells.get("level2")
    if level2 is not None:
        carry["level2"] = level2.retext(strip_score_range(level2.text)[0])


# the ordinal of a list item ('2.部门绩效评价结果。', '(3)…'): no figure of the row's
_LIST_ORDINAL = re.compile(r"^\s*[(（]?\d{1,2}\s*[.、．)）](?!\d)")
def _holds_figure(text: str) -> bool:
    """Whether a value cell holds a figure of an indicator's: not a list item's ordinal, a template's
    blank numbered row (指标2) or a group's score on a line of its own ('(50分)')."""
    if _BARE_NUMBERING.match(text) or is_score_range(text):
        return False
    return bool(re.search(r"\d", _LIST_ORDINAL.sub("", text)))


_FIGURE = re.compile(r"[\d.%%,，、]+")


def _figures_only(text: str) -> bool:
    """Whether a 三级 cell holds several rows' figures and units only ('种 116次', '14种 1 1 28种'), no
    name: more than one figure, or a unit standing apart from any figure. A single figure ('0', '20万元')
    is what some filings print in the 三级 place, and is kept as printed."""
    words = [w for w in _FIGURE.sub(" ", text).split() if w]
    figures = re.findall(r"\d+(?:\.\d+)?", text)
    apart = any(is_unit(token) for token in text.split())
    return bool(figures) and all(is_unit(w) for w in words) and (len(figures) > 1 or apart)


def _unnumbered(text: str) -> str:
    """A name without the form's numbering ('指标2:总分…' → '总分…')."""
    numbered = _NUMBERING.match(text)
    return text[numbered.end():] if numbered else text


def _not_a_record(cells: dict[str, Cell], carry: dict[str, Optional[Cell]], names: list[str]) -> Optional[str]:
    """What a row that makes no record is (note, empty, run_together), or None for an indicator row."""
    has_indicator = ("level3" in cells if "level3" in names
                     else any(name in cells for name in ("target", "actual")))
    if not has_indicator:
        if "level3" in names and any(_holds_figure(cells[name].text) for name in ("target", "actual") if name in cells):
            return "no_name"  # a figure with no 三级 beside it: a row not placed, never a blank template row
        return "empty" if "level1" in cells or "level2" in cells else "note"
    level3 = cells.get("level3")
    if level3 is not None and FURNITURE.match(_unnumbered(level3.text)):
        return "note"  # '总分10098项目名称…': a glued row's total and the next table's block, no indicator
    if level3 is not None and _figures_only(level3.text):
        return "no_name"  # '种 116次': figures and units in the name's place, a row's values that lost it
    if level3 is not None and _NOTE.search(level3.text) and all(
            _NOTE.search(cell.text) for name, cell in cells.items() if name in _VALUE_FIELDS):
        return "note"  # a sentence with no value beside it ('定量指标计算:完成值达到指标值,记满分;…')
    if level3 is not None and _BARE_NUMBERING.match(level3.text):
        return "empty"  # '指标2' and nothing else: a template row the filer left blank
    if _not_applicable(cells):
        return "empty"  # 不适用 | 不适用 | 不适用: the template's row for a group the project has nothing in
    if _run_together(cells):
        return "run_together"  # several rows' cells in one: no record rather than a wrong one
    grouped = "level1" in names or "level2" in names
    if grouped and carry["level1"] is None and carry["level2"] is None:
        # above the first 一级/二级 group: a note or a code under the header, or a plain indicator (a name,
        # and a value with its sign or unit) whose group cells the dump lost: kept for now, and read only
        # if the first group printed below it is not the first of the taxonomy (see _groups_lost)
        return "before_groups" if _plain_indicator(cells) else "note"
    return None


def _infer_level1(carry: dict[str, Optional[Cell]]) -> None:
    """No 一级 printed (its merged cell came out blank): the 二级 says which group the row is in. A 一级
    found so is found again at each 二级 (not carried past it, as a printed one is): a table whose 产出
    and 效益 cells are both blank gives 经济效益指标 the 效益指标 its name belongs to."""
    level2 = carry["level2"]
    inferred = carry["level1"] is not None and carry["level1"] is carry.get("inferred")
    if (carry["level1"] is None or inferred) and level2 is not None:
        owner = next((l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if normalise(level2.text) in l2s), None)
        if owner and (carry["level1"] is None or carry["level1"].text != owner):
            carry["level1"] = carry["inferred"] = level2.model_copy(update={"text": owner, "raw": None})


def _completed(cells: dict[str, Cell], carry: dict[str, Optional[Cell]]) -> dict[str, Cell]:
    """An indicator row's cells with the groups and project it is under, and no numbering in its name."""
    row = dict(cells)
    if "level3" in row and _NUMBERING.match(row["level3"].text):
        # '指标1:安置小区物业费': the form's numbering is no part of the name (as in 12-huangshan's outline)
        row["level3"] = row["level3"].retext(_unnumbered(row["level3"].text))
    for name in ("level1", "level2"):
        if name in row:
            row[name] = row[name].retext(strip_score_range(row[name].text)[0])
        carried = carry[name]
        if name not in row and carried is not None:
            row[name] = carried
    if "project" not in row and carry["project"] is not None:
        row["project"] = carry["project"]
    return row


_STACKABLE = ("target", "actual", "explanation", "unit", "operator", "score", "points")


def _unstacked(row_cells: dict[str, Cell], anchor: dict[int, GridCell], columns: list[Column]) -> list[dict[str, Cell]]:
    """Two indicators printed in one cell on two lines ('服务老干部人数' / '服务长青老龄大学学员数' beside
    '102' / '120') are two rows: where the 三级 cell holds several lines and a value cell as many, each
    line is a row; a cell of one line (or of another count) is shared by them."""
    stacked = {spec.name: cell.lines for k, cell in anchor.items()
               if k < len(columns) and (spec := columns[k].spec) is not None and cell.lines}
    names = stacked.get("level3")
    if not names or not any(len(stacked.get(f) or ()) == len(names) for f in ("target", "actual")):
        return [row_cells]
    parts = []
    for i, name in enumerate(names):
        part = dict(row_cells)
        part["level3"] = row_cells["level3"].retext(name)
        for field_name in _STACKABLE:
            lines = stacked.get(field_name)
            if field_name in part and lines and len(lines) == len(names):
                part[field_name] = part[field_name].retext(lines[i])
        parts.append(part)
    return parts


_SIGNED_VALUE = re.compile(r"^\s*(?:[≥≤<>=≧≦＞＜]|>=|<=)|[%％]|^\s*\d+(?:\.\d+)?\s*[\u4e00-\u9fff]{1,3}\s*$")


def _plain_indicator(cells: dict[str, Cell]) -> bool:
    """A name that is no code or heading, beside a value with its sign or unit ('≥1个', '100%'), in the
    value's cell or in columns of their own (= | 100 | %)."""
    level3 = cells.get("level3")
    value = cells.get("target") or cells.get("actual")
    if level3 is None or value is None or re.match(r"^\s*\d", level3.text) or match_header(level3.text):
        return False
    return bool(_SIGNED_VALUE.search(value.text)) or "operator" in cells or "unit" in cells


def _not_applicable(cells: dict[str, Cell]) -> bool:
    """Every cell of the row but its group names says the row does not apply (不适用, 无)."""
    texts = [normalise(cell.text) for name, cell in cells.items() if name not in ("level1", "level2", "project")]
    marks = current_vocabulary().not_applicable
    return bool(texts) and all(text in marks for text in texts)
