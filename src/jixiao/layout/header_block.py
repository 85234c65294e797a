"""The header block above an indicator table: department, project, goals, year, kind.

Labels differ by family (部门(单位)名称, 预算单位, 单位信息, 项目名称, 年度总体目标,
整体目标, 本年度绩效目标 …); they are listed here and nowhere else.
"""

from __future__ import annotations

import re
from typing import Optional

from .vocabulary import normalise
from .vocabulary_file import builtin, current

# The labels are data (vocabulary.toml, [labels]); these are the built-in vocabulary's, for code that
# needs no user's words. The reader asks labels(kind) for the vocabulary in force.
DEPARTMENT_LABELS: tuple[str, ...] = builtin().labels["department"]
"""Most specific first: 预算单位 is the filer; 主管部门 and 实施单位 are used only when nothing better is printed."""
DEPARTMENT_PREFERENCE: tuple[str, ...] = DEPARTMENT_LABELS
PROJECT_LABELS: tuple[str, ...] = builtin().labels["project"]
GOAL_LABELS: tuple[str, ...] = builtin().labels["goals"]
"""Most wanted first: a project's 本年度 goal is taken over its 实施期 goal."""
PERIOD_LABELS: tuple[str, ...] = builtin().labels["period"]
BUDGET_LABELS: tuple[str, ...] = builtin().labels["budget"]

KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("自评", "self_evaluation"),
    ("项目支出", "project"),
    ("项目绩效", "project"),
    ("整体支出", "department"),
    ("部门整体", "department"),
)

FURNITURE = re.compile(
    r"^\s*(填表人|填报人|联系电话|填报日期|填表日期|单位负责人|财务负责人|审核人|扫一扫|相关解读|相关链接|"
    r"全部留言|评论|有用|打印|关闭|分享|\[|【打印|上一篇|下一篇|附件\s*[\d:：]|来源|发布时间|浏览次数|"
    r"财政部门审核意见|主管部门审核意见|审核意见|[.。…·]*总分|合计|总计|评价结论|存在问题|内容保障|版权所有|主办单位|网站标识码|.{0,8}ICP备|"
    r"注\s*\d*\s*[:：]|说明\s*[:：]|填表说明|上报时间|报送时间|经办人|"
    r"qrcode|手机扫码|扫码|关注微信|下载APP|返回顶部)"
)
"""Page furniture and sign-off lines: never indicator rows."""

SIGN_OFF = re.compile(r"其他需要?说明|审核意见|初审意见|审批意见|[(（]盖章[)）]|签字|签章|绩效目标表|绩效自评表|目标申报表|目标审批表|返回】|【关闭")
"""Approval boxes below the table (财政部门支出股室初审意见 (盖章)) or the title of the next table:
the table has ended."""

YEAR = re.compile(r"(20\d{2})\s*年")


def labels(kind: str) -> tuple[str, ...]:
    """The header-block labels of one kind (department, project, goals, period, budget) in the
    vocabulary in force, most specific first."""
    return current().labels.get(kind, ())


def all_labels() -> tuple[str, ...]:
    """Every header-block label of the vocabulary in force."""
    return tuple(label for names in current().labels.values() for label in names)


def match_label(text: str, labels: tuple[str, ...]) -> Optional[tuple[str, str]]:
    """(label, rest) when the text starts with one of the labels; rest is what follows it."""
    compact = normalise(text)
    for label in labels:
        key = normalise(label)
        if compact.startswith(key):
            # find where the label ends in the original text (it may hold spaces or full-width brackets)
            consumed, i = 0, 0
            while i < len(text) and consumed < len(key):
                if normalise(text[i]):
                    consumed += len(normalise(text[i]))
                i += 1
            rest = text[i:].lstrip(" :：\t|")
            return label, rest.strip()
    return None


_NEXT_LABEL = re.compile(r"\s+(?:填报日期|填表日期|填报时间|联系电话|联系人|填表人|填报人|金额单位|单位)\s*[:：].*$")


def strip_code(department: str) -> str:
    """'324001-甘孜藏族自治州市场监督管理局机关', '[103]…' → the name: budget codes are not part of it, nor the next
    label a page printed on the same line ('保山市退役军人事务局 填报日期:2023年4月6日')."""
    name = _NEXT_LABEL.sub("", department)
    name = re.sub(r"^\s*[\[［(（]\s*\d+\s*[\]］)）]\s*", "", name)  # '[103]六安市…': the code in brackets
    return re.sub(r"^\s*[\dA-Za-z]+\s*[-－_—]\s*", "", name).strip()


def looks_like_name(text: str) -> bool:
    """A department or project value must hold Chinese text, not pipes or an amount unit."""
    stripped = text.strip()
    if len(re.findall(r"[\u4e00-\u9fff]", stripped)) < 2:
        return False
    if re.search(r"盖章|金额单位|单位[:：]|万元\s*$|^[(（]?万?元[)）]?$|\|", stripped):
        return False
    return True


def kind_of(text: str) -> Optional[str]:
    """The document kind its earliest kind word names (the title comes first); 自评 anywhere wins,
    since a 项目支出绩效自评表 is a self-evaluation of a project."""
    if "自评" in text:
        return "self_evaluation"
    found = [(text.find(word), kind) for word, kind in KIND_WORDS if word in text]
    return min(found)[1] if found else None


# ---------------------------------------------------------------------------- the seed's split layout

# Each fragment of the split layout repeats a block of label | value lines (部门(单位)名称, 部门(单位)职责,
# 年度履职目标). The labels are often clipped ("部门单位名", "部门（单位）职", "年度总体目"), so each pattern
# accepts any prefix that still identifies the label.
DEPARTMENT_LABEL = re.compile(r"^\s*(?:部门\s*[（(]?\s*单位\s*[）)]?\s*名称?|单位名称|部门名称)\s*[:：]?")
DUTIES_LABEL = re.compile(r"^\s*部门\s*[（(]?\s*单位\s*[）)]?\s*职责?\s*[:：]?")
GOALS_LABEL = re.compile(r"^\s*年度(?:总体|履职)?目标?\s*[:：]?")
TITLE_WORDS = ("年度履职目标", "绩效目标表")
"""Words of the title line that opens a split fragment's header block."""


def strip_label(text: str, label: re.Pattern) -> tuple[str, bool]:
    """``text`` without the split layout's ``label`` at its start, and whether it had one."""
    match = label.match(text)
    if not match or match.end() == 0:
        return text, False
    return text[match.end():], True
