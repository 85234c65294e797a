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


from helpers import convert_text, scored


LONE_PIPES = "\n".join([
    "部门预算项目支出绩效目标表 |", "|", "(2019年度) |", "|", "项目名称 |", "城乡居民基本医疗保险财政补助资金 |", "|",
    "预算单位 |", "温泉县医疗保障局 |", "|", "绩 效 指 标 |", "一级 指标 |", "二级指标 |", "三级指标 |",
    "指标值(包含数字及文字描述) |", "|", "项目完成 |", "数量指标 |", "基本医疗保险参保人数 |", "43230人 |", "|",
    "城乡居民基本医疗参保率 |", "≥95% |", "|", "质量指标 |", "补助资金按时到期 |", "补助资金及时到位100% |", "|",
    "时效指标 |", "专项补助使用落实期限 |", "2019年1月-2019年12月 |", "|", ""])


def test_cells_ending_in_a_pipe_with_lone_pipes_between_rows(tmp_path):
    records = convert_text(tmp_path, LONE_PIPES)
    assert [scored(r)[:6] for r in records] == [
        ("项目完成", "数量指标", "基本医疗保险参保人数", "=", "43230", "人"),
        ("项目完成", "数量指标", "城乡居民基本医疗参保率", "≥", "95", "%"),
        ("项目完成", "质量指标", "补助资金按时到期", "定性", "补助资金及时到位100%", None),
        ("项目完成", "时效指标", "专项补助使用落实期限", "定性", "2019年1月-2019年12月", None),
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
    records = convert_text(tmp_path, RUN_ON)
    assert [scored(r) for r in records] == [
        ("产出指标", "数量指标", "农村低保发放人数(按月平均)", "≥", "21933", "人", "5"),
        ("产出指标", "数量指标", "特困人员救助供养人数(按月平均)", "≥", "4754", "人", "5"),
        ("产出指标", "质量指标", "农村低保标准", "≥", "530", "元/人*月", "5"),
        ("效益指标", "社会效益指标", "受益建档立卡贫困人口数≥**人", "≥", "80", "人", "30"),
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
    records = convert_text(tmp_path, BARE_STREAM)
    assert [scored(r)[:6] for r in records] == [
        ("产出指标", "数量指标", "脱贫村村内道路硬化里程", "≥", "100", "公里"),
        ("产出指标", "成本指标", "财政资金补助", "=", "1600", "元/亩"),
        ("效益指标", "经济效益指标", "年增粮食", "=", "3500", "公斤"),
        ("效益指标", "生态效益指标", "新增和改善灌溉达标面积", "≥", "500", "亩"),
        ("满意度指标", "服务对象满意度指标", "受益脱贫(监测)户满意度", "≥", "95", "%"),
    ]


SICHUAN_SPACED = """绩效指标 一级指标 二级指标 三级指标 指标值(包含数字及文字描述)
绩效指标 项目完成
指标
数量指标 对符合政策法规的独生子伤残、死亡家庭进行扶助 63人
时效指标 项目实施时间 2021年1月-12月
项目效益
指标
社会效益
指标
促进人口与经济、社会、资源、环境协调和可持续发展 100%
满意度指标 满意度指标 受益群众满意度 ≥90%
"""


def test_group_names_broken_over_lines_and_a_forms_own_group_words(tmp_path):
    """'项目完成' / '指标' is one 一级 name (Sichuan's 项目完成指标 / 项目效益指标 are its output and outcome
    groups), '社会效益' / '指标' one 二级 name."""
    records = convert_text(tmp_path, SICHUAN_SPACED)
    assert [scored(r)[:6] for r in records] == [
        ("项目完成指标", "数量指标", "对符合政策法规的独生子伤残、死亡家庭进行扶助", "=", "63", "人"),
        ("项目完成指标", "时效指标", "项目实施时间", "定性", "2021年1月-12月", None),
        ("项目效益指标", "社会效益指标", "促进人口与经济、社会、资源、环境协调和可持续发展", "=", "100", "%"),
        ("满意度指标", "满意度指标", "受益群众满意度", "≥", "90", "%"),
    ]


TEMPLATE_LEFT_BLANK = "\n\n".join([
    "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "指标1:新建堤防、护岸长度", "公里",
    "指标2:灌区节水改造面积", "万亩", "质量指标", "指标1:工程验收合格率", "≧ %", ""])


def test_a_template_whose_value_cells_hold_only_units(tmp_path):
    """A value cell left unfilled ('公里', '≧ %') has no target: its unit (and sign) are read, nothing else."""
    records = convert_text(tmp_path, TEMPLATE_LEFT_BLANK)
    assert [scored(r)[2:6] for r in records] == [
        ("新建堤防、护岸长度", None, None, "公里"),
        ("灌区节水改造面积", None, None, "万亩"),
        ("工程验收合格率", "≥", None, "%"),
    ]


HEBEI_STREAM = "\n".join([
    "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因分析及改进措施",
    "产出指标", "数量指标", "指标1工程资金金额", "43.2", "37.24", "10", "9", "已完工,剩余3%尾款未付。", "指标2", "\u00a0",
    "……", "\u00a0", "质量指标", "指标1工程完工率", "100", "100", "10", "10", "\u00a0", "指标2", "……",
    "效益指标", "经济效益指标", "指标1安全率", "100", "100", "10", "10", "0", "指标2", "……", "社会效益指标",
    "指标1学校发展能力", "100", "100", "10", "10", "0", "指标2", "……", ""])


def test_a_stream_with_broken_header_names_and_blank_template_rows(tmp_path):
    """'年度' / '指标值' is the header 年度指标值; 指标1 before a name is numbering; '指标2' / '……' is a
    template row left blank and gives no record."""
    records = convert_text(tmp_path, HEBEI_STREAM)
    assert [(scored(r)[:5] + (r["actual"], r["points"])) for r in records] == [
        ("产出指标", "数量指标", "工程资金金额", "=", "43.2", "37.24", 9),
        ("产出指标", "质量指标", "工程完工率", "=", "100", "100", 10),
        ("效益指标", "经济效益指标", "安全率", "=", "100", "100", 10),
        ("效益指标", "社会效益指标", "学校发展能力", "=", "100", "100", 10),
    ]


LEAD_PIPES = """绩效
       指标
        | 一级指标
        | 二级指标
        | 三级指标
        | 指标值
        | 实施进度
        | 
项目决策
        | 数量指标
        | 宣传次数
        | 至少全年完成2次宣传
        | 已完成100%
        | |
成本指标
        | 成本
        | 10万元
        | 已完成100%
        | ||
项目效益
        | 社会效益
       指标
        | 提升全县消费者维权意识
        | 不断提升
        | 已完成100%
        | |
3.分析评价申报内容是否与实际相符,申报目标是否合理可行
  
评价申报内容与实际相符,申报目标合理可行。
  
(一)项目资金申报及批复情况。
"""


def test_cells_led_by_a_pipe_and_the_prose_after_the_table(tmp_path):
    """Each cell on a line of its own led by blanks and '| ', a wrapped cell going on without its pipe,
    rows closed by '| |'; 实施进度 is the completion column; the report's prose below makes no record."""
    records = convert_text(tmp_path, LEAD_PIPES)
    assert [(scored(r)[:6] + (r["actual"],)) for r in records] == [
        ("项目决策", "数量指标", "宣传次数", "定性", "至少全年完成2次宣传", None, "已完成100%"),
        ("项目决策", "成本指标", "成本", "=", "10", "万元", "已完成100%"),
        ("项目效益", "社会效益指标", "提升全县消费者维权意识", "定性", "不断提升", None, "已完成100%"),
    ]


HUNAN_BROKEN_CELLS = "\n\n".join([
    "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因", "分析及", "改进措施",
    "产出指标", "(50)", "数量", "指标", "造林面积", "1.2万亩", "1.2万亩", "10", "10", "森林经营面积", "16.3万亩",
    "16.3万亩", "7", "7", "效益指标", "30分) ", "经济效", "益指标", "林产品收入", "2.6亿元", "2.45亿元", "6", "5", ""])


def test_a_stream_whose_header_and_group_cells_are_broken_over_lines(tmp_path):
    """'偏差原因' / '分析及' / '改进措施' is one header name; '经济效' / '益指标' one 二级; '(50)' and '30分)'
    (its '(' lost) are the weight of the 一级 above them, not cells of a row."""
    records = convert_text(tmp_path, HUNAN_BROKEN_CELLS)
    assert [(scored(r) + (r["actual"],)) for r in records] == [
        ("产出指标", "数量指标", "造林面积", "=", "1.2", "万亩", "10", "1.2万亩"),
        ("产出指标", "数量指标", "森林经营面积", "=", "16.3", "万亩", "7", "16.3万亩"),
        ("效益指标", "经济效益指标", "林产品收入", "=", "2.6", "亿元", "6", "2.45亿元"),
    ]


TWO_TABLES_ON_A_PAGE = """绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析 |
产出指标 | 经济成本指标 | 成本控制数 | ≤ | 30 | 万元 | 完成 | 90 | 90 | ||
合计 | 100 | |||||||||
评价结论 | 根据财政局资金下达的管理办法,将资金支付给项目施工方。 | |||||||||
存在问题 | 无 | |||||||||
绩效指标 | 一級目標 | 二級指標 | 三級指標 | 指標值 | 實際完成值 | 未達到指標值原因 |
"""


def test_totals_and_conclusions_end_a_table(tmp_path):
    """合计, 评价结论 and 存在问题 below a self-evaluation's rows are its closing lines, never indicators."""
    records = convert_text(tmp_path, TWO_TABLES_ON_A_PAGE)
    assert [(scored(r) + (r["actual"],)) for r in records] == [
        ("产出指标", "经济成本指标", "成本控制数", "≤", "30", "万元", "90", "完成")]


GUANGDONG_TRANSFER = """績效指標(biāo) | 一級(jí)目標(biāo) | 二級(jí)指標(biāo) | 三級(jí)指標(biāo) | 指標(biāo)值 | 實際完成值 | 未達到指標(biāo)值原因 |
產(chǎn)出指標(biāo) | 數(shù)量指標(biāo) | 中職免學(xué)費應(yīng)受助學(xué)生數(shù) | 100% | |||
國家助學(xué)金應(yīng)受助學(xué)生數(shù) | 95% | |
"""


def test_a_goal_table_with_an_empty_result_column(tmp_path):
    """一級目標 names the 一级 column; with 實際完成值 left blank, a row's one value is its target."""
    records = convert_text(tmp_path, GUANGDONG_TRANSFER)
    assert [scored(r)[3:6] + (r["actual"],) for r in records] == [("=", "100", "%", None), ("=", "95", "%", None)]


NUMBERED_WITH_BLANKS = """一级指标 二级指标 三级指标 指标值 完成值
产出指标 质量指标 指标1.药品抽检完成率 100% 100%
指标4.不合格产品处置率
指标5:药品不良反应每百万人口报告数 ≥150 150
成本指标 指标1.培训成本 400元/人、天 180元/人、天
指标2.药品抽验平均标准
指标3.化妆品抽验平均标准
"""


def test_numbered_indicators_left_blank_are_rows_of_their_own(tmp_path):
    """'指标4.不合格产品处置率' with no value is an indicator the filer left blank (its numbering says so),
    not the start of the next row nor a line of prose; 元/人、天 is a unit."""
    records = convert_text(tmp_path, NUMBERED_WITH_BLANKS)
    assert [scored(r)[1:6] for r in records] == [
        ("质量指标", "药品抽检完成率", "=", "100", "%"),
        ("质量指标", "不合格产品处置率", None, None, None),
        ("质量指标", "药品不良反应每百万人口报告数", "≥", "150", None),
        ("成本指标", "培训成本", "=", "400", "元/人、天"),
        ("成本指标", "药品抽验平均标准", None, None, None),
        ("成本指标", "化妆品抽验平均标准", None, None, None),
    ]


UNIT_IN_WORDS = """一级指标 | 二级指标 | 三级指标 | 指标值类型 | 目标值 | 度量单位 | 指标值内容 | 备注 |
产出指标 | 数量指标 | 门面数量 | = | 9 | 间数 | 考察国有资产出租收入任务完成数 | |
产出指标 | 质量指标 | 租金收缴率 | = | 100 | % | 考察租金收缴情况 | |
产出指标 | 时效指标 | 租金收缴及时率 | = | 100 | % | 考察租金收缴及时情况 | |
"""


def test_a_unit_in_the_filers_words_stays_in_its_column(tmp_path):
    records = convert_text(tmp_path, UNIT_IN_WORDS)
    assert [(scored(r)[2:6], r["explanation"]) for r in records] == [
        (("门面数量", "=", "9", "间数"), "考察国有资产出租收入任务完成数"),
        (("租金收缴率", "=", "100", "%"), "考察租金收缴情况"),
        (("租金收缴及时率", "=", "100", "%"), "考察租金收缴及时情况"),
    ]


MONITORING = """绩效指标 | 一级 指标 | 指标名称 | 指标值 |
半年度 指标执行情况 |
完成目标可能性(确定能、有可能、不可能) | 备注 |
产 出 指 标 |
质量 | |||||
成本 | 年度预算220万元 | 按进度执行,已使用约40% | 确定能 | |||
效 益 指 标 |
社会效益 | 开展研究和宣传,举办活动5场 | 确定能 | |||
偏差或不能完成目标原因分析 | ||||||
"""


def test_a_monitoring_form_whose_header_runs_over_lines(tmp_path):
    """A mid-year 绩效监控表: the header goes on over three lines; 半年度指标执行情况 is the column of what was
    done, 完成目标可能性(确定能、有可能、不可能) names a column by its choices and is no record field."""
    records = convert_text(tmp_path, MONITORING)
    assert [(scored(r)[2:5], r["actual"]) for r in records] == [
        (("成本", "定性", "年度预算220万元"), "按进度执行,已使用约40%"),
        (("社会效益", "定性", "开展研究和宣传,举办活动5场"), None),
    ]


PACKED_WORDS = ("绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
                "产出指标(50分) 数量指标 保障村干部人数 =42个 42 8 8 "
                "质量指标 补助资格合规性 合规 达成预期指标 8 8 经费审批流程规范性 严格执行相关制度规定 "
                "达成预期指标 8 8 时效指标 补助经费到位及时性 及时 达成预期指标 8 8\n")


def test_a_spaced_line_whose_rows_hold_words_where_numbers_would_be(tmp_path):
    """Two rows on one line, their values words (合规, 达成预期指标) rather than numbers: the line is cut
    where each piece reads best, not only where a number sits in a text column."""
    records = convert_text(tmp_path, PACKED_WORDS)
    assert [(scored(r)[2:5], r["actual"]) for r in records] == [
        (("保障村干部人数", "=", "42"), "42"),
        (("补助资格合规性", "定性", "合规"), "达成预期指标"),
        (("经费审批流程规范性", "定性", "严格执行相关制度规定"), "达成预期指标"),
        (("补助经费到位及时性", "定性", "及时"), "达成预期指标"),
    ]


TREE = """2020年项目绩效目标批复表

项目

指标值

 某市疾病预防控制中心

  狂犬、乙肝等疫苗

3000000

   产出指标

    成本指标(必填硬性指标)

     按照物价部门定价标准采购

100%

    时效指标(必填)

     疫苗提供及时率

≥95%

   效益指标

    社会效益指标(必填)

     满足辖区居民对常用疫苗的需求

100%

扫一扫在手机打开当前页
"""


def test_a_tree_export_whose_levels_show_only_by_the_indent(tmp_path):
    """No grid: 一级, 二级 and 三级 nodes told apart by their indent, each 三级's value on the unindented line
    below it; 成本指标 indented under 产出指标 is its 二级; the project's amount above the tree is no row."""
    records = convert_text(tmp_path, TREE)
    assert [scored(r)[:6] for r in records] == [
        ("产出指标", "成本指标", "按照物价部门定价标准采购", "=", "100", "%"),
        ("产出指标", "时效指标", "疫苗提供及时率", "≥", "95", "%"),
        ("效益指标", "社会效益指标", "满足辖区居民对常用疫苗的需求", "=", "100", "%"),
    ]
