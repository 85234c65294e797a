"""Column roles from what the cells hold, beside what the header says.

A header word the vocabulary does not know must not stop the reader, and a header word that
means one thing in one template and another elsewhere (指标类型 over 产出类指标) must not mislead
it. So each column's cells are profiled (how many are level names of the taxonomy, operators,
units, numbers, values, names, sentences, scoring rules) and each role gets a score from 0 to 1
for the column (:func:`content_scores`). Then (:func:`assign_roles`):

- a column whose header names no field takes the role its cells make sure of, if no other column
  has it (decided_by ``cells``);
- a column whose header names a field its cells plainly are not, while they plainly are another
  field no column has, takes the cells' role (``cells``, with a note saying what the header said);
- a column whose header and cells agree is ``header+cells``; the others keep ``header``.

A role is never taken from a column the reader is sure of, and a change that would leave the table
without its 三级指标 or its value column is not made. Every decision is kept on the column for the
reading report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from ..layout.values import DIRECTIONS, is_unit, level1_name, level2_name, operator_of, split_value
from ..layout.vocabulary import normalise, spec_named
from .header import Column

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[,，;；。:：、]")
_RULE = re.compile(r"[得扣减加计]\s*[\d.]*\s*分|满分|不得分|[\d.]+分[;；,，。]")
_VALUE_SIGN = re.compile(r"^\s*(?:[≥≤=<>＞＜≧≦﹦]|>=|<=|大于|小于|不低于|不高于|不少于|不超过|不多于|高于|低于|约)")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|年底|月底|年末|前完成|之前|以前|[上下]半年|季度|及时")
_PLAIN_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*分?\s*$")
_ROLES = ("level1", "level2", "level3", "operator", "target", "unit", "explanation", "scoring_rule", "score",
          "direction", "actual", "points")
_REQUIRED = (("level3",), ("target", "actual"))
# roles a header may be overruled into: actual and points are told from target and score by their
# place, never by their cells alone
_OVERRIDES = ("level1", "level2", "level3", "operator", "unit", "target", "explanation", "scoring_rule", "score")


@dataclass
class Profile:
    """What share of a column's filled cells is of each kind."""

    count: int
    level1: float
    level2: float
    operator: float
    direction: float
    unit: float
    number: float
    small_number: float  # a whole number up to 100: a score or weight
    value: float
    name: float
    sentence: float
    rule: float
    distinct: float
    mean_length: float
    number_sum: float


def _share(texts: list[str], test) -> float:
    return sum(1 for t in texts if test(t)) / len(texts)


def _value_like(text: str) -> bool:
    """A target or achieved value: a number, a signed or worded comparison, a deadline, a percent (a
    sign alone is an operator, not a value)."""
    if operator_of(text) is not None:
        return False
    if _VALUE_SIGN.match(text) or _DATE.search(text) or "%" in text or "％" in text:
        return True
    split = split_value(text)
    return split.target is not None and split.operator not in (None, "定性") or bool(re.match(r"^\s*\d", text))


def _name_like(text: str) -> bool:
    """An indicator's name: Chinese words, not a value, not a group name, not a long sentence."""
    compact = normalise(text)
    return (2 <= len(compact) <= 40 and bool(_CJK.search(compact)) and not _value_like(text)
            and not level1_name(text) and not level2_name(text) and len(_SENTENCE.findall(compact)) <= 1)


def _number(text: str) -> Optional[float]:
    try:
        return float(text.strip().rstrip("分").strip().replace(",", ""))
    except ValueError:
        return None


def profile(texts: Iterable[str]) -> Optional[Profile]:
    """The profile of a column's filled cells (None when it has none)."""
    cells = [t.strip() for t in texts if t and t.strip() and normalise(t) not in ("/", "-", "—")]
    if not cells:
        return None
    numbers = [n for n in (_number(t) for t in cells) if n is not None]
    return Profile(
        count=len(cells),
        level1=_share(cells, lambda t: bool(level1_name(t)) and not level2_name(t)),
        level2=_share(cells, lambda t: bool(level2_name(t))),
        operator=_share(cells, lambda t: operator_of(t) is not None),
        direction=_share(cells, lambda t: normalise(t) in DIRECTIONS),
        unit=_share(cells, is_unit),
        number=len(numbers) / len(cells),
        small_number=_share(cells, lambda t: bool(_PLAIN_NUMBER.match(t)) and (_number(t) or 0) <= 100),
        value=_share(cells, _value_like),
        name=_share(cells, _name_like),
        sentence=_share(cells, lambda t: len(normalise(t)) >= 12 and bool(_SENTENCE.search(t))),
        rule=_share(cells, lambda t: bool(_RULE.search(t))),
        distinct=len(set(cells)) / len(cells),
        mean_length=sum(len(normalise(t)) for t in cells) / len(cells),
        number_sum=sum(numbers),
    )


