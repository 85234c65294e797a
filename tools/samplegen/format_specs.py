"""The table specs of samples/formats/: five whole filings as departments publish them outside
the seed's split layout (a title, a header block of label → value pairs, the indicator table's
columns and rows), one per layout family. render_formats.py writes each in every format.
"""

# column key → header as printed
BUDGET_EXPORT = {
    "id": "ganzi-budget-export-2024",
    "title": "2024年部门整体支出绩效目标表",
    "kind": "department",
    "year": 2024,
    "department": "甘孜藏族自治州市场监督管理局机关",
    "block": [("预算单位", "324001-甘孜藏族自治州市场监督管理局机关"), ("年度预算金额(万元)", "2680.35")],
    "budget": [{"label": "年度预算金额", "amount": 2680.35, "unit": "万元"}],
    "project": None, "period": None,
    "columns": [("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"), ("operator", "指标性质"),
                ("target", "指标值"), ("unit", "度量单位"), ("weight", "权重(%)"), ("direction", "指标方向性")],
    "rows": [
        {"level1": "产出指标", "level2": "数量指标", "level3": "开展食品安全抽检批次", "operator": "≥",
         "target": "3000", "unit": "批次", "weight": 20, "direction": "正向"},
        {"level1": "产出指标", "level2": "数量指标", "level3": "特种设备定期检验数量", "operator": "≥",
         "target": "1200", "unit": "台", "weight": 15, "direction": "正向"},
        {"level1": "产出指标", "level2": "质量指标", "level3": "抽检不合格食品核查处置率", "operator": "=",
         "target": "100", "unit": "%", "weight": 15, "direction": "正向"},
        {"level1": "产出指标", "level2": "时效指标", "level3": "投诉举报按时办结率", "operator": "≥",
         "target": "95", "unit": "%", "weight": 10, "direction": "正向"},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "较大食品安全事故发生次数", "operator": "≤",
         "target": "0", "unit": "次", "weight": 20, "direction": "反向"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "市场主体满意度", "operator": "≥",
         "target": "90", "unit": "%", "weight": 20, "direction": "正向"},
    ],
}

PROJECT_TABLE = {
    "id": "xiangtan-project-2023",
    "title": "2023年度项目支出绩效目标申报表",
    "kind": "project",
    "year": 2023,
    "department": "湘潭市城市管理和综合执法局",  # 主管部门 is taken over 实施单位 (layout/header_block.py)
    "block": [("项目名称", "城区道路清扫保洁经费"), ("主管部门", "湘潭市城市管理和综合执法局"),
              ("实施单位", "湘潭市环境卫生管理处"), ("项目属性", "延续项目"),
              ("资金总额(万元)", "860"), ("实施期", "2023年1月至2023年12月")],
    "budget": [{"label": "资金总额", "amount": 860, "unit": "万元"}],
    "project": "城区道路清扫保洁经费", "period": "2023年1月至2023年12月",
    "row_label": "年度绩效目标",
    "columns": [("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
                ("target", "指标值及单位"), ("score", "分值"), ("explanation", "指标解释")],
    "rows": [
        {"level1": "产出指标", "level2": "数量指标", "level3": "主次干道清扫保洁面积", "target": "≥320万平方米",
         "score": 20, "explanation": "反映年度清扫保洁的道路面积"},
        {"level1": "产出指标", "level2": "数量指标", "level3": "生活垃圾清运量", "target": "≥9.5万吨",
         "score": 15, "explanation": "反映年度清运的生活垃圾总量"},
        {"level1": "产出指标", "level2": "质量指标", "level3": "道路保洁达标率", "target": "≥95%",
         "score": 15, "explanation": "达标路段占检查路段的比例"},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "城市环境卫生状况", "target": "明显改善",
         "score": 20, "explanation": "反映城区市容环境卫生的改善情况"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "市民满意度", "target": "≥90%",
         "score": 10, "explanation": "抽样调查市民对环卫作业的满意程度"},
    ],
}

