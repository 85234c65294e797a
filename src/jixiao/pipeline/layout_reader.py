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
from typing import Optional, Union

from ..model.errors import NotAFiling
from ..layout.header_block import (
    BUDGET_LABELS,
    DEPARTMENT_LABELS,
    PERIOD_LABELS,
    FURNITURE,
    SIGN_OFF,
    GOAL_LABELS,
    PROJECT_LABELS,
    YEAR,
    kind_of,
    looks_like_name,
    match_label,
    strip_code,
)
from ..layout.values import (
    DIRECTIONS,
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
    LABELS,
    REQUIRED_ONE_OF,
    FieldSpec,
    ValueKind,
    header_fields,
    is_row_label_header,
    match_header,
    match_header_ending,
    normalise,
    spec_named,
)
from ..model import (
    BudgetItem,
    Cell,
    ErrorItem,
    Extracted,
    Filing,
    Fragment,
    FragmentKind,
    Grid,
    GridCell,
    HeaderItem,
    Provenance,
    Row,
    Severity,
)


class LayoutNotUnderstood(NotAFiling):
    """No indicator table this reader understands: the message says what was seen and what is missing."""


@dataclass
class Column:
    spec: Optional[FieldSpec]  # None: a column no field is read from (a row label, an unknown header)
    header: str
    row_label: bool = False
    shadow: Optional[FieldSpec] = None  # a repeated field's second column: aligned by kind, not read

    @property
    def kind(self) -> ValueKind:
        if self.row_label:
            return ValueKind.LABEL
        spec = self.spec or self.shadow
        return spec.kind if spec else ValueKind.TEXT


@dataclass
class Header:
    row: int  # the (last) header row: the body starts below it
    columns: list[Column]
    line: Optional[int]
    spill: list[GridCell] = field(default_factory=list)  # data cells a dump ran into the header row
    cells: list[GridCell] = field(default_factory=list)  # the header's cells, one per column
    first: Optional[int] = None  # the first header row, when the header spans two rows

    @property
    def top(self) -> int:
        return self.row if self.first is None else self.first

    @property
    def fields(self) -> list[str]:
        return [c.spec.name for c in self.columns if c.spec]


# ---------------------------------------------------------------------------- header

def _header_cells(cells: list[GridCell], tokenised: bool) -> list[tuple[str, Optional[GridCell]]]:
    """A header row's cells; in a tokenised dump, adjacent tokens that together name a field
    ('评(扣)' '分标准', '本年度' '绩效指标') are joined again."""
    texts = [c.text for c in cells]
    if not tokenised:
        return [(t, c) for t, c in zip(texts, cells)]
    out, i = [], 0
    while i < len(texts):
        for width in (3, 2, 1):
            joined = "".join(texts[i:i + width])
            if width == 1 or (i + width <= len(texts) and (match_header(joined) and match_header(joined).exact
                                                           or is_row_label_header(joined))):
                out.append((joined, cells[i]))
                i += width
                break
    return out


_LONG_TERM = re.compile(r"长期|中期|实施期")


def _read_header(cells: list[GridCell], tokenised: bool) -> list[Column]:
    columns = _match_columns(cells, tokenised)
    for k, column in enumerate(columns):
        # a 长期/中期 group beside the 年度 one: the year's indicators are the record's
        if column.spec is not None and _LONG_TERM.search(column.header):
            twin = next((c for c in columns[k + 1:] if c.shadow is column.spec and "年度" in c.header), None)
            if twin is not None:
                column.shadow, column.spec = column.spec, None
                twin.spec, twin.shadow = twin.shadow, None
    names = [c.spec.name for c in columns if c.spec]
    if "level3" not in names and names.count("explanation") == 1 and ("target" in names or "actual" in names):
        # 指标内容 / 指标说明 is the indicator itself where a table has no 三级指标 column
        for column in columns:
            if column.spec is not None and column.spec.name == "explanation":
                column.spec = spec_named("level3")
    return columns


