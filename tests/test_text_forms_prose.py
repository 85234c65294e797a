"""A goal form written as prose, no table (samples/real/73, Ningxia's 绩效目标设定的公示).

Numbered 一级 headings ('一、 产出指标') each followed by lines of clauses: a group label of the
taxonomy closed by ':' or ',' ('数量指标:', '服务对象满意度指标,'), then indicators, each its name
(template hint and ★ marks kept) up to a sign-led value ('>=17600株', '≥80万元', '≤28.40/株') that
ends at ',' ';' or '。'. A comma inside a name stays in it; text closed by ';' or '。' with no value
is a statement (a row with no target). Numbers in the notice above the headings are no indicators;
the attachment line and the signature below end the list.

Also the glued self-evaluation of samples/real/74: group names wrapped onto the next line
('经济效益' / '指标'), 一级 cells left blank (each 二级 gives its own group), and 指标值 and
实际完成值 printed together ('1010' = 10 | 10) where the table shows that pattern.
"""

from __future__ import annotations

from helpers import convert_text, scored
from jixiao.extractors.text_grid import detect_form, text_grid


NOTICE = "\n".join([
    "发布机构 | 某县某镇 | 文 号 | 无 |",
    "关于某镇道路硬化项目绩效目标设定的公示",
    "安排资金120万元,按照每公里30万元的标准硬化道路4公里。项目总体绩效目标是:方便群众出行3000人。现将绩效目标设定如下:",
    "一、 产出指标",
    "数量指标:★硬化道路长度,村组道路硬化长度(≥**公里)>=4公里;道路验收合格率(≥**%)>=98;"
    "时效指标:按期完工率(≥**%)>=100%。成本指标:道路硬化补助标准,每公里补助成本(≤**万元/公里)≤30/公里。",
    "二、 效益指标",
    "效益指标:经济效益指标:带动务工收入(≥**万元)≥12万元,降低运输成本(≥**万元)≥5万元;"
    "社会效益目标:★★★受益群众人数(≥**人)≥3000人。生态效益指标:村容村貌改善。可持续影响指标,长期发挥效益。",
    "三、 满意度指标",
    "服务对象满意度指标,受益群众满意度(≥**%)≥90%。",
    "附件:某镇道路硬化项目绩效目标设定表.xlsx",
    "某县某镇人民政府",
    "2023年4月1日",
])


def test_prose_headings_and_labelled_clauses_are_read_one_record_per_indicator(tmp_path):
    records = convert_text(tmp_path, NOTICE)
    assert [scored(r)[:6] for r in records] == [
        ("产出指标", "数量指标", "★硬化道路长度,村组道路硬化长度(≥**公里)", "≥", "4", "公里"),
        ("产出指标", "数量指标", "道路验收合格率(≥**%)", "≥", "98", None),
        ("产出指标", "时效指标", "按期完工率(≥**%)", "≥", "100", "%"),
        ("产出指标", "成本指标", "道路硬化补助标准,每公里补助成本(≤**万元/公里)", "≤", "30", "/公里"),
        ("效益指标", "经济效益指标", "带动务工收入(≥**万元)", "≥", "12", "万元"),
        ("效益指标", "经济效益指标", "降低运输成本(≥**万元)", "≥", "5", "万元"),
        ("效益指标", "社会效益目标", "★★★受益群众人数(≥**人)", "≥", "3000", "人"),
        ("效益指标", "生态效益指标", "村容村貌改善", None, None, None),
        ("效益指标", "可持续影响指标", "长期发挥效益", None, None, None),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度(≥**%)", "≥", "90", "%"),
    ]


def test_the_prose_form_is_a_grid_under_the_vocabularys_own_header():
    grid = text_grid("notice.txt", NOTICE)
    assert grid.form == "prose"
    rows = [[c.text for c in row] for row in grid.rows()]
    header = rows.index(["一级指标", "二级指标", "三级指标", "指标值"])
    assert rows[:header] == [[line] for line in NOTICE.splitlines()[:3]]  # the notice above, line by line
    assert rows[header + 1] == ["产出指标", "数量指标", "★硬化道路长度,村组道路硬化长度(≥**公里)", ">=4公里"]
    assert rows[-1] == ["满意度指标", "服务对象满意度指标", "受益群众满意度(≥**%)", "≥90%"]
    assert not any("附件" in text or "人民政府" in text for row in rows[header:] for text in row)


