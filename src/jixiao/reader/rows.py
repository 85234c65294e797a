"""Cutting a table's body into rows: the pieces of one row a dump broke over lines joined again,
and a run of cells holding several rows cut where each row reads best.

Part of the layout reader (:mod:`jixiao.reader`). Two cutters share one search
(:func:`_best_cuttings`): the glued one (a line whose cells lost every separator) and the one for
rows of real cells (a tokenised line, a stream of one cell per line, a pipe row that lost its
line breaks). A row is cut only where each piece aligns to the header; what no piece can take is
left as it is, for the reader to drop, never forced into a record.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ..layout.header_block import FURNITURE, SIGN_OFF
from ..layout.values import classify, is_empty, is_number
from ..layout.vocabulary import ValueKind
from ..model import GridCell

from .align import _BARE_NUMBERING, _NUMBERING, _VALUE_LIKE, _align
from .header import Column


_GLUED_ROW_COST = 6.0  # what opening one more row costs: a row is cut only where both parts read much better apart


_Cutting = list[Optional[tuple[float, int]]]  # per cell count: (best total fit, where the last row opens)


def _best_cuttings(n: int, opens: list[bool], longest: int,
                   piece_fit: Callable[[int, int], Optional[float]]) -> _Cutting:
    """The best way to cut the first ``end`` of ``n`` cells into consecutive rows, for every ``end``:
    a row opens only where ``opens`` says, holds at most ``longest`` cells, and scores
    ``piece_fit(start, end)`` (None: cells[start:end] is no row). Both row cutters below use it."""
    best: _Cutting = [None] * (n + 1)
    best[0] = (0.0, 0)
    for start in range(n):
        if best[start] is None or not opens[start]:
            continue
        for end in range(start + 1, min(n, start + longest) + 1):
            fit = piece_fit(start, end)
            if fit is None:
                continue
            total = best[start][0] + fit  # type: ignore[index]
            if best[end] is None or total > best[end][0]:  # type: ignore[index]
                best[end] = (total, start)
    return best


def _cut_at(best: _Cutting, end: int) -> list[tuple[int, int]]:
    """The rows (start, end) of the best cutting of the first ``end`` cells."""
    cuts: list[tuple[int, int]] = []
    while end > 0:
        start = best[end][1]  # type: ignore[index]
        cuts.insert(0, (start, end))
        end = start
    return cuts


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

    def piece_fit(start: int, end: int) -> Optional[float]:
        if end < n and not opens[end]:
            return None
        fit = _align(columns, texts[start:end], True, "")[0]
        return None if fit == float("-inf") else fit - _GLUED_ROW_COST

    best = _best_cuttings(n, opens, 2 * len(columns), piece_fit)
    if best[n] is None:
        return [cells]
    return [kept[i:j] for i, j in _cut_at(best, n)]


def _cut_cell(cells: list[GridCell], i: int, first: str, second: str) -> list[GridCell]:
    """The row with its cell ``i`` cut in two (``first`` then ``second``, both from the cell's text),
    each keeping the cell's provenance: what the three unfusing rules below share."""
    return [*cells[:i], cells[i].model_copy(update={"text": first}),
            cells[i].model_copy(update={"text": second}), *cells[i + 1:]]


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
                cells = _cut_cell(cells, len(cells) - 1, head, tails[0])
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
            cells = _cut_cell(cells, len(cells) - 1, half, half)
        out.append(cells)
    return out


_DOUBLED_RUN = re.compile(r"(\d+)\1")  # '11', '1010': a number printed twice with nothing between


def _unfuse_twins(columns: list[Column], body: list[list[GridCell]]) -> list[list[GridCell]]:
    """A table with one target column per town (目标值 headed 笏石街道办 | 埭头镇: the target column and
    its twin) whose glued rows print the same value under both ('100' '%' '100' '%'): a row whose only
    number is a run of digits that is one number twice ('≥' '11') is the two cells fused, 1 and 1. Cut
    only where another row of the table shows its value printed twice as separate pieces; otherwise
    every row stays as printed."""
    k = next((i for i, c in enumerate(columns) if c.spec is not None and c.spec.name == "target"), None)
    twin = columns[k + 1] if k is not None and k + 1 < len(columns) else None
    if k is None or twin is None or twin.spec is not None or twin.shadow is None or twin.shadow.name != "target" \
            or (k + 2 < len(columns) and columns[k + 2].shadow is not None):
        return body

    def twice(texts: list[str]) -> bool:
        return any(is_number(texts[i]) and (texts[i] == texts[i + 1] or (
            i + 3 < len(texts) and not is_number(texts[i + 1]) and texts[i:i + 2] == texts[i + 2:i + 4]))
            for i in range(len(texts) - 1))

    if not any(twice([c.text.strip() for c in cells]) for cells in body):
        return body
    out = []
    for cells in body:
        numbers = [i for i, c in enumerate(cells) if re.search(r"\d", c.text)]
        match = _DOUBLED_RUN.fullmatch(cells[numbers[0]].text.strip()) if len(numbers) == 1 else None
        if match is not None:
            i, half = numbers[0], match.group(1)
            cells = _cut_cell(cells, i, half, half)
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
                and not _NUMBERING.match(cells[0].text)  # '指标5:…' opens an indicator of its own
                and not SIGN_OFF.search(" ".join(c.text for c in cells))):
            joined = [*previous, *cells]
            apart = _row_fit(columns, previous, tokenised) + _row_fit(columns, cells, tokenised)
            if _row_fit(columns, joined, tokenised) > apart:
                out[-1] = joined
                continue
        out.append(cells)
    return out



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


