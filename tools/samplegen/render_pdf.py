"""Render a garbled filing as a text-layer PDF: a ruled lattice table, one fragment per page.

Page: landscape A4 (842 x 595 pt).  Every cell border is a real line object
(no rects), drawn once per segment, so pdfplumber's lattice finder sees the grid.
Font: reportlab's built-in CID font STSong-Light (no font file is embedded).
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .filler import filler_pages
from .garble import garble_spec
from .render_text import scoring_line

FONT = "STSong-Light"
PAGE_W, PAGE_H = landscape(A4)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 40.0, 48.0, 42.0
PAD_X, PAD_Y, LINE_W = 3.0, 3.0, 0.6
HEADER_LABELS = ("部门（单位）名称", "部门（单位）职责", "年度总体目标")
FRAG1_COLS = ("一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位")
FRAG1_FRACS = (0.09, 0.12, 0.38, 0.12, 0.15, 0.14)
FRAG3_COLS = ("评（扣）分标准", "分值", "备注")
FRAG3_FRACS = (0.70, 0.12, 0.18)
# The seed's own header cells (variant "seed_headers"): clipped to the width of the seed's
# text export, and the score in the column headed 备注 (the seed has no 分值 column).
SEED_FRAG1_COLS = ("一级指标", "二级指标", "三级指标", "指标值类", "指标值", "计量单")
SEED_FRAG3_COLS = ("评/扣分标准", "备注")

_registered = False


@contextmanager
def raw_streams():
    """Write PDF streams Flate-compressed without ASCII85 (a quarter smaller) while inside, and
    put reportlab's setting back after: a PDF's bytes must not depend on what was drawn before it
    in the same process."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def _register_font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


def choose_pdf_layout(rng: random.Random) -> dict:
    """Per-filing page geometry (recorded in the truth file under garble.pdf)."""
    def jitter(fracs):
        xs = [f * rng.uniform(0.9, 1.1) for f in fracs]
        s = sum(xs)
        return [round(x / s, 4) for x in xs]
    return {"font_size": rng.choice([8.0, 8.5, 9.0, 9.5]),
            "label_width": rng.choice([96.0, 104.0, 112.0]),
            "frag1_fracs": jitter(FRAG1_FRACS), "frag3_fracs": jitter(FRAG3_FRACS)}


def wrap(text: str, width: float, fs: float) -> list[str]:
    """Greedy wrap by glyph width; a space never starts a line (it hangs at the end)."""
    lines, cur, w = [], "", 0.0
    for ch in text:
        cw = pdfmetrics.stringWidth(ch, FONT, fs)
        if cur and w + cw > width and ch != " ":
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    lines.append(cur)
    return lines


class _Page:
    """Lays rows out top-down on one page and draws text plus deduplicated border lines."""

    def __init__(self, c: canvas.Canvas, fs: float, top: float, page_w: float = PAGE_W):
        self.c, self.fs, self.lead, self.page_w = c, fs, fs * 1.3, page_w
        self.y = top
        self.segments: set[tuple] = set()
        self.top = top

    def height(self, cells) -> float:
        n = max(len(wrap(t, x1 - x0 - 2 * PAD_X, self.fs)) for x0, x1, t in cells if t is not None)
        return n * self.lead + 2 * PAD_Y

    def _text(self, x0, x1, top, bottom, text):
        lines = wrap(text, x1 - x0 - 2 * PAD_X, self.fs)
        block = len(lines) * self.lead
        y = top - (top - bottom - block) / 2 - (self.lead - self.fs) / 2 - self.fs * 0.88
        for line in lines:
            self.c.drawString(x0 + PAD_X, y, line)
            y -= self.lead

    def _box(self, x0, x1, top, bottom):
        r = lambda v: round(v, 2)  # noqa: E731
        self.segments.update({(r(x0), r(top), r(x1), r(top)), (r(x0), r(bottom), r(x1), r(bottom)),
                              (r(x0), r(bottom), r(x0), r(top)), (r(x1), r(bottom), r(x1), r(top))})

    def rows(self, rows: list[list], merges: list[tuple] = ()) -> list[float]:
        """Draw rows of cells (x0, x1, text); text None = covered by a merged cell above.

        merges: (col, first_row, last_row) — the cell of rows[first_row][col] spans down.
        Returns the row tops (pdf coordinates)."""
        heights = [self.height(r) for r in rows]
        tops = []
        y = self.y
        for h in heights:
            tops.append(y)
            y -= h
        bottoms = [t - h for t, h in zip(tops, heights)]
        spans = {(first, col): last for col, first, last in merges}
        self.c.setFont(FONT, self.fs)
        for i, row in enumerate(rows):
            for col, (x0, x1, text) in enumerate(row):
                if text is None:
                    continue
                last = spans.get((i, col), i)
                self._box(x0, x1, tops[i], bottoms[last])
                self._text(x0, x1, tops[i], bottoms[last], text)
        self.y = y
        return tops

    def finish(self, number: int) -> None:
        self.c.setLineWidth(LINE_W)
        for x0, y0, x1, y1 in sorted(self.segments):
            self.c.line(x0, y0, x1, y1)
        self.c.setFont(FONT, 9)
        self.c.drawCentredString(self.page_w / 2, 20, f"- {number} -")
        self.c.showPage()


