"""Text forms: the shapes a table takes as text, each a registered reader with ``detect`` and ``rows``.

A table reaches us as text in many shapes: a pipe table, one cell per line, whitespace-separated
tokens, cells run together, ``pdftotext -layout`` columns, a budget system's indented tree, an
outline, prose or CSV. Each shape is a :class:`TextForm` registered here by name (as camelot registers
its parsers): ``detect(lines)`` says how well the form explains the text (0–1), ``rows(lines)``
cuts it into rows of cells (text, line number). The form with the best score reads the text; a
user who knows better says ``--text-form NAME`` (``forced_form``), and the reading report names
the form and every form's score.

Nothing here knows what a column means: that is the reader's job.
"""

from __future__ import annotations

import contextlib
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

from ..model import Extracted, Grid, GridCell, Provenance
from ..model.errors import ErrorCode, JixiaoError
from . import text_grid as tg
from .text_csv import csv_rows, csv_score
from .text_layout import layout_rows, layout_score
from .text_report import is_report, report_rows

Rows = Sequence[Sequence[tg.Piece]]  # covariant: a form's rows may be plain (text, line) pieces


@dataclass(frozen=True)
class TextForm:
    """One shape of a table as text."""

    name: str
    describe: str
    detect: Callable[[list[str]], float]
    rows: Callable[[list[str]], Rows]
    tokenised: bool = False  # cells are whitespace tokens: a free-text cell may be split over several
    glued: bool = False  # cells run together with no separator: pieces are joined without spaces
    positional: bool = False  # every row holds every column, empty cells kept: a cell's column is known


