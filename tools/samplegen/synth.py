"""Synthesise extra filings (for benchmarks) by recombining and perturbing the hand specs.

Synthetic filings come in pairs: the same (new) department in two consecutive
years, with the same duties and partly changed goals, like the hand specs.
"""
from __future__ import annotations

import copy
import random
import re

HAND_PREFIXES = ["郴州市北湖区", "衡阳市", "株洲市", "岳阳市", "邵阳县", "常德市", "益阳市", "永州市"]
CITIES = ["长沙市", "湘潭市", "娄底市", "怀化市", "张家界市", "吉首市", "耒阳市", "醴陵市", "浏阳市",
          "宁乡市", "衡南县", "祁东县", "攸县", "华容县", "桃源县", "安化县", "新化县", "双峰县", "宜章县",
          "道县", "江华瑶族自治县", "芷江侗族自治县", "长沙市岳麓区", "湘潭市雨湖区", "株洲市天元区",
          "衡阳市南岳区", "岳阳市君山区", "常德市武陵区", "九江市", "赣州市", "宜春市", "上饶市", "南平市",
          "三明市", "遵义市", "曲靖市", "南充市", "绵阳市", "襄阳市", "宜昌市", "荆州市", "黄冈市", "信阳市",
          "南阳市", "商丘市", "临沂市", "潍坊市", "济宁市", "邯郸市", "保定市", "大同市", "榆林市", "天水市"]


def split_department(name: str) -> tuple[str, str]:
    """'衡阳市应急管理局' -> ('衡阳市', '应急管理局')."""
    for p in HAND_PREFIXES + CITIES:
        if name.startswith(p):
            return p, name[len(p):]
    m = re.match(r"^(.+?[市县区])(.+)$", name)
    return (m.group(1), m.group(2)) if m else ("", name)


def _level(city: str) -> str:
    return city[-1] if city[-1] in "市县区" else "市"


def _relocate(text, old_city: str, new_city: str):
    """Move a passage to another city: its name and 市委/全市 wording follow."""
    if text is None:
        return None
    text = text.replace(old_city, new_city)
    a, b = _level(old_city), _level(new_city)
    if a != b:
        for word in ("委、", "政府"):
            text = text.replace(a + word, b + word)
        text = text.replace("全" + a, "全" + b)
    return text


def _perturb_target(target: str, rng: random.Random) -> str:
    try:
        v = float(target)
    except (TypeError, ValueError):
        return target
    if v in (0, 100) or rng.random() > 0.35:
        return target
    nv = v * rng.uniform(0.8, 1.25)
    if "." in target:
        return f"{nv:.{len(target.split('.')[1])}f}"
    return str(max(1, round(nv)))


def synthesize(hand: list[dict], n: int, *, seed: int = 0) -> list[dict]:
    """n extra specs built from the hand specs (deterministic for a given seed)."""
    by_dept: dict[str, list[dict]] = {}
    for s in hand:
        by_dept.setdefault(split_department(s["department"])[1], []).append(s)
    kinds = sorted(by_dept)
    out = []
    for k in range(n):
        pair, second = divmod(k, 2)
        prng = random.Random(f"{seed}:pair:{pair}")
        kind = prng.choice(kinds)
        city = prng.choice(CITIES)
        year0 = prng.randint(2019, 2024)
        base_duties_src = prng.choice(by_dept[kind])
        drop = prng.randrange(1, len(base_duties_src["duties"]) - 1) if prng.random() < 0.3 else None
        rng = random.Random(f"{seed}:synth:{k}")
        base = copy.deepcopy(by_dept[kind][second % len(by_dept[kind])])
        old_city = split_department(base["department"])[0]
        reloc = lambda t: _relocate(t, old_city, city)  # noqa: E731
        duties = [reloc(d) for i, d in enumerate(base_duties_src["duties"]) if i != drop]
        goals = [reloc(g) for g in base["goals"]]
        pool = [reloc(g) for s in by_dept[kind] for g in s["goals"] if reloc(g) not in goals]
        if pool and rng.random() < 0.5:
            goals[rng.randrange(len(goals))] = rng.choice(pool)
        rows = []
        for r in base["indicators"]:
            r = {key: reloc(v) if isinstance(v, str) else v for key, v in r.items()}
            if r["level3"] and rng.random() < 0.08 and len(base["indicators"]) - len(rows) > 10:
                continue
            r["target"] = _perturb_target(r["target"], rng)
            expl = r["explanation"]
            quoted = any(expl == g for s in by_dept[kind] for g in (reloc(x) for x in s["goals"]))
            if expl and quoted and expl not in goals:
                r["explanation"] = rng.choice(goals)
            rows.append(r)
        out.append({"id": f"synth{k:05d}-{base['id'].rsplit('-', 1)[0]}-{year0 + second}",
                    "department": city + kind, "year": year0 + second,
                    "duties": duties, "goals": goals, "indicators": rows})
    return out
