"""The garbling model: how a filing's cells get truncated on the way to a text dump.

It mimics the seed filing (``seed_hengyang_emergency_management.txt``):

* a wide cell keeps its first ``capacity`` characters intact; after that every
  maximal run of CJK characters keeps only its first character plus one space
  (a run of one character is kept as it is: nothing was lost), while
  punctuation, digits and latin are kept as they are;
* a cell may also be hard-clipped to ``clip`` characters (the end of the goals
  cell in the seed: "…目 7、提 目 8、强");
* narrow cells (一级指标, 二级指标) are simply clipped to their width.

``choose_garble`` draws the per-filing parameters from a seeded RNG and
``garble_spec`` applies them to a spec once; both renderers (text dump and PDF)
draw the strings that ``garble_spec`` returns.
"""
from __future__ import annotations

import random

CN_NUMERALS = "一二三四五六七八九十"
FULLWIDTH_OPS = {"=": "＝", ">": "＞", "<": "＜"}
EMPTY = "/"


def is_cjk(ch: str) -> bool:
    """A CJK ideograph (the only characters that collapse; punctuation never does)."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF
            or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F)


def garble_cell(text: str, capacity: int, clip: int | None = None) -> str:
    """Garble one cell's text.

    >>> garble_cell("提高防灾减灾救灾能力,确保安全", 0)
    '提 ,确 '
    >>> garble_cell("无重特大事故发生得5分，发生一起扣1分", 12, 16)
    '无重特大事故发生得5分，发 1分'
    """
    n = len(text)
    if n <= capacity:
        out = text
    else:
        parts = [text[:capacity]]
        i = capacity
        if i > 0 and is_cjk(text[i - 1]) and is_cjk(text[i]):
            # the capacity falls inside a CJK run: the rest of that run is one space
            while i < n and is_cjk(text[i]):
                i += 1
            parts.append(" ")
        while i < n:
            ch = text[i]
            if is_cjk(ch):
                j = i + 1
                while j < n and is_cjk(text[j]):
                    j += 1
                # a one-character run loses nothing, so it gets no gap marker
                # (seed: "（三）指 ，建 " but "（十一）" -> "（十 ）")
                parts.append(ch + " " if j - i > 1 else ch)
                i = j
            else:
                parts.append(ch)
                i += 1
        out = "".join(parts)
    if clip is not None:
        out = out[:clip]
    return out


def clip_cell(text: str, width: int) -> str:
    """A narrow cell: clipped to its width, no marker."""
    return text[:width]


def cn_numeral(n: int) -> str:
    """1 -> 一, 11 -> 十一, 20 -> 二十 (enough for duty labels)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMERALS[tens - 1]
    return head + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def duties_cell(duties: list[str]) -> str:
    """（一）text（二）text… — the duties cell before garbling."""
    return "".join(f"（{cn_numeral(i)}）{d}" for i, d in enumerate(duties, 1))


def goals_cell(goals: list[str]) -> str:
    """目标:1、g1目标2、g2… — the goals cell before garbling (the seed's form)."""
    parts = []
    for i, g in enumerate(goals, 1):
        parts.append(f"目标:{i}、{g}" if i == 1 else f"目标{i}、{g}")
    return "".join(parts)


def _span(rng: random.Random, lo: int, hi: int) -> int:
    return rng.randint(lo, hi)


def choose_garble(spec: dict, rng: random.Random, *, wide_duties: bool | None = None) -> dict:
    """Draw the garbling parameters for one filing (all recorded in the truth file).

    wide_duties: the duties cell is drawn wide (small font), so 70-100 % of it
    survives; otherwise 80-250 characters do.  None: decided at random."""
    duties_len = len(duties_cell(spec["duties"]))
    goals_len = len(goals_cell(spec["goals"]))
    g: dict = {}
    if wide_duties is None:
        wide_duties = rng.random() < 0.35
    # wide header cells: early items survive, later ones collapse
    if wide_duties:
        cap = int(duties_len * rng.uniform(0.7, 1.05))
    else:
        cap = min(_span(rng, 80, 250), max(40, duties_len - 20))
    g["duties"] = {"capacity": cap, "clip": None}
    gc = min(_span(rng, 80, 250), max(40, goals_len - 30))
    g["goals"] = {"capacity": gc,
                  "clip": rng.choice([None, gc + _span(rng, 60, 200)])}
    c3 = _span(rng, 11, 18)
    g["level3"] = {"capacity": c3, "clip": c3 + rng.choice([0, 0, 1, 2, 3, 5])}
    ce = _span(rng, 28, 110)
    g["explanation"] = {"capacity": ce, "clip": rng.choice([None, None, ce + _span(rng, 8, 40)])}
    cs = _span(rng, 10, 20)
    g["scoring_rule"] = {"capacity": cs, "clip": cs + _span(rng, 2, 8)}
    g["widths"] = {
        "level1": rng.choice([5, 5, 5, 6, 4]),
        "level2": rng.choice([6, 6, 6, 5, 7]),
        # header-row widths (指标值类型 / 指标值 / 计量单位), seed: 4 / 3 / 3
        "operator": rng.choice([4, 4, 5]),
        "target": rng.choice([3, 3, 4]),
        "unit": rng.choice([3, 3, 4]),
    }
    g["fullwidth_operators"] = rng.random() < 0.3
    # rows with nothing filed after 二级指标 print 2..4 "/" (seed: "/ /" and "/ / /")
    g["empty_tail"] = [rng.choice([2, 2, 3, 3, 4]) if _is_empty_row(r) else None
                       for r in spec["indicators"]]
    return g


def _is_empty_row(row: dict) -> bool:
    return all(row.get(k) in (None, "") for k in ("level3", "operator", "target", "unit"))


def _val(v) -> str:
    return EMPTY if v in (None, "") else str(v)


def garble_spec(spec: dict, garble: dict) -> dict:
    """Apply the garbling parameters to every cell of a spec.

    Returns the exact strings both renderers draw: ``"/"`` for empty cells, and
    per row a ``glue`` flag list telling the text dump which cells are glued to
    the next one because they fill (or overflow) their column.
    """
    w = garble["widths"]
    fullwidth = garble.get("fullwidth_operators", False)
    out = {
        "department": spec["department"],
        "duties": garble_cell(duties_cell(spec["duties"]), **garble["duties"]),
        "goals": garble_cell(goals_cell(spec["goals"]), **garble["goals"]),
        "rows": [],
    }
    for row in spec["indicators"]:
        l1, l2, l3 = (row.get(k) or "" for k in ("level1", "level2", "level3"))
        g1 = clip_cell(l1, w["level1"]) or EMPTY
        g2 = clip_cell(l2, w["level2"]) or EMPTY
        g3 = garble_cell(l3, **garble["level3"]) if l3 else EMPTY
        op = row.get("operator")
        if op and fullwidth:
            op = FULLWIDTH_OPS.get(op, op)
        rule = row.get("scoring_rule")
        r = {
            "level1": g1, "level2": g2, "level3": g3,
            "operator": _val(op), "target": _val(row.get("target")), "unit": _val(row.get("unit")),
            "explanation": garble_cell(row["explanation"], **garble["explanation"])
            if row.get("explanation") else EMPTY,
            "scoring_rule": garble_cell(rule, **garble["scoring_rule"]) if rule else EMPTY,
            "score": row.get("score"),
            "remark": row.get("remark"),
        }
        r["glue"] = [len(l1) >= w["level1"], len(l2) >= w["level2"],
                     len(l3) > garble["level3"]["capacity"], False, False]
        out["rows"].append(r)
    return out
