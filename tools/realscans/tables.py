"""A real filing's truth laid out as its family prints it: the table model the scans are drawn from.

Layouts follow what the real filings of each family print (their notes in samples/real/README.md):

- ``budget_export`` (04, 11, 13, 57, 80): 一级/二级/三级, 指标性质 or 指标值类型 holding the operator,
  指标值, 度量单位, 权重(%), 指标方向性; one template repeats 一级/二级 on every row, the other merges them;
- ``merged_cell`` (01, 12, 14, 15, 16, 87): merged 一级/二级, one value cell with operator and unit
  (``≥95%``);
- ``project`` (03, 07, 35–41, 50–56 …): 项目名称/主管部门/资金 block above the indicators (often a
  table of its own), 指标值 combined or split into 指标值类型/指标值/计量单位, 分值 where scored;
- ``single_table`` (10, 17): every column, 指标解释 and 评(扣)分标准 included, header repeated per page;
- ``self_evaluation`` (30, 31, 34, 54, 81 …): 年度指标值, 实际完成值, 分值, 得分, 偏差原因; 一级 cells with
  the group's points (``产出指标(50分)``) in the Anhui template; a closing 总分 row;
- ``split_fragments`` (42, 43): the seed's layout, three column groups each under the header block;
- ``monitoring`` (93): 一级/指标名称/指标值/半年度指标执行情况/完成目标可能性.

The truth written beside each scan is the real truth as printed: a field the printed form cannot carry
(定性 over a bare number in a combined value cell) is marked ``uncertain``, as the real truths do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional

TABLE_FAMILIES = ("budget_export", "merged_cell", "project", "single_table", "self_evaluation",
                  "split_fragments", "monitoring")
"""Families that print a table; ``prose`` filings (73, 94, 95) print none, so have no scan."""


@dataclass(frozen=True)
class Column:
    """One printed column: its header text, the field its cells print (see :func:`cell_text`), its
    relative width."""

    header: str
    field: str
    weight: float


@dataclass
class Sheet:
    """One printed table (a split filing prints three), with what stands above and below it."""

    title: str
    subtitle: list[str]
    block: list[list[str]]  # header block rows: label, value[, label, value]; a lone label spans the row
    block_apart: bool  # the header block is a ruled table of its own above the indicators
    columns: list[Column]
    body: list[list[Optional[str]]]  # None: covered by the merged cell above
    row_label: Optional[str] = None  # a merged first column over header and body ("绩效指标")
    total: Optional[list[str]] = None  # a closing row (总分 …) under the body
    footer: list[str] = field(default_factory=list)  # lines under the table (负责人, 填表人 …)
    repeat_header: bool = True  # a continuation page repeats the column-header row
    break_after: Optional[int] = None  # body rows on the first page, to make the table run over pages


@dataclass
class Filing:
    """What is drawn for one truth: its sheets, the seal's words, the signature, and the derived truth."""

    name: str
    family: str
    sheets: list[Sheet]
    seal: tuple[str, str]  # the arc (…人民政府 / the department) and the bottom line (…专用章)
    signature: str
    truth: dict


# ------------------------------------------------------------------ printed values

def number(value) -> str:
    """A score as a filing prints it: 10, 2.5."""
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def operator_glyph(op: Optional[str], style: dict) -> str:
    """The operator as the template prints it: ≥ or ≧, = or ＝, 定性 as the word."""
    if op is None:
        return ""
    return style.get("glyphs", {}).get(op, op)


def combined(row: dict, style: dict) -> str:
    """指标值 with its operator and unit in one cell (``≥95%``, ``22个``, ``按时完成``)."""
    op, target, unit = row.get("operator"), row.get("target"), row.get("unit")
    if target is None:
        return ""
    if op == "定性":
        return str(target)
    shown = "" if op in (None, "=") and not style.get("print_equals") else operator_glyph(op, style)
    return f"{shown}{target}{unit or ''}"


def direction(op: Optional[str]) -> str:
    """指标方向性 of a budget export: 反向 for an upper bound, else 正向."""
    return "反向" if op in ("≤", "<") else "正向"


