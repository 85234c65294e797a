"""The real layout families, built from the ground-truth specs: one table model per filing.

A :class:`FamilyTable` is what a department's office would have typed into its
spreadsheet for that family: title lines, a header block (label and value cells),
the column headers of the family, and the body rows, where ``None`` marks a cell
covered by the merged cell above it (一级/二级 shown only on a group's first row)
and ``""`` an empty cell. ``render_family_text`` and ``render_family_pdf`` draw
the same model, and so do ``render_family_formats`` (HTML, XLSX, XLS, DOCX through
render_formats' writers) and ``render_family_pdf``'s pdftotext forms: every form of a filing
carries the same truth. ``family_samples`` writes them all, with the manifest.

Families (as the real filings in samples/real/ show them; issue 12):

- ``budget_export`` (04-ganzi, 11-wuhai): 一级/二级/三级/指标性质/指标值/度量单位/权重(%)/
  指标方向性, every row repeats 一级/二级, 指标性质 blank for a plain number, the
  weight is the score; in the spaced dump a 定性 row's weight falls onto the next line.
- ``merged_cell`` (01-ningde, 14-jinan): 一级/二级/三级/指标解释/目标值, merged 一级/二级,
  the target with its operator and unit (``≥95%``, ``4次``, ``长期``), no score column.
- ``project`` (03-fengjie, 07-xiangtan): 项目名称/预算部门/金额/实施期 header block;
  一级/二级/三级/指标值及单位/分值/指标解释; the 一级 cell carries the group's score range
  (``产出指标 (40-50)分``); empty category rows are printed.
- ``single_table`` (10-jiayuguan, 17-xiangxi): every column (… 指标值类型/指标值/计量单位/
  指标解释/评(扣)分标准/分值/备注), the header row repeated on every page.
- ``self_evaluation`` (30-chizhou, 31-yongde): 年度指标值/实际完成值/分值/得分/偏差原因;
  actual values and points invented deterministically from the spec.

Truth files follow the samples/real conventions (tests/real_scoring.py scores them):
target without operator or unit, score = 分值 or 权重 (null where the family has none),
merged cells carried down, ``cut_row`` null, ``empty_rows`` for printed category rows
with no indicator.

    PYTHONPATH=tools python -m samplegen.families --out samples/families [--forms …] [--families …]
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

FAMILIES = ("budget_export", "merged_cell", "project", "single_table", "self_evaluation")
TEXT_FORMS = ("spaced", "pipe", "cell_lines")  # issue 12's dumps; family_samples.TEXT_DUMPS adds pipe_merged
# two departments per family, different years; none is used twice in a family
PLAN = {
    "budget_export": ("yiyang-jiaotong-2022", "beihu-shijian-2023"),
    "merged_cell": ("changde-shengtai-2022", "yueyang-weijian-2023"),
    "project": ("shaoyangxian-nongye-2023", "hengyang-yingji-2023"),
    "single_table": ("zhuzhou-jiaoyu-2022", "yongzhou-minzheng-2023"),
    "self_evaluation": ("zhuzhou-jiaoyu-2023", "yueyang-weijian-2022"),
}
# one scan per family (kept few: each is an image PDF of a few hundred kB)
SCANS = {
    "budget_export": ("yiyang-jiaotong-2022", 170, 0.5),
    "merged_cell": ("changde-shengtai-2022", 170, -0.6),
    "project": ("shaoyangxian-nongye-2023", 170, 0.4),
    "single_table": ("zhuzhou-jiaoyu-2022", 170, -0.4),
    "self_evaluation": ("zhuzhou-jiaoyu-2023", 170, 0.7),
}


@dataclass
class FamilyTable:
    family: str
    title: list[str]
    block: list[list[str]]  # header block rows: label, value, label, value …
    columns: list[str]
    body: list[list[str | None]]  # None: covered by the merged cell above
    widths: list[float]  # column width fractions (PDF)
    # (body row, column) where the spaced dump breaks the row: the cells from there on
    # fall onto the next line (a budget export's 定性 row: its weight)
    breaks: dict[int, int] = field(default_factory=dict)
    repeat_header: int | None = None  # text dump: the header row again after this many rows


def combined(op: str | None, target: str | None, unit: str | None) -> str:
    """A value with its operator and unit in one cell, as 目标值 / 指标值及单位 print it."""
    if target is None:
        return ""
    if op in (None, "=", "定性"):
        return f"{target}{unit or ''}"
    return f"{op}{target}{unit or ''}"


def _code(spec: dict) -> str:
    return str(430000 + sum(map(ord, spec["department"])) % 9000).rjust(6, "0")


def _goals_cell(spec: dict) -> str:
    return " ".join(f"目标{k}:{g}" for k, g in enumerate(spec["goals"], start=1))


def _project_name(spec: dict) -> str:
    return f"{spec['year']}年度{spec['department'].removesuffix('局').removesuffix('委员会')}业务工作经费"


def _rows(spec: dict, *, keep_empty: bool) -> list[dict]:
    return [r for r in spec["indicators"] if keep_empty or r["level3"] is not None]


def _merge(body: list[list[str | None]], cols: tuple[int, ...]) -> None:
    """Blank (None) a merged column's cell wherever it repeats the row above (a group's first row
    keeps the text). A 二级 cell is merged only within its 一级 group."""
    for col in cols:
        for i in range(len(body) - 1, 0, -1):
            same = body[i][col] == body[i - 1][col]
            inside = all(body[i][c] == body[i - 1][c] for c in cols if c < col)
            if same and inside:
                body[i][col] = None


def _merge_by_key(body, keys: list[tuple], cols: tuple[int, ...]) -> None:
    """As _merge, but on the rows' (level1, level2) keys (the printed 一级 cell may carry a score)."""
    for i in range(len(body) - 1, 0, -1):
        for depth, col in enumerate(cols):
            if keys[i][: depth + 1] == keys[i - 1][: depth + 1]:
                body[i][col] = None