def content_scores(p: Profile) -> dict[str, float]:
    """How well the cells fit each role, 0-1. Group names repeat (merged cells carried down or
    printed again), names are distinct; a score column holds small whole numbers."""
    scores = {
        "level1": p.level1 * (1.0 if p.distinct < 0.9 or p.count <= 3 else 0.85),
        "level2": p.level2,
        "operator": p.operator * (1.0 - p.level1),
        "direction": p.direction,
        "unit": p.unit * (1.0 - p.number),
        "score": p.small_number * (1.0 if p.number_sum <= 105 or p.count >= 4 else 0.8),
        "target": p.value * (1.0 - 0.5 * p.small_number) * (1.0 - p.rule),
        "level3": p.name * min(1.0, 0.4 + p.distinct) * (1.0 - p.sentence * 0.5),
        "explanation": p.sentence * min(1.0, p.mean_length / 15) * (1.0 - p.rule),
        "scoring_rule": p.rule,
        "direction_": 0.0,
    }
    scores["actual"] = scores["target"]
    scores["points"] = scores["score"]
    scores.pop("direction_")
    return {role: round(max(0.0, min(1.0, value)), 3) for role, value in scores.items()}


def _taken(columns: list[Column]) -> set[str]:
    return {c.spec.name for c in columns if c.spec is not None}


def _understood(names: set[str]) -> bool:
    return all(any(n in names for n in group) for group in _REQUIRED)


def _best(scores: dict[str, float], taken: set[str], order: tuple[str, ...] = _ROLES) -> tuple[Optional[str], float]:
    """The role the cells are surest of among those no column has; target before actual, score before points."""
    free = [(scores[role], -k, role) for k, role in enumerate(order) if role not in taken and role in scores]
    if not free:
        return None, 0.0
    score, _, role = max(free)
    if role == "actual" and "target" not in taken and scores.get("target", 0) == score:
        role = "target"
    if role == "points" and "score" not in taken and scores.get("score", 0) == score:
        role = "score"
    return role, score


def assign_roles(columns: list[Column], texts: dict[int, list[str]], *, from_cells: float, override: float,
                 min_rows: int) -> list[Column]:
    """The header's columns with roles completed and checked by their cells (``texts``: each column's
    cell texts as a first reading placed them). Returns new Column objects; see the module docstring."""
    out = [Column(c.spec, c.header, c.row_label, c.shadow, c.decided_by, c.score, c.note) for c in columns]
    scored = _scored(texts, len(out), min_rows)
    _confirm_headers(out, scored)
    _override_headers(out, scored, override)
    _fill_unknown(out, scored, from_cells, texts)
    _names_are_groups(out, texts, override)
    return out


def confirm_roles(columns: list[Column], texts: dict[int, list[str]], *, min_rows: int) -> list[Column]:
    """The columns with each role their cells bear out marked ``header+cells`` (and its score), no role
    changed: for a family whose columns are known by their header and place (the split fragments), where
    the cells are a second witness for the report, never a reason to read a column otherwise."""
    out = [Column(c.spec, c.header, c.row_label, c.shadow, c.decided_by, c.score, c.note) for c in columns]
    _confirm_headers(out, _scored(texts, len(out), min_rows))
    return out


def _scored(texts: dict[int, list[str]], width: int, min_rows: int) -> dict[int, dict[str, float]]:
    """Each column's role scores from its cells, for the columns with at least ``min_rows`` filled cells."""
    scored: dict[int, dict[str, float]] = {}
    for k in range(width):
        p = profile(texts.get(k, []))
        if p is not None and p.count >= min_rows:
            scored[k] = content_scores(p)
    return scored


TWO_LEVEL_NOTE = "the names are 二级 groups, each once: the table prints no 三级"


def _names_are_groups(columns: list[Column], texts: dict[int, list[str]], override: float) -> None:
    """A 三级 column whose cells are 二级 groups of the taxonomy named in full (数量指标, not 数量), under a
    table with no 二级 column (指标类型 | 指标名称 | 指标值 over 产出指标 | 数量指标 | 375万平方米): a two-level
    table. Its names are the 二级 and its rows have no 三级, rather than 二级 words read as indicator
    names. (A monitoring form's names worded as bare stems, 质量 / 时效, stay its 三级.)"""
    if "level2" in _taken(columns):
        return
    for k, column in enumerate(columns):
        names = [t for t in texts.get(k, []) if t.strip()]
        if column.spec is None or column.spec.name != "level3" or column.decided_by == "learned" or len(names) < 3:
            continue
        share = sum(1 for t in names if level2_name(t, bare_stem=False)) / len(names)
        if share >= override:
            column.spec, column.decided_by, column.score, column.note = \
                spec_named("level2"), "cells", round(share, 3), TWO_LEVEL_NOTE
            return