def cell_text(column: Column, row: dict, style: dict) -> str:
    """What a body cell of ``column`` prints for a truth row."""
    name = column.field
    if name == "operator":
        return operator_glyph(row.get("operator"), style)
    if name == "combined":
        return combined(row, style)
    if name in ("score", "points"):
        return number(row.get(name))
    if name == "direction":
        return direction(row.get("operator")) if row.get("level3") else ""
    if name == "likelihood":
        return "确定能" if row.get("level3") else ""
    value = row.get(name)
    return "" if value is None else str(value)


# ------------------------------------------------------------------ columns per family

LEVELS = [("一级指标", "level1", 1.1), ("二级指标", "level2", 1.2), ("三级指标", "level3", 2.4)]


def _pick(rng: random.Random, *names: str) -> str:
    return rng.choice(names)


def _value_columns(rng: random.Random, split: bool) -> list[Column]:
    """指标值 as one cell (operator and unit inside) or as operator, value and unit columns."""
    if not split:
        return [Column(_pick(rng, "指标值", "目标值", "年度指标值", "指标值及单位"), "combined", 1.2)]
    return [Column(_pick(rng, "指标值类型", "指标性质", "计算符号"), "operator", 0.8),
            Column(_pick(rng, "指标值", "目标值"), "target", 1.0),
            Column(_pick(rng, "计量单位", "度量单位"), "unit", 0.8)]


def _has(truth: dict, name: str) -> bool:
    return any(row.get(name) not in (None, "") for row in truth["indicators"])


def _levels(truth: dict) -> list[Column]:
    """一级/二级/三级, without a level the filing never prints (18-banan prints 指标名称 only, the
    monitoring form 一级 and 指标名称)."""
    shown = [Column(*spec) for spec in LEVELS[:2] if _has(truth, spec[1])]
    return shown + [Column("三级指标" if len(shown) == 2 else "指标名称", "level3", 2.4)]


def columns_for(family: str, truth: dict, rng: random.Random) -> list[Column]:
    """The printed columns of a filing of ``family``."""
    builder = _COLUMNS.get(family, _project_columns)
    return _levels(truth) + builder(truth, rng)


def _budget_columns(truth: dict, rng: random.Random) -> list[Column]:
    cols = _value_columns(rng, True)
    if _has(truth, "explanation"):
        cols.append(Column("指标值内容", "explanation", 2.0))
    if _has(truth, "score"):
        cols.append(Column("权重(%)", "score", 0.7))
    return cols + [Column("指标方向性", "direction", 0.8)]


def _merged_columns(truth: dict, rng: random.Random) -> list[Column]:
    cols = [Column("指标解释", "explanation", 2.2)] if _has(truth, "explanation") else []
    cols += _value_columns(rng, False)
    return cols + ([Column("分值", "score", 0.6)] if _has(truth, "score") else [])


def _project_columns(truth: dict, rng: random.Random) -> list[Column]:
    cols = _value_columns(rng, rng.random() < 0.5)
    if _has(truth, "score"):
        cols.append(Column(_pick(rng, "分值", "指标分值"), "score", 0.6))
    if _has(truth, "explanation"):
        cols.append(Column(_pick(rng, "指标解释", "指标值说明"), "explanation", 2.0))
    return cols + [Column("备注", "remark", 0.7)]


def _single_columns(truth: dict, rng: random.Random) -> list[Column]:
    return (_value_columns(rng, True) + [Column("指标解释", "explanation", 2.0),
                                          Column("评(扣)分标准", "scoring_rule", 2.2),
                                          Column("分值", "score", 0.6)])


def _self_evaluation_columns(truth: dict, rng: random.Random) -> list[Column]:
    cols = [Column(_pick(rng, "年度指标值", "年初目标值"), "combined", 1.2),
            Column(_pick(rng, "实际完成值", "全年实际完成值"), "actual", 1.2)]
    if _has(truth, "score"):
        cols.append(Column("分值", "score", 0.6))
    if _has(truth, "points") or _has(truth, "score"):
        cols.append(Column("得分", "points", 0.6))
    return cols + [Column("偏差原因分析及改进措施", "deviation", 1.8)]


