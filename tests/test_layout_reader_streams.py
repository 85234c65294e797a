"""Tables dumped one cell per line, in the dialects real pages use (samples/real/ 52, 54, 55).

- Each line one cell ending in ' |', a lone '|' between rows (Xinjiang, 52): read as cells, and a
  row opening with the form's own 一级 word (项目完成) keeps it.
- A self-evaluation whose rows never close, so that the whole table is one run of cells after its
  header (Anhui, 54): cut into rows where each piece places a 三级 and a value; 未完成原因及拟采取的
  改进措施 is the deviation column.
- Bare lines with '绩效指标' alone above '一级指标' alone (Hunan, 55) are a stream, not the seed's split
  fragments; a 二级 broken over two cells ('经济效益' / '指标') is one name.
"""

from __future__ import annotations

from pathlib import Path

import real_scoring
from jixiao.pipeline import convert


def _records(tmp_path: Path, text: str) -> list[dict]:
    source = tmp_path / "filing.txt"
    source.write_text(text, encoding="utf-8")
    convert([str(source)], tmp_path / "out", memory=None, cache=False)
    return real_scoring.read_records(tmp_path / "out").get("filing.txt", [])


def _fields(record: dict) -> tuple:
    return tuple(real_scoring._value(record.get(name)) for name in
                 ("level1", "level2", "level3", "operator", "target", "unit", "score"))


LONE_PIPES = "\n".join([
    "部门预算项目支出绩效目标表 |", "|", "(2019年度) |", "|", "项目名称 |", "城乡居民基本医疗保险财政补助资金 |", "|",
    "预算单位 |", "温泉县医疗保障局 |", "|", "绩 效 指 标 |", "一级 指标 |", "二级指标 |", "三级指标 |",
    "指标值(包含数字及文字描述) |", "|", "项目完成 |", "数量指标 |", "基本医疗保险参保人数 |", "43230人 |", "|",
    "城乡居民基本医疗参保率 |", "≥95% |", "|", "质量指标 |", "补助资金按时到期 |", "补助资金及时到位100% |", "|",
    "时效指标 |", "专项补助使用落实期限 |", "2019年1月-2019年12月 |", "|", ""])


def test_cells_ending_in_a_pipe_with_lone_pipes_between_rows(tmp_path):
    records = _records(tmp_path, LONE_PIPES)
    assert [_fields(r)[:6] for r in records] == [
        ("项目完成", "数量指标", "基本医疗保险参保人数", "=", "43230", "人"),
        ("项目完成", "数量指标", "城乡居民基本医疗参保率", "≥", "95", "%"),
        ("项目完成", "质量指标", "补助资金按时到期", "定性", "补助资金及时到位100%", None),
        ("项目完成", "时效指标", "专项补助使用落实期限", "=", "2019年1月-2019年12月", None),
    ]


RUN_ON = "\n".join([
    "年度总体目标 |", "年初设定目标 |", "||||||", "|", "一级指标 |", "二级指标 |", "三级指标 |", "分值 |", "年度指标值 |",
    "全年实际值 |", "得分 |", "未完成原因及拟采取的改进措施 |", "|", "产出指标(50分) |", "数量指标 |",
    "★★★农村低保发放人数(按月平均)(≥**人) |", "5 |", ">=21933人 |", "21980人 |", "5 |", "|", "|", "|", "|",
    "★★★特困人员救助供养人数(按月平均)(≥**人) |", "5 |", ">=4754人 |", "4604人 |", "5 |",
    "特困人员实行动态管理 |", "质量指标 |", "★农村低保标准(≥**元/人·月) |", "5 |", ">=530元/人*月 |",
    "583元/人*月 |", "5 |", "|", "|", "|", "效益指标(30分) |", "社会效益指标 |", "★★★受益建档立卡贫困人口数≥**人 |",
    "30 |", ">=80人 |", "87人 |", "30 |", "|", ""])


def test_a_self_evaluation_whose_rows_never_close_is_cut_into_rows(tmp_path):
    records = _records(tmp_path, RUN_ON)
    assert [_fields(r) for r in records] == [
        ("产出指标", "数量指标", "★★★农村低保发放人数(按月平均)(≥**人)", "≥", "21933", "人", "5"),
        ("产出指标", "数量指标", "★★★特困人员救助供养人数(按月平均)(≥**人)", "≥", "4754", "人", "5"),
        ("产出指标", "质量指标", "★农村低保标准(≥**元/人·月)", "≥", "530", "元/人*月", "5"),
        ("效益指标", "社会效益指标", "★★★受益建档立卡贫困人口数≥**人", "≥", "80", "人", "30"),
    ]
    assert [r["actual"] for r in records] == ["21980人", "4604人", "583元/人*月", "87人"]
    assert records[1]["deviation"] == "特困人员实行动态管理"


BARE_STREAM = "\n".join([
    "绩效目标申报表(基础设施建设类)", "(2022年度)", "项目名称", "岳阳县2022年高标准农田建设项目", "总体目标", "年度目标",
    "完成项目主体工程70%", "绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标",
    "脱贫村村内道路硬化里程", "≥100公里", "成本指标", "财政资金补助", "1600元/亩", "效益指标", "经济效益", "指标",
    "年增粮食", "3500公斤", "生态效益", "指标", "新增和改善灌溉达标面积", "≥500亩", "满意度指标", "服务对象满意度指标",
    "受益脱贫(监测)户满意度", "≥95%", "注:各地请根据实际情况,从上述绩效指标中选择适合的填报。", ""])


def test_a_bare_stream_is_no_split_layout_and_a_broken_name_is_joined(tmp_path):
    records = _records(tmp_path, BARE_STREAM)
    assert [_fields(r)[:6] for r in records] == [
        ("产出指标", "数量指标", "脱贫村村内道路硬化里程", "≥", "100", "公里"),
        ("产出指标", "成本指标", "财政资金补助", "=", "1600", "元/亩"),
        ("效益指标", "经济效益指标", "年增粮食", "=", "3500", "公斤"),
        ("效益指标", "生态效益指标", "新增和改善灌溉达标面积", "≥", "500", "亩"),
        ("满意度指标", "服务对象满意度指标", "受益脱贫(监测)户满意度", "≥", "95", "%"),
    ]
