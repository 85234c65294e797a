"""Tables dumped one cell per line in the dialects of the fifth held-out batch (samples/real/ 90, 92, 96).

- Every cell on bare lines of its own, each followed by a lone '|' line, rows closed by a line of
  pipes (Yunnan, 90): the header's names wrapped over two lines ('年度绩效目标' / '(80分)') are one
  cell; no 分值 column, the weights only in the 一级 cells.
- Cells ending in ' |', labels broken one character a line above their piped line ('绩' / '效' /
  '指' / '标 |') and a 三级 wrapped over two lines (Anhui, 92): each is one cell again.
- Every cell followed by a lone '|', rows ending '|' / '|' (no line of pipes anywhere) with 中期 and
  年度 groups side by side holding the same indicators (Anhui, 96): the rows are cut where the doubled
  pipe shows (so the header block's 项目名称 is read too), one record per row.
"""

from __future__ import annotations


from helpers import convert_text, scored


def _after(cells: list[str]) -> list[str]:
    """Each cell's lines followed by a lone '|' line ('' is an empty cell: the '|' alone)."""
    out: list[str] = []
    for cell in cells:
        out.extend([*([line for line in cell.split("\n")] if cell else []), "|"])
    return out


CELL_THEN_PIPE = "\n".join([
    "2022年度项目支出绩效自评表", "单位名称:某市退役军人事务局",
    *_after(["项目名称", "春节走访慰问经费"]), "||||||||",
    *_after(["年度绩效目标\n(80分)", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"]), "|||",
    *_after(["产出指标(60分)", "数量指标", "慰问伤残军人50人;烈士家庭6户。", "100%", "100%", "20"]), "||||",
    *_after(["质量指标", "补助经费足额拨付率", "100%", "100%", "20"]), "|||||",
    *_after(["时效指标", "春节前完成走访慰问", "按时限完成", "100%", "20"]), "|||||",
    *_after(["", "", "", "", ""]), "|||||",
    *_after(["满意度指标(10分)", "服务对象满意度指标", "优抚对象满意率", "100%", "100%", "10"]), "||||",
    *_after(["总分(100分)", "100"]), ""])


def test_cells_each_followed_by_a_lone_pipe_with_rows_closed_by_pipe_lines(tmp_path):
    records = convert_text(tmp_path, CELL_THEN_PIPE)
    assert [scored(r)[:6] for r in records] == [
        ("产出指标", "数量指标", "慰问伤残军人50人;烈士家庭6户。", "=", "100", "%"),
        ("产出指标", "质量指标", "补助经费足额拨付率", "=", "100", "%"),
        ("产出指标", "时效指标", "春节前完成走访慰问", "定性", "按时限完成", None),
        ("满意度指标", "服务对象满意度指标", "优抚对象满意率", "=", "100", "%"),
    ]
    assert [(r["actual"], r["points"]) for r in records] == [("100%", 20), ("100%", 20), ("100%", 20), ("100%", 10)]


WRAPPED_LABELS = "\n".join([
    "|", "|", "项目支出绩效目标表 |", "(2025年度) |", "|", "项目名称 |", "某某网球公开赛 |", "项目资金", "(万元) |",
    "年度资金总额: |", "1000.00 |", "年度", "目标 |", "打造品牌赛事。 |", "绩", "效", "指", "标 |", "一级", "指标 |",
    "二级指标 |", "三级指标 |", "指标值 |", "产出指标 |", "数量指标 |", "开展运动种类 |", "1种 |", "质量指标 |",
    "赛事完成率 |", "100% |", "效益指标 |", "社会效益指标 |", "打造国际网球", "公开赛等系列品牌赛事 |", "影响可持续 |",
    "满意度指标 |", "满意度指标 |", "群众满意度 |", "≥95% |", "|", "|", ""])


def test_labels_broken_over_bare_lines_above_their_piped_line_are_one_cell(tmp_path):
    records = convert_text(tmp_path, WRAPPED_LABELS)
    assert [scored(r)[:6] for r in records] == [
        ("产出指标", "数量指标", "开展运动种类", "=", "1", "种"),
        ("产出指标", "质量指标", "赛事完成率", "=", "100", "%"),
        ("效益指标", "社会效益指标", "打造国际网球公开赛等系列品牌赛事", "定性", "影响可持续", None),
        ("满意度指标", "满意度指标", "群众满意度", "≥", "95", "%"),
    ]


DOUBLED_PIPES = "\n".join([
    *_after(["项目支出绩效目标表", ""]), *_after(["(2023年度)", ""]), *_after(["项目名称", "某市人工增雨飞机作业项目", ""]),
    *_after(["总\n体\n目\n标", "中期目标(2023年—2025年)", "年度目标", ""]),
    *_after(["目标:建立作业体系。", "目标1:拥有1架租用作业飞机。", ""]),
    *_after(["绩\n效\n指\n标", "一级\n指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值", ""]),
    *_after(["产\n出\n指\n标", "数量指标", "飞机增雨作业次数", "≥15次", "数量指标", "飞机增雨作业次数", "≥15次", ""]),
    *_after(["时效指标", "作业完成时间", "按时完成", "时效指标", "作业完成时间", "按时完成", ""]),
    *_after(["满\n意\n度\n指\n标", "服务对象满意度指标", "群众满意度", "≥90%", "服务对象满意度指标", "群众满意度", "≥90%", ""]),
    ""])


def test_rows_ending_in_a_doubled_lone_pipe_are_cut_there(tmp_path):
    records = convert_text(tmp_path, DOUBLED_PIPES)
    assert [scored(r)[:6] for r in records] == [
        ("产出指标", "数量指标", "飞机增雨作业次数", "≥", "15", "次"),
        ("产出指标", "时效指标", "作业完成时间", "定性", "按时完成", None),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%"),
    ]
    # the header block's rows are rows of their own again: its 项目名称 is read
    assert {(r["project"], r["kind"]) for r in records} == {("某市人工增雨飞机作业项目", "project")}
