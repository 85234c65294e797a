"""The layout vocabulary: the only place that knows what a column is called.

Each canonical field has its header names and variants, the column group
(fragment) it belongs to in the seed's split layout, its Chinese label for
clerks, whether it is free text that repair may restore, and what kind of
value it holds (which the layout reader uses to align a row whose merged cells
were dropped). A new layout family is new names here, not new code.

Header matching (:func:`match_header`) picks the single best field for a
header cell: exact names first, then a clipped cell (``指标值类``) belongs to
the *longest* name it is a prefix of (指标值类型, not 指标值).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache
from typing import Iterable, Optional, Sequence


class ValueKind(str, Enum):
    """What a column holds, as far as aligning a row's cells is concerned."""

    LEVEL1 = "level1"          # a 一级指标 taxonomy name
    LEVEL2 = "level2"          # a 二级指标 taxonomy name
    TEXT = "text"              # free text (三级指标, explanations, rules)
    OPERATOR = "operator"      # ≥ ≤ = > < 定性 定量
    VALUE = "value"            # a target or achieved value: number, percent, short text
    UNIT = "unit"              # a unit of measure
    NUMBER = "number"          # a score, weight or points
    DIRECTION = "direction"    # 正向 / 反向
    STANDARD = "standard"      # 计划标准 / 历史标准 / 行业标准
    LABEL = "label"            # a row label spanning the table (年度绩效目标, 绩效指标)


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field of an indicator table."""

    name: str
    label: str                      # Chinese label for clerks (XLSX headers, the review app)
    headers: tuple[str, ...]        # header names and variants, most usual first
    kind: ValueKind
    fragment: str = "indicators"    # column group in the seed's split layout
    free_text: bool = False         # repair may restore it from witnesses
    record: bool = True             # becomes a record field (False: used only to read the row)
    combined: bool = False          # the cell also holds operator and unit (指标值及单位)
    aliases_of: Optional[str] = field(default=None)  # read into this field instead (权重 → score)


FIELDS: tuple[FieldSpec, ...] = (
    # 一级 / 二级 / 三级: Shandong's 申报表; 评价指标 / 评价内容 / 指标名称: a 绩效评价指标表's (Hebei)
    FieldSpec("level1", "一级指标", ("一级指标", "一级", "评价指标", "一级目标"), ValueKind.LEVEL1),  # 一级目标: Guangdong
    FieldSpec("level2", "二级指标", ("二级指标", "二级", "评价内容"), ValueKind.LEVEL2),
    FieldSpec("level3", "三级指标", ("三级指标", "三级", "指标名称", "具体指标", "三级指标名称", "绩效指标名称"),
              ValueKind.TEXT, free_text=True),
    FieldSpec("operator", "指标值类型", ("指标值类型", "指标性质", "计算符号", "运算符号", "符号", "指标类型"),
              ValueKind.OPERATOR),
    FieldSpec("target", "指标值", ("指标值", "目标值", "年度指标值", "年度目标值", "预期目标", "预期目标值",
                                   "全年指标值", "绩效指标值", "指标目标值", "年度预期目标", "预期指标值",
                                   "年度绩效指标值", "计划完成值", "年度计划值", "年度数值", "当年预期实现值"),
              ValueKind.VALUE, combined=True),
    FieldSpec("target", "指标值及单位", ("指标值及单位", "指标值(包含数字及文字描述)", "目标值及单位"),
              ValueKind.VALUE, combined=True),
    FieldSpec("unit", "计量单位", ("计量单位", "度量单位", "单位"), ValueKind.UNIT),
    FieldSpec("explanation", "指标解释", ("指标解释", "指标说明", "指标值设定依据", "指标值说明", "指标内容",
                                          "指标值内容", "指标解释说明"),
              ValueKind.TEXT, fragment="explanations", free_text=True),
    FieldSpec("scoring_rule", "评(扣)分标准", ("评(扣)分标准", "评/扣分标准", "评扣分标准", "评分标准", "扣分标准",
                                               "评(扣分标准)",  # the bracket misplaced, as a Hunan export prints it
                                               "评分规则", "评分办法", "计分方法"),
              ValueKind.TEXT, fragment="scoring", free_text=True),
    FieldSpec("score", "分值", ("分值", "指标分值", "标准分值", "分数"), ValueKind.NUMBER, fragment="scoring"),
    FieldSpec("score", "权重", ("权重(%)", "权重", "指标权重"), ValueKind.NUMBER, fragment="scoring"),
    FieldSpec("remark", "备注", ("备注",), ValueKind.TEXT, fragment="scoring", free_text=True),
    FieldSpec("direction", "指标方向性", ("指标方向性", "指标方向"), ValueKind.DIRECTION),
    FieldSpec("project", "项目名称", ("项目名称", "项目支出名称", "二级项目名称", "子项目名称"), ValueKind.TEXT),
    FieldSpec("likelihood", "完成目标可能性", ("完成目标可能性",), ValueKind.TEXT, record=False),  # 绩效监控表
    FieldSpec("standard", "绩效标准", ("绩效标准", "指标值确定依据", "标准类型"), ValueKind.STANDARD, record=False),
    FieldSpec("actual", "实际完成值", ("实际完成值", "全年实际完成值", "实际完成情况", "完成值", "实际值",
                                       "全年完成值", "实际完成指标值", "全年实际值", "实施进度", "完成进度",
                                       "半年度指标执行情况", "指标执行情况"),  # a 绩效监控表's mid-year column
              ValueKind.VALUE),
    FieldSpec("points", "得分", ("得分", "自评得分", "评价得分"), ValueKind.NUMBER),
    FieldSpec("deviation", "偏差原因", ("偏差原因分析及改进措施", "偏差原因分析及改进", "偏差原因及改进措施",
                                        "偏差原因", "未完成原因分析",
                                        "未完成原因及拟采取的改进措施", "未完成原因和改进措施", "未完成原因及改进措施",
                                        "未完成原因", "未达到指标值原因"), ValueKind.TEXT, free_text=True),
)
"""Every field a performance-goal table may have, with every header name seen in real filings."""

ROW_LABEL_HEADERS: tuple[str, ...] = (
    "年度绩效目标", "年度绩效指标", "本年度绩效指标", "绩效指标", "项目绩效指标", "绩效目标", "年度指标",
    "指标", "中期绩效指标", "实施期绩效指标",
)
"""A merged cell left of 一级指标 that labels the whole block; it is no field."""

RECORD_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f.name for f in FIELDS if f.record))
FREE_TEXT_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.free_text)
LABELS: dict[str, str] = {}
for _spec in FIELDS:
    LABELS.setdefault(_spec.name, _spec.label)

REQUIRED_ONE_OF: tuple[tuple[str, ...], ...] = (("level3",), ("target", "actual"))
"""A header row is understood only with a 三级指标 column and a value column."""


# ---------------------------------------------------------------------------- normalising

_PINYIN = re.compile(r"\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
_WIDTH = str.maketrans({"（": "(", "）": ")", "／": "/", "％": "%", "：": ":", "＝": "=", "＞": ">", "＜": "<",
                        "　": " ", "﹦": "=", "═": "="})


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency; degrade to no conversion
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """The form header names and taxonomy names are compared in.

    Traditional characters become simplified (OpenCC), pinyin that some mirror
    sites insert (``指標(biāo)``) is dropped, full-width brackets and slashes become
    half-width, and spaces, pipes and line breaks go. Values are never rewritten
    this way: this is only for recognising names.
    """
    converter = _t2s()
    text = converter.convert(text) if converter is not None else text
    text = _PINYIN.sub("", text.translate(_WIDTH))
    return re.sub(r"[\s|]+", "", text).lstrip("*＊")  # "*指标值": the form's required-field mark


# ---------------------------------------------------------------------------- header matching

@dataclass(frozen=True)
class HeaderMatch:
    spec: FieldSpec
    name: str          # the header name it matched
    exact: bool


_BUILT: tuple[Optional[tuple[FieldSpec, ...]], list[tuple[str, FieldSpec]]] = (None, [])


def _header_names() -> list[tuple[str, FieldSpec]]:
    """Every header name, normalised, longest first; rebuilt whenever :data:`FIELDS` is replaced
    (:func:`extend_headers`, or a test's monkeypatch), so no caller ever matches against a stale list."""
    global _BUILT
    if _BUILT[0] is not FIELDS:
        names = [(normalise(h), spec) for spec in FIELDS for h in spec.headers]
        _BUILT = (FIELDS, sorted(names, key=lambda pair: -len(pair[0])))
    return _BUILT[1]


# what may follow a header name: a short note (权重(%)), a colon or a required-field mark, a weight, or the
# choices a form lists for the column (完成目标可能性(确定能、有可能、不可能))
_TRAILER = re.compile(r"^(?:\(.{0,6}\)|\([^()]{1,12}(?:、[^()]{1,12})+\)|[:：*]|\d+分|\(\d+分\))*$")


def match_header(text: str) -> Optional[HeaderMatch]:
    """The field a header cell names, or None.

    Exact names win; then a name followed by a short parenthetical (``权重(%)``,
    ``分值(分)``); then a clipped cell, which belongs to the longest name it is a
    prefix of, so ``指标值类`` is 指标值类型 and never 指标值.
    """
    cell = normalise(text)
    if not cell or cell in ROW_LABEL_HEADERS:
        return None  # 绩效指标 labels the block; it is no clipped 绩效指标名称
    names = _header_names()
    for name, spec in names:
        if cell == name:
            return HeaderMatch(spec, name, True)
    for name, spec in names:  # longest first
        if cell.startswith(name) and _TRAILER.match(cell[len(name):]):
            return HeaderMatch(spec, name, True)
    if len(cell) >= 3:
        clipped = [(name, spec) for name, spec in names if name.startswith(cell)]
        if clipped:
            name, spec = clipped[0]  # the longest name the cell is a prefix of
            return HeaderMatch(spec, name, False)
    return None


def match_header_ending(text: str) -> Optional[HeaderMatch]:
    """The field a cell names at its end, after other text ("详情见附件(…)一级指标", "计划指标值"); names
    of three characters or more only, so that a word that merely ends like a name is not taken."""
    cell = re.sub(r"\(.{1,8}\)$", "", normalise(text))  # 计划指标值(或计划水平): the qualifier goes
    for name, spec in _header_names():  # longest first
        if len(name) >= 3 and cell.endswith(name) and len(cell) > len(name):
            return HeaderMatch(spec, name, False)
    return None


def printed_header_names() -> list[str]:
    """Every header name and block label as printed (half- and full-width brackets), longest first:
    for cutting a header line whose names run together. Follows :func:`extend_headers`."""
    global _PRINTED
    if _PRINTED[0] is not FIELDS:
        names = {*(h for spec in FIELDS for h in spec.headers), *ROW_LABEL_HEADERS}
        names |= {n.replace("(", "（").replace(")", "）") for n in names}
        _PRINTED = (FIELDS, sorted(names, key=len, reverse=True))
    return _PRINTED[1]


_PRINTED: tuple[Optional[tuple[FieldSpec, ...]], list[str]] = (None, [])


def is_row_label_header(text: str) -> bool:
    cell = re.sub(r"\(.*?\)|\d+分", "", normalise(text))
    return cell in ROW_LABEL_HEADERS


_WEIGHT_HEADER = re.compile(r"^(?:100|[1-9]\d?)$")


def is_weight_header(text: str) -> bool:
    """A header cell that prints only a whole number up to 100 ('50'): the central transfer regional
    self-evaluation (区域绩效目标自评表) heads its score column with the block's weight instead of
    分值. Only the last cell of a header whose other cells all name fields is read so
    (:func:`..pipeline.layout_header._match_columns`); elsewhere a number is data."""
    return bool(_WEIGHT_HEADER.match(normalise(text)))


_PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:街道办事处|街道办|街道|镇|乡)")


