"""The `pdftotext -layout` form with cells wrapped over several lines (extractors/text_layout.py).

pdftotext lays a ruled table out in characters: a cell stands at its column's offset, a cell the page
wrapped goes on over the lines around its row's line (as many above as below), a merged cell (一级
over several rows) is printed once at the middle of the rows it covers, and no ruling line or blank
line parts the rows. These tests build such pages by hand, each text at its offset, and check the
rows the layout step gives (`layout_rows`), before any reader: a wrapped cell joined to its row, a
row never split, a merged group name over the rows around it, an empty template row kept apart.
"""

from __future__ import annotations

from jixiao.extractors.text_layout import layout_rows


def _page(*lines: dict[int, str]) -> list[str]:
    """Lines of a page, each given as offset → text."""
    out = []
    for placed in lines:
        line = ""
        for offset, text in sorted(placed.items()):
            line = line.ljust(offset) + text
        out.append(line)
    return out


def _body(lines: list[str]) -> list[list[str]]:
    """The rows under the header (the row that starts with 一级指标), as texts."""
    rows = [[text for text, _ in row] for row in layout_rows(lines)]
    start = next(k for k, row in enumerate(rows) if row and row[0] == "一级指标")
    return rows[start + 1:]


HEADER = {0: "一级指标", 10: "二级指标", 20: "三级指标", 34: "指标值", 42: "分值", 48: "偏差原因"}


def test_a_wrapped_name_is_joined_to_its_row_from_the_lines_above_and_below():
    rows = _body(_page(
        HEADER,
        {20: "适龄儿童免疫规划疫"},
        {0: "产出指标", 10: "数量指标", 34: "≥90%", 42: "5"},
        {20: "苗接种率"},
        {0: "产出指标", 10: "质量指标", 20: "婴儿死亡率", 34: "<5‰", 42: "5"},
    ))
    assert rows == [
        ["产出指标", "数量指标", "适龄儿童免疫规划疫苗接种率", "≥90%", "5", ""],
        ["产出指标", "质量指标", "婴儿死亡率", "<5‰", "5", ""],
    ]


def test_a_line_holding_the_end_of_one_rows_cell_and_the_start_of_the_next_rows_is_shared():
    # '苗接种率' ends the first row's name; '受资金拨付进度' starts the second row's reason, on one line
    rows = _body(_page(
        HEADER,
        {20: "适龄儿童免疫规划疫"},
        {0: "产出指标", 10: "数量指标", 34: "≥90%", 42: "5"},
        {20: "苗接种率", 48: "受资金拨付进度"},
        {0: "产出指标", 10: "数量指标", 20: "居民健康档案建档率", 34: "≥90%", 42: "4"},
        {48: "影响，推迟完成"},
        {0: "产出指标", 10: "质量指标", 20: "婴儿死亡率", 34: "<5‰", 42: "5"},
    ))
    assert [row[2] for row in rows] == ["适龄儿童免疫规划疫苗接种率", "居民健康档案建档率", "婴儿死亡率"]
    assert [row[5] for row in rows] == ["", "受资金拨付进度影响，推迟完成", ""]


def test_merged_group_names_cover_the_rows_around_them_and_an_empty_template_rows_name_covers_none():
    # 社会效益指标 stands by the middle of its three rows, 效益指标 by the middle of all four and the
    # empty row; 生态效益指标 (an empty template row) stands between rows that have their own names
    rows = _body(_page(
        {0: "一级指标", 10: "二级指标", 20: "三级指标", 34: "指标值", 42: "分值"},
        {20: "重大医疗安全事故", 34: "0起", 42: "10"},
        {10: "社会效益指标", 20: "居民健康素养水平", 34: "≥25%", 42: "10"},
        {20: "群众就医负担减轻", 34: "有效", 42: "10"},
        {0: "效益指标", 10: "生态效益指标"},
        {10: "可持续影响指"},
        {20: "服务能力持续提升", 34: "长期", 42: "10"},
        {10: "标"},
    ))
    assert rows == [
        ["效益指标", "社会效益指标", "重大医疗安全事故", "0起", "10"],
        ["效益指标", "社会效益指标", "居民健康素养水平", "≥25%", "10"],
        ["效益指标", "社会效益指标", "群众就医负担减轻", "有效", "10"],
        ["效益指标", "可持续影响指标", "服务能力持续提升", "长期", "10"],
    ]