def two_level(columns: list[Column]) -> bool:
    """Whether the roles make a two-level table (see :func:`_names_are_groups`) with a value column."""
    fields = _taken(columns)
    return any(c.note == TWO_LEVEL_NOTE for c in columns) and bool({"target", "actual"} & fields)


def _confirm_headers(columns: list[Column], scored: dict[int, dict[str, float]]) -> None:
    for k, column in enumerate(columns):
        if column.decided_by == "header" and column.spec is not None and k in scored \
                and scored[k].get(column.spec.name, 0) >= 0.5:
            column.decided_by, column.score = "header+cells", max(column.score, scored[k][column.spec.name])


def _override_headers(columns: list[Column], scored: dict[int, dict[str, float]], override: float) -> None:
    """A header name its cells plainly contradict yields to the role the cells are sure of."""
    for k, column in enumerate(columns):
        if column.spec is None or k not in scored or column.decided_by in ("learned", "form"):
            continue  # a clerk's role, or the one the source's form gives, is not overruled by the cells
        said = column.spec.name
        if scored[k].get(said, 0.0) >= 0.2 or said not in _ROLES:
            continue
        taken = _taken(columns) - {said}
        role, score = _best(scored[k], taken, _OVERRIDES)
        if role is None or score < override or not _understood(taken | {role}) and _understood(taken | {said}):
            continue
        column.note = f"the header says {column.spec.label} ({column.header}), the cells are {spec_named(role).label}"
        column.spec, column.decided_by, column.score = spec_named(role), "cells", score


def _numbers(texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        match = re.search(r"\d+(?:\.\d+)?", text)
        if match is not None:
            out.append(float(match.group(0)))
    return out


def _echoes(texts: list[str], targets: list[str]) -> bool:
    """Whether a column's figures are, row by row, the target column's again (a result beside its goal:
    100 for 100, 93 for 90): as many of them, at least three, and half equal to their target or within
    a tenth of it."""
    mine, goals = _numbers(texts), _numbers(targets)
    if len(mine) < 3 or len(mine) != len(goals):
        return False
    close = sum(1 for value, goal in zip(mine, goals) if abs(value - goal) <= 0.1 * max(abs(goal), 1.0))
    return close >= 0.5 * len(mine)


def _in_context(k: int, columns: list[Column], scored: dict[int, dict[str, float]],
                texts: dict[int, list[str]]) -> dict[str, float]:
    """A column's role scores with what its neighbours are: figures right after an operator column are
    what it compares (the target); figures after the target that echo it are the result (actual), not
    a score."""
    scores = dict(scored[k])
    left_spec = columns[k - 1].spec if k else None
    left = left_spec.name if left_spec is not None else None
    if left == "operator":
        scores["target"] = max(scores.get("target", 0.0), scores.get("score", 0.0))
    goal = next((j for j, c in enumerate(columns) if c.spec is not None and c.spec.name == "target"), None)
    if goal is not None and k > goal and _echoes(texts.get(k, []), texts.get(goal, [])):
        scores["actual"] = max(scores.get("actual", 0.0), scores.get("score", 0.0), scores.get("target", 0.0))
        scores["score"] = scores["points"] = min(scores.get("score", 0.0), 0.5)
    return scores


def _fill_unknown(columns: list[Column], scored: dict[int, dict[str, float]], from_cells: float,
                  texts: dict[int, list[str]]) -> None:
    """Columns whose header names no field take the role their cells are sure of, surest first."""
    while True:
        taken = _taken(columns)
        candidates = []
        for k, column in enumerate(columns):
            if column.spec is not None or column.shadow is not None or k not in scored \
                    or column.decided_by == "learned":
                continue  # a clerk's 'no field' stands
            role, score = _best(_in_context(k, columns, scored, texts), taken)
            if role is not None and score >= from_cells:
                candidates.append((score, -k, k, role))
        if not candidates:
            return
        score, _, k, role = max(candidates)
        column = columns[k]
        column.note = (f"the header {column.header!r} names no field; the cells are {spec_named(role).label}"
                       if column.header else f"no header; the cells are {spec_named(role).label}")
        column.spec, column.decided_by, column.score, column.row_label = spec_named(role), "cells", score, False
