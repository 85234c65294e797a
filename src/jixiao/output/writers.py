"""Writers for machines: records.jsonl, filings.jsonl, records.csv, manifest.jsonl, review.jsonl.

Files are streamed into temporary files as filings finish and renamed into
place together at the end, so an interrupted run never leaves half a file and
memory does not grow with the batch (only the review queue is kept, to sort it).
"""

from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path
from typing import Optional

from ..model import ADDED_RECORD_FIELDS, FilingResult, ManifestEntry, RECORD_TEXT_FIELDS, ReviewItem
from . import schemas
from .atomic import atomic_writer
from .safety import csv_safe
from .review_queue import review_items, sorted_queue

CSV_COLUMNS = (
    "filing", "source", "department", "year", "row", *RECORD_TEXT_FIELDS, "score",
    "needs_review", "flagged_fields", "kind", *ADDED_RECORD_FIELDS,
)
"""Columns are only ever appended (schema 2 appended kind, project, weight, direction, actual, points, deviation)."""
DEFAULT_FORMATS = ("jsonl", "csv")


def _json_line(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n"


class OutputWriter:
    """Streams one batch's outputs into ``out_dir``; use as a context manager."""

    def __init__(self, out_dir: Path, *, formats: tuple[str, ...] = DEFAULT_FORMATS, validate: bool = True):
        self.out_dir = Path(out_dir)
        self.formats = formats
        self.validate = validate
        self._stack = contextlib.ExitStack()
        self._review: list[ReviewItem] = []
        self.counts = {"filings": 0, "records": 0}

    def __enter__(self) -> "OutputWriter":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        # a run killed mid-batch (SIGKILL cannot be cleaned up after) left its temporary files
        for stale in self.out_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        open_ = lambda name, **kw: self._stack.enter_context(atomic_writer(self.out_dir / name, **kw))
        self._records = open_("records.jsonl")
        self._filings = open_("filings.jsonl")
        self._manifest = open_("manifest.jsonl")
        self._csv = None
        if "csv" in self.formats:
            # UTF-8 with a BOM: Excel on a Chinese desktop otherwise guesses GBK
            self._csv_file = open_("records.csv", encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._csv_file)
            self._csv.writerow(CSV_COLUMNS)
        self._sinks = []  # records.parquet / records.xlsx (see output/tabular.py)
        if "parquet" in self.formats:
            from .tabular import ParquetSink
            self._sinks.append(ParquetSink(open_("records.parquet", mode="wb")))
        if "xlsx" in self.formats:
            from .tabular import XlsxSink
            self._sinks.append(XlsxSink(open_("records.xlsx", mode="wb")))
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # Only a finished batch replaces the old outputs; on an error every
        # temporary file is dropped and the previous outputs stay as they were.
        if exc_type is None:
            try:
                for sink in self._sinks:
                    sink.close()
                self._write_review()
            except BaseException as error:
                self._stack.__exit__(type(error), error, error.__traceback__)
                raise
        self._stack.__exit__(exc_type, exc, tb)

    def _check(self, name: str, payload: dict) -> None:
        """Every line is checked against its shipped schema (cheap: jsonschema-rs); an invalid one
        stops the batch, and the previous outputs stay in place (nothing is renamed)."""
        if self.validate:
            errors = sorted((str(e) for e in schemas.fast_validator(name).iter_errors(payload)))
            if errors:
                where = payload.get("source") or payload.get("filing") or "?"
                raise ValueError(f"refusing to write an invalid {name} line for {where}: {errors[0]}")

    def add(self, entry: ManifestEntry, result: Optional[FilingResult] = None) -> None:
        """Write one input's manifest line and, when it produced one, its filing and records."""
        if result is not None:
            filing = result.model_dump(mode="json")
            self._check("filing", filing)
            self._filings.write(_json_line(filing))
            for record in result.records:
                payload = record.model_dump(mode="json")
                self._check("record", payload)
                self._records.write(_json_line(payload))
                if self._csv is not None:
                    self._csv.writerow(csv_row(payload))
                for sink in self._sinks:
                    sink.add(payload)
            self._review.extend(review_items(result))
            self.counts["filings"] += 1
            self.counts["records"] += len(result.records)
        manifest = entry.model_dump(mode="json")
        self._check("manifest", manifest)
        self._manifest.write(_json_line(manifest))

    def _write_review(self) -> None:
        with atomic_writer(self.out_dir / "review.jsonl") as handle:
            for item in sorted_queue(self._review):
                payload = item.model_dump(mode="json")
                self._check("review", payload)
                handle.write(_json_line(payload))
        schema_dir = self.out_dir / "schemas"
        for name in schemas.MODELS:
            with atomic_writer(schema_dir / f"{name}.schema.json") as handle:
                handle.write(schemas.schema_path(name).read_text(encoding="utf-8"))


def csv_row(record: dict) -> list:
    flagged = [name for name, field in record["fields"].items()
               if field["flags"] or field["status"] in ("partial", "unrepaired")]
    values = {**record, "flagged_fields": ",".join(flagged),
              "needs_review": "true" if record["needs_review"] else "false"}
    # formula-like text is neutralised for spreadsheets (output/safety.py); JSON keeps it as is
    return ["" if values.get(column) is None else csv_safe(values[column]) for column in CSV_COLUMNS]