def _match_columns(cells: list[GridCell], tokenised: bool) -> list[Column]:
    pairs = _header_cells(cells, tokenised)
    matches = header_fields(text for text, _ in pairs)
    columns = []
    taken = {m.spec.name for m, _ in matches if m is not None}
    for k, ((text, _), (match, shadow)) in enumerate(zip(pairs, matches)):
        if match is None and shadow is None:
            # "详情见附件(…)一级指标": a note the page printed before the first column's name
            ending = match_header_ending(text)
            if ending is not None and ending.spec.name not in taken:
                taken.add(ending.spec.name)
                match = ending
        if match is None:
            columns.append(Column(None, text, row_label=is_row_label_header(text),
                                  shadow=shadow.spec if shadow else None))
        else:
            columns.append(Column(match.spec, text))
    return columns


def _understood(fields: list[str]) -> bool:
    return all(any(name in fields for name in group) for group in REQUIRED_ONE_OF)


def _describe(fields: list[str]) -> str:
    return ", ".join(LABELS[name] for name in dict.fromkeys(fields))


def _is_header_only(columns: list[Column]) -> bool:
    return bool(columns) and all(c.spec or c.row_label or c.shadow for c in columns)


def _header_band(grid: Grid, rows: list[list[GridCell]], index: int, columns: list[Column]) -> Optional[list[Column]]:
    """A two-level header: the rows just above hold header names too (绩效指标 | 年度指标值 | 实际完成值
    … over 一级指标 | 二级指标 …). The lower rows take the place of the upper row's block label."""
    band: list[list[Column]] = []
    above = index - 1
    while above >= 0 and index - above <= 4:
        # a header cell broken over lines of its own ("一级" / "指标"): joined again first
        broken = _broken_header_cell(grid, rows, above)
        if broken is not None:
            upper, above = broken
        else:
            upper = _read_header(rows[above], grid.tokenised) if rows[above] else []
            if not _is_header_only(upper):
                break
        band.insert(0, upper)
        above -= 1
    if not band:
        return None
    lower = [c for row in band[1:] for c in row] + columns
    below = {c.spec.name for c in lower if c.spec}
    # a top cell naming a field the lower row names again (年度指标值 over 指标性质 | 指标值 | 度量单位)
    # is a group title, not a column of its own
    top = [c for c in band[0] if not (c.spec and c.spec.name in below)]
    label = next((k for k, c in enumerate(top) if c.row_label), None)
    merged = top[:label] + lower + top[label + 1:] if label is not None else top + lower
    return _read_header_texts(grid, [c.header for c in merged])


def _broken_header_cell(grid: Grid, rows: list[list[GridCell]], bottom: int) -> Optional[tuple[list[Column], int]]:
    """Single-cell rows ending at ``bottom`` whose texts, joined top to bottom, name a column:
    (that one-column header row, the index of its top row)."""
    pieces: list[str] = []
    for top in range(bottom, max(-1, bottom - 4), -1):
        if len(rows[top]) != 1 or len(rows[top][0].text) > 6:
            return None
        pieces.insert(0, rows[top][0].text)
        columns = _read_header_texts(grid, ["".join(pieces)])
        if columns[0].spec is not None and len(pieces) > 1:
            return columns, top
    return None


def _read_header_texts(grid: Optional[Grid], texts: list[str]) -> list[Column]:
    source = grid.source if grid is not None else ""
    cells = [GridCell(text=t, row=0, col=k, provenance=Provenance(file=source)) for k, t in enumerate(texts)]
    return _read_header(cells, False)


def _two_level(rows: list[list[GridCell]], index: int) -> Optional[list[GridCell]]:
    """A header over two rows of a positional grid: merged top cells (一级指标 spanning two rows, 指标值
    spanning 指标性质 / 指标值 / 度量单位 below it). The header is the top row's cells with each cell that
    spans columns replaced by the sub-headers under it; None when the next row holds no sub-header."""
    if index + 1 >= len(rows) or not rows[index + 1]:
        return None
    top, below = rows[index], rows[index + 1]
    spanning = [c for c in top if c.col_span > 1]
    if not spanning or not any(match_header(b.text) for b in below):
        return None
    if not all(any(t.col <= b.col < t.col + t.col_span for t in spanning) or
               not any(t.col <= b.col < t.col + t.col_span for t in top) for b in below):
        return None  # a cell under an unmerged header: the next row is data, not sub-headers
    merged: list[GridCell] = []
    for cell in top:
        subs = [b for b in below if cell.col <= b.col < cell.col + cell.col_span] if cell.col_span > 1 else []
        if subs:
            merged.extend(sub if match_header(sub.text) or not match_header(cell.text)
                          else sub.model_copy(update={"text": cell.text}) for sub in subs)
        else:
            merged.append(cell)
    merged.extend(b for b in below if not any(t.col <= b.col < t.col + t.col_span for t in top))
    return sorted(merged, key=lambda c: c.col)


