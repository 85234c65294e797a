"""Reading a scanned table of any layout cell by cell (the whole-table side of :class:`.ocr.PageReader`).

:mod:`.ocr` reads a page's ruled table and finds its column-header row; when that
row heads a whole table rather than one of the seed's fragments
(:func:`.ocr_table.is_whole_table`), every cell is read here and handed on as a
:class:`.ocr_table.TablePart`, which :mod:`.ocr_table` turns into a grid for the
layout reader. Kept apart so that ``ocr.py`` stays the page reader and the
seed's fragment reader.

What is read by column here, and why:
- the cells under the header the vocabulary names 指标值类型/指标性质, 指标值,
  计量单位, 分值/权重 get the seed columns' corrections and shape reading
  (``ocr_fixes``, ``ocr_marks``): the recogniser reads ≥ as 2 or M;
- a target that begins with ≥ ≤ > < (``≥88%``) has the glyph read by its shape
  and the rest of the cell read again without it (:func:`.ocr_marks.join_leading`);
- a target read as a unit alone (``人`` for ``0人``) lost a figure beside the cell's
  edge: it is read once more with a wider margin;
- header cells have the recogniser's slips undone towards the vocabulary
  (:func:`.ocr_table.header_text`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional, Sequence

import numpy as np

from ..layout.taxonomy import COMMON_UNITS
from ..model import Cell
from .grid import GridCell, Table, reading_order
from .ocr_fixes import GUESS_CONFIDENCE
from .ocr_marks import join_leading, leading_mark
from .ocr_table import ColumnName, TablePart, body_names, header_text

if TYPE_CHECKING:
    from .ocr import PageRead
    from .ocr_engine import OcrEngine


REREAD_MARGINS = (0.1, 0.2)  # of the line's height: margins for reading a value cell again


def _within(box: tuple[float, float, float, float], table: Table) -> bool:
    """Whether a text box's centre lies inside a ruled table."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return table.xs[0] <= x <= table.xs[-1] and table.ys[0] <= y <= table.ys[-1]


