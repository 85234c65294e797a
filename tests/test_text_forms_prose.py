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
from jixiao.extractors.text_forms import detect_form, text_grid


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
        ("产出指标", "数量指标", "硬化道路长度,村组道路硬化长度", "≥", "4", "公里"),
        ("产出指标", "数量指标", "道路验收合格率", "≥", "98", None),
        ("产出指标", "时效指标", "按期完工率", "≥", "100", "%"),
        ("产出指标", "成本指标", "道路硬化补助标准,每公里补助成本", "≤", "30", "/公里"),
        ("效益指标", "经济效益指标", "带动务工收入", "≥", "12", "万元"),
        ("效益指标", "经济效益指标", "降低运输成本", "≥", "5", "万元"),
        ("效益指标", "社会效益目标", "受益群众人数", "≥", "3000", "人"),
        ("效益指标", "生态效益指标", "村容村貌改善", None, None, None),
        ("效益指标", "可持续影响指标", "长期发挥效益", None, None, None),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥", "90", "%"),
    ]


def test_the_prose_form_is_a_grid_whose_cells_say_their_roles_with_no_header_made_up():
    grid = text_grid("notice.txt", NOTICE)
    assert grid.form == "prose" and grid.positional
    rows = grid.rows()
    first = next(k for k, row in enumerate(rows) if any(c.role for c in row))
    assert [[c.text for c in row] for row in rows[:first]] == [[line] for line in NOTICE.splitlines()[:3]]
    assert [(c.text, c.role, c.col) for c in rows[first]] == [
        ("产出指标", "level1", 0), ("数量指标", "level2", 1), ("★硬化道路长度,村组道路硬化长度(≥**公里)", "level3", 2),
        (">=4公里", "target", 3)]
    assert [(c.text, c.role) for c in rows[-1]] == [
        ("满意度指标", "level1"), ("服务对象满意度指标", "level2"), ("受益群众满意度(≥**%)", "level3"), ("≥90%", "target")]
    assert not any("附件" in c.text or "人民政府" in c.text for row in rows[first:] for c in row)
    assert not any(c.text == "一级指标" for c in grid.cells)  # no header row of the vocabulary's names


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
    from jixiao.reader.header import _read_header
    from jixiao.reader.rows import _unfuse_echoes

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


# The outline kind of prose (samples/real/94, a Ningxia 设定 notice; samples/real/95, a Fujian 自评报告):
# numbered 一级 headings, 二级 sub-headings on their own line in another ordinal style, then one indicator
# a line: a sign-led value glued to the name ('≧300人'), a text value after a comma ('完成时限,年底前'), or
# clauses naming their fields ('目标值2,完成值2,分值6,得分6').
OUTLINE_NOTICE = "\n".join([
    "发布机构 | 某县农业农村局 | 文 号 | 无 |",
    "安排培训资金20万元,培训标准800元/人。现将具体绩效目标设定如下:",
    "一、产出指标",
    "(一)数量指标",
    "培训农户人数(县外培训)≧250人;",
    "(二)时效指标",
    "完成时限,2024年9月底前;",
    "(三)成本指标",
    "培训农户人数(县外培训)≦800元/人;",
    "二、效益指标",
    "(一)社会效益指标",
    "农户种养技术水平,提高。",
    "三、满意度指标",
    "参训农户满意度≥90%。",
    "附件:某县培训项目绩效目标表",
    "某县农业农村局",
])


def test_outline_prose_reads_one_indicator_a_line_under_headings_and_sub_headings(tmp_path):
    records = convert_text(tmp_path, OUTLINE_NOTICE)
    # a date's operator is the reader's usual call (the truths flag it), so it is left out for that row
    assert [scored(r)[:3] + scored(r)[4:6] for r in records][1] == ("产出指标", "时效指标", "完成时限", "2024年9月底前", None)
    del records[1]
    assert [scored(r)[:6] for r in records] == [
        ("产出指标", "数量指标", "培训农户人数(县外培训)", "≥", "250", "人"),
        ("产出指标", "成本指标", "培训农户人数(县外培训)", "≤", "800", "元/人"),
        ("效益指标", "社会效益指标", "农户种养技术水平", "定性", "提高", None),
        ("满意度指标", None, "参训农户满意度", "≥", "90", "%"),
    ]


SELF_EVALUATION_SENTENCES = "\n".join([
    "一、项目基本情况",
    "  (一)项目概况",
    "  下达补助经费150万元,共有12个项目获得补助。",
    "二、绩效分析",
    "  本项目自评得分95分,具体情况如下:",
    "  (一) 产出指标",
    "  1、数量指标",
    "  1)制修订地方标准数量(项),目标值3,完成值4,分值10,得分10。",
    "  2、时效指标",
    "  1)项目完成及时率(%),目标值90,完成值100,分值8,得分8。",
    "  (二) 成本指标",
    "  1、经济成本指标",
    "  2、社会成本指标",
    "  (三) 效益指标",
    "  1、社会效益指标",
    "  1)标准宣传资料发放(份),目标值300,完成值280,分值10,得分9。",
])


def test_self_evaluation_sentences_name_their_fields(tmp_path):
    grid = text_grid("report.txt", SELF_EVALUATION_SENTENCES)
    assert grid.form == "prose"
    named = [(c.text, c.role) for c in grid.rows()[-1]]
    assert named == [("效益指标", "level1"), ("社会效益指标", "level2"), ("标准宣传资料发放(份)", "level3"),
                     ("300", "target"), ("280", "actual"), ("10", "score"), ("9", "points")]
    records = convert_text(tmp_path, SELF_EVALUATION_SENTENCES)
    assert [scored(r)[:5] + (r.get("actual"), r.get("score"), r.get("points")) for r in records] == [
        ("产出指标", "数量指标", "制修订地方标准数量(项)", "=", "3", "4", 10, 10),
        ("产出指标", "时效指标", "项目完成及时率(%)", "=", "90", "100", 8, 8),
        ("效益指标", "社会效益指标", "标准宣传资料发放(份)", "=", "300", "280", 10, 9),
    ]


def test_outline_prose_detection_wants_group_headings_in_two_ordinal_styles():
    # a report's numbered section titles name no group: not the prose form
    assert detect_form(["一、项目基本情况", "(一)项目概况", "二、绩效分析", "(一)绩效目标完成情况"]) != "prose"
    # one 一级 heading with its sub-heading is not enough
    assert detect_form(["一、产出指标", "(一)数量指标", "培训人数≥250人;"]) != "prose"
    # both headings in the same ordinal style: no levels to tell apart
    assert detect_form(["一、产出指标", "二、数量指标", "三、效益指标", "四、社会效益指标"]) != "prose"
    assert detect_form(OUTLINE_NOTICE.splitlines()) == "prose"
    assert detect_form(SELF_EVALUATION_SENTENCES.splitlines()) == "prose"


def test_the_report_says_the_form_decided_each_column_and_no_header_was_printed(tmp_path):
    import json

    from jixiao.pipeline import convert

    source = tmp_path / "report.txt"
    source.write_text(SELF_EVALUATION_SENTENCES, encoding="utf-8")
    convert([str(source)], tmp_path / "out", memory=None, cache=False)
    filing = json.loads((tmp_path / "out" / "filings.jsonl").read_text(encoding="utf-8").splitlines()[0])
    table = filing["report"]["tables"][0]
    assert table["form"] == "prose" and table["header_line"] is None
    assert [(c["role"], c["decided_by"]) for c in table["columns"]] == [
        (role, "form") for role in ("level1", "level2", "level3", "target", "actual", "score", "points")]
