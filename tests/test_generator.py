"""Tests of the sample generator (samples/): the garbling model, determinism, PDF grids."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
from samplegen import generate as gen
from samplegen.garble import clip_cell, garble_spec
from samplegen.render_text import _header_row, indicator_line, scoring_line

GENERATED = ROOT / "samples" / "generated"


# --------------------------------------------------------------------------- garble_cell
@pytest.mark.parametrize("text, capacity, clip, expected", [
    # capacity inside a CJK run: the rest of the run is one space
    ("（二）贯彻实施相关法律法规、部门规章、规划，组织起草", 9, None, "（二）贯彻实施相关 、部 、规 ，组 "),
    # the seed's goal 3, wholly past the capacity
    ("，打造统一指挥、专常兼备、反应灵敏、上下联动、平战结合的应急救援力量,提高防灾减灾救灾能力,确保人民群众生命财产安全。",
     0, None, "，打 、专 、反 、上 、平 ,提 ,确 。"),
    ("提高防灾减灾救灾能力,确保", 0, None, "提 ,确 "),
    # a one-character run keeps its character and gets no gap marker
    ("无重特大事故发生得5分，发生一起扣1分", 12, None, "无重特大事故发生得5分，发 1分"),
    ("（十）组织（十一）依法行使", 0, None, "（十）组 （十 ）依 "),
    # the hard clip: the end of the seed's goals cell
    ("目标7、提高应急处置能力。目标8、强化基层", 0, 12, "目 7、提 。目 8、强"),
    # an explanation from the seed, capacity and clip
    ("进一步提升安全监管水平，确确实现“三无”目标，为全市经济社会发展创造良好环境。", 16, 24,
     "进一步提升安全监管水平，确确实现“三 ”目 ，为"),
    ("短文本", 10, None, "短文本"),
])
def test_garble_cell_seed_examples(text, capacity, clip, expected):
    assert gen.garble_cell(text, capacity, clip) == expected


def test_narrow_cells_are_clipped():
    assert clip_cell("可持续影响指标", 6) == "可持续影响指"
    assert clip_cell("服务对象满意度指标", 6) == "服务对象满意"


def _seed_like_spec():
    row = lambda l1, l2, l3=None, op=None, t=None, u=None: {  # noqa: E731
        "level1": l1, "level2": l2, "level3": l3, "operator": op, "target": t, "unit": u,
        "explanation": None, "scoring_rule": None, "score": None, "remark": None}
    rows = [row("满意度指标", "服务对象满意度指标", "社会公众对工作的期望", "≥", "95", "%"),
            row("效益指标", "可持续影响指标", "发挥作用的期限", "定性", "长期"),
            row("效益指标", "经济效益指标"),
            row("成本指标", "社会成本指标"),
            row("效益指标", "社会效益指标", "提升应急救援能力强化应急队伍建设", "≥", "95", "%"),
            row("产出指标", "数量指标", "2、杜绝重特大事故发生。", "=", "0", "起")]
    rows[0].update(scoring_rule="无重特大事故发生得5分，发生一起扣1分", score=5)
    return {"id": "t", "department": "衡阳市应急管理局", "year": 2023, "duties": ["负责应急管理工作。"],
            "goals": ["立争。"], "indicators": rows}


def test_indicator_lines_match_the_seed():
    spec = _seed_like_spec()
    g = {"duties": {"capacity": 100, "clip": None}, "goals": {"capacity": 100, "clip": None},
         "level3": {"capacity": 15, "clip": 15}, "explanation": {"capacity": 40, "clip": None},
         "scoring_rule": {"capacity": 12, "clip": None},
         "widths": {"level1": 5, "level2": 6, "operator": 4, "target": 3, "unit": 3},
         "fullwidth_operators": False, "empty_tail": [None, None, 2, 3, None, None]}
    garbled = garble_spec(spec, g)
    lines = [indicator_line(r, t) for r, t in zip(garbled["rows"], g["empty_tail"])]
    assert lines == ["满意度指标服务对象满意社会公众对工作的期望 ≥ 95 %",
                     "效益指标 可持续影响指发挥作用的期限 定性 长期 /",
                     "效益指标 经济效益指标/ /",
                     "成本指标 社会成本指标/ / /",
                     "效益指标 社会效益指标提升应急救援能力强化应急队伍建≥ 95 %",
                     "产出指标 数量指标 2、杜绝重特大事故发生。 = 0 起"]
    assert _header_row(g["widths"]) == "一级指标 二级指标 三级指标 指标值类指标值计量单"
    assert scoring_line(garbled["rows"][0]) == "无重特大事故发生得5分，发 1分5"
    g["fullwidth_operators"] = True
    assert indicator_line(garble_spec(spec, g)["rows"][5], None).endswith("＝ 0 起")


# --------------------------------------------------------------------------- generate
def test_generate_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    gen.generate(a, seed=3, count=20, forms=["txt"])
    gen.generate(b, seed=3, count=20, forms=["txt"])
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    gen.generate(a, seed=3, count=2, forms=["pdf"])
    gen.generate(b, seed=3, count=2, forms=["pdf"])
    for f in a.glob("*.pdf"):
        assert f.read_bytes() == (b / f.name).read_bytes()
    c = tmp_path / "c"
    gen.generate(c, seed=4, count=2, forms=["txt"])
    assert any(f.read_bytes() != (a / f.name).read_bytes() for f in c.glob("*.txt"))


def test_synthetic_corpus(tmp_path):
    m = gen.generate(tmp_path, seed=0, count=40, forms=["txt"])
    assert len(m) == 40 and len({c["id"] for c in m}) == 40
    assert sum(c["source"] == "synthetic" for c in m) == 40 - len(gen.load_specs())


def _corpus(tmp_path_factory):
    if (GENERATED / "manifest.json").exists():
        return GENERATED
    out = tmp_path_factory.mktemp("generated")
    gen.generate(out)
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return _corpus(tmp_path_factory)


def _truths(d):
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(d.glob("*.truth.json"))]


def test_text_dumps_match_truth(corpus):
    for t in _truths(corpus):
        raw = (corpus / f"{t['id']}.txt").read_bytes()
        text = raw.decode(t["garble"]["encoding"])
        lines = text.split("\n")
        assert lines[0] == " 部门（单位）职年度履职目标"
        assert lines.count(" 年度履职目标") == 2
        n = len(t["indicators"])
        assert lines[7:7 + n] == [r["indicator_line"] for r in t["garbled"]["rows"]]
        assert lines[-1 - n:-1] == [r["scoring_line"] for r in t["garbled"]["rows"]]


def test_every_pdf_grid_is_found(corpus):
    import pdfplumber

    cols = ("level1", "level2", "level3", "operator", "target", "unit")
    for t in _truths(corpus):
        rows = t["garbled"]["rows"]
        body = {1: [], 2: [], 3: []}
        with pdfplumber.open(corpus / f"{t['id']}.pdf") as pdf:
            assert len(pdf.pages) == len(t["pdf_layout"]["pages"])
            for pl in t["pdf_layout"]["pages"]:
                if not pl["kind"].startswith("fragment"):
                    continue
                page = pdf.pages[pl["page"] - 1]
                assert "(cid:" not in (page.extract_text() or "")
                tables = page.find_tables()
                assert len(tables) == 1, (t["id"], pl["page"])
                data = tables[0].extract()
                n = pl["rows"][1] - pl["rows"][0]
                assert len(data) == n + (1 if pl["continuation"] else 5)
                if not pl["continuation"]:
                    duties = next(c for c in data[1][1:] if c)
                    assert "\n" in duties  # wrapped onto several lines
                    assert duties.replace("\n", "").replace(" ", "") == \
                        t["garbled"]["duties"].replace(" ", "")
                body[pl["fragment"]] += data[len(data) - n:]
        assert all(len(b) == len(rows) for b in body.values()), t["id"]
        for r, cells in zip(rows, body[1]):
            got = [(c or "").replace("\n", "") for c in cells]
            if cells[0] is None:  # inside a merged 一级指标 cell
                got[0] = r["level1"]
            # pdfplumber strips a cell's trailing gap marker
            assert got == [r[k].rstrip(" ") for k in cols], t["id"]
        for r, cells in zip(rows, body[2]):
            assert (cells[0] or "").replace("\n", "").replace(" ", "") == r["explanation"].replace(" ", "")