class WholeTableReading:
    """Mixed into :class:`.ocr.PageReader`: uses its engine, page image, boxes and ``_cells``."""

    engine: "OcrEngine"
    _gray: np.ndarray  # the deskewed page
    _by_cell: dict[GridCell, list[tuple[float, float, float, float]]]  # text boxes placed in each cell
    _page: int
    _dpi: float

    def _cells(self, cells: Sequence[GridCell], column: Optional[Sequence[str]] = None, *,
               sections: bool = False) -> list[Cell]:
        raise NotImplementedError  # PageReader's: the cells' text, OCR'd and corrected for their columns

    def _lines_above(self, gray, boxes, table: Table, tables: Sequence[Table] = ()) -> list[tuple[float, str]]:
        """The text lines above the table (title, year, 填报单位 …) that no other ruled table holds,
        top-down, each with its height on the page: the header block the layout reader reads
        department, year and kind from (a header block ruled as a table of its own is read by its
        cells: :meth:`_blocks_above`)."""
        above = [b for b in boxes if b[3] <= table.ys[0] + 2 and not any(_within(b, t) for t in tables)]
        if not above:
            return []
        items = sorted(zip(above, (r.text for r in self.engine.recognise(gray, above))),
                       key=lambda item: (item[0][1] + item[0][3]) / 2)
        lines: list[list[tuple[tuple[float, float, float, float], str]]] = []
        for box, text in items:
            centre, height = (box[1] + box[3]) / 2, box[3] - box[1]
            if lines:
                last = lines[-1][-1][0]
                if abs(centre - (last[1] + last[3]) / 2) < 0.5 * max(height, last[3] - last[1]):
                    lines[-1].append((box, text))
                    continue
            lines.append([(box, text)])
        return [(line[0][0][1], " ".join(text for _, text in sorted(line, key=lambda item: item[0][0])).strip())
                for line in lines]

    def _blocks_above(self, table: Table, tables: Sequence[Table]) -> list[tuple[Table, dict[GridCell, Cell]]]:
        """The ruled tables above the table (a header block printed as a table of its own: 项目名称 |
        … | 主管部门 | …), every cell read."""
        out = []
        for other in tables:
            if other is not table and other.ys[-1] <= table.ys[0] + 2:
                out.append((other, dict(zip(other.cells, self._cells(other.cells)))))
        return out


    def _read_whole(self, table: Table, result: "PageRead", columns: list[ColumnName], header_rows: set[int],
                    header: Sequence[GridCell] = ()) -> None:
        """Every cell of a whole table (``ocr_table``): the rows down to the header row as read, the
        body corrected for the column each cell stands under. A continuation page's repeated
        column-header row (found by the header search) is read as it stands."""
        names = body_names(table, columns, header_rows)
        cells = list(table.cells)
        read = self._cells(cells, [names[c] for c in cells], sections=True)
        for k, cell in enumerate(cells):
            if cell in header:
                read[k] = read[k].model_copy(update={"text": header_text(read[k].text)})
        targets = [(k, cell) for k, cell in enumerate(cells) if names[cell] == "target"]
        self._leading_marks(targets, read)
        self._reread_units(targets, read)
        result.part = TablePart(page=self._page, table=table, cells=dict(zip(cells, read)), columns=columns)
        result.rows = []


    def _leading_marks(self, targets: list[tuple[int, GridCell]], read: list[Cell]) -> None:
        """A target cell that begins with ≥ ≤ > < (``≥88%``): the glyph read by its shape, the rest
        of the cell read again without it (the recogniser reads ≥ as 2 or drops it)."""
        line_px = max(2.0, 1.2 * self._dpi / 72)
        boxes, owners, marks = [], [], {}
        for k, cell in targets:
            if not read[k].text.strip() or cell not in self._by_cell:
                continue
            x0, y0, x1, y1 = (int(round(v)) for v in cell.bbox)
            reading, cut = leading_mark(self._gray[y0:y1, x0:x1], line_px=line_px)
            if reading.mark is None:
                continue
            marks[k] = reading
            for box in self._by_cell[cell]:
                left = max(box[0], cell.x0 + cut + 1)
                if box[2] - left > 2:
                    boxes.append((left, box[1], box[2], box[3]))
                    owners.append(k)
        texts = self.engine.recognise(self._gray, boxes) if boxes else []
        parts: dict[int, list] = {}
        for k, box, rec in zip(owners, boxes, texts):
            parts.setdefault(k, []).append((box, rec.text))
        for k, reading in marks.items():
            rest = "".join(reading_order(parts.get(k, [])))
            text, confidence = join_leading(reading, read[k].text, rest, read[k].ocr_confidence)
            read[k] = read[k].model_copy(update={"text": text, "ocr_confidence": confidence})


    def _reread_units(self, targets: list[tuple[int, GridCell]], read: list[Cell]) -> None:
        """A target read as a unit alone (``人``, ``%``) has lost the figure before it, which stood
        close to the cell's left line. Its boxes are read again with wider margins above, below
        and to the right (to the left lies the line, which reads as 1), and the first reading that
        is a number followed by that unit is taken, its confidence capped for review."""
        suspects = [(k, cell) for k, cell in targets
                    if read[k].text.strip() in COMMON_UNITS and len(self._by_cell.get(cell, [])) == 1]
        if not suspects:
            return
        boxes = []
        for _k, cell in suspects:
            box = self._by_cell[cell][0]
            for share in REREAD_MARGINS:
                pad = share * (box[3] - box[1])
                boxes.append((box[0], max(cell.y0 + 1, box[1] - pad), min(cell.x1 - 1, box[2] + pad),
                              min(cell.y1 - 1, box[3] + pad)))
        texts = iter(self.engine.recognise(self._gray, boxes))
        for k, _cell in suspects:
            unit = read[k].text.strip()
            for rec in [next(texts) for _ in REREAD_MARGINS]:
                text = rec.text.strip().rstrip(".,'`·")
                if text.endswith(unit) and re.fullmatch(r"\d+(?:\.\d+)?", text[:-len(unit)]):
                    read[k] = read[k].model_copy(update={
                        "text": text, "ocr_confidence": round(min(rec.score, GUESS_CONFIDENCE), 4)})
                    break