def _columns(fracs, page_w: float = PAGE_W) -> list[float]:
    """Column edges for width fractions across a page of width ``page_w`` between its margins."""
    width = page_w - 2 * MARGIN_X
    xs = [MARGIN_X]
    for f in fracs:
        xs.append(xs[-1] + f * width)
    xs[-1] = page_w - MARGIN_X
    return [round(x, 2) for x in xs]


def _fragment_cells(frag: int, g: dict, garble: dict):
    """(column edges, header labels, body rows as lists of texts) of one fragment."""
    pdf = garble["pdf"]
    if frag == 1:
        # the 一级指标 column is exactly as wide as the header block's label column,
        # so the page is one clean grid (fragments 2 and 3 get a spanning cell instead)
        first = pdf["label_width"] / (PAGE_W - 2 * MARGIN_X)
        rest = pdf["frag1_fracs"][1:]
        xs = _columns([first] + [f * (1 - first) / sum(rest) for f in rest])
        body = [[r[k] for k in ("level1", "level2", "level3", "operator", "target", "unit")]
                for r in g["rows"]]
        labels = garble["variants"].get("frag1_labels") or (
            SEED_FRAG1_COLS if garble["variants"].get("seed_headers") else FRAG1_COLS)
        return xs, list(labels), body
    if frag == 2:
        return _columns([1.0]), ["指标解释"], [[r["explanation"]] for r in g["rows"]]
    if garble["variants"].get("seed_headers"):
        # the seed: 评/扣分标准 | 备注, the score under 备注 and no remark
        fr = pdf["frag3_fracs"]
        xs = _columns([fr[0] + fr[2], fr[1]])
        body = [[r["scoring_rule"], "/" if r["score"] is None else str(r["score"])] for r in g["rows"]]
        return xs, list(SEED_FRAG3_COLS), body
    if garble["variants"].get("score_column", True):
        xs = _columns(pdf["frag3_fracs"])
        body = [[r["scoring_rule"], "/" if r["score"] is None else str(r["score"]), r["remark"] or ""]
                for r in g["rows"]]
        return xs, list(FRAG3_COLS), body
    fr = pdf["frag3_fracs"]
    xs = _columns([fr[0] + fr[1], fr[2]])
    body = [[scoring_line({**r, "remark": None}), r["remark"] or ""] for r in g["rows"]]
    return xs, [FRAG3_COLS[0], FRAG3_COLS[2]], body


def _as_cells(xs, texts):
    return [(xs[i], xs[i + 1], t) for i, t in enumerate(texts)]


def _merges(body: list[list[str]], first: int, last: int) -> list[tuple]:
    """Groups of consecutive equal 一级指标 among body rows first..last-1."""
    out, start = [], first
    for i in range(first + 1, last + 1):
        if i == last or body[i][0] != body[start][0]:
            if i - 1 > start:
                out.append((0, start, i - 1))
            start = i
    return out