def _monitoring_columns(truth: dict, rng: random.Random) -> list[Column]:
    return [Column("指标值", "combined", 1.3), Column("半年度指标执行情况", "actual", 1.4),
            Column("完成目标可能性", "likelihood", 1.0), Column("备注", "remark", 0.8)]


_COLUMNS = {"budget_export": _budget_columns, "merged_cell": _merged_columns, "project": _project_columns,
            "single_table": _single_columns, "self_evaluation": _self_evaluation_columns,
            "monitoring": _monitoring_columns}


# ------------------------------------------------------------------ body rows

def printed_rows(truth: dict) -> list[dict]:
    """The truth's indicator rows with its empty category rows (a 二级 printed with no indicator) put
    back where the filing printed them: after the last row of their 一级 group."""
    rows = [dict(row) for row in truth["indicators"]]
    for empty in truth.get("empty_rows") or []:
        if isinstance(empty, list):  # [一级, 二级] as some truths write it
            empty = dict(zip(("level1", "level2", "level3"), empty))
        row = {"level1": empty.get("level1"), "level2": empty.get("level2"), "level3": empty.get("level3"),
               "empty": True}
        at = max((k + 1 for k, r in enumerate(rows) if r.get("level1") == row["level1"]), default=len(rows))
        rows.insert(at, row)
    return rows


def merge_levels(body: list[list[Optional[str]]], columns: list[Column]) -> None:
    """Blank (None) a 一级 cell that repeats the one above, and a 二级 cell within its 一级 group: the
    merged cells of a spreadsheet."""
    fields = [c.field for c in columns]
    levels = [name for name in ("level1", "level2") if name in fields]
    original = [list(row) for row in body]
    for depth, name in enumerate(levels):
        col = fields.index(name)
        keys = [tuple(row[fields.index(n)] for n in levels[:depth + 1]) for row in original]
        for k in range(1, len(body)):
            if original[k][col] and keys[k] == keys[k - 1]:
                body[k][col] = None


def with_group_points(body: list[list[Optional[str]]], rows: list[dict], columns: list[Column]) -> None:
    """一级 cells that print their group's points under the name (产出指标 / (50分)), as Anhui's
    self-evaluation template does; only on a group's first row (the merged cell)."""
    col = [c.field for c in columns].index("level1")
    totals: dict[str, float] = {}
    for row in rows:
        totals[row.get("level1") or ""] = totals.get(row.get("level1") or "", 0.0) + float(row.get("score") or 0)
    for line, row in zip(body, rows):
        if line[col] and totals.get(row.get("level1") or ""):
            line[col] = f"{line[col]}\n({number(totals[row['level1']])}分)"


def body_of(rows: list[dict], columns: list[Column], style: dict) -> list[list[Optional[str]]]:
    """The printed body: a cell per column and row, merged levels as None."""
    body: list[list[Optional[str]]] = [[cell_text(c, row, style) for c in columns] for row in rows]
    if style.get("merge"):
        merge_levels(body, columns)
        if style.get("group_points") and "level1" in [c.field for c in columns]:
            with_group_points(body, rows, columns)
    return body


def total_row(rows: list[dict], columns: list[Column]) -> Optional[list[Optional[str]]]:
    """A self-evaluation's closing 总分 row: the sums under 分值 and 得分, the label over the rest
    (None: covered by the cell to its left)."""
    fields = [c.field for c in columns]
    if "score" not in fields:
        return None
    out: list[Optional[str]] = ["总分"] + [None] * (fields.index("score") - 1)
    for name in fields[fields.index("score"):]:
        out.append(number(sum(float(r.get(name) or 0) for r in rows)) if name in ("score", "points") else "")
    return out


# ------------------------------------------------------------------ what stands around the table

TITLES = {"department": ("部门整体支出绩效目标表", "部门整体支出绩效目标申报表"),
          "project": ("项目支出绩效目标表", "项目支出绩效目标申报表", "财政项目支出绩效目标审批表"),
          "self_evaluation": ("项目支出绩效自评表",),
          "monitoring": ("项目支出绩效目标执行监控表",)}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "建国志强丽华海燕文明红梅春晓德胜玉兰永平秀英卫东晓峰淑芬立新"
