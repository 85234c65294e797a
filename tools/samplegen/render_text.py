"""Render a garbled filing as a text dump in the seed's layout (three fragments)."""
from __future__ import annotations

from .garble import EMPTY, clip_cell, garble_spec

# the seed's header lines, byte for byte
TITLE_FIRST = " 部门（单位）职年度履职目标"
TITLE_NEXT = " 年度履职目标"
LABEL_DEPT = "部门单位名"
LABEL_DUTIES = "部门（单位）职"
LABEL_GOALS = "年度总体目"
COLUMN_HEADERS = ("一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位")


def _join(cells: list[str], glue: list[bool]) -> str:
    """Join cells with one space, except a cell that fills its column is glued on."""
    out = cells[0]
    for i in range(1, len(cells)):
        out += ("" if glue[i - 1] else " ") + cells[i]
    return out


def _header_row(widths: dict) -> str:
    keys = ("level1", "level2", None, "operator", "target", "unit")
    cells, glue = [], []
    for text, key in zip(COLUMN_HEADERS, keys):
        width = widths[key] if key else 99
        cells.append(clip_cell(text, width))
        glue.append(len(text) >= width)
    return _join(cells, glue)


def indicator_line(row: dict, empty_tail: int | None) -> str:
    """One row of fragment 1, e.g. '满意度指标服务对象满意社会公众对工作的期望 ≥ 95 %'."""
    if empty_tail is not None:
        # nothing filed after 二级指标: the seed prints "/ /" or "/ / /"
        head = _join([row["level1"], row["level2"]], row["glue"][:1])
        sep = "" if row["glue"][1] else " "
        return head + sep + " ".join([EMPTY] * empty_tail)
    cells = [row[k] for k in ("level1", "level2", "level3", "operator", "target", "unit")]
    return _join(cells, row["glue"])


def scoring_line(row: dict) -> str:
    """One row of fragment 3: the rule with the 分值 glued on, then the remark."""
    score = row.get("score")
    text = row["scoring_rule"]
    if score is not None:
        s = f"{score:g}" if isinstance(score, float) else str(score)
        # the score is glued on; a gap marker at the very end of the rule is lost
        text = (text.rstrip(" ") if text != EMPTY else "") + s
    if row.get("remark"):
        text += " " + row["remark"]
    return text


def render_text_dump(spec: dict, garble: dict, garbled: dict | None = None) -> str:
    """The text dump of a filing, as a str (encode it with ``garble['encoding']``)."""
    g = garbled or garble_spec(spec, garble)
    lines: list[str] = []
    # fragment 1: indicators
    lines += [TITLE_FIRST, LABEL_DEPT + g["department"], LABEL_DUTIES + g["duties"],
              LABEL_GOALS + g["goals"], "", "绩效指标", _header_row(garble["widths"])]
    for row, tail in zip(g["rows"], garble["empty_tail"]):
        lines.append(indicator_line(row, tail))
    header = [TITLE_NEXT, g["department"], g["duties"], g["goals"], "", "绩效指标"]
    # fragment 2: explanations
    lines += header + ["指标解释"] + [r["explanation"] for r in g["rows"]]
    # fragment 3: scoring rules
    lines += header + ["评/扣分标准 备注"] + [scoring_line(r) for r in g["rows"]]
    return "\n".join(lines) + "\n"