def _draw_fragment(c, frag, g, garble, spec, number) -> list[dict]:
    fs = garble["pdf"]["font_size"]
    xs, labels, body = _fragment_cells(frag, g, garble)
    full = [MARGIN_X, PAGE_W - MARGIN_X]
    lab = MARGIN_X + garble["pdf"]["label_width"]
    header_block = [
        [(MARGIN_X, lab, HEADER_LABELS[0]), (lab, full[1], g["department"])],
        [(MARGIN_X, lab, HEADER_LABELS[1]), (lab, full[1], g["duties"])],
        [(MARGIN_X, lab, HEADER_LABELS[2]), (lab, full[1], g["goals"])],
        [(full[0], full[1], "绩效指标")],
    ]
    merged = frag == 1 and garble["variants"].get("merged_level1", False)
    split_at = garble["variants"].get("rows_first_page") if frag == 1 else None
    pages, i, first_page = [], 0, True
    while first_page or i < len(body):
        page = _Page(c, fs, PAGE_H - MARGIN_TOP)
        if first_page and frag == 1:
            c.setFont(FONT, 16)
            c.drawCentredString(PAGE_W / 2, PAGE_H - 34, "部门整体支出绩效目标表")
            c.setFont(FONT, 10)
            c.drawCentredString(PAGE_W / 2, PAGE_H - 50, f"（{spec['year']}年度）")
            page.y = PAGE_H - 60
        elif not first_page:
            c.setFont(FONT, 10)
            c.drawString(MARGIN_X, PAGE_H - 36, "（续表）")
        block_tops = page.rows(header_block) if first_page else []
        header_top = page.rows([_as_cells(xs, labels)])[0]
        start = i
        limit = len(body) if not (first_page and split_at) else min(len(body), split_at)
        used = 0.0
        while i < limit:
            h = page.height(_as_cells(xs, body[i]))
            if page.y - used - h < MARGIN_BOTTOM:
                break
            used += h
            i += 1
        if i == start and i < len(body):  # a row taller than a page: draw it anyway
            i += 1
        rows = [_as_cells(xs, t) for t in body[start:i]]
        merges = []
        if merged:
            merges = [(col, a - start, b - start) for col, a, b in _merges(body, start, i)]
            for _, a, b in merges:
                for k in range(a + 1, b + 1):
                    x0, x1, _t = rows[k][0]
                    rows[k][0] = (x0, x1, None)
        row_tops = page.rows(rows, merges)
        table_top = block_tops[0] if block_tops else header_top
        pages.append({
            "page": number + len(pages), "kind": f"fragment{frag}", "fragment": frag,
            "continuation": not first_page, "column_x": xs, "label_x": [round(v, 2) for v in (MARGIN_X, lab, full[1])],
            "rows": [start, i], "merged_level1": [[start + a, start + b] for _, a, b in merges],
            "table_bbox": [round(full[0], 2), round(PAGE_H - table_top, 2), round(full[1], 2),
                           round(PAGE_H - page.y, 2)],
            "header_row_top": round(PAGE_H - header_top, 2),
            "row_tops": [round(PAGE_H - t, 2) for t in row_tops],
        })
        page.finish(number + len(pages) - 1)
        first_page = False
    return pages


def _draw_filler(c, desc: dict, number: int, fs: float) -> dict:
    page = _Page(c, fs, PAGE_H - 70)
    c.setFont(FONT, 15)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 45, desc["title"])
    if "rows" in desc:
        c.setFont(FONT, 9)
        c.drawString(MARGIN_X, PAGE_H - 64, desc["note"])
        page.y = PAGE_H - 72
        xs = _columns(desc["widths"])
        page.rows([_as_cells(xs, r) for r in desc["rows"]])
        kind = "filler_table"
    else:
        c.setFont(FONT, 11)
        y = PAGE_H - 80
        for para in desc["paragraphs"]:
            for line in wrap("　　" + para, PAGE_W - 2 * MARGIN_X, 11):
                c.drawString(MARGIN_X, y, line)
                y -= 18
            y -= 6
        kind = "filler_prose"
    page.finish(number)
    return {"page": number, "kind": kind, "title": desc["title"]}


def render_pdf(spec: dict, garble: dict, path, garbled: dict | None = None) -> dict:
    """Write the PDF of one filing; returns the page layout (for the truth file)."""
    _register_font()
    g = garbled or garble_spec(spec, garble)
    v = garble["variants"]
    rng = random.Random(f"filler:{spec['id']}:{garble.get('seed', 0)}")
    c = canvas.Canvas(str(Path(path)), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(f"{spec['department']}{spec['year']}年度部门决算")
    pages: list[dict] = []
    fs = garble["pdf"]["font_size"]
    for desc in filler_pages(rng, spec["department"], spec["year"], v.get("filler_pages_before", 0)):
        pages.append(_draw_filler(c, desc, len(pages) + 1, fs))
    for frag in (1, 2, 3):
        pages += _draw_fragment(c, frag, g, garble, spec, len(pages) + 1)
    for desc in filler_pages(rng, spec["department"], spec["year"], v.get("filler_pages_after", 0),
                             tail=True):
        pages.append(_draw_filler(c, desc, len(pages) + 1, fs))
    c.save()
    return {"page_size": [round(PAGE_W, 2), round(PAGE_H, 2)], "coordinates": "pdfplumber (top-left origin, pt)",
            "pages": pages}