def _header_run(columns: list[Column]) -> tuple[int, int]:
    """[start, end) of the run of consecutive column names that holds the most fields and is
    understood by itself; the whole span from the first to the last name when none is."""
    runs, start = [], None
    for k, column in enumerate([*columns, None]):
        named = column is not None and bool(column.spec or column.row_label or column.shadow)
        if named and start is None:
            start = k
        elif not named and start is not None:
            runs.append((start, k))
            start = None
    def fields(run: tuple[int, int]) -> list[str]:
        # matched afresh: a name the page used earlier (预期目标 in the header block) takes no field from the run
        return [c.spec.name for c in _read_header_texts(None, [c.header for c in columns[run[0]:run[1]]]) if c.spec]

    good = [run for run in runs if _understood(fields(run))]
    if good:
        return max(good, key=lambda run: len(fields(run)))
    named = [k for k, c in enumerate(columns) if c.spec or c.row_label or c.shadow]
    return (0, named[-1] + 1) if named else (0, len(columns))


def _split_long_row(cells: list[GridCell], width: int) -> list[list[GridCell]]:
    """A row far longer than the header (a table flattened onto one line) cut where a 一级 or 二级
    name opens a new row, once the row so far holds more than taxonomy names."""
    if len(cells) <= 2 * width:
        return [cells]
    rows: list[list[GridCell]] = [[]]
    for cell in cells:
        kinds = classify(cell.text)
        taxonomy = ValueKind.LEVEL1 in kinds or ValueKind.LEVEL2 in kinds
        if taxonomy and any(not (classify(c.text) & {ValueKind.LEVEL1, ValueKind.LEVEL2}) for c in rows[-1]):
            rows.append([])
        rows[-1].append(cell)
    return rows


def find_header(grid: Grid, rows: list[list[GridCell]]) -> Header:
    best: Optional[tuple[int, list[str], Optional[int]]] = None
    for index, cells in enumerate(rows):
        if not cells:
            continue
        columns = _read_header(cells, grid.tokenised)
        fields = [c.spec.name for c in columns if c.spec]
        banded_used = False
        if len(fields) >= 2 and not grid.positional:
            banded = _header_band(grid, rows, index, columns)
            banded_fields = [c.spec.name for c in banded if c.spec] if banded else []
            if banded is not None and len(banded_fields) > len(fields):
                columns, fields, banded_used = banded, banded_fields, True
        if grid.positional:
            two = _two_level(rows, index)
            if two is not None:
                two_columns = _read_header(two, False)
                two_fields = [c.spec.name for c in two_columns if c.spec]
                if _understood(two_fields) and (not _understood(fields) or len(two_fields) > len(fields)):
                    return Header(index + 1, two_columns, cells[0].provenance.line, cells=two, first=index)
        if len(fields) >= 2 and _understood(fields):
            spill: list[GridCell] = []
            if not grid.positional and not banded_used:
                # a dump that lost its line breaks: text before the run of column names is the page's,
                # and the cells after it are the table's rows
                start, end = _header_run(columns)
                if end < len(columns):
                    first_spilled = _header_cells(cells, grid.tokenised)[end][1]
                    spill = cells[next(k for k, c in enumerate(cells) if c is first_spilled):]
                if (start, end) != (0, len(columns)):
                    columns = _read_header_texts(grid, [c.header for c in columns[start:end]])
            return Header(index, columns, cells[0].provenance.line, spill, cells=cells)
        if len(fields) >= 2 and (best is None or len(fields) > len(best[1])):
            best = (index, fields, cells[0].provenance.line)
    if best is None:
        raise LayoutNotUnderstood(
            f"{grid.source}: no performance-goal table: no row names the indicator columns "
            "(一级指标 / 三级指标 / 指标值 or their variants)")
    index, fields, line = best
    missing = [LABELS[group[0]] for group in REQUIRED_ONE_OF if not any(name in fields for name in group)]
    where = f"line {line}" if line else f"row {index + 1}"
    raise LayoutNotUnderstood(
        f"{grid.source}: {where} holds {_describe(fields)} but no column for {' or '.join(missing)}; "
        "the table is not understood, so no records are made")