def test_a_line_under_the_header_holding_the_first_rows_wrapped_group_names_is_no_header_line():
    lines = _page(
        {0: "一级指标", 10: "二级指标", 20: "三级指标", 34: "指标值", 42: "分值"},
        {0: "满意度指", 10: "服务对象满意"},
        {20: "患者满意度", 34: "≥90%", 42: "10"},
        {0: "标", 10: "度指标"},
        {0: "成本指标", 10: "经济成本指标", 20: "公用经费支出控制", 34: "≤100%", 42: "5"},
    )
    header = next(row for row in layout_rows(lines) if row and row[0][0].startswith("一级指标"))
    assert [text for text, _ in header] == ["一级指标", "二级指标", "三级指标", "指标值", "分值"]
    assert _body(lines) == [
        ["满意度指标", "服务对象满意度指标", "患者满意度", "≥90%", "10"],
        ["成本指标", "经济成本指标", "公用经费支出控制", "≤100%", "5"],
    ]


def test_group_names_alone_between_rows_open_rows_of_their_own_that_take_nothing_from_the_rows_around():
    # no merged column: every row prints its 一级 and 二级 (wrapped: '效益指' / '标'); a row the filer
    # left empty is its group names alone, more than two lines from any row's line
    rows = _body(_page(
        {0: "一级指标", 10: "二级指标", 20: "三级指标", 34: "指标值", 42: "分值", 48: "指标解释"},
        {48: "兜牢基本民生"},
        {48: "保障底线，按时"},
        {0: "产出指标", 10: "时效指标", 20: "资金发放及时率", 34: "100%", 42: "5", 48: "足额发放，做到"},
        {48: "应保尽保、应救"},
        {48: "尽救。"},
        {0: "效益指", 10: "经济效益"},
        {0: "标", 10: "指标"},
        {48: "推进殡葬改革"},
        {0: "效益指标", 10: "社会效益指标", 20: "遗体火化率", 34: "≥60%", 42: "5", 48: "，火化率稳步"},
        {48: "提高，规范公墓"},
        {48: "建设。"},
        {0: "成本指", 10: "社会成本"},
        {0: "标", 10: "指标"},
    ))
    assert rows == [
        ["产出指标", "时效指标", "资金发放及时率", "100%", "5", "兜牢基本民生保障底线，按时足额发放，做到应保尽保、应救尽救。"],
        ["效益指标", "经济效益指标", "", "", "", ""],
        ["效益指标", "社会效益指标", "遗体火化率", "≥60%", "5", "推进殡葬改革，火化率稳步提高，规范公墓建设。"],
        ["成本指标", "社会成本指标", "", "", "", ""],
    ]


def test_a_group_name_covers_no_row_whose_group_the_vocabulary_puts_under_another():
    # rows spaced by blank lines; 产出指标 stands as near the middle of its four rows as of five (the
    # fifth is 经济效益指标's, a 效益指标 group): the page cannot tell, the groups can
    rows = _body(_page(
        {0: "一级指标", 12: "二级指标", 24: "三级指标", 40: "指标值", 50: "分值"},
        {24: "粮食播种面积", 40: "≥83万亩", 50: "5"},
        {},
        {12: "数量指标", 24: "农田面积", 40: "≥4万亩", 50: "5"},
        {},
        {0: "产出指标", 24: "户厕改造数量", 40: "≥2000户", 50: "5"},
        {},
        {12: "时效指标", 24: "项目按期完工率", 40: "≥95%", 50: "5"},
        {},
        {12: "经济效益指标", 24: "人均收入增幅", 40: "≥7%", 50: "10"},
        {},
        {0: "效益指标", 12: "社会效益指标", 24: "返贫人数", 40: "0人", 50: "10"},
        {},
        {12: "生态效益指标", 24: "化肥使用量", 40: "零增长", 50: "5"},
    ))
    assert [row[:2] for row in rows] == [
        ["产出指标", "数量指标"], ["产出指标", "数量指标"], ["产出指标", "数量指标"], ["产出指标", "时效指标"],
        ["效益指标", "经济效益指标"], ["效益指标", "社会效益指标"], ["效益指标", "生态效益指标"],
    ]


def test_a_long_wrapped_table_is_cut_into_rows_in_time_linear_in_its_lines():
    # each column is cut by a search over the places between two rows' lines, and merged names over
    # the runs of rows near them: a thousand rows take well under a second, not minutes
    import time

    lines = [HEADER]
    for k in range(1000):
        lines += [{20: "适龄儿童免疫规划疫"}, {34: "≥90%", 42: "5"}, {20: "苗接种率", 48: "受资金拨付进度"}]
        lines += [{0: "产出指标", 10: "数量指标"}] if k % 7 == 3 else []
    started = time.monotonic()
    rows = _body(_page(*lines))
    assert len(rows) == 1000 and rows[500][2] == "适龄儿童免疫规划疫苗接种率"
    assert time.monotonic() - started < 30