def _stripped(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def _tree(lines: list[str]) -> float:
    return 0.95 if tg._is_tree(lines) else 0.0


def _outline(lines: list[str]) -> float:
    stripped = _stripped(lines)
    heads = sum(1 for line in stripped if tg._OUTLINE_HEAD.match(line))
    return 0.9 if heads >= 2 and any(tg._OUTLINE_ITEM.match(line) for line in stripped) else 0.0


def _prose(lines: list[str]) -> float:
    stripped = _stripped(lines)
    if stripped and (tg._prose_lines(stripped) or tg._prose_outline(stripped) or is_report(stripped)):
        return 0.85
    return 0.6 if any(tg._goal_list(line) for line in stripped) else 0.0


def _prose_rows(lines: list[str]) -> Rows:
    """A report's numbered indicator paragraphs (:mod:`.text_report`), or the other kinds of prose."""
    numbered = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
    return report_rows(numbered) if is_report([line for _, line in numbered]) else tg.prose_rows(lines)


def _stream(lines: list[str]) -> float:
    stripped = _stripped(lines)
    start = tg._stream_header(stripped)
    if start is None or sum(1 for line in stripped if "|" in line) >= 3:
        return 0.0
    return 0.8 if all(len(line.split()) <= 2 for line in stripped[start:][:12]) else 0.0


def _glued(lines: list[str]) -> float:
    return 0.75 if any(tg._glued_header(line) for line in _stripped(lines)) else 0.0


def _pipe_counts(lines: list[str]) -> dict[str, int]:
    stripped = _stripped(lines)
    return {
        "lines": len(stripped),
        "ends": sum(1 for line in stripped if line.endswith("|")),
        "text_ends": sum(1 for line in stripped if line.endswith("|") and line.strip("| ")),  # cells, not fillers
        "inner": sum(1 for line in stripped if line.rstrip("|").count("|") >= 2),
        "closing": sum(1 for line in stripped if re.search(r"\|\s*\|+\s*$", line)),  # lines that close a row
        "lone": sum(1 for line in stripped if line == "|"),  # an empty cell, or the end of a row
        "lead": sum(1 for line in lines if tg._LEAD_PIPE.match(line)),  # '        | 二级指标': a cell per line
    }


def _lead_pipe(lines: list[str]) -> float:
    c = _pipe_counts(lines)
    if c["lead"] >= 8 and c["lead"] > c["ends"] and c["inner"] < 0.3 * c["lead"]:
        return 0.7
    return 0.0


def _cell_lines(lines: list[str]) -> float:
    c = _pipe_counts(lines)
    # one cell a line: the lines that hold text hold one cell (a pipe table's rows, each followed by
    # lines of empty cells, hold many)
    if (c["closing"] >= 3 or c["lone"] >= 3) and c["ends"] >= 10 and c["inner"] < 0.3 * max(1, c["text_ends"], c["lone"]):
        return 0.65
    return 0.0


def _pipe(lines: list[str]) -> float:
    c = _pipe_counts(lines)
    return 0.5 + 0.1 * min(1.0, c["inner"] / max(1, c["lines"])) if c["inner"] >= 3 else 0.0


def _spaced(lines: list[str]) -> float:
    return 0.1  # whitespace tokens: what any text is, when no other form explains it


FORMS: dict[str, TextForm] = {form.name: form for form in (
    TextForm("tree", "a budget system's tree export: levels shown only by the indent", _tree, tg._tree_rows),
    TextForm("outline", "【一级-二级】 headings over '指标1:name(value)' lines", _outline, tg.outline_rows),
    TextForm("prose", "numbered 一级 headings over clauses or one indicator a line, a goal sentence, "
             "a report's numbered indicator paragraphs", _prose, _prose_rows),
    TextForm("cell_stream", "one cell per line, no pipes: a header of one column name a line", _stream,
             tg.stream_rows),
    TextForm("glued", "one row a line, cells run together with no separator", _glued, tg.glued_rows,
             tokenised=True, glued=True),
    TextForm("pdftotext", "pdftotext -layout: columns by character offset, wrapped cells on lines of "
             "their own", layout_score, layout_rows, positional=True),
    TextForm("csv", "a sheet saved as comma-separated values, quoted cells", csv_score, csv_rows,
             positional=True),
    TextForm("lead_pipe", "one cell per line led by blanks and '| '", _lead_pipe, tg._lead_pipe_rows),
    TextForm("cell_lines", "one cell per line ending in '|', rows closed by lines of pipes", _cell_lines,
             tg._cell_line_rows),
    TextForm("pipe", "one row a line, cells between pipes", _pipe, lambda lines: tg.line_rows(lines, "pipe")),
    TextForm("spaced", "one row a line, cells separated by blanks", _spaced,
             lambda lines: tg.line_rows(lines, "spaced"), tokenised=True),
)}
"""Every text form, by name (``--text-form NAME``)."""


class UnknownTextForm(JixiaoError):
    """``--text-form`` names no registered form; the message lists them."""

    default_code = ErrorCode.BAD_OPTION

    def __init__(self, name: str):
        super().__init__(f"unknown text form {name!r}; text forms are: {', '.join(FORMS)}")
        self.name = name


def check_form(name: Optional[str]) -> Optional[str]:
    if name is not None and name not in FORMS:
        raise UnknownTextForm(name)
    return name


_FORCED: ContextVar[Optional[str]] = ContextVar("jixiao_text_form", default=None)


@contextlib.contextmanager
def forced_form(name: Optional[str]) -> Iterator[None]:
    """Read every text dump in the form ``name`` inside the block (None: detect it)."""
    token = _FORCED.set(check_form(name))
    try:
        yield
    finally:
        _FORCED.reset(token)


def form_scores(lines: list[str]) -> dict[str, float]:
    """How well each form explains the text, 0-1."""
    if not _stripped(lines):
        return {name: 0.0 for name in FORMS}
    return {name: round(form.detect(lines), 3) for name, form in FORMS.items()}


def detect_form(lines: list[str], scores: Optional[dict[str, float]] = None) -> str:
    """The form that explains the text best (the first registered wins a tie); ``scores``: the
    :func:`form_scores` already computed."""
    scores = scores if scores is not None else form_scores(lines)
    best = max(scores.values())
    return next(name for name, score in scores.items() if score == best) if best > 0 else "spaced"


def _cell(source: str, text: str, row: int, col: int, line: int) -> GridCell:
    # a dump of a table holds each cell as printed: no width to have cut it at (the seed's glued
    # dump, where a cell that filled its width is seen, is read by extractors/text.py)
    return GridCell(text=text, row=row, col=col, provenance=Provenance(file=source, line=line), at_capacity=False)


def _grid_cells(source: str, rows: Rows) -> tuple[list[GridCell], bool]:
    """The rows' cells, and whether their columns are known: a cell whose role the form gives stands in
    that role's column (the roles in the order first met); any other cell at its place in its row."""
    roles = list(dict.fromkeys(piece[2] for row in rows for piece in row if len(piece) == 3))
    cells = []
    for r, row in enumerate(rows):
        for c, piece in enumerate(row):
            role = piece[2] if len(piece) == 3 else None
            cell = _cell(source, piece[0], r, roles.index(role) if role else c, piece[1])
            cells.append(cell.model_copy(update={"role": role}) if role else cell)
    return cells, bool(roles)


def text_grid(source: str, text: str, form: Optional[str] = None) -> Grid:
    """The whole dump as one grid of rows (the reader finds the table in it), in ``form`` or the form
    in force (``forced_form``) or the one detected."""
    lines = text.splitlines()
    scores = form_scores(lines)
    name = form or _FORCED.get() or detect_form(lines, scores)
    chosen = FORMS[check_form(name) or "spaced"]
    cells, hinted = _grid_cells(source, chosen.rows(lines))
    return Grid(source=source, form=chosen.name, cells=cells, positional=chosen.positional or hinted,
                tokenised=chosen.tokenised and not hinted, glued=chosen.glued, form_scores=scores,
                lines=[(n, line) for n, line in enumerate(lines, start=1) if line.strip()])


def extract_text_grids(source: str, text: str, filing_id: str, *, encoding: str, errors: list,
                       year_hint: int | None) -> Extracted:
    return Extracted(filing=filing_id, source=source, route="text", grids=[text_grid(source, text)],
                     errors=list(errors), encoding=encoding, year_hint=year_hint)