def _row_opens(texts: list[str], tokenised: bool) -> list[bool]:
    """Where a row may open: at a name, never at a number, a sign or a unit; never at a name the row
    printed before it (a result column restating its indicator: '建设监测子站 | 11个 | 建设监测子站 | 0');
    and in a tokenised line never at a word of two characters (完成, 达标, 优良: a status)."""
    return [k == 0 or not (_VALUE_LIKE.match(t) or classify(t) & _NOT_OPENING or tokenised and len(t) <= 2
                           or _restated(texts, k))
            for k, t in enumerate(texts)]


def _restated(texts: list[str], k: int) -> bool:
    """Whether cell ``k`` repeats an indicator's name printed before it in the row (group names repeat
    on every row of some dumps; a name of four characters or more repeats only as its restatement)."""
    text = texts[k]
    return len(re.findall(r"[\u4e00-\u9fff]", text)) >= 4 and text in texts[:k] \
        and not classify(text) & {ValueKind.LEVEL1, ValueKind.LEVEL2}


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
    if (tokenised and len(texts) <= len(columns) and not _packed(columns, texts)) or (
            not tokenised and len(texts) <= len(columns) and _align(columns, texts, False, " ")[0] != float("-inf")):
        return [cells]  # reads as one row (a row of cells is cut when longer than the header, or fits nowhere)
    n = len(texts)
    # a row of cells is at most a little longer than its header (a wrapped cell): both bound the search
    opens = _row_opens(texts, tokenised)
    longest = _MAX_ROW_TOKENS if tokenised else len(columns) + 2

    def piece_fit(start: int, end: int) -> Optional[float]:
        if end == start + 1 and _BARE_NUMBERING.match(texts[start]):
            return 0.0  # '指标2' with nothing after it: a blank template row, a row that gives no record
        fit, placed = _align(columns, texts[start:end], tokenised, " ")
        if fit == float("-inf"):
            return None
        named = {columns[k].spec.name for k in placed if columns[k].spec}  # type: ignore[union-attr]
        if "level3" not in named or not named & set(_INDICATOR_VALUES):
            return None
        return fit - _ROW_COST

    best = _best_cuttings(n, opens, longest, piece_fit)
    # the cutting that reads best; what lies after it no indicator row wants
    end = max((k for k in range(1, n + 1) if best[k] is not None), key=lambda k: (best[k][0], k), default=0)  # type: ignore[index]
    if end == 0 or (end < n and not tokenised and end < n // 2):
        return [cells]
    tail = [cells[end:]] if end < n else []
    return [cells[start:stop] for start, stop in _cut_at(best, end)] + tail