# ---------------------------------------------------------------------------- aligning a row

_SKIP_COST = {ValueKind.LABEL: 0.0, ValueKind.LEVEL1: 0.0, ValueKind.LEVEL2: 0.0, ValueKind.TEXT: 0.5,
              ValueKind.OPERATOR: 0.3, ValueKind.VALUE: 1.5, ValueKind.UNIT: 0.3, ValueKind.NUMBER: 0.5,
              ValueKind.DIRECTION: 0.3, ValueKind.STANDARD: 0.3}
_LEVEL2_STEMS = tuple(sorted({name[:-2] for names in LEVEL2_BY_LEVEL1.values() for name in names}, key=len))
_VALUE_LIKE = re.compile(r"^[\s()（）]*(?:[≥≤=<>＞＜≧≦]|\d)")
_NUMERIC = re.compile(r"^[≥≤=<>＞＜]?\s*[-+]?\d[\d.,]*\s*%?$")


def _fit(column: Column, text: str, kinds: set[ValueKind]) -> float:
    """How well a cell's text fits a column (negative: it does not belong there)."""
    kind = column.kind
    taxonomy = ValueKind.LEVEL1 in kinds or ValueKind.LEVEL2 in kinds
    if kind is ValueKind.LABEL:
        return 0.5 if is_row_label_header(text) or "目标" in text else -5.0
    if kind is ValueKind.LEVEL1:
        return 3.0 if ValueKind.LEVEL1 in kinds else -6.0
    if kind is ValueKind.LEVEL2:
        if ValueKind.LEVEL2 in kinds:
            return 3.0
        compact = normalise(text)
        if re.fullmatch(r"[\u4e00-\u9fff]{2,10}指标(\(.*\))?", compact):
            return 0.5
        # a 二级 name in the filer's own words (产出数量, 经济效益): short, and holding a taxonomy stem
        return 1.0 if len(compact) <= 8 and any(stem in compact for stem in _LEVEL2_STEMS) else -6.0
    # 指标性质 holds the operator in one export and 正向/反向 in another (where 指标方向 holds the
    # operator): either column takes either, and _split_targets puts each where it belongs
    if kind is ValueKind.OPERATOR:
        return 3.0 if ValueKind.OPERATOR in kinds else (2.0 if ValueKind.DIRECTION in kinds else -6.0)
    if kind is ValueKind.DIRECTION:
        return 3.0 if ValueKind.DIRECTION in kinds else (2.0 if ValueKind.OPERATOR in kinds else -6.0)
    if kind is ValueKind.STANDARD:
        return 3.0 if ValueKind.STANDARD in kinds else -4.0
    if kind is ValueKind.UNIT:
        if ValueKind.UNIT in kinds:
            return 2.5
        return 0.3 if len(text) <= 4 and not re.search(r"\d", text) and not taxonomy else -5.0
    if kind is ValueKind.NUMBER:
        return 2.5 if ValueKind.NUMBER in kinds else -6.0
    if kind is ValueKind.VALUE:
        if taxonomy or ValueKind.STANDARD in kinds:
            return -6.0
        if "**" in text:
            return 0.2  # a template hint left in the cell ("≥**个"), not the value
        if re.match(r"^[≥≤=<>＞＜≧≦]|^\d", text.strip()):
            return 2.0
        return 1.0 if len(text) <= 12 else 0.2
    # free text
    if taxonomy:
        return -4.0
    if _VALUE_LIKE.match(text) and len(text) <= 12:
        return -1.0  # ">=4个", "≥80M": a value, not a sentence
    if ValueKind.OPERATOR in kinds or ValueKind.STANDARD in kinds:
        return -3.0
    if _NUMERIC.match(text.strip()):
        return -1.0
    if column.spec is None:
        return -0.5
    return 1.5 if column.spec.name == "level3" else 1.0


def _align(columns: list[Column], texts: list[str], tokenised: bool, sep: str = " ") -> tuple[float, dict[int, list[int]]]:
    """See :func:`_align_scored`; the total fit, or -inf when some cell fits nowhere."""
    total, placed, worst = _align_scored(columns, texts, tokenised, sep)
    return (total if worst > -2.0 else float("-inf")), placed