def place_columns(text: str) -> list[str]:
    """The place names a header cell is made of ('埭头镇', '笏石街道办埭头镇' printed back to back), or []
    when it is anything else: a table that sets one target per town (Fujian's 资金绩效目标表: 指标方向 then
    笏石街道办 | 埭头镇) heads each target column with the town's name. Read as target columns only
    after a header that names no value column (:func:`..pipeline.layout_header._match_columns`)."""
    cell, places, i = normalise(text), [], 0
    while i < len(cell):
        match = _PLACE.match(cell, i)
        if match is None:
            return []
        places.append(match.group())
        i = match.end()
    return places


def header_fields(cells: Iterable[str]) -> list[tuple[Optional[HeaderMatch], Optional[HeaderMatch]]]:
    """Match a header row's cells, each field at most once: a second column that names a field
    already taken (a 中期 group beside the 年度 one) is no field, but keeps what it would have
    been as its shadow, so that a row's cells still align by kind. Returns (match, shadow) pairs."""
    matches = [match_header(text) for text in cells]
    # a field named exactly somewhere (指标值) is that column's, before a clipped-looking name elsewhere
    # (年度目标, the project's goal, which only looks like a clipped 年度目标值)
    exact = {m.spec.name for m in matches if m is not None and m.exact}
    taken: set[str] = set()
    out: list[tuple[Optional[HeaderMatch], Optional[HeaderMatch]]] = []
    for match in matches:
        if match is None:
            out.append((None, None))
        elif match.spec.name in taken or (not match.exact and match.spec.name in exact):
            out.append((None, match))
        else:
            taken.add(match.spec.name)
            out.append((match, None))
    return out