SEAL_BOTTOMS = ("专用章", "财务专用章", "预算专用章", "绩效管理专用章")
COUNTIES = ("城关区", "临江县", "青山县", "南平县", "东湖区", "安远县", "白河县", "龙泉县")


def person(rng: random.Random) -> str:
    """A two- or three-character name (the signature, the 填表人)."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def goals_text(truth: dict) -> str:
    goals = truth.get("goals") or []
    return goals[0] if len(goals) == 1 else "".join(f"目标{k}:{g}" for k, g in enumerate(goals, 1))


def header_block(truth: dict, rng: random.Random) -> list[list[str]]:
    """The header block of the filing's kind: who files it, the project, the money, the goals."""
    department, project = truth.get("department") or "", truth.get("project") or ""
    amount = f"{rng.randint(5, 900)}.{rng.randint(0, 99):02d}"
    kind = truth.get("kind")
    goals = ["年度总体目标" if kind != "project" else "年度绩效目标", goals_text(truth)]
    if kind == "department":
        return [["部门(单位)名称", department], goals] if goals[1] else [["部门(单位)名称", department]]
    rows = [["项目名称", project, "主管部门", department], ["实施单位", department, "项目属性", "经常性项目"],
            ["年度资金总额(万元)", amount, "其中:财政拨款", amount]]
    return rows + ([goals] if goals[1] else [])


def subtitle(truth: dict, rng: random.Random) -> list[str]:
    lines = [f"({truth['year']}年度)"] if truth.get("year") else []
    if rng.random() < 0.5:
        lines.append("金额单位:万元")
    return lines


def footer(truth: dict, rng: random.Random) -> list[str]:
    """The line under the table; the signature is drawn after 单位负责人: (see draw.Drawn.signature_at)."""
    year = truth.get("year") or 2023
    date = f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    return [f"单位负责人:            填表人:{person(rng)}        联系电话:0{rng.randint(700, 999)}-"
            f"{rng.randint(2000000, 8999999)}        填报日期:{date}"]


# ------------------------------------------------------------------ a filing's sheets

def style_for(family: str, rng: random.Random) -> dict:
    """How a template prints: merged levels, operator glyphs, an explicit =, the group's points."""
    glyphs = {"≥": rng.choice(("≥", "≥", "≧")), "≤": rng.choice(("≤", "≤", "≦")), "=": rng.choice(("=", "＝"))}
    return {"merge": family != "budget_export" or rng.random() < 0.5, "glyphs": glyphs,
            "print_equals": rng.random() < 0.4, "group_points": family == "self_evaluation" and rng.random() < 0.5,
            "row_label": family in ("project", "self_evaluation") and rng.random() < 0.4}


def indicator_sheet(truth: dict, family: str, rng: random.Random, style: dict) -> Sheet:
    """The one table of every family but the split one."""
    columns = columns_for(family, truth, rng)
    rows = printed_rows(truth)
    kind = truth.get("kind") or "project"
    sheet = Sheet(title=rng.choice(TITLES.get(kind, TITLES["project"])), subtitle=subtitle(truth, rng),
                  block=header_block(truth, rng), block_apart=rng.random() < 0.6, columns=columns,
                  body=body_of(rows, columns, style), footer=footer(truth, rng),
                  repeat_header=family == "single_table" or rng.random() < 0.5)
    if style.get("row_label"):
        sheet.row_label = rng.choice(("绩效指标", "年度绩效指标", "产出和效益指标"))
    if family == "self_evaluation":
        sheet.total = total_row(rows, columns)
    if len(rows) >= 6 and rng.random() < 0.4:
        sheet.break_after = (len(rows) * 3 + 4) // 5  # a table continued over pages
    return sheet


SPLIT_GROUPS = ([Column(*spec) for spec in LEVELS] + [Column("指标值类型", "operator", 0.8),
                                                      Column("指标值", "target", 0.9),
                                                      Column("计量单位", "unit", 0.8)],
                [Column("指标解释", "explanation", 6.0)],
                [Column("评(扣)分标准", "scoring_rule", 5.0), Column("备注", "remark", 1.0)])