def actual_and_points(spec: dict, index: int, row: dict) -> tuple[str, float, str]:
    """A plausible 实际完成值, 得分 and 偏差原因 for a row, the same on every run."""
    rng = random.Random(f"selfeval:{spec['id']}:{index}")
    score = row["score"] or 0
    op, target, unit = row["operator"], row["target"], row["unit"] or ""
    if op == "定性":
        return "达成预期指标", score, ""
    value = float(target)
    short = rng.random() < 0.25
    if op in ("≥", ">"):
        got = value if unit == "%" and value >= 100 else value * (rng.uniform(0.9, 0.99) if short else rng.uniform(1.0, 1.08))
        if unit == "%":
            got = min(got, 100.0)
    elif op in ("≤", "<"):
        got = value * (rng.uniform(1.02, 1.1) if short else rng.uniform(0.8, 1.0))
    else:
        got = value * (rng.uniform(0.9, 0.98) if short and value else 1.0)
    if unit != "%" and float(target).is_integer():
        got = float(round(got))
        if op in ("≥", ">") and not short:
            got = max(got, value)
    if (op in ("≥", ">") and got >= value) or (op in ("≤", "<") and got <= value) or got == value:
        short = False  # what was reached is no shortfall, whatever the draw said
    text = f"{got:.0f}" if got.is_integer() else f"{got:.1f}"
    if short and score:
        lost = max(1, round(score * 0.2))
        return f"{text}{unit}", score - lost, "受资金拨付进度影响，部分工作推迟完成"
    return f"{text}{unit}", score, ""


