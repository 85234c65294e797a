"""The one table model every source becomes.

An extractor knows its format and nothing about what the columns mean: it
turns a text dump, a PDF page, a scan, an HTML page, a spreadsheet or a Word
table into a :class:`Grid` of :class:`GridCell`s, each with its text, its row
and column, its spans and where it was read. The layout reader
(``jixiao.reader``) is the only stage that decides which row is
the header and which column is which field.
"""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from .filing import Cleaned, ErrorItem, FragmentKind, PageRoute, Provenance


class GridCell(BaseModel):
    """One cell as the source shows it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="text exactly as read; '' for an empty cell")
    row: int = Field(ge=0, description="0-based row of the cell's top-left corner")
    col: int = Field(ge=0, description="0-based column of the cell's top-left corner")
    row_span: int = Field(1, ge=1, description="rows the cell covers (a merged cell > 1)")
    col_span: int = Field(1, ge=1, description="columns the cell covers (a merged cell > 1)")
    provenance: Provenance
    at_capacity: Optional[bool] = Field(
        None, description="the text filled the cell: its end may be clipped. None = unknown")
    ocr_confidence: Optional[float] = Field(None, ge=0.0, le=1.0)
    role: Optional[str] = Field(
        None, description="the field the source's form says the cell holds (a tree export's, an outline's or "
        "prose's 一级 / 二级 / 三级 / 指标值; a scan's split-layout cell, read for its column: an operator's "
        "marks by their shape, a score as a number; a header block's value read beside its label: department, "
        "duties, goals): the reader takes it as its column's role. None: the reader decides")
    lines: Optional[list[str]] = Field(
        None, description="the cell's lines as the source broke them, when it holds several ('服务老干部人数' / "
        "'服务长青老龄大学学员数'): ``text`` joins them; the reader may read each line as a row of its own")


class Grid(BaseModel):
    """A table as read from one source (or one page, sheet or HTML table of it).

    Rows are listed top to bottom. A row need not have a cell in every column:
    a text dump drops the cells a merged 一级指标 covers, and a row whose
    columns are unknown (``positional=False``) holds its cells in reading order
    with ``col`` counting from 0. The layout reader aligns such rows to the
    header's columns by what each cell holds.
    """

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="the input path as given")
    form: str = Field(description="how the extractor read it: spaced, pipe, cell_lines, pdf, html, xlsx, docx, ocr …")
    cells: list[GridCell] = Field(default_factory=list)
    positional: bool = Field(
        True, description="True when col is a real column index (PDF, HTML, spreadsheets); "
        "False when cells are only known in reading order within their row (text dumps)")
    tokenised: bool = Field(
        False, description="True when cells are whitespace-separated tokens of a line, so that "
        "one free-text cell may have been split into several tokens")
    glued: bool = Field(
        False, description="True when the tokens were cut out of text printed without separators "
        "(cells run together): joined again without spaces")
    lines: list[tuple[int, str]] = Field(
        default_factory=list, description="the text around the table (line number, text): "
        "where the header block (department, project, goals) is read from")
    name: Optional[str] = Field(None, description="sheet name or table caption, when the source has one")
    form_scores: dict[str, float] = Field(
        default_factory=dict, description="how well each text form explained the text, 0-1 (a text dump's "
        "grid; empty for other sources): the form read is the best, or the one the user named")
    fragment: Optional[FragmentKind] = Field(
        None, description="the seed's split layout: the column group (fragment) the grid holds, indicators, "
        "explanations or scoring, each under its own header block and column header; rows of the three are zipped "
        "by order (jixiao.reader.fragments). One grid per fragment and page. None: a table of its own")

    def rows(self) -> list[list[GridCell]]:
        """Cells grouped by row, each row sorted by column; empty rows are kept as []."""
        if not self.cells:
            return []
        out: list[list[GridCell]] = [[] for _ in range(max(c.row for c in self.cells) + 1)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out


class Extracted(BaseModel):
    """What every extractor hands the layout reader: the source's grids (the split layout's fragments are
    grids tagged with their ``fragment``)."""

    model_config = ConfigDict(extra="forbid")

    filing: str = Field(description="stable id: derived from the file content")
    source: str
    route: str = Field(description="extractor that read it: text, pdf, ocr, html, xlsx, docx")
    grids: list[Grid] = Field(default_factory=list)
    errors: list[ErrorItem] = Field(default_factory=list)
    encoding: Optional[str] = None
    year_hint: Optional[int] = Field(None, description="a year from the file name, used when the text names none")
    pages: list[PageRoute] = Field(default_factory=list, description="per page of a PDF: its number and the route it took")
    cleaned: list[Cleaned] = Field(default_factory=list, description="cells that lost control characters")