def split_sheets(truth: dict, rng: random.Random, style: dict) -> list[Sheet]:
    """The seed's layout: three column groups, each a table of its own under the header block, rows
    aligned by order."""
    rows = printed_rows(truth)
    block = [["部门(单位)名称", truth.get("department") or ""], ["年度总体目标", goals_text(truth)], ["绩效指标"]]
    title, lines = rng.choice(TITLES["department"]), subtitle(truth, rng)
    sheets = []
    for group in SPLIT_GROUPS:
        body = body_of(rows, group, style) if group[0].field == "level1" else [
            [cell_text(c, row, style) for c in group] for row in rows]
        sheets.append(Sheet(title=title, subtitle=lines, block=block, block_apart=False, columns=group,
                            body=body, repeat_header=True))
    sheets[-1].footer = footer(truth, rng)
    return sheets


# ------------------------------------------------------------------ the truth of what is printed

RECORD_FIELDS = ("level1", "level2", "level3", "operator", "target", "unit", "score", "explanation",
                 "scoring_rule", "actual", "points", "deviation")


def _numeric(text) -> bool:
    try:
        float(str(text).replace(",", ""))
    except ValueError:
        return False
    return True


def unprintable(row: dict, fields: set[str]) -> list[str]:
    """The fields of a row its printed form cannot carry: 定性 (or no operator) over a bare number in a
    value cell that holds operator and unit (it reads as =)."""
    if "combined" in fields and row.get("target") is not None and _numeric(row["target"]) \
            and row.get("operator") in ("定性", None):
        return ["operator"]
    return []


def truth_row(row: dict, fields: set[str]) -> dict:
    """A truth row as printed: the fields no column prints are null, the rest as the real truth has them."""
    shown = set(fields) | ({"operator", "target", "unit"} if "combined" in fields else set())
    out = {name: (row.get(name) if name in shown else None) for name in RECORD_FIELDS}
    out["uncertain"] = unprintable(row, fields)
    return out


def derived_truth(truth: dict, name: str, family: str, sheets: list[Sheet], split: str) -> dict:
    """The truth file written beside a scan (tests/real_scoring.py reads it)."""
    fields = {c.field for sheet in sheets for c in sheet.columns}
    return {"file": name, "family": family, "form": "scan", "split": split, "kind": truth.get("kind"),
            "department": truth.get("department"), "project": truth.get("project"), "year": truth.get("year"),
            "goals": [goals_text(truth)] if truth.get("goals") else [],
            "indicators": [truth_row(row, fields) for row in truth["indicators"]],
            "empty_rows": truth.get("empty_rows") or [], "cut_row": None,
            "complete_rows": len(truth["indicators"]), "from": f"real/{truth['file']}"}


def build(truth: dict, name: str, split: str) -> Filing:
    """Lay one real truth out as its family prints it; the same every run (seeded by the file)."""
    family = truth["family"]
    rng = random.Random(f"realscans:{truth['file']}")
    style = style_for(family, rng)
    sheets = split_sheets(truth, rng, style) if family == "split_fragments" else [
        indicator_sheet(truth, family, rng, style)]
    department = truth.get("department") or ""
    arc = department if department and len(department) <= 16 and rng.random() < 0.5 else \
        f"{rng.choice(COUNTIES)}人民政府"
    return Filing(name=name, family=family, sheets=sheets, seal=(arc, rng.choice(SEAL_BOTTOMS)),
                  signature=person(rng), truth=derived_truth(truth, name, family, sheets, split))


def holdout_names(truths: list[dict]) -> set[str]:
    """The held-out third: in each family's files, sorted by name, every third from the second on.
    Chosen by position before any scan was read, so that every family with two files has one."""
    out: set[str] = set()
    for family in TABLE_FAMILIES:
        files = sorted(t["file"] for t in truths if t.get("family") == family)
        out.update(f for k, f in enumerate(files) if k % 3 == 1)
    return out
