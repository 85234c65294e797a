"""The seed's split layout (three column groups, each under the header block), laid out afresh.

Pages are portrait, cells are rectangles with their own padding, and the font
size and column widths are the caller's: nothing here is taken from
``samplegen.render_pdf``. The result is a list of pages, each a list of
:class:`Box` and :class:`Text` items in PDF coordinates (origin bottom left),
for a writer to draw with whatever fonts it has; ``measure`` is that writer's
width of a string, so that what is wrapped here fits what is drawn there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

Measure = Callable[[str, float], float]

HEADER_LABELS = ("部门（单位）名称", "部门（单位）职责", "年度总体目标")
COLUMNS = {
    1: (("一级指标", 0.11), ("二级指标", 0.13), ("三级指标", 0.30), ("指标值类型", 0.13), ("指标值", 0.16),
        ("计量单位", 0.17)),
    2: (("指标解释", 1.0),),
    3: (("评（扣）分标准", 0.68), ("分值", 0.14), ("备注", 0.18)),
}
NUMERALS = "一二三四五六七八九十"


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Text:
    x: float
    y: float  # baseline
    size: float
    text: str


@dataclass
class Geometry:
    """Everything about the page that a held-out file varies."""

    width: float = 595.0
    height: float = 842.0
    margin: float = 36.0
    font_size: float = 10.5
    leading: float = 1.45  # line height, in font sizes
    pad_x: float = 4.0
    pad_y: float = 4.0
    label_width: float = 118.0


def duties_text(duties: list[str]) -> str:
    return "".join(f"{NUMERALS[k] if k < 10 else k + 1}、{d}" for k, d in enumerate(duties))


def goals_text(goals: list[str]) -> str:
    return "".join(f"目标{k + 1}：{g}" for k, g in enumerate(goals))


def fragment_rows(spec: dict, fragment: int) -> list[list[str]]:
    rows = spec["indicators"]
    if fragment == 1:
        return [[r["level1"] or "", r["level2"] or "", r["level3"] or "", r["operator"] or "", r["target"] or "",
                 r["unit"] or ""] for r in rows]
    if fragment == 2:
        return [[r["explanation"] or "/"] for r in rows]
    return [[r["scoring_rule"] or "", "/" if r["score"] is None else str(r["score"]), r["remark"] or ""]
            for r in rows]


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Greedy lines of at most ``width`` points; an empty text is one empty line."""
    lines, line = [], ""
    for char in text:
        if line and measure(line + char, size) > width:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    return lines


class _Page:
    def __init__(self, geometry: Geometry, measure: Measure):
        self.g, self.measure = geometry, measure
        self.items: list = []
        self.y = geometry.height - geometry.margin

    def room(self) -> float:
        return self.y - self.g.margin

    def row_height(self, cells: list[tuple[float, float, str]]) -> float:
        g = self.g
        lines = max(len(wrap(t, x1 - x0 - 2 * g.pad_x, g.font_size, self.measure)) for x0, x1, t in cells)
        return lines * g.font_size * g.leading + 2 * g.pad_y

    def row(self, cells: list[tuple[float, float, str]], height: Optional[float] = None) -> None:
        """Cells (x0, x1, text) side by side, each a rectangle with its lines centred in it."""
        g = self.g
        height = height or self.row_height(cells)
        top, bottom = self.y, self.y - height
        for x0, x1, text in cells:
            self.items.append(Box(x0, bottom, x1, top))
            lines = wrap(text, x1 - x0 - 2 * g.pad_x, g.font_size, self.measure)
            block = len(lines) * g.font_size * g.leading
            baseline = top - (height - block) / 2 - g.font_size * (g.leading - 1) / 2 - g.font_size * 0.88
            for line in lines:
                if line:
                    self.items.append(Text(x0 + g.pad_x, baseline, g.font_size, line))
                baseline -= g.font_size * g.leading
        self.y = bottom

    def line(self, text: str, size: float, *, centred: bool = True, gap: float = 6.0) -> None:
        g = self.g
        self.y -= size
        x = (g.width - self.measure(text, size)) / 2 if centred else g.margin
        self.items.append(Text(x, self.y, size, text))
        self.y -= gap


def layout(spec: dict, geometry: Geometry, measure: Measure) -> list[list]:
    """The pages of one filing: fragment 1, 2 and 3 one after the other, each going on over as
    many pages as its rows need (a continuation page says 续表 and repeats the column headers)."""
    pages: list[list] = []
    for fragment in (1, 2, 3):
        pages.extend(_fragment(spec, fragment, geometry, measure))
    return pages


def _fragment(spec: dict, fragment: int, g: Geometry, measure: Measure) -> list[list]:
    left, right = g.margin, g.width - g.margin
    xs = [left]
    for _, share in COLUMNS[fragment]:
        xs.append(xs[-1] + share * (right - left))
    xs[-1] = right
    labels = [label for label, _ in COLUMNS[fragment]]
    drawn = spec.get("cells", {})  # the header block's long cells as a garbled spec draws them (.garble)
    block = [(HEADER_LABELS[0], spec["department"]),
             (HEADER_LABELS[1], drawn.get("duties") or duties_text(spec["duties"])),
             (HEADER_LABELS[2], drawn.get("goals") or goals_text(spec["goals"]))]
    body = fragment_rows(spec, fragment)
    pages, k = [], 0
    while k < len(body) or not pages:
        page = _Page(g, measure)
        if not pages:
            page.line("部门整体支出绩效目标表", g.font_size + 5)
            page.line(f"（{spec['year']}年度）", g.font_size)
            for label, value in block:
                page.row([(left, left + g.label_width, label), (left + g.label_width, right, value)])
            page.row([(left, right, "绩效指标")])
        else:
            page.line("（续表）", g.font_size, centred=False)
        page.row([(xs[i], xs[i + 1], label) for i, label in enumerate(labels)])
        start = k
        while k < len(body):
            cells = [(xs[i], xs[i + 1], text) for i, text in enumerate(body[k])]
            if page.row_height(cells) > page.room() and k > start:
                break
            page.row(cells)
            k += 1
        pages.append(page.items)
    return pages
