"""Unrelated pages of a 部门决算 disclosure, drawn around the performance-goal table.

They carry ruled tables of numbers and prose, so an extractor has to find the
goal table by its header words rather than by page number or "first grid".
"""
from __future__ import annotations

import random

INCOME_ITEMS = ["一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入",
                "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
EXPENSE_ITEMS = ["一般公共服务支出", "公共安全支出", "教育支出", "科学技术支出", "社会保障和就业支出",
                 "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
                 "灾害防治及应急管理支出", "住房保障支出"]
PROSE = {
    "第一部分  部门概况": [
        "一、部门职责。本部门认真贯彻落实党中央、国务院和省委、省政府决策部署，按照市委、市政府工作要求，依法履行各项职能。",
        "二、机构设置。本部门内设机构{n1}个，下属二级预算单位{n2}个，其中行政单位{n3}个，参照公务员法管理的事业单位{n4}个。",
        "三、人员情况。年末实有人员编制{n5}人，在职人员{n6}人，离退休人员{n7}人。",
    ],
    "第三部分  {year}年度部门决算情况说明": [
        "一、收入支出决算总体情况说明。{year}年度收入总计{a}万元，支出总计{b}万元，与上年相比，收支总计各增加{c}万元，增长{p}%，主要原因是业务工作量增加。",
        "二、财政拨款收入支出决算总体情况说明。{year}年度财政拨款收入{d}万元，占本年收入的{q}%；财政拨款支出{e}万元，主要用于保障机构正常运转和完成年度重点工作任务。",
        "三、“三公”经费支出决算情况说明。{year}年度“三公”经费支出{f}万元，完成预算的{r}%，因公出国（境）费用支出0万元。",
        "四、机关运行经费支出情况。{year}年度机关运行经费支出{g}万元，比上年减少{h}万元，降低{s}%，主要原因是厉行节约，压减一般性支出。",
    ],
    "第四部分  名词解释": [
        "一、财政拨款收入：指本级财政当年拨付的资金。",
        "二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
        "三、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
        "四、“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
    ],
}


def _money(rng: random.Random, lo=5.0, hi=9000.0) -> str:
    return f"{rng.uniform(lo, hi):,.2f}"


def income_expense_table(rng: random.Random, dept: str, year: int) -> dict:
    """收入支出决算总表: six columns of items, line numbers and amounts."""
    rows = [["项目", "行次", "金额", "项目", "行次", "金额"]]
    inc = INCOME_ITEMS[:]
    exp = rng.sample(EXPENSE_ITEMS, k=rng.randint(6, 10))
    for i in range(max(len(inc), len(exp))):
        left = [inc[i], str(i + 1), _money(rng)] if i < len(inc) else ["", "", ""]
        right = [exp[i], str(i + 30), _money(rng)] if i < len(exp) else ["", "", ""]
        rows.append(left + right)
    rows.append(["本年收入合计", str(len(inc) + 1), _money(rng, 9000, 60000),
                 "本年支出合计", "60", _money(rng, 9000, 60000)])
    return {"title": "收入支出决算总表", "note": f"编制单位：{dept}    {year}年度    单位：万元    公开01表",
            "widths": [0.27, 0.06, 0.17, 0.27, 0.06, 0.17], "rows": rows}


def appropriation_table(rng: random.Random, dept: str, year: int) -> dict:
    """一般公共预算财政拨款支出决算表: subject codes and amounts."""
    rows = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
    for _ in range(rng.randint(8, 14)):
        code = f"{rng.randint(201, 229)}{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}"
        name = rng.choice(["行政运行", "一般行政管理事务", "机关服务", "事业运行", "其他支出",
                           "机关事业单位基本养老保险缴费支出", "住房公积金", "信息化建设", "专项业务"])
        a, b = rng.uniform(10, 3000), rng.uniform(0, 800)
        rows.append([code, name, f"{a + b:,.2f}", f"{a:,.2f}", f"{b:,.2f}"])
    return {"title": "一般公共预算财政拨款支出决算表", "note": f"编制单位：{dept}    {year}年度    单位：万元    公开05表",
            "widths": [0.14, 0.38, 0.16, 0.16, 0.16], "rows": rows}


def prose_page(rng: random.Random, year: int, heading: str | None = None) -> dict:
    heading = heading or rng.choice(list(PROSE))
    nums = {k: rng.randint(1, 60) for k in ("n1", "n2", "n3", "n4")}
    nums.update(n5=rng.randint(40, 300), n6=rng.randint(40, 300), n7=rng.randint(10, 120))
    nums.update({k: _money(rng, 100, 40000) for k in "abcdefgh"})
    nums.update({k: f"{rng.uniform(1, 99):.1f}" for k in "pqrs"})
    paras = [p.format(year=year, **nums) for p in PROSE[heading]]
    return {"title": heading.format(year=year), "paragraphs": paras}


def filler_pages(rng: random.Random, dept: str, year: int, n: int, *, tail: bool = False) -> list[dict]:
    """n filler page descriptions: prose first, then tables (tail pages: 名词解释)."""
    if tail:
        return [prose_page(rng, year, "第四部分  名词解释") for _ in range(n)]
    pages = [{"title": f"{year}年度{dept}部门决算", "paragraphs": ["目    录", "第一部分  部门概况",
              "第二部分  部门决算表", "第三部分  部门决算情况说明", "第四部分  名词解释"]}]
    makers = [lambda: prose_page(rng, year, "第一部分  部门概况"),
              lambda: income_expense_table(rng, dept, year),
              lambda: appropriation_table(rng, dept, year),
              lambda: prose_page(rng, year, "第三部分  {year}年度部门决算情况说明")]
    while len(pages) < n:
        pages.append(makers[min(len(pages) - 1, len(makers) - 1)]() if len(pages) <= len(makers)
                     else rng.choice(makers[1:])())
    return pages[:n]