def spec_named(name: str) -> FieldSpec:
    return next(spec for spec in FIELDS if spec.name == name)


# ---------------------------------------------------------------------------- column groups

FRAGMENT_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("indicators", ("level1", "level2", "level3")),
    ("explanations", ("explanation",)),
    ("scoring", ("scoring_rule",)),
)
"""The fields that say which column group of the seed's split layout a header row opens, in
order: a row naming a 一级/二级/三级指标 column is the indicator table, whatever else it has."""


def header_fragment(cells: Iterable[str]) -> Optional[str]:
    """The column group (``FieldSpec.fragment``: indicators, explanations, scoring) that a row of
    header cells opens, or None when it names none of the anchor fields."""
    named = {match.spec.name for match, _ in header_fields(cells) if match is not None}
    return next((fragment for fragment, anchors in FRAGMENT_ANCHORS if named & set(anchors)), None)


def column_fields(fragment: str, cells: Iterable[str]) -> list[Optional[str]]:
    """The field each header cell of a column group names (None for a cell that names no field of
    that group), each field at most once."""
    return [match.spec.name if match is not None and match.spec.fragment == fragment and match.spec.record
            else None for match, _ in header_fields(cells)]


_SCORE = re.compile(r"^\d{1,3}(?:\.\d{1,2})?分?$")
_NO_VALUE = frozenset({"", "/", "／", "-", "—", "无"})