def _align_scored(columns: list[Column], texts: list[str], tokenised: bool,
                  sep: str = " ") -> tuple[float, dict[int, list[int]], float]:
    """Place a row's cells (in order) into the header's columns (in order), best total fit.

    Columns may stay empty (a merged cell, a blank); every cell goes somewhere.
    In a tokenised dump a free-text column may take several tokens."""
    n, m = len(texts), len(columns)
    kinds = [classify(t) for t in texts]
    NEG = float("-inf")
    dp = [[NEG] * (m + 1) for _ in range(n + 1)]
    back: list[list[Optional[tuple[int, int, bool]]]] = [[None] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0.0
    for j in range(m):
        column = columns[j]
        multi = tokenised and column.kind in (ValueKind.TEXT, ValueKind.VALUE)
        for i in range(n + 1):
            if dp[i][j] == NEG:
                continue
            skip = dp[i][j] - _SKIP_COST[column.kind]
            if skip > dp[i][j + 1]:
                dp[i][j + 1], back[i][j + 1] = skip, (i, j, False)
            for k in range(i + 1, (n if multi else min(n, i + 1)) + 1):
                part = texts[i:k]
                joined = sep.join(part)
                score = _fit(column, joined, kinds[i] if k == i + 1 else classify(joined))
                if k > i + 1:
                    score -= 0.1 * (k - i - 1)
                    if column.kind is not ValueKind.VALUE or sep:
                        score -= 1.5 * sum(1 for t in part[1:] if _VALUE_LIKE.match(t))
                total = dp[i][j] + score
                if total > dp[k][j + 1]:
                    dp[k][j + 1], back[k][j + 1] = total, (i, j, True)
    placed: dict[int, list[int]] = {}
    i, j = n, m
    if dp[n][m] == NEG:
        return NEG, {}, NEG
    while j > 0:
        step = back[i][j]
        assert step is not None
        pi, pj, took = step
        if took:
            placed[pj] = list(range(pi, i))
        i, j = pi, pj
    worst = min((_fit(columns[k], sep.join(texts[t] for t in idx), classify(sep.join(texts[t] for t in idx)))
                 for k, idx in placed.items()), default=0.0)
    return dp[n][m], placed, worst


# ---------------------------------------------------------------------------- the reader

@dataclass
class _Reading:
    rows: list[Row] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    empty_categories: int = 0


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
    if header.spill:
        body = [header.spill, *body]
    if not grid.positional and not grid.glued:  # a glued row is many pieces by nature
        body = [part for cells in body for part in _split_long_row(cells, len(columns))]
    for cells in body:
        cells = [c for c in cells if not is_empty(c.text) or grid.positional]
        if not cells:
            continue
        first = cells[0]
        if FURNITURE.match(first.text) or SIGN_OFF.search(" ".join(c.text for c in cells)):
            break
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
            if column.spec.name in row_cells:
                continue
            row_cells[column.spec.name] = _cell(anchor[k], text)
            if column.spec.name == "score" and column.spec.label == "权重":
                row_cells["weight"] = row_cells["score"]  # a budget-system export's 权重: score keeps it too
        if not _assign_row(row_cells, carry, reading, fit, names):
            continue
        misfits = 0
    return reading


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


def _assign_row(cells: dict[str, Cell], carry: dict[str, Optional[Cell]], reading: _Reading, fit: float,
                names: list[str]) -> bool:
    """Carry merged 一级/二级 down, read section rows, and keep a row only when it is an indicator."""
    level1 = cells.get("level1")
    if level1 is not None:
        name, _range = strip_score_range(level1.text)
        carry["level1"] = level1.model_copy(update={"text": name})
        carry["level2"] = None
    if cells.get("project") is not None:
        carry["project"] = cells["project"]  # a merged 项目名称 cell covers the rows below it
    level2 = cells.get("level2")
    if level2 is not None:
        carry["level2"] = level2.model_copy(update={"text": strip_score_range(level2.text)[0]})
        if level1 is None and carry["level1"] is not None:
            # a 二级 name that belongs under another 一级 (成本指标 under 产出指标 is fine)
            pass
    has_indicator = ("level3" in cells if "level3" in names
                     else any(name in cells for name in ("target", "actual")))
    grouped = "level1" in names or "level2" in names
    if has_indicator and grouped and carry["level1"] is None and carry["level2"] is None:
        return True  # above the first 一级/二级 group of a table that has them: not an indicator row
    if not has_indicator:
        if level2 is not None and level1 is None:
            reading.empty_categories += 1
        return True
    if carry["level1"] is None and carry["level2"] is not None:
        owner = next((l1 for l1, l2s in LEVEL2_BY_LEVEL1.items()
                      if normalise(carry["level2"].text) in l2s), None)
        if owner:
            carry["level1"] = carry["level2"].model_copy(update={"text": owner})
    row = dict(cells)
    for name in ("level1", "level2"):
        if name in row:
            row[name] = row[name].model_copy(update={"text": strip_score_range(row[name].text)[0]})
        if name not in row and carry[name] is not None:
            row[name] = carry[name]
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
        if split.unit and ("unit" not in cells or is_empty(cells["unit"].text)):
            cells["unit"] = target.model_copy(update={"text": split.unit})
        if "operator" in cells and operator is not None and op_value:
            cells["operator"] = operator.model_copy(update={"text": op_value})


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
    elif match_label(raw, BUDGET_LABELS) or not re.search(r"\d", raw):
        return None  # the next cell is another label, not an amount
    return BudgetItem(label=label, amount=amount, unit=unit or unit_note, raw=raw, provenance=where.provenance)


def _header_block(grid: Grid, rows: list[list[GridCell]], header: Header, filing: Filing,
                  around: Optional[list[list[GridCell]]] = None) -> None:
    """Department, project, goals, budget, period, year and kind, from the rows above the header
    and, for a page or a Word file, from the paragraphs and tables before it (``around``)."""
    before = [*(around or []), *rows[:header.top]]
    found: dict[str, tuple[int, str, GridCell]] = {}
    goal_items: list[HeaderItem] = []
    budget: dict[str, BudgetItem] = {}
    head_text = "\n".join(line for n, line in grid.lines if header.line is None or n < header.line)
    note = _UNIT_NOTE.search(head_text)
    unit_note = (note.group(1) or note.group(2)) if note else None
    for cells in before:
        for k, cell in enumerate(cells):
            budget_match = match_label(cell.text, BUDGET_LABELS)
            if budget_match is not None:
                item = _budget_item(budget_match[0], budget_match[1], cells[k + 1:], cell, unit_note)
                if item is not None and item.label not in budget:
                    budget[item.label] = item
                continue
            for what, labels in (("department", DEPARTMENT_LABELS), ("project", PROJECT_LABELS),
                                 ("goals", GOAL_LABELS), ("period", PERIOD_LABELS)):
                match = match_label(cell.text, labels)
                if match is None:
                    continue
                label, rest = match
                if not rest:
                    following = cells[k + 1:]
                    if what == "goals" and grid.tokenised:
                        rest = " ".join(c.text for c in following)
                    elif following:
                        rest = following[0].text
                    if match_label(rest, DEPARTMENT_LABELS + PROJECT_LABELS + GOAL_LABELS + PERIOD_LABELS):
                        rest = ""
                elif what == "goals" and grid.tokenised:
                    rest = " ".join([rest, *(c.text for c in cells[k + 1:])])
                rank = labels.index(label)
                fits = (what in ("goals", "period") and bool(re.search(r"\w", rest))) or looks_like_name(rest)
                if rest and fits and (what not in found or rank < found[what][0]):
                    found[what] = (rank, rest.strip(), cell)
                break
    for line_no, line in grid.lines:
        match = re.match(r"^\s*目\s*标\s*(\d+)\s*[:：、.]\s*(.+)$", line)
        if match and (header.line is None or line_no < header.line):
            goal_items.append(HeaderItem(label=f"目标{match.group(1)}", number=int(match.group(1)),
                                         cell=Cell(text=match.group(2).strip(),
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
    match = YEAR.search(head_text)
    if match:
        filing.year = int(match.group(1))
    title_kind = kind_of(head_text.split("项目名称")[0]) if head_text else None
    if title_kind is None and any(name in header.fields for name in ("actual", "points")):
        title_kind = "self_evaluation"  # 实际完成值 and 得分 columns: a self-evaluation, whatever its title
    filing.document_kind = title_kind or ("project" if filing.project is not None else "department")


def _around(extracted: Extracted, grid: Grid, header: Header) -> list[list[GridCell]]:
    """For a page or a Word file, what precedes the table: the paragraphs (as one-cell rows) and the
    rows of the tables before it, in reading order. A spreadsheet's other sheets are not its header."""
    if grid.form not in ("html", "docx") or header.line is None:
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
