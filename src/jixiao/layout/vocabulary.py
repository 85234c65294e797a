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
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from .vocabulary_file import Vocabulary, builtin, current, set_default


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


# What each field is, apart from what it is called: the names are data (vocabulary.toml and a
# user's file, see :mod:`.vocabulary_file`); this table is the record's contract and stays in code.
_SPECS: dict[str, dict] = {
    "level1": dict(label="一级指标", kind=ValueKind.LEVEL1),
    "level2": dict(label="二级指标", kind=ValueKind.LEVEL2),
    "level3": dict(label="三级指标", kind=ValueKind.TEXT, free_text=True),
    "operator": dict(label="指标值类型", kind=ValueKind.OPERATOR),
    "target": dict(label="指标值", kind=ValueKind.VALUE, combined=True),
    "unit": dict(label="计量单位", kind=ValueKind.UNIT),
    "explanation": dict(label="指标解释", kind=ValueKind.TEXT, fragment="explanations", free_text=True),
    "scoring_rule": dict(label="评(扣)分标准", kind=ValueKind.TEXT, fragment="scoring", free_text=True),
    "score": dict(label="分值", kind=ValueKind.NUMBER, fragment="scoring"),
    "weight": dict(name="score", label="权重", kind=ValueKind.NUMBER, fragment="scoring"),
    "remark": dict(label="备注", kind=ValueKind.TEXT, fragment="scoring", free_text=True),
    "direction": dict(label="指标方向性", kind=ValueKind.DIRECTION),
    "project": dict(label="项目名称", kind=ValueKind.TEXT),
    "likelihood": dict(label="完成目标可能性", kind=ValueKind.TEXT, record=False),  # 绩效监控表
    "standard": dict(label="绩效标准", kind=ValueKind.STANDARD, record=False),
    "actual": dict(label="实际完成值", kind=ValueKind.VALUE),
    "points": dict(label="得分", kind=ValueKind.NUMBER),
    "deviation": dict(label="偏差原因", kind=ValueKind.TEXT, free_text=True),
    # a column of figures printed that no record field holds (累计完成率): known, so that the header is
    # found and a glued header is cut at it; its cells are read into nothing
    "unrecorded": dict(label="其他", kind=ValueKind.VALUE, record=False),
}


def _fields_of(vocabulary: Vocabulary) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(name=spec.get("name", key), headers=vocabulary.headers.get(key, ()),
                           **{k: v for k, v in spec.items() if k != "name"})
                 for key, spec in _SPECS.items())


_FIELDS_BY_DIGEST: dict[str, tuple[FieldSpec, ...]] = {}


def fields() -> tuple[FieldSpec, ...]:
    """Every field a performance-goal table may have, with every header name of the vocabulary in force."""
    vocabulary = current()
    found = _FIELDS_BY_DIGEST.get(vocabulary.digest)
    if found is None:
        found = _FIELDS_BY_DIGEST[vocabulary.digest] = _fields_of(vocabulary)
    return found


def row_label_headers() -> tuple[str, ...]:
    """A merged cell left of 一级指标 that labels the whole block (绩效指标); it is no field."""
    return current().row_labels


FIELDS: tuple[FieldSpec, ...] = _fields_of(builtin())
"""The built-in fields (their names as shipped); :func:`fields` has those of the vocabulary in force."""
ROW_LABEL_HEADERS: tuple[str, ...] = builtin().row_labels

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


_NAMES_BY_DIGEST: dict[str, list[tuple[str, FieldSpec]]] = {}


def _header_names() -> list[tuple[str, FieldSpec]]:
    """Every header name of the vocabulary in force, normalised, longest first."""
    vocabulary = current()
    names = _NAMES_BY_DIGEST.get(vocabulary.digest)
    if names is None:
        pairs = [(normalise(h), spec) for spec in fields() for h in spec.headers]
        names = _NAMES_BY_DIGEST[vocabulary.digest] = sorted(pairs, key=lambda pair: -len(pair[0]))
    return names


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
    if not cell or cell in _row_labels():
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
    for cutting a header line whose names run together. Follows the vocabulary in force."""
    vocabulary = current()
    found = _PRINTED.get(vocabulary.digest)
    if found is None:
        names = {*(h for spec in fields() for h in spec.headers), *vocabulary.row_labels}
        names |= {n.replace("(", "（").replace(")", "）") for n in names}
        found = _PRINTED[vocabulary.digest] = sorted(names, key=len, reverse=True)
    return found


_PRINTED: dict[str, list[str]] = {}
_ROW_LABELS: dict[str, frozenset[str]] = {}


def _row_labels() -> frozenset[str]:
    vocabulary = current()
    found = _ROW_LABELS.get(vocabulary.digest)
    if found is None:
        found = _ROW_LABELS[vocabulary.digest] = frozenset(normalise(n) for n in vocabulary.row_labels)
    return found


def is_row_label_header(text: str) -> bool:
    cell = re.sub(r"\(.*?\)|\d+分", "", normalise(text))
    return cell in _row_labels()


_WEIGHT_HEADER = re.compile(r"^(?:100|[1-9]\d?)$")


def is_weight_header(text: str) -> bool:
    """A header cell that prints only a whole number up to 100 ('50'): the central transfer regional
    self-evaluation (区域绩效目标自评表) heads its score column with the block's weight instead of
    分值. Only the last cell of a header whose other cells all name fields is read so
    (:func:`..reader.header._match_columns`); elsewhere a number is data."""
    return bool(_WEIGHT_HEADER.match(normalise(text)))


# a town, street office or township, and the village or community in it where one is named (西坪镇尧山村)
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:街道办事处|街道办|街道|镇|乡)(?:[\u4e00-\u9fff]{1,6}?(?:村|社区))?")


def place_columns(text: str) -> list[str]:
    """The place names a header cell is made of ('埭头镇', '笏石街道办埭头镇' printed back to back), or []
    when it is anything else: a table that sets one target per town (Fujian's 资金绩效目标表: 指标方向 then
    笏石街道办 | 埭头镇) heads each target column with the town's name. Read as target columns only
    after a header that names no value column (:func:`..reader.header._match_columns`)."""
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
    return next(spec for spec in fields() if spec.name == name)


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
    """Add header names to a field in this process's default vocabulary: the Python form of a
    vocabulary file's ``[headers]`` entry. A batch started afterwards sends the extended
    vocabulary to every worker (serial, local, Dask) with its tasks, and its digest changes the
    cache key. ``set_default(None)`` undoes it."""
    from .vocabulary_file import FIELD_KEYS, VocabularyError

    if field_name not in FIELD_KEYS:
        raise VocabularyError("extend_headers", f"no field {field_name!r}; fields: {', '.join(FIELD_KEYS)}")
    set_default(current().extended({"headers": {field_name: list(names)}}, (("extend_headers", field_name),)))


def fingerprint() -> str:
    """A digest of the vocabulary in force, for cache keys: an extraction cached under another
    vocabulary is not reused."""
    return current().digest
