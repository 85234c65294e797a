"""How well the reader read a filing: a report on every filing, as data.

Like camelot's ``parsing_report`` and Docling's confidence report, the reading report is the
signal a clerk's queue sorts on: which form the text was in, which row was the header, what each
column was taken for and why (its header, its cells, a learned layout), how many rows were read,
every row that was dropped with its line and reason, why the table ended, and how well the rows
fitted their columns. It is written into ``filings.jsonl``.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

DecidedBy = Literal["header", "cells", "header+cells", "learned", "position", "form"]
"""How a column's role was decided: its header words, what its cells hold, both agreeing, a clerk's
learned layout, its position in a known family (the split fragments), or a text form that knows its
cells' roles (an outline, a tree export)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnReport(_Model):
    """One column of a table as the reader understood it."""

    index: int = Field(ge=0, description="0-based column in the header (or in the rows, with no header)")
    header: Optional[str] = Field(None, description="the header cell as printed; null for a table with no header")
    role: Optional[str] = Field(None, description="the field read from the column; null: no field is read from it")
    decided_by: DecidedBy = Field(description="header, cells, header+cells, learned, position or form")
    score: float = Field(ge=0.0, le=1.0, description="how sure the reader is of the role, 0-1")
    note: Optional[str] = Field(None, description="why, when header and cells disagreed or a learned layout spoke")


class DroppedRow(_Model):
    """A row of the table that gave no record although it looked like one."""

    line: Optional[int] = Field(None, description="1-based line (text), row (sheet) or paragraph (page)")
    page: Optional[int] = None
    text: str = Field(description="the row's cells as read, joined by ' | ', at most 200 characters")
    reason: str = Field(description="no_fit (its cells fit no column), run_together (several rows' cells "
                        "in one), not_a_row (a note or a name with nothing else), no_name (a figure with no 三级 beside it)")


class TableReport(_Model):
    """One table (grid) of a filing as read."""

    name: Optional[str] = Field(None, description="sheet name or table caption, when the source has one")
    form: str = Field(description="the grid's form: pipe, spaced, cell_lines, pdftotext, html, xlsx, pdf, ocr …")
    header_line: Optional[int] = Field(None, description="line (or row) of the header; null: no header was printed")
    header: list[str] = Field(default_factory=list, description="the header's cells as read")
    columns: list[ColumnReport] = Field(default_factory=list)
    project: Optional[str] = Field(None, description="the project these rows belong to (a sheet per project)")
    rows_read: int = Field(0, ge=0, description="indicator rows that gave a record")
    empty_rows: int = Field(0, ge=0, description="template rows left empty (一级/二级 printed, nothing else): no "
                            "record and no error")
    rows_dropped: list[DroppedRow] = Field(default_factory=list)
    end: str = Field("grid_end", description="why the table ended: grid_end, furniture (a sign-off or page "
                     "line), next_table (another table's header), misfits (rows that fit no column)")
    end_line: Optional[int] = None
    fit_min: Optional[float] = Field(None, ge=0.0, le=1.0, description="the worst row fit, 0-1")
    fit_mean: Optional[float] = Field(None, ge=0.0, le=1.0, description="the mean row fit, 0-1")


class SkippedTable(_Model):
    """A grid of the source that was not read as an indicator table, and why."""

    name: Optional[str] = None
    form: str
    reason: str


class ReadingReport(_Model):
    """How the reader read one filing: its tables, and the grids it did not read."""

    form: str = Field(description="the text form or format the filing was read in")
    form_scores: dict[str, float] = Field(
        default_factory=dict, description="a text dump's every text form with how well it explained the text, "
        "0-1 (empty for other sources)")
    family: Optional[str] = Field(None, description="split_fragments for the seed's column groups; else null")
    tables: list[TableReport] = Field(default_factory=list)
    skipped: list[SkippedTable] = Field(default_factory=list)

    @property
    def rows_dropped(self) -> int:
        return sum(len(table.rows_dropped) for table in self.tables)


class LearnedLayout(_Model):
    """A clerk's mapping of a table's columns to roles, remembered for every table with the same header.

    It is a witness, not an override: it gives a role to a column the reader is not sure of, and a
    column the reader is sure of keeps its role unless the clerk said so for that column
    (``overrides``); a disagreement is reported on the column."""

    signature: str = Field(description="the header's normalised cells joined by '|' (see jixiao.reader.learned)")
    name: str = Field(description="a name for clerks: the filing it was taught on, or one they gave")
    roles: dict[int, Optional[str]] = Field(description="column index → role (a field name; null: no field)")
    overrides: list[int] = Field(default_factory=list, description="columns whose role the clerk set against the "
                                 "reader's own reading of the header: these win over it")
    reviewer: Optional[str] = None
    decided_at: Optional[str] = None
