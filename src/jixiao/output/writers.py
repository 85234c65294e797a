"""Writers for machines: records.jsonl, filings.jsonl, records.csv, manifest.jsonl, review.jsonl.

Files are streamed into temporary files as filings finish and renamed into
place together at the end, so an interrupted run never leaves half a file and
memory does not grow with the batch (only the review queue is kept, to sort it).
Records go through the registered sinks (:mod:`.sinks`), one per format; the
formats are recorded in ``OUT/batch.json`` so that ``jixiao export`` rewrites
exactly the same files.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterable, Optional

from .. import __version__
from ..model import FilingResult, ManifestEntry, ReviewItem
from ..model.errors import ErrorCode, JixiaoError
from . import schemas
from .atomic import atomic_writer
from .review_queue import review_items, sorted_queue
from .sinks import CSV_COLUMNS, DEFAULT_FORMATS, SINKS, check_formats, csv_row, json_line, open_sinks

__all__ = ["BATCH_FILE", "CSV_COLUMNS", "DEFAULT_FORMATS", "OutputWriter", "csv_row", "recorded_formats",
           "write_batch_info"]

BATCH_FILE = "batch.json"
"""What a batch folder was written with: its record formats (read back by ``jixiao export``)."""

_json_line = json_line


def write_batch_info(out_dir: Path, formats: Iterable[str]) -> None:
    with atomic_writer(Path(out_dir) / BATCH_FILE) as handle:
        json.dump({"formats": list(check_formats(formats)), "jixiao_version": __version__}, handle,
                  ensure_ascii=False)
        handle.write("\n")


def recorded_formats(out_dir: Path) -> tuple[str, ...]:
    """The record formats a batch folder was converted with.

    A folder written before batch.json existed: JSONL and CSV (always written
    then) and whichever other registered format's file is there.
    """
    out_dir = Path(out_dir)
    try:
        info = json.loads((out_dir / BATCH_FILE).read_text(encoding="utf-8"))
        return check_formats(info["formats"])
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
        return check_formats([*DEFAULT_FORMATS, *(name for name, fmt in SINKS.items()
                                                  if (out_dir / fmt.filename).is_file())])


class InvalidOutputLine(JixiaoError, ValueError):
    """A line does not validate against its shipped schema: the batch stops, the old outputs stay."""

    default_code = ErrorCode.INVALID_OUTPUT_LINE


class OutputWriter:
    """Streams one batch's outputs into ``out_dir``; use as a context manager."""

    def __init__(self, out_dir: Path, *, formats: tuple[str, ...] = DEFAULT_FORMATS, validate: bool = True):
        self.out_dir = Path(out_dir)
        self.formats = check_formats(formats)
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
        self._sinks = open_sinks(self.out_dir, self.formats, self._stack)  # records.* (see .sinks)
        self._filings = open_("filings.jsonl")
        self._manifest = open_("manifest.jsonl")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # Only a finished batch replaces the old outputs; on an error every
        # temporary file is dropped and the previous outputs stay as they were.
        if exc_type is None:
            try:
                for sink in self._sinks:
                    sink.close()
                self._write_review()
                write_batch_info(self.out_dir, self.formats)
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
                raise InvalidOutputLine(f"refusing to write an invalid {name} line for {where}: {errors[0]}")

    def add(self, entry: ManifestEntry, result: Optional[FilingResult] = None) -> None:
        """Write one input's manifest line and, when it produced one, its filing and records."""
        if result is not None:
            filing = result.model_dump(mode="json")
            self._check("filing", filing)
            self._filings.write(_json_line(filing))
            for record in result.records:
                payload = record.model_dump(mode="json")
                self._check("record", payload)
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