def build(spec: dict, family: str) -> FamilyTable:
    """The table of one filing of a family, from a spec."""
    dept, year = spec["department"], spec["year"]
    if family == "budget_export":
        rows = _rows(spec, keep_empty=False)
        body, breaks = [], {}
        for k, r in enumerate(rows):
            nature = "" if r["operator"] in (None, "=") else r["operator"]
            direction = "反向" if r["operator"] in ("≤", "<") else "正向"
            body.append([r["level1"], r["level2"], r["level3"], nature, r["target"] or "", r["unit"] or "",
                         "" if r["score"] is None else str(r["score"]), direction])
            if r["operator"] == "定性":
                breaks[k] = 6  # 权重 and 指标方向性 on the next line
        return FamilyTable(
            family, [f"{year}年度部门整体支出绩效目标表"],
            [["单位信息:", f"{_code(spec)}-{dept}", "项目名称:", ""],
             ["主管部门:", f"{_code(spec)[:3]}-{dept}", "预算执行率权重(%):", "10"],
             ["整体目标:", _goals_cell(spec)]],
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重(%)", "指标方向性"],
            body, [0.09, 0.13, 0.3, 0.08, 0.1, 0.1, 0.09, 0.11], breaks)
    if family == "merged_cell":
        rows = _rows(spec, keep_empty=False)
        body = [[r["level1"], r["level2"], r["level3"], r["explanation"] or "",
                 combined(r["operator"], r["target"], r["unit"])] for r in rows]
        _merge(body, (0, 1))
        return FamilyTable(
            family, ["部门整体支出绩效目标表", f"（{year}年度）"],
            [["部门(单位)名称", dept, "部门预算编码", _code(spec) + "001"],
             ["年度预算安排(万元)", "资金总额 1860.5", "其中:项目支出", "920.3"],
             ["年度总体目标", _goals_cell(spec)]],
            ["一级指标", "二级指标", "三级指标", "指标解释", "目标值"],
            body, [0.1, 0.13, 0.27, 0.38, 0.12])
    if family == "project":
        rows = _rows(spec, keep_empty=True)
        sums: dict[str, float] = {}
        for r in rows:
            sums[r["level1"]] = sums.get(r["level1"], 0) + (r["score"] or 0)
        body, keys = [], []
        for r in rows:
            s = int(sums[r["level1"]])
            first = f"{r['level1']} ({max(0, s - 10)}-{s})分"
            body.append([first, r["level2"], r["level3"] or "", combined(r["operator"], r["target"], r["unit"]),
                         "" if r["score"] is None else str(r["score"]), r["explanation"] or ""])
            keys.append((r["level1"], r["level2"]))
        _merge_by_key(body, keys, (0, 1))
        return FamilyTable(
            family, [f"{year}年项目支出绩效目标申报表", "填报单位:(盖章) 单位:万元"],
            [["项目名称", _project_name(spec), "预算部门", dept],
             ["年度本级预算金额", "120万", "项目实施期", f"{year}.01-{year}.12"],
             ["本年度绩效目标", _goals_cell(spec)]],
            ["一级指标", "二级指标", "三级指标", "指标值及单位", "分值", "指标解释"],
            body, [0.12, 0.13, 0.25, 0.12, 0.06, 0.32])
    if family == "single_table":
        rows = _rows(spec, keep_empty=True)
        body = []
        for r in rows:
            empty = r["level3"] is None
            body.append([r["level1"], r["level2"], "" if empty else r["level3"], "" if empty else r["operator"],
                         r["target"] or "", r["unit"] or "", r["explanation"] or "", r["scoring_rule"] or "",
                         "" if r["score"] is None else str(r["score"]), r["remark"] or ""])
        return FamilyTable(
            family, [f"{year}年度部门整体支出绩效目标表"],
            [["部门（单位）名称", dept], ["年度总体目标", _goals_cell(spec)]],
            ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释",
             "评(扣)分标准", "分值", "备注"],
            body, [0.07, 0.09, 0.16, 0.06, 0.06, 0.06, 0.23, 0.15, 0.05, 0.07], repeat_header=9)
    if family == "self_evaluation":
        rows = _rows(spec, keep_empty=True)
        sums = {}
        for r in rows:
            sums[r["level1"]] = sums.get(r["level1"], 0) + (r["score"] or 0)
        body, keys = [], []
        for k, r in enumerate(rows):
            first = f"{r['level1']}({int(sums[r['level1']])}分)"
            if r["level3"] is None:
                body.append([first, r["level2"], "", "", "", "", "", ""])
            else:
                got, points, why = actual_and_points(spec, k, r)
                body.append([first, r["level2"], r["level3"], combined(r["operator"], r["target"], r["unit"]),
                             got, str(r["score"]), f"{points:g}", why])
            keys.append((r["level1"], r["level2"]))
        _merge_by_key(body, keys, (0, 1))
        return FamilyTable(
            family, [f"项目支出绩效自评表", f"（{year}年度）"],
            [["项目名称", _project_name(spec), "主管部门", dept],
             ["实施单位", dept, "项目资金(万元)", "120"],
             ["年度总体目标", _goals_cell(spec)]],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
             "偏差原因分析及改进措施"],
            body, [0.1, 0.13, 0.25, 0.1, 0.1, 0.06, 0.06, 0.2])
    raise ValueError(f"unknown family {family!r}; choose from {FAMILIES}")


def truth(spec: dict, family: str, file: str, form: str) -> dict:
    """The truth of one rendered filing, in the samples/real conventions."""
    keep_empty = family in ("project", "single_table", "self_evaluation")
    has_score = family != "merged_cell"
    indicators, empty = [], []
    for k, r in enumerate(spec["indicators"]):
        if r["level3"] is None:
            if keep_empty:
                empty.append({"level1": r["level1"], "level2": r["level2"], "why": "三级/值/分 cells empty"})
            continue
        row = {"level1": r["level1"], "level2": r["level2"], "level3": r["level3"], "operator": r["operator"],
               "target": r["target"], "unit": r["unit"], "score": r["score"] if has_score else None,
               "explanation": r["explanation"] if family in ("merged_cell", "project", "single_table") else None,
               "scoring_rule": r["scoring_rule"] if family == "single_table" else None, "uncertain": []}
        if family == "budget_export":
            row["direction"] = "反向" if r["operator"] in ("≤", "<") else "正向"
        if family == "self_evaluation":
            got, points, why = actual_and_points(spec, k, r)
            row.update(actual=got, points=points, deviation=why or None)
        indicators.append(row)
    kind = {"project": "project", "self_evaluation": "self_evaluation"}.get(family, "department")
    return {"file": file, "kind": kind, "department": spec["department"],
            "project": _project_name(spec) if kind != "department" else None, "year": spec["year"],
            "goals": list(spec["goals"]), "complete_rows": len(indicators), "indicators": indicators,
            "cut_row": None, "empty_rows": empty, "family": family, "form": form, "generated_from": spec["id"],
            "notes": "Generated by tools/samplegen/families.py from the spec; not a real filing."}


def main(argv=None) -> int:
    """Write the families' samples in every form (family_samples.main)."""
    from .family_samples import main as write_samples

    return write_samples(argv)


if __name__ == "__main__":
    raise SystemExit(main())
