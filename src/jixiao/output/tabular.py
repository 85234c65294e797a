"""records.parquet for data teams and records.xlsx for clerks, both streamed.

Parquet schema (:data:`PARQUET_SCHEMA`, stable: columns are only ever added):
the flat record columns of records.csv with explicit types (``year``/``row``
int32, ``score`` float64, ``needs_review`` bool, every text column a UTF-8
string, null for "/"), ``flagged_fields`` as a list of field names, and
``fields``, the per-field repair detail (raw, status, confidence, evidence,
...), as a **JSON string** exactly as in records.jsonl. A JSON column rather
than a struct because the detail is deeply nested and grows with the data
model; a struct would change the schema each time, and every engine reads
JSON (``json.loads``, DuckDB ``json_extract``, Spark ``from_json``).

The XLSX workbook is for clerks: Chinese column headers, a frozen header row,
fixed widths, flagged cells (repair left a gap, or is unsure) filled amber,
repaired cells filled green, and on both the raw text as read, in a comment.
Both are written in streaming mode (Parquet row groups, openpyxl write-only),
so memory stays flat; the writer renames them into place at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO, Optional, Union

from ..layout.vocabulary import LABELS
from ..model import NATIONAL_FIELDS, RECORD_TEXT_FIELDS, SCHEMA_VERSION, needs_review
from .safety import runs_as_formula, xlsx_text

ROW_GROUP = 10_000


def parquet_schema():
    import pyarrow as pa

    columns = [("filing", pa.string()), ("source", pa.string()), ("department", pa.string()),
               ("year", pa.int32()), ("row", pa.int32())]
    columns += [(name, pa.string()) for name in RECORD_TEXT_FIELDS]
    columns += [("score", pa.float64()), ("needs_review", pa.bool_()),
                ("flagged_fields", pa.list_(pa.string())), ("fields", pa.string())]
    # schema 2: appended, never inserted
    columns += [("kind", pa.string()), ("project", pa.string()), ("weight", pa.float64()),
                ("direction", pa.string()), ("actual", pa.string()), ("points", pa.float64()),
                ("deviation", pa.string())]
    columns += [(name, pa.string()) for name in NATIONAL_FIELDS]  # schema 3
    return pa.schema(columns, metadata={b"jixiao.fields": b"JSON object per record, as in records.jsonl",
                                        b"jixiao.schema_version": SCHEMA_VERSION.encode()})


def flagged_fields(record: dict) -> list[str]:
    return [name for name, field in record["fields"].items()
            if needs_review(field["flags"], field["status"])]


class ParquetSink:
    """Appends record payloads (``Record.model_dump(mode="json")``) to a Parquet file."""

    def __init__(self, where: Union[Path, BinaryIO]):
        import pyarrow.parquet as pq

        self.schema = parquet_schema()
        self._writer = pq.ParquetWriter(where, self.schema, compression="zstd")
        self._rows: list[dict] = []

    def add(self, record: dict) -> None:
        row = {name: record.get(name) for name in self.schema.names}
        for name in ("score", "weight", "points"):
            row[name] = None if record.get(name) is None else float(record[name])
        row["flagged_fields"] = flagged_fields(record)
        row["fields"] = json.dumps(record["fields"], ensure_ascii=False, separators=(",", ":"))
        self._rows.append(row)
        if len(self._rows) >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self) -> None:
        self.flush()
        self._writer.close()


XLSX_WIDTHS: tuple[tuple[str, int], ...] = (
    # (record key, width in characters); a table field's header is its label in the layout
    # vocabulary (``layout.vocabulary.LABELS``), the rest are this workbook's own columns
    ("department", 22), ("year", 7), ("row", 6),
    ("level1", 12), ("level2", 14), ("level3", 28), ("operator", 8), ("target", 12), ("unit", 9),
    ("explanation", 48), ("scoring_rule", 40), ("score", 7), ("remark", 16), ("kind", 10), ("project", 24),
    ("weight", 7), ("direction", 8), ("actual", 12), ("points", 7), ("deviation", 30),
    ("needs_review", 8), ("flagged_fields", 18), ("source", 30), ("filing", 18),
    ("national_level1", 12), ("national_level2", 14),
)
WORKBOOK_LABELS: dict[str, str] = {
    "department": "部门", "year": "年度", "row": "序号", "kind": "表类型", "weight": "权重",
    "needs_review": "需复核", "flagged_fields": "存疑字段", "source": "来源文件", "filing": "申报编号",
    "national_level1": "全国一级指标", "national_level2": "全国二级指标",
}
XLSX_COLUMNS: tuple[tuple[str, str, int], ...] = tuple(
    (key, LABELS.get(key) or WORKBOOK_LABELS[key], width) for key, width in XLSX_WIDTHS)
"""(record key, header, width in characters)."""
FIELD_NAMES = {**LABELS, **{key: header for key, header, _ in XLSX_COLUMNS}}
KIND_NAMES = {"department": "部门整体支出", "project": "项目支出", "self_evaluation": "绩效自评"}
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
FLAGGED_FILL = "FFD966"  # amber: a clerk should look
REPAIRED_FILL = "C6EFCE"  # green: restored from evidence


class XlsxSink:
    """Appends record payloads to a write-only workbook with clerk-friendly formatting."""

    def __init__(self, where: Union[Path, BinaryIO]):
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.where = where
        self._book = Workbook(write_only=True)
        self._header_font = Font(bold=True)
        self._flagged = PatternFill("solid", start_color=FLAGGED_FILL, end_color=FLAGGED_FILL)
        self._repaired = PatternFill("solid", start_color=REPAIRED_FILL, end_color=REPAIRED_FILL)
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._sheet = None
        self._rows = 0
        self._sheets = 0

    def _new_sheet(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        self._sheets += 1
        sheet = self._book.create_sheet("绩效指标" if self._sheets == 1 else f"绩效指标{self._sheets}")
        sheet.freeze_panes = "A2"
        for number, (_, _, width) in enumerate(XLSX_COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        header = []
        for _, title, _ in XLSX_COLUMNS:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = self._header_font
            header.append(cell)
        sheet.append(header)
        self._sheet, self._rows = sheet, 0

    def add(self, record: dict) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.comments import Comment

        if self._sheet is None or self._rows >= XLSX_MAX_ROWS:
            self._new_sheet()
        flagged = flagged_fields(record)
        row = []
        for key, _, _ in XLSX_COLUMNS:
            value = record.get(key)
            if key == "needs_review":
                value = "是" if value else "否"
            elif key == "kind":
                value = KIND_NAMES.get(value, value)
            elif key == "flagged_fields":
                value = "、".join(FIELD_NAMES.get(name, name) for name in flagged) or None
            if isinstance(value, str):
                value = xlsx_text(value)
            cell = WriteOnlyCell(self._sheet, value=value)
            if isinstance(value, str):
                # text is never a formula here (output/safety.py): openpyxl takes "=…" for one
                cell.data_type = "s"
                if runs_as_formula(value):
                    cell.quotePrefix = True
            detail: Optional[dict] = record["fields"].get(key)
            if detail is not None and (key in flagged or detail["status"] in ("repaired", "partial")):
                cell.fill = self._flagged if key in flagged else self._repaired
                note = f"原文：{detail['raw'] if detail['raw'] is not None else '（空）'}\n" \
                       f"状态：{detail['status']}，置信度 {detail['confidence']:.2f}"
                if detail["flags"]:
                    note += f"\n标记：{', '.join(detail['flags'])}"
                cell.comment = Comment(note, "jixiao", width=320, height=120)
            if key in ("level3", "explanation", "scoring_rule"):
                cell.alignment = self._wrap
            row.append(cell)
        self._sheet.append(row)
        self._rows += 1

    def close(self) -> None:
        if self._sheet is None:
            self._new_sheet()  # an empty batch still gets a workbook with its header
        self._book.save(self.where)