def test_prose_detection_wants_numbered_headings_followed_by_labels():
    # a report with numbered 一级 headings but sentences under them, no group labels: not the prose form
    report = ["一、 产出指标", "本年度完成道路硬化4公里,验收合格。", "二、 效益指标", "群众出行更加方便。"]
    assert detect_form(report) != "prose"
    # one heading with a labelled line is not enough
    assert detect_form(["一、 产出指标", "数量指标:道路长度(≥**公里)>=4公里。"]) != "prose"
    # a heading that is no 一级 name of the taxonomy opens nothing
    assert detect_form(["一、 项目概况", "数量指标:道路长度>=4公里。", "二、 资金安排", "时效指标:完工率>=100%。"]) != "prose"
    assert detect_form(NOTICE.splitlines()) == "prose"


# A self-evaluation dumped with the cells of a row run together and each empty cell an empty line
# (samples/real/74): the 一级 cells are blank, group names wrap onto the next line, and each row ends in
# its 指标值 and 实际完成值 printed together ('1515' = 15 | 15).
GLUED_SELF_EVALUATION = "\n".join([
    "某专项资金绩效目标自评表",
    "绩效指标一级",
    "指标",
    "二级指标三级指标指标值全年实际完成值未完成原因和改进措施",
    "数量指标新建村道桥梁3030", "", "", "",
    "质量指标工程验收合格3030", "", "", "",
    "时效指标按期完成建设1010", "", "", "",
    "经济效益",
    "指标",
    "降低群众出行成本1515", "", "", "",
    "满意度指标服务对象",
    "满意度指标",
    "沿线群众满意度1515", "", "", "",
    "说明",
])


def test_glued_rows_with_wrapped_group_names_and_values_printed_twice(tmp_path):
    records = convert_text(tmp_path, GLUED_SELF_EVALUATION)
    assert [scored(r)[:5] + (r.get("actual"),) for r in records] == [
        ("产出指标", "数量指标", "新建村道桥梁", "=", "30", "30"),
        ("产出指标", "质量指标", "工程验收合格", "=", "30", "30"),
        ("产出指标", "时效指标", "按期完成建设", "=", "10", "10"),
        ("效益指标", "经济效益指标", "降低群众出行成本", "=", "15", "15"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "=", "15", "15"),
    ]


def test_a_run_is_cut_into_a_number_twice_only_when_the_table_shows_the_pattern():
    from jixiao.model import GridCell, Provenance
    from jixiao.pipeline.layout_header import _read_header
    from jixiao.pipeline.layout_reader import _unfuse_echoes

    def cells(*texts: str) -> list[GridCell]:
        return [GridCell(text=t, row=0, col=k, provenance=Provenance(file="f", line=1)) for k, t in enumerate(texts)]

    columns = _read_header(cells("二级指标", "三级指标", "指标值", "全年实际完成值", "未完成原因和改进措施"), True)
    echoed = [cells("质量指标", "工程验收合格", "3030"), cells("按期完成建设", "1010")]
    assert [[c.text for c in row] for row in _unfuse_echoes(columns, echoed)] == [
        ["质量指标", "工程验收合格", "30", "30"], ["按期完成建设", "10", "10"]]
    # runs that could all be years ('2020', '1919'), or one run alone, stay as printed
    years = [cells("质量指标", "完工年度", "2020"), cells("按期完成建设", "1919")]
    assert [[c.text for c in row] for row in _unfuse_echoes(columns, years)] == [
        ["质量指标", "完工年度", "2020"], ["按期完成建设", "1919"]]
    assert [[c.text for c in row] for row in _unfuse_echoes(columns, echoed[:1])] == [["质量指标", "工程验收合格", "3030"]]
    # no 实际完成值 beside the 指标值: nothing to cut into
    plain = _read_header(cells("二级指标", "三级指标", "指标值", "备注"), True)
    assert [[c.text for c in row] for row in _unfuse_echoes(plain, echoed)] == [[c.text for c in row] for row in echoed]
