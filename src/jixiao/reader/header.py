"""Finding an indicator table's header: which row names the columns, and which field each column is.

Part of the layout reader (:mod:`jixiao.reader`). Header names come from the layout vocabulary
only; this module knows how headers are printed: two-level headers, names broken over lines, a
note glued before the first name, a 长期 group beside the 年度 one, a table flattened onto one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..layout.values import (
    classify,
    level1_name,
    level2_name,
)
from ..layout.vocabulary import (
    LABELS,
    REQUIRED_ONE_OF,
    FieldSpec,
    ValueKind,
    header_fields,
    is_row_label_header,
    is_weight_header,
    place_columns,
    match_header,
    match_header_ending,
    normalise,
    spec_named,
)
from ..model import (
    Grid,
    GridCell,
    Provenance,
)

from .errors import LayoutNotUnderstood


@dataclass
class Column:
    spec: Optional[FieldSpec]  # None: a column no field is read from (a row label, an unknown header)
    header: str
    row_label: bool = False
    shadow: Optional[FieldSpec] = None  # a repeated field's second column: aligned by kind, not read
    decided_by: str = "header"  # how the role was decided (see jixiao.model.report.DecidedBy)
    score: float = 1.0  # how sure, 0-1
    note: Optional[str] = None  # why, where header and cells disagreed

    @property
    def kind(self) -> ValueKind:
        if self.row_label:
            return ValueKind.LABEL
        spec = self.spec or self.shadow
        return spec.kind if spec else ValueKind.TEXT

    @property
    def choices(self) -> frozenset[str]:
        """The values a header lists for its column (完成目标可能性(确定能、有可能、不可能)), if any."""
        listed = _CHOICES.search(self.header)
        return frozenset(normalise(c) for c in listed.group(1).split("、")) if listed else frozenset()


_CHOICES = re.compile(r"[(（]([^()（）]+(?:、[^()（）]+)+)[)）]\s*$")


@dataclass
class Header:
    row: int  # the (last) header row: the body starts below it
    columns: list[Column]
    line: Optional[int]
    spill: list[GridCell] = field(default_factory=list)  # data cells a dump ran into the header row
    cells: list[GridCell] = field(default_factory=list)  # the header's cells, one per column
    first: Optional[int] = None  # the first header row, when the header spans two rows
    understood: bool = True  # False: the best candidate, naming neither a 三级指标 nor a value column

    @property
    def top(self) -> int:
        return self.row if self.first is None else self.first

    @property
    def fields(self) -> list[str]:
        return [c.spec.name for c in self.columns if c.spec]


# ---------------------------------------------------------------------------- header

def _header_cells(cells: list[GridCell], tokenised: bool) -> list[tuple[str, GridCell]]:
    """A header row's cells; in a tokenised dump, adjacent tokens that together name a field
    ('评(扣)' '分标准', '本年度' '绩效指标') are joined again."""
    texts = [c.text for c in cells]
    if not tokenised:
        # a name broken over two cells of a stream ('年度' / '指标值', '实际' / '完成值'): joined again
        pairs: list[tuple[str, GridCell]] = []
        k = 0
        while k < len(texts):
            joined = texts[k] + texts[k + 1] if k + 1 < len(texts) else ""
            whole = match_header(joined) if joined and match_header(texts[k]) is None else None
            if whole is not None and whole.exact:
                pairs.append((joined, cells[k]))
                k += 2
            else:
                pairs.append((texts[k], cells[k]))
                k += 1
        return pairs
    out, i = [], 0
    while i < len(texts):
        for width in (3, 2, 1):
            joined = "".join(texts[i:i + width])
            named = match_header(joined) if width > 1 and i + width <= len(texts) else None
            if width == 1 or (named is not None and named.exact) or (
                    i + width <= len(texts) and is_row_label_header(joined)):
                out.append((joined, cells[i]))
                i += width
                break
    return out


_LONG_TERM = re.compile(r"长期|中期|实施期|周期")


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
            elif ending is not None:
                shadow = ending  # a second group's 计划指标值: aligned by kind, not read
        if match is None:
            columns.append(Column(None, text, row_label=is_row_label_header(text),
                                  shadow=shadow.spec if shadow else None))
        else:
            columns.append(Column(match.spec, text))
    places = next((k for k, c in enumerate(columns) if c.spec is None and not c.row_label and c.shadow is None
                   and place_columns(c.header)), None)
    if (places is not None and places >= 3 and not {"target", "actual"} & taken
            and all(c.spec for c in columns[places - 3:places])):
        # one target column per town ('笏石街道办 | 埭头镇' after 指标方向): a header naming no value column
        # reads the first town's column as the target, the others as its twins (aligned by kind, not read)
        run = places
        while run < len(columns) and columns[run].spec is None and place_columns(columns[run].header):
            columns[run] = Column(spec_named("target"), columns[run].header) if run == places else \
                Column(None, columns[run].header, shadow=spec_named("target"))
            run += 1
        taken.add("target")
    if (len(columns) >= 3 and columns[-1].spec is None and columns[-1].shadow is None
            and is_weight_header(columns[-1].header) and "score" not in taken
            and all(c.spec or c.row_label for c in columns[:-1])):
        # a score column headed by its block's weight ('50' after 实际完成指标值): the last cell of a
        # header whose other cells all name fields, and no 分值/权重 column elsewhere
        columns[-1] = Column(spec_named("score"), columns[-1].header)
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
    return _merge_band(grid, band[0], [c for row in band[1:] for c in row] + columns)


def _merge_band(grid: Optional[Grid], top: list[Column], lower: list[Column]) -> list[Column]:
    """The columns of a two-level header: the lower names take the place of the top row's block label
    (绩效指标), and a top name the lower row names again (年度指标值 over 指标性质 | 指标值 | 度量单位)
    is a group title, not a column of its own."""
    below = {(c.spec or c.shadow).name for c in lower if c.spec or c.shadow}  # type: ignore[union-attr]
    top = [c for c in top if not ((c.spec or c.shadow) and (c.spec or c.shadow).name in below)]  # type: ignore[union-attr]
    label = next((k for k, c in enumerate(top) if c.row_label), None)
    merged = top[:label] + lower + top[label + 1:] if label is not None else top + lower
    return _read_header_texts(grid, [c.header for c in merged])


def _flattened_band(grid: Grid, columns: list[Column]) -> Optional[list[Column]]:
    """A two-level header a dump printed on one line: 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
    一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位. The top row runs from the block label
    to the first 一级指标 after it; None when the columns are not so."""
    label = next((k for k, c in enumerate(columns) if c.row_label), None)
    if label is None:
        return None
    level1 = next((k for k, c in enumerate(columns) if k > label + 1 and c.spec and c.spec.name == "level1"), None)
    if level1 is None or not any(c.spec for c in columns[label + 1:level1]):
        return None
    merged = _merge_band(grid, columns[label:level1], columns[level1:])
    return merged if _understood([c.spec.name for c in merged if c.spec]) else None


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
    if any(c.text.strip() and not match_header(c.text) and not is_row_label_header(c.text) for c in top):
        return None  # a header-block row (本年度绩效目标 | the goal) above the header, not its top half
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


# a column name the vocabulary does not know but a header's words ('单项指标完成情况', '偏差分析')
_UNKNOWN_NAME = re.compile(r"^[\u4e00-\u9fff()（）%]{2,12}(?:情况|分析|措施|说明|依据)$")


def _is_named(column: Column) -> bool:
    return bool(column.spec or column.row_label or column.shadow)


def _bridges(columns: list[Column], k: int) -> bool:
    """An unknown name between two field names ('单项指标实际完成值 | 单项指标完成情况 | 自评得分'): a column
    of the header, not the end of its run (what follows the run is the rows' spill). A block label
    (绩效指标) is no field name: what stands between it and the header is the page's."""
    return 0 < k < len(columns) - 1 and columns[k - 1].spec is not None and columns[k + 1].spec is not None \
        and _UNKNOWN_NAME.match(columns[k].header) is not None


def _header_run(columns: list[Column], shifted: bool = False) -> tuple[int, int]:
    """[start, end) of the run of consecutive column names that holds the most fields and is
    understood by itself; the whole span from the first to the last name when none is."""
    runs, start = [], None
    for k, column in enumerate([*columns, None]):
        named = column is not None and (_is_named(column) or _bridges(columns, k))
        if named and start is None:
            start = k
        elif not named and start is not None:
            runs.append((start, k))
            start = None
    def fields(run: tuple[int, int]) -> list[str]:
        # matched afresh: a name the page used earlier (预期目标 in the header block) takes no field from the run
        read = _read_header_texts(None, [c.header for c in columns[run[0]:run[1]]])
        return [c.spec.name for c in (_shift_levels(read) if shifted else read) if c.spec]

    good = [run for run in runs if _understood(fields(run))]
    if good:
        return max(good, key=lambda run: len(fields(run)))
    positions = [k for k, c in enumerate(columns) if c.spec or c.row_label or c.shadow]
    return (0, positions[-1] + 1) if positions else (0, len(columns))


_COLUMN_NAME = re.compile(r"^[\u4e00-\u9fff]{1,6}(名称|数|额|单位|编码|代码|目标|类别|类型|性质)$")


def _column_names_before(columns: list[Column], start: int) -> int:
    """Where a header row of real cells begins: the run of column names found by the vocabulary,
    extended left over cells that read as column names of their own (单位名称 | 项目名称 | 预算数 before
    年度目标 | 一级指标 …), so that a row's first cells keep their columns."""
    while start > 0 and (columns[start - 1].spec is not None or
                         _COLUMN_NAME.match(normalise(columns[start - 1].header))):
        start -= 1
    return start


def _split_long_row(cells: list[GridCell], width: int) -> list[list[GridCell]]:
    """A row far longer than the header (a table flattened onto one line) cut where a 一级 or 二级
    name opens a new row, once the row so far holds more than taxonomy names."""
    if len(cells) <= 2 * width:
        return [cells]
    rows: list[list[GridCell]] = [[]]
    for cell in cells:
        kinds = classify(cell.text)
        taxonomy = ValueKind.LEVEL1 in kinds or ValueKind.LEVEL2 in kinds
        held = [classify(c.text) & {ValueKind.LEVEL1, ValueKind.LEVEL2} for c in rows[-1]]
        # a 二级 name right after another (经济效益指标 社会效益指标: an empty category, then the next)
        # opens a row too; 成本指标 is both a 一级 and a 二级 name, so it never counts as a repeat
        again = ValueKind.LEVEL2 in kinds and ValueKind.LEVEL1 not in kinds and bool(held) and \
            held[-1] == {ValueKind.LEVEL2}
        if taxonomy and (any(not h for h in held) or again):
            rows.append([])
        rows[-1].append(cell)
    return rows


def _names_level2_in_level1(rows: list[list[GridCell]], index: int, fields: list[str]) -> bool:
    """A header with 一级 and 二级 columns and a value but no 三级 (一级指标 | 二级指标 | 绩效标准 |
    当年预期实现值) over rows that print 二级 names (数量指标, 质量指标) and never a 一级-only name: the
    filer's 一级 column holds the 二级 and the 二级 column the indicator itself. Decided by the rows
    (from the header's own row, which a flattened page runs its rows into), never by the header alone."""
    if "level3" in fields or not {"level1", "level2"} <= set(fields) or not {"target", "actual"} & set(fields):
        return False
    texts = [c.text for row in rows[index:index + 60] for c in row]
    level2_only = sum(1 for t in texts if level2_name(t) and not level1_name(t))
    level1_only = sum(1 for t in texts if level1_name(t) and not level2_name(t))
    return level2_only >= 2 and level1_only == 0


def _shift_levels(columns: list[Column]) -> list[Column]:
    """The columns of such a header read one level down: 一级 → 二级, 二级 → 三级 (the 一级 of each row then
    comes from the taxonomy, as for a table printed without its 一级 column)."""
    down = {"level1": "level2", "level2": "level3"}
    return [Column(spec_named(down[c.spec.name]), c.header) if c.spec is not None and c.spec.name in down else c
            for c in columns]


def _fields(columns: list[Column]) -> list[str]:
    return [c.spec.name for c in columns if c.spec]


def _banded(grid: Grid, rows: list[list[GridCell]], index: int, columns: list[Column]) -> Optional[list[Column]]:
    """The columns of a header whose names stand on the rows above too (a dump's two-level header), when
    they name more fields than the row alone."""
    if len(_fields(columns)) < 2 or grid.positional:
        return None
    banded = _header_band(grid, rows, index, columns)
    return banded if banded is not None and len(_fields(banded)) > len(_fields(columns)) else None


def _two_level_header(grid: Grid, rows: list[list[GridCell]], index: int, fields: list[str]) -> Optional[Header]:
    """A positional grid's header over two rows (merged top cells over sub-headers), when it is understood
    and names more than the row alone."""
    two = _two_level(rows, index) if grid.positional else None
    if two is None:
        return None
    two_columns = _read_header(two, False)
    two_fields = _fields(two_columns)
    if _understood(two_fields) and (not _understood(fields) or len(two_fields) > len(fields)):
        return Header(index + 1, two_columns, rows[index][0].provenance.line, cells=two, first=index)
    return None


def _run_and_spill(grid: Grid, cells: list[GridCell], columns: list[Column],
                   shifted: bool) -> tuple[list[Column], list[GridCell]]:
    """A dump that lost its line breaks: text before the run of column names is the page's, and the cells
    after it are the table's rows (the spill)."""
    spill: list[GridCell] = []
    start, end = _header_run(columns, shifted)
    if not grid.tokenised:
        start = _column_names_before(columns, start)
    if end < len(columns):
        first_spilled = _header_cells(cells, grid.tokenised)[end][1]
        spill = cells[next(k for k, c in enumerate(cells) if c is first_spilled):]
    if (start, end) != (0, len(columns)):
        columns = _read_header_texts(grid, [c.header for c in columns[start:end]])
        columns = _shift_levels(columns) if shifted else columns
    return _flattened_band(grid, columns) or columns, spill


def find_header(grid: Grid, rows: list[list[GridCell]], start: int = 0) -> Header:
    """The header row from row ``start`` on: the first row that names a 三级指标 and a value column, or
    else the row that names the most indicator columns (``understood`` False: the column roles step may
    complete it from the cells). Raises LayoutNotUnderstood when no row names two indicator columns."""
    best: Optional[tuple[int, list[str], Optional[int]]] = None
    for index, cells in enumerate(rows):
        if not cells or index < start:
            continue
        columns = _read_header(cells, grid.tokenised)
        banded = _banded(grid, rows, index, columns)
        columns = banded or columns
        two = _two_level_header(grid, rows, index, _fields(columns))
        if two is not None:
            return two
        shifted = _names_level2_in_level1(rows, index, _fields(columns))
        if shifted:
            columns = _shift_levels(columns)
        fields = _fields(columns)
        if len(fields) >= 2 and _understood(fields):
            spill: list[GridCell] = []
            if not grid.positional and banded is None:
                columns, spill = _run_and_spill(grid, cells, columns, shifted)
            return Header(index, columns, cells[0].provenance.line, spill, cells=cells)
        if len(fields) >= 2 and (best is None or len(fields) > len(best[1])):
            best = (index, fields, cells[0].provenance.line)
    if best is None:
        raise LayoutNotUnderstood(
            f"{grid.source}: no performance-goal table: no row names the indicator columns "
            "(一级指标 / 三级指标 / 指标值 or their variants)")
    index, fields, line = best
    cells = rows[index]
    return Header(index, _read_header(cells, grid.tokenised), line, cells=cells, understood=False)


def not_understood(grid: Grid, header: Header) -> LayoutNotUnderstood:
    """The failure for a header that names some indicator columns but not a 三级指标 or a value column,
    even with the roles its columns' cells gave: what was seen, and what is missing."""
    fields = header.fields
    missing = [LABELS[group[0]] for group in REQUIRED_ONE_OF if not any(name in fields for name in group)]
    where = f"line {header.line}" if header.line else f"row {header.row + 1}"
    return LayoutNotUnderstood(
        f"{grid.source}: {where} holds {_describe(fields)} but no column for {' or '.join(missing)}; "
        "the table is not understood, so no records are made")
