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
    PROJECT_LABELS,
    looks_like_name,
    match_label,
)
from ..layout.values import (
    DIRECTIONS,
    STANDARDS,
    is_empty,
    is_number,
    level1_name,
    operator_of,
    split_value,
    strip_score_range,
)
from ..layout.taxonomy import LEVEL2_BY_LEVEL1
from ..layout.vocabulary import (
    normalise,
)
from ..model import (
    Cell,
    ErrorCode,
    ErrorItem,
    Extracted,
    Filing,
    Fragment,
    FragmentKind,
    Grid,
    GridCell,
    Provenance,
    Row,
    Severity,
)

from .layout_align import _align, _BARE_NUMBERING, _NUMBERING, _VALUE_LIKE  # noqa: F401
from .layout_block import _around, _header_block  # noqa: F401
from .layout_errors import LayoutNotUnderstood  # noqa: F401 (raised by read_layout; part of the API)
from .layout_rows import _join_broken_rows, _segment_glued, _split_packed_row, _unfuse_echoes, _unfuse_scores, _unfuse_twins
from .layout_header import (  # noqa: F401
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
class _Reading:
    rows: list[Row] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    empty_categories: int = 0
    not_understood: int = 0  # rows dropped because their cells could not be told apart


def _assign_positional(header: Header, cells: list[GridCell], header_cols: list[int]) -> dict[int, list[GridCell]]:
    placed: dict[int, list[GridCell]] = {}
    for cell in cells:
        for k, start in enumerate(header_cols):
            end = header_cols[k + 1] if k + 1 < len(header_cols) else 10 ** 6
            if start <= cell.col < end:
                placed.setdefault(k, []).append(cell)
                break
    return placed


def read_table(grid: Grid, rows: list[list[GridCell]], header: Header) -> _Reading:
    reading = _Reading()
    columns = header.columns
    names = header.fields
    header_cols = [c.col for c in header.cells] if grid.positional else []
    carry: dict[str, Optional[Cell]] = {"level1": None, "level2": None, "project": None}
    misfits = 0
    weighted = any(c.spec is not None and c.spec.name == "score" and c.spec.label == "权重" for c in columns)
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
    for cells in body:
        cells = [c for c in cells if not is_empty(c.text) or grid.positional]
        if not cells:
            continue
        first = cells[0]
        if FURNITURE.match(first.text) or SIGN_OFF.search(" ".join(c.text for c in cells)):
            break
        if _NEXT_TABLE.match(normalise(first.text)) and not _NEXT_TABLE.match(normalise(header.cells[0].text)):
            break  # 序号 | 学校性质 | 培训机构 …: the header of another table below this one
        texts = [c.text for c in cells]
        project = _project_row(cells)
        if project is not None:
            carry["project"] = project  # a table of several projects: the rows below are this one's
            continue
        again = _read_header(cells, grid.tokenised)
        if sum(1 for c in again if c.spec) >= 3 or _is_header_only(again):
            continue  # the header repeated on a new page, or a header cell broken onto its own line
        # the weight (and direction) of a 定性 row fell onto the next line: "10", "5 正向"
        if reading.rows and _fills_previous(cells, names, reading.rows[-1], weighted):
            continue
        if grid.positional:
            placed_cells = _assign_positional(header, cells, header_cols)
            values = {k: " ".join(c.text for c in v if c.text.strip()) for k, v in placed_cells.items()}
            anchor = {k: v[0] for k, v in placed_cells.items()}
            fit = 1.0
        else:
            sep = "" if grid.glued else " "
            fit, placed = _align(columns, texts, grid.tokenised, sep)
            fit, placed = _with_level3(columns, texts, grid.tokenised, sep, fit, placed)
            values = {k: sep.join(texts[i] for i in idx) for k, idx in placed.items()}
            anchor = {k: cells[idx[0]] for k, idx in placed.items()}
        if fit == float("-inf"):
            misfits += 1
            if reading.rows and misfits >= 2:
                break  # the table has ended: what follows is not indicator rows
            continue
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
        if (not grid.positional and set(row_cells) == {"level3"} and ("target" in names or "actual" in names)
                and not _NUMBERING.match(row_cells["level3"].text)):  # '指标4.不合格产品处置率' is a row left blank
            # a line of prose alone (the report going on below the table): no indicator has a name and
            # nothing else; two such lines end the table
            misfits += 1
            if reading.rows and misfits >= 2:
                break
            continue
        if not _assign_row(row_cells, carry, reading, fit, names):
            continue
        misfits = 0
    return reading


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
    when it puts a name there (not a number)."""
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
    match = match_label(cells[0].text, PROJECT_LABELS)
    if match is None or len(cells) > 2:
        return None
    name = match[1] or (cells[1].text if len(cells) > 1 else "")
    name = name.strip()
    return Cell(text=name, provenance=cells[0].provenance) if name and looks_like_name(name) else None


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


def _assign_row(cells: dict[str, Cell], carry: dict[str, Optional[Cell]], reading: _Reading, fit: float,
                names: list[str]) -> bool:
    """Carry merged 一级/二级 down, read section rows, and keep a row only when it is an indicator."""
    level1 = cells.get("level1")
    if level1 is not None:
        name, _range = strip_score_range(level1.text)
        same = carry["level1"] is not None and normalise(carry["level1"].text) == normalise(name)
        carry["level1"] = level1.model_copy(update={"text": name})
        if not same:  # the same 一级 printed again (a new page of one merged cell) keeps its 二级
            carry["level2"] = None
    if cells.get("project") is not None:
        carry["project"] = cells["project"]  # a merged 项目名称 cell covers the rows below it
    level2 = cells.get("level2")
    if level2 is not None:
        carry["level2"] = level2.model_copy(update={"text": strip_score_range(level2.text)[0]})
    has_indicator = ("level3" in cells if "level3" in names
                     else any(name in cells for name in ("target", "actual")))
    if has_indicator and "level3" in cells and _NOTE.search(cells["level3"].text) and all(
            _NOTE.search(cell.text) for name, cell in cells.items() if name in _VALUE_FIELDS):
        return True  # a sentence with no value beside it ('定量指标计算:完成值达到指标值,记满分;…'): a note
    if has_indicator and "level3" in cells and _BARE_NUMBERING.match(cells["level3"].text):
        return True
    if has_indicator and _run_together(cells):
        reading.not_understood += 1
        return True  # several rows' cells in one: no record rather than a wrong one
    grouped = "level1" in names or "level2" in names
    if has_indicator and grouped and carry["level1"] is None and carry["level2"] is None:
        return True  # above the first 一级/二级 group of a table that has them: not an indicator row
    if not has_indicator:
        if level2 is not None and level1 is None:
            reading.empty_categories += 1
        return True
    # no 一级 printed (its merged cell came out blank): the 二级 says which group the row is in. A 一级
    # found so is found again at each 二级 (not carried past it, as a printed one is): a table whose 产出
    # and 效益 cells are both blank gives 经济效益指标 the 效益指标 its name belongs to
    inferred = carry["level1"] is not None and carry["level1"] is carry.get("inferred")
    if (carry["level1"] is None or inferred) and carry["level2"] is not None:
        owner = next((l1 for l1, l2s in LEVEL2_BY_LEVEL1.items()
                      if normalise(carry["level2"].text) in l2s), None)
        if owner and (carry["level1"] is None or carry["level1"].text != owner):
            carry["level1"] = carry["inferred"] = carry["level2"].model_copy(update={"text": owner})
    row = dict(cells)
    numbered = _NUMBERING.match(row["level3"].text) if "level3" in row else None
    if numbered:  # '指标1:安置小区物业费': the form's numbering is no part of the name (as in 12-huangshan's outline)
        row["level3"] = row["level3"].model_copy(update={"text": row["level3"].text[numbered.end():]})
    for name in ("level1", "level2"):
        if name in row:
            row[name] = row[name].model_copy(update={"text": strip_score_range(row[name].text)[0]})
        carried = carry[name]
        if name not in row and carried is not None:
            row[name] = carried
    if "project" not in row and carry["project"] is not None:
        row["project"] = carry["project"]
    reading.rows.append(Row(index=len(reading.rows) + 1, cells=row))
    return True


def _split_targets(rows: list[Row], names: list[str]) -> None:
    """Split combined values (≥80M) into operator, target and unit where the layout has no
    column of its own for them, or left it blank."""
    for row in rows:
        cells = row.cells
        target = cells.get("target")
        if target is None:
            continue
        split = split_value(target.text, has_unit_column="unit" in names)
        operator, direction = cells.get("operator"), cells.get("direction")
        if operator is not None and operator_of(operator.text) is None and normalise(operator.text) in DIRECTIONS:
            # the columns are the other way round in this export: 指标性质 正向, 指标方向 =
            del cells["operator"]
            if direction is not None and operator_of(direction.text) is not None:
                cells["operator"] = direction
            cells["direction"] = operator
            operator = cells.get("operator")
        if operator is None and "operator" not in names and direction is not None \
                and normalise(direction.text) not in DIRECTIONS and operator_of(direction.text) is not None:
            # a table with no 指标性质 column whose 指标方向 holds the comparison (≥, ≤): it is the operator
            operator = cells["operator"] = direction
            del cells["direction"]
        op_value = operator_of(operator.text) if operator is not None else None
        if operator is not None and normalise(operator.text) in ("定性", "定量") and split.operator in _COMPARISONS:
            # 指标值类型 定性/定量 says what kind of value it is, not how it compares: a value printed
            # with its own comparison ('95%以上', '大于90%') is read by that comparison
            operator = operator.model_copy(update={"text": split.operator})
            cells["operator"] = operator
            op_value = split.operator
        if operator is None or is_empty(operator.text):
            if split.operator:
                cells["operator"] = target.model_copy(update={"text": split.operator})
        elif op_value == "定性" or op_value is None:
            pass
        if split.target is not None:
            if op_value == "定性":
                pass
            else:
                cells["target"] = target.model_copy(update={"text": split.target})
        elif split.unit:
            del cells["target"]  # the cell holds only a unit: no target was filled in (the unit is kept below)
        if split.unit and ("unit" not in cells or is_empty(cells["unit"].text)
                           or normalise(cells["unit"].text) != normalise(split.unit)):
            # the value's own unit is the target's, even where the unit column says otherwise
            # (28.8萬元 over a unit cell of %): the filer's slip is in the column, not the value
            cells["unit"] = target.model_copy(update={"text": split.unit})
        if "operator" in cells and operator is not None and op_value:
            cells["operator"] = operator.model_copy(update={"text": op_value})


# ---------------------------------------------------------------------------- entry point

def read_layout(extracted: Extracted) -> Filing:
    """Read an extractor's grids into a Filing, or raise LayoutNotUnderstood saying why."""
    failures: list[str] = []
    for grid in extracted.grids:
        rows = grid.rows()
        try:
            header = find_header(grid, rows)
        except LayoutNotUnderstood as error:
            failures.append(str(error))
            continue
        reading = read_table(grid, rows, header)
        names = header.fields
        if not reading.rows:
            failures.append(f"{grid.source}: the header at line {header.line} names {_describe(names)}, "
                            "but no indicator row below it could be read")
            continue
        _split_targets(reading.rows, names)
        filing = Filing(filing=extracted.filing, source=extracted.source, kind=extracted.route,
                        encoding=extracted.encoding, errors=list(extracted.errors), year=None,
                        layout=f"table/{grid.form}", columns=list(dict.fromkeys(
                            [*names, *(n for r in reading.rows for n in r.cells)])))
        _header_block(grid, rows, header, filing, _around(extracted, grid, header))
        filing.pages = list(extracted.pages)
        if filing.year is None:
            filing.year = extracted.year_hint
        filing.fragments[FragmentKind.INDICATORS] = Fragment(
            kind=FragmentKind.INDICATORS, rows=reading.rows,
            provenance=Provenance(file=grid.source, line=header.line))
        _check_levels(filing)
        filing.errors.extend(reading.errors)
        if reading.not_understood:
            # the filing is partial: rows are missing, and the clerk is told how many and why
            filing.errors.append(ErrorItem(
                code=ErrorCode.ROWS_NOT_CUT, component="layout", severity=Severity.ERROR,
                message=f"{extracted.source}: {reading.not_understood} row(s) below the header at line "
                f"{header.line} run several cells together and could not be cut apart; they gave no record"))
        return filing
    raise LayoutNotUnderstood("; ".join(failures) if failures else f"{extracted.source}: no table found")


def _check_levels(filing: Filing) -> None:
    """Rows whose 一级/二级 could not be told from the taxonomy are flagged, not guessed."""
    unknown = [row.index for row in filing.fragments[FragmentKind.INDICATORS].rows
               if not (row.cells.get("level1") and level1_name(row.cells["level1"].text))]
    if unknown:
        filing.errors.append(ErrorItem(
            code=ErrorCode.UNKNOWN_LEVEL, component="layout", severity=Severity.WARNING, rows=unknown,
            message=f"{filing.source}: rows {', '.join(map(str, unknown[:10]))} have no 一级指标 the taxonomy knows"))
