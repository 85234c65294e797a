"""The values of a row: a combined value (≥80M) split into operator, target and unit.

Part of the reader: where a table has no column of its own for the operator or the unit, or left
it blank, the value cell says them (``split_value``); 指标性质 and 指标方向 swapped by an export are
put back; 定性/定量 in 指标值类型 yields to the comparison the value prints.
"""

from __future__ import annotations

from ..layout.clean import clean_group, clean_name, clean_text
from ..layout.values import DIRECTIONS, is_empty, operator_of, split_value
from ..layout.vocabulary import normalise
from ..model import Row

_COMPARISONS = frozenset({"≥", "≤", ">", "<"})


def split_targets(rows: list[Row], names: list[str]) -> None:
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
            operator = operator.retext(split.operator)
            cells["operator"] = operator
            op_value = split.operator
        if operator is None or is_empty(operator.text):
            if split.operator:
                cells["operator"] = target.retext(split.operator)
        elif op_value == "定性" or op_value is None:
            pass
        if split.target is not None:
            if op_value == "定性":
                pass
            else:
                cells["target"] = target.retext(split.target)
        elif split.unit:
            del cells["target"]  # the cell holds only a unit: no target was filled in (the unit is kept below)
        if split.unit and ("unit" not in cells or is_empty(cells["unit"].text)
                           or normalise(cells["unit"].text) != normalise(split.unit)):
            # the value's own unit is the target's, even where the unit column says otherwise
            # (28.8萬元 over a unit cell of %): the filer's slip is in the column, not the value
            cells["unit"] = target.retext(split.unit)
        if "operator" in cells and operator is not None and op_value:
            cells["operator"] = operator.retext(op_value)


_GROUPS = ("level1", "level2")
_NUMBERS = ("score", "weight", "points")


def clean_rows(rows: list[Row]) -> None:
    """The last step: each cell's value clean for downstream systems (simplified characters, no mirror
    pinyin, no template hints, ★ marks or numbering; see :mod:`jixiao.layout.clean`), what was printed
    kept as the cell's raw text."""
    for row in rows:
        for name, cell in list(row.cells.items()):
            if name in _NUMBERS:
                continue
            clean = clean_group if name in _GROUPS else clean_name if name == "level3" else clean_text
            text = clean(cell.text)
            if text or not cell.text.strip():
                row.cells[name] = cell.retext(text)
