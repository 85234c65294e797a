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
    classify,
    is_empty,
    is_number,
    level1_name,
    operator_of,
    split_value,
    strip_score_range,
)
from ..layout.taxonomy import LEVEL2_BY_LEVEL1
from ..layout.vocabulary import (
    ValueKind,
    normalise,
)
from ..model import (
    Cell,
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

from .layout_align import _align, _BARE_NUMBERING, _VALUE_LIKE  # noqa: F401
from .layout_block import _around, _header_block  # noqa: F401
from .layout_errors import LayoutNotUnderstood  # noqa: F401 (raised by read_layout; part of the API)
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
        if not grid.positional and set(row_cells) == {"level3"} and ("target" in names or "actual" in names):
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


_GLUED_ROW_COST = 6.0  # what opening one more row costs: a row is cut only where both parts read much better apart


def _segment_glued(columns: list[Column], cells: list[GridCell]) -> list[list[GridCell]]:
    """A glued row that holds several rows ('安装坡面水标尺 10 ≥ 266 米 ≥ 266 米 10 水标尺宽度 10 ≥ 50 厘米 …':
    two indicators of one 二级 on one line) cut into consecutive rows that each align, best total fit
    less a cost per row, so a row that reads well whole stays whole; a new row opens only at a text
    piece (a 三级 name). A row that cannot be cut so that every part aligns stays as it is."""
    texts = [c.text for c in cells if not is_empty(c.text)]
    kept = [c for c in cells if not is_empty(c.text)]
    n = len(texts)
    if n < 4:
        return [cells]
    opens = [k == 0 or not (classify(t) or _VALUE_LIKE.match(t) or len(t) <= 2) for k, t in enumerate(texts)]
    NEG = float("-inf")
    best = [NEG] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == NEG or not opens[i]:
            continue
        for j in range(i + 1, min(n, i + 2 * len(columns)) + 1):
            if j < n and not opens[j]:
                continue
            fit = _align(columns, texts[i:j], True, "")[0]
            if fit != NEG and best[i] + fit - _GLUED_ROW_COST > best[j]:
                best[j], back[j] = best[i] + fit - _GLUED_ROW_COST, i
    if best[n] == NEG:
        return [cells]
    cuts: list[tuple[int, int]] = []
    j = n
    while j > 0:
        cuts.insert(0, (back[j], j))
        j = back[j]
    return [kept[i:j] for i, j in cuts]


def _unfuse_scores(columns: list[Column], body: list[list[GridCell]]) -> list[list[GridCell]]:
    """A glued row ending in the digits of its target and its 分值 printed together ('…达到预计值210010':
    2100 and 10), where the header has 目标值 right before 分值. The run is cut so that its tail is a
    分值 the table's other rows end with (10, 20 …), when exactly one such cut exists; otherwise it
    stays as printed."""
    fields = [c.spec.name if c.spec else None for c in columns]
    if "target" not in fields or "score" not in fields or fields.index("score") != fields.index("target") + 1:
        return body
    seen = {cells[-1].text.strip() for cells in body if len(cells) > 1 and re.fullmatch(r"[1-9]\d?|100", cells[-1].text.strip())}
    out = []
    for cells in body:
        run = cells[-1].text.strip() if cells else ""
        if re.fullmatch(r"\d{3,}", run) and int(run) > 100 and not any(is_number(c.text) for c in cells[:-1]):
            tails = [t for t in seen if run.endswith(t) and len(run) > len(t)]
            if len(tails) == 1:
                head = run[:-len(tails[0])]
                cells = [*cells[:-1], cells[-1].model_copy(update={"text": head}),
                         cells[-1].model_copy(update={"text": tails[0]})]
        out.append(cells)
    return out


_ECHOED_RUN = re.compile(r"([1-9]\d+)\1")  # '2020', '1010', '100100': a number of two or more digits, twice


def _unfuse_echoes(columns: list[Column], body: list[list[GridCell]]) -> list[list[GridCell]]:
    """A self-evaluation's glued rows ending in their 指标值 and 实际完成值 printed together with nothing
    between them ('建设符合验收要求2020', '按期完成投资1010': 20 and 20, 10 and 10), where the header has
    the two columns side by side and the deviation column after them is blank. One such run could be a
    year or a number as printed; the table says which: the runs are cut into the number twice only when
    two or more rows close with one, at least one of them is no year ('1010'), and they are most of the
    rows that close with a bare run of digits. Otherwise every row stays as printed."""
    fields = [c.spec.name if c.spec else None for c in columns]
    if "target" not in fields or "actual" not in fields or fields.index("actual") != fields.index("target") + 1:
        return body
    closing = [cells[-1].text.strip() for cells in body if len(cells) > 1 and re.fullmatch(r"\d{3,}", cells[-1].text.strip())]
    echoed = [run for run in closing if _ECHOED_RUN.fullmatch(run)]
    if len(echoed) < 2 or 2 * len(echoed) <= len(closing) or all(1900 <= int(run) <= 2100 for run in echoed):
        return body
    out = []
    for cells in body:
        match = _ECHOED_RUN.fullmatch(cells[-1].text.strip()) if len(cells) > 1 else None
        if match is not None:
            half = match.group(1)
            cells = [*cells[:-1], cells[-1].model_copy(update={"text": half}), cells[-1].model_copy(update={"text": half})]
        out.append(cells)
    return out


def _row_fit(columns: list[Column], cells: list[GridCell], tokenised: bool) -> float:
    texts = [c.text for c in cells if not is_empty(c.text)]
    return _align(columns, texts, tokenised, " ")[0] if texts else float("-inf")


def _join_broken_rows(columns: list[Column], body: list[list[GridCell]], tokenised: bool) -> list[list[GridCell]]:
    """One table row a dump broke over lines ('效益指标 | 经济效益 指标 | 减轻贫困学生家庭经济负担 |',
    '| 有效 |', '| 有效 | 10 | 10 |') joined again. A row with no number yet (so no score) takes the
    short row below it when the two read better as one row than each by itself; a row naming a
    一级/二级 group, page furniture or a repeated header is never taken."""
    out: list[list[GridCell]] = []
    for cells in body:
        previous = out[-1] if out else None
        if (previous is not None and cells and len(cells) <= 3
                and not any(is_number(c.text) for c in previous)
                and not any(classify(c.text) & {ValueKind.LEVEL1, ValueKind.LEVEL2} for c in cells)
                and not FURNITURE.match(cells[0].text)
                and not SIGN_OFF.search(" ".join(c.text for c in cells))):
            joined = [*previous, *cells]
            apart = _row_fit(columns, previous, tokenised) + _row_fit(columns, cells, tokenised)
            if _row_fit(columns, joined, tokenised) > apart:
                out[-1] = joined
                continue
        out.append(cells)
    return out


_NOTE = re.compile(r"[:：].*[,，;；。]|[;；]")  # a label and a sentence, or clauses: a note, not an indicator's name
_NUMBERING = re.compile(r"^\s*指标\s*\d+\s*(?:[:：]\s*(?=\S)|(?=[\u4e00-\u9fff]))")  # 指标1: / 指标1工程…

_NEXT_TABLE = re.compile(r"^(序号|编号|序列)$")
_ROW_COST = 1.0  # each row cut off costs this much fit: a cutting into many thin rows must earn its cuts
_MAX_ROW_TOKENS = 16  # a piece longer than this is not one indicator row: bounds the search below
_NOT_OPENING = frozenset({ValueKind.NUMBER, ValueKind.OPERATOR, ValueKind.UNIT, ValueKind.DIRECTION})
_INDICATOR_VALUES = ("target", "actual", "score", "points", "weight")


def _packed(columns: list[Column], texts: list[str]) -> bool:
    """The row's best alignment puts a number or a value into a free-text column after its first
    token, or fits nowhere: the mark of two indicator rows a dump printed as one."""
    fit, placed = _align(columns, texts, True, " ")
    if fit == float("-inf"):
        return True
    return any(columns[k].kind in (ValueKind.TEXT, ValueKind.VALUE) and
               any(_VALUE_LIKE.match(texts[i]) for i in idx[1:]) for k, idx in placed.items())


def _split_packed_row(columns: list[Column], cells: list[GridCell], tokenised: bool) -> list[list[GridCell]]:
    """A row holding several indicator rows whose 一级/二级 names left nothing to cut at: a tokenised
    line ('委托业务报告合格率 ≥100百分比 100 8 8 经费支出合规性 严格执行相关制度规定 达成预期指标 8 8'),
    or a stream of one cell per line longer than the header (产出值 / 数量值 / 小学就读人数 / <=6962人 /
    质量值 / …), cut into rows: the cutting whose pieces each place a 三级 name and a value, with the
    best total fit. What no piece can take at the end (the page's footer) is left as a row of its own.
    Unchanged when the row reads as one row, or no cutting exists."""
    cells = [c for c in cells if not is_empty(c.text)]
    footer = next((k for k, c in enumerate(cells) if FURNITURE.match(c.text) or SIGN_OFF.search(c.text)), None)
    if footer:  # the page's footer or the next table's title ran into the row: the table ends there
        return [*_split_packed_row(columns, cells[:footer], tokenised), cells[footer:]]
    texts = [c.text for c in cells]
    fields = {c.spec.name for c in columns if c.spec}
    if len(texts) < (6 if tokenised else 3) or "level3" not in fields:
        return [cells]
    if (tokenised and not _packed(columns, texts)) or (
            not tokenised and len(texts) <= len(columns) and _align(columns, texts, False, " ")[0] != float("-inf")):
        return [cells]  # reads as one row (a row of cells is cut when longer than the header, or fits nowhere)
    n = len(texts)
    # a row opens with a name, never with a number, a sign or a unit; a row of cells is at most a
    # little longer than its header (a wrapped cell): both bound the search
    opens = [k == 0 or not (_VALUE_LIKE.match(t) or classify(t) & _NOT_OPENING) for k, t in enumerate(texts)]
    longest = _MAX_ROW_TOKENS if tokenised else len(columns) + 2
    best: list[Optional[tuple[float, int]]] = [None] * (n + 1)
    best[0] = (0.0, 0)
    for end in range(1, n + 1):
        for start in range(max(0, end - longest), end):
            if best[start] is None or not opens[start]:
                continue
            if end == start + 1 and _BARE_NUMBERING.match(texts[start]):
                # '指标2' with nothing after it: a blank template row, a piece of its own that gives no record
                if best[end] is None or best[start][0] > best[end][0]:  # type: ignore[index]
                    best[end] = (best[start][0], start)  # type: ignore[index]
                continue
            fit, placed = _align(columns, texts[start:end], tokenised, " ")
            if fit == float("-inf"):
                continue
            named = {columns[k].spec.name for k in placed if columns[k].spec}  # type: ignore[union-attr]
            if "level3" not in named or not named & set(_INDICATOR_VALUES):
                continue
            total = best[start][0] + fit - _ROW_COST  # type: ignore[index]
            if best[end] is None or total > best[end][0]:  # type: ignore[index]
                best[end] = (total, start)
    # the cutting that reads best; what lies after it no indicator row wants
    end = max((k for k in range(1, n + 1) if best[k] is not None), key=lambda k: (best[k][0], k), default=0)  # type: ignore[index]
    if end == 0 or (end < n and not tokenised and end < n // 2):
        return [cells]
    tail = [cells[end:]] if end < n else []
    cuts: list[tuple[int, int]] = []
    while end > 0:
        start = best[end][1]  # type: ignore[index]
        cuts.insert(0, (start, end))
        end = start
    return [cells[start:end] for start, end in cuts] + tail


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
    # and 效益 cells are both blank (74-langzhong) gives 经济效益指标 the 效益指标 its name belongs to
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
                component="layout", severity=Severity.ERROR,
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
            component="layout", severity=Severity.WARNING,
            message=f"{filing.source}: rows {', '.join(map(str, unknown[:10]))} have no 一级指标 the taxonomy knows "
            "(unknown_level)"))