SELF_EVALUATION = {
    "id": "yueyang-self-evaluation-2023",
    "title": "2023年度项目支出绩效自评表",
    "kind": "self_evaluation",
    "year": 2023,
    "department": "岳阳市卫生健康委员会",
    "block": [("项目名称", "基本公共卫生服务补助资金"), ("主管部门", "岳阳市卫生健康委员会"),
              ("年度预算金额(万元)", "1520"), ("实施期", "2023年度")],
    "budget": [{"label": "年度预算金额", "amount": 1520, "unit": "万元"}],
    "project": "基本公共卫生服务补助资金", "period": "2023年度",
    "columns": [("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
                ("target", "年度指标值"), ("actual", "实际完成值"), ("score", "分值"), ("points", "得分"),
                ("deviation", "偏差原因分析及改进措施")],
    "rows": [
        {"level1": "产出指标", "level2": "数量指标", "level3": "65岁以上老年人健康管理人数", "target": "≥12万人",
         "actual": "12.6万人", "score": 20, "points": 20, "deviation": None},
        {"level1": "产出指标", "level2": "质量指标", "level3": "高血压患者规范管理率", "target": "≥62%",
         "actual": "60%", "score": 20, "points": 18, "deviation": "部分患者随访不及时，下年加强随访"},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "居民健康素养水平", "target": "≥25%",
         "actual": "26.1%", "score": 20, "points": 20, "deviation": None},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "居民满意度", "target": "≥85%",
         "actual": "88%", "score": 10, "points": 10, "deviation": None},
    ],
}

MERGED_CELL = {
    "id": "ningde-merged-cell-2023",
    "title": "2023年度部门整体支出绩效目标表",
    "kind": "department",
    "year": 2023,
    "department": "宁德市地方志编纂委员会办公室",
    "block": [("部门(单位)名称", "宁德市地方志编纂委员会办公室"), ("资金总额(万元)", "171.41")],
    "budget": [{"label": "资金总额", "amount": 171.41, "unit": "万元"}],
    "project": None, "period": None,
    "columns": [("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
                ("explanation", "指标解释"), ("target", "目标值")],
    "rows": [
        {"level1": "产出指标", "level2": "数量指标", "level3": "编纂出版地方志书册数", "explanation": "反映年度出版的志书数量",
         "target": "≥3册"},
        {"level1": "产出指标", "level2": "数量指标", "level3": "开展地情调研次数", "explanation": "反映年度地情调研的次数",
         "target": "12次"},
        {"level1": "产出指标", "level2": "质量指标", "level3": "志书审稿合格率", "explanation": "审稿合格的书稿占全部书稿的比例",
         "target": "100%"},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "地情资料服务社会", "explanation": "反映地情资料的社会利用情况",
         "target": "有效提升"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "读者满意度", "explanation": "抽样调查读者的满意程度",
         "target": "≥90%"},
    ],
}

SINGLE_TABLE = {
    "id": "yongzhou-single-table-2023",
    "title": "2023年度部门整体支出绩效目标",
    "kind": "department",
    "year": 2023,
    "department": "永州市民政局",
    "block": [("部门名称", "永州市民政局"), ("年度预算金额(万元)", "5230.6")],
    "budget": [{"label": "年度预算金额", "amount": 5230.6, "unit": "万元"}],
    "project": None, "period": None,
    "columns": [("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"), ("operator", "指标值类型"),
                ("target", "指标值"), ("unit", "计量单位"), ("explanation", "指标解释"),
                ("scoring_rule", "评(扣)分标准"), ("score", "分值")],
    "rows": [
        {"level1": "产出指标", "level2": "数量指标", "level3": "城乡低保对象救助人数", "operator": "≥", "target": "42000",
         "unit": "人", "explanation": "反映年度纳入低保救助的人数", "scoring_rule": "达到目标得20分，每少1%扣1分", "score": 20},
        {"level1": "产出指标", "level2": "质量指标", "level3": "救助资金发放准确率", "operator": "=", "target": "100",
         "unit": "%", "explanation": "准确发放的资金占应发资金的比例", "scoring_rule": "每降低1%扣2分", "score": 20},
        {"level1": "产出指标", "level2": "时效指标", "level3": "救助资金按月发放率", "operator": "=", "target": "100",
         "unit": "%", "explanation": "按月足额发放的比例", "scoring_rule": "延迟一月扣2分", "score": 10},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "困难群众基本生活保障", "operator": "定性",
         "target": "有效保障", "unit": None, "explanation": "反映困难群众基本生活保障情况",
         "scoring_rule": "有效保障得20分，基本保障得10分", "score": 20},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "救助对象满意度", "operator": "≥", "target": "90",
         "unit": "%", "explanation": "抽样调查救助对象的满意程度", "scoring_rule": "每降低1%扣1分", "score": 10},
    ],
}

SPECS = (BUDGET_EXPORT, PROJECT_TABLE, SELF_EVALUATION, MERGED_CELL, SINGLE_TABLE)