def remark_holds_scores(names: Sequence[Optional[str]], remarks: Iterable[str]) -> bool:
    """Whether the column headed 备注 is the score by its content, as in the seed (``评/扣分标准 |
    备注`` with 5, 5, 10 … under 备注): there is no score column, 备注 is the last column, and every
    cell under it is a number (or empty, "/"), at least one of them a number."""
    named = [name for name in names if name]
    if "score" in named or not named or named[-1] != "remark":
        return False
    texts = [normalise(text) for text in remarks]
    return any(_SCORE.match(t) for t in texts) and all(t in _NO_VALUE or _SCORE.match(t) for t in texts)


# ---------------------------------------------------------------------------- extending

def extend_headers(field_name: str, *names: str) -> None:
    """Add header names to a field: the one-line change a new variant needs, seen by every
    extractor (they all match through :func:`match_header`). Replaces :data:`FIELDS` (so a test's
    ``monkeypatch.setattr(vocabulary, "FIELDS", vocabulary.FIELDS)`` undoes it) and the matching
    table follows. Adds to the first spec of that field (target: 指标值, not 指标值及单位)."""
    global FIELDS
    specs = list(FIELDS)
    k = next((i for i, spec in enumerate(specs) if spec.name == field_name), None)
    if k is None:
        raise KeyError(f"no field {field_name!r} in the layout vocabulary; fields: "
                       f"{', '.join(dict.fromkeys(spec.name for spec in FIELDS))}")
    new = tuple(name for name in names if name not in specs[k].headers)
    specs[k] = replace(specs[k], headers=specs[k].headers + new)
    FIELDS = tuple(specs)


def fingerprint() -> str:
    """A digest of every field's header names, for cache keys: an extraction cached under an older
    vocabulary is not reused."""
    import hashlib

    text = "\n".join(f"{spec.name}:{spec.fragment}:{'|'.join(spec.headers)}" for spec in FIELDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
