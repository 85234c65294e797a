"""Record sinks: every records file is written through one of these, by ``convert`` and by ``export``.

A sink takes record payloads (``Record.model_dump(mode="json")``, exactly a
line of records.jsonl) one at a time and finishes its file on ``close()``.
Sinks are registered by name in :data:`SINKS`, as camelot registers its
parsers; the CLI's ``--format`` choices, the API's check of ``formats`` and
``jixiao export`` all read this one registry, so a new output format is one
:func:`register_sink` call (issue 11, item 5)::

    register_sink(SinkFormat("ndjson.gz", "records.ndjson.gz", GzipSink, binary=True,
                             description="…"))

Each sink writes into a handle opened by :func:`open_sinks` on a temporary
file beside its target (:func:`~.atomic.atomic_writer`); the caller renames
every file into place together when the batch ends, so a crash leaves the
previous outputs whole.
"""

from __future__ import annotations

import contextlib
import re
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Callable, Iterable, Iterator, Optional, Protocol, runtime_checkable

from ..model import ADDED_RECORD_FIELDS, NATIONAL_FIELDS, RECORD_TEXT_FIELDS, needs_review
from ..model.errors import ErrorCode, JixiaoError
from .atomic import atomic_writer
from .safety import csv_safe


@runtime_checkable
class Sink(Protocol):
    """Where records go: one file of one format."""

    def add(self, record: dict) -> None:
        """Append one record payload (a records.jsonl object)."""

    def close(self) -> None:
        """Finish the file (flush buffers, write footers). The handle is closed by its opener."""


@dataclass(frozen=True)
class SinkFormat:
    """A registered output format: its name, its file in OUT and how to start a sink on a handle."""

    name: str
    filename: str
    factory: Callable[[Any], Sink]  # takes the open handle (text or binary, as below)
    description: str
    binary: bool = False
    encoding: str = "utf-8"
    newline: Optional[str] = None

    def open(self, out_dir: Path, stack: contextlib.ExitStack) -> Sink:
        """A sink writing ``out_dir/filename`` through a temporary file renamed when ``stack`` exits."""
        if self.binary:
            handle = stack.enter_context(atomic_writer(out_dir / self.filename, mode="wb"))
        else:
            handle = stack.enter_context(atomic_writer(out_dir / self.filename, encoding=self.encoding,
                                                       newline=self.newline))
        return self.factory(handle)


SINKS: dict[str, SinkFormat] = {}
"""Output formats by name, in the order their files are opened."""

ALWAYS = "jsonl"
"""records.jsonl is the contract: it is written whatever else is asked for."""
DEFAULT_FORMATS = ("jsonl", "csv")


class UnknownFormatError(JixiaoError, ValueError):
    """A format name no sink is registered for (the message names it and the known ones; ``unknown``
    and ``known`` say them as data)."""

    default_code = ErrorCode.UNKNOWN_OUTPUT_FORMAT

    def __init__(self, message: str, *, unknown: Iterable[str] = (), known: Iterable[str] = ()):
        super().__init__(message)
        self.unknown, self.known = tuple(unknown), tuple(known)


def register_sink(fmt: SinkFormat) -> SinkFormat:
    """Add (or replace) a format in the registry; returns it."""
    SINKS[fmt.name] = fmt
    return fmt


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """``formats`` normalised (lower case, jsonl first, no repeats); raises UnknownFormatError."""
    if isinstance(formats, str):
        formats = formats.split(",")
    names = [str(f).strip().lower() for f in formats if str(f).strip()]
    unknown = [name for name in names if name not in SINKS]
    if unknown:
        raise UnknownFormatError(f"unknown output format {', '.join(map(repr, unknown))}; "
                                 f"choose from {', '.join(SINKS)}", unknown=unknown, known=SINKS)
    return tuple(dict.fromkeys((ALWAYS, *names)))


def open_sinks(out_dir: Path, formats: Iterable[str], stack: contextlib.ExitStack) -> list[Sink]:
    """One sink per format (checked), each on a temporary file that ``stack`` renames into place."""
    return [SINKS[name].open(Path(out_dir), stack) for name in check_formats(formats)]


@contextlib.contextmanager
def writing_records(out_dir: Path, formats: Iterable[str]) -> Iterator[list[Sink]]:
    """Sinks for ``formats`` as one unit: closed and renamed into place on success, dropped on error."""
    with contextlib.ExitStack() as stack:
        sinks = open_sinks(out_dir, formats, stack)
        yield sinks
        for sink in sinks:
            sink.close()


# ---------------------------------------------------------------- the built-in sinks

def json_line(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n"


class JsonlSink:
    """records.jsonl: one JSON object per line, as the record schema says."""

    def __init__(self, handle: IO[str]):
        self._handle = handle

    def add(self, record: dict) -> None:
        self._handle.write(json_line(record))

    def close(self) -> None:
        return None


CSV_COLUMNS = (
    "filing", "source", "department", "year", "row", *RECORD_TEXT_FIELDS, "score",
    "needs_review", "flagged_fields", "kind", *ADDED_RECORD_FIELDS, *NATIONAL_FIELDS,
)
"""Columns are only ever appended (schema 2 appended kind, project, weight, direction, actual, points, deviation;
schema 3 national_level1, national_level2)."""


def csv_row(record: dict) -> list:
    flagged = [name for name, field in record["fields"].items()
               if needs_review(field["flags"], field["status"])]
    values = {**record, "flagged_fields": ",".join(flagged),
              "needs_review": "true" if record["needs_review"] else "false"}
    # formula-like text is neutralised for spreadsheets (output/safety.py); JSON keeps it as is
    return ["" if values.get(column) is None else csv_safe(values[column]) for column in CSV_COLUMNS]


_QUOTED = re.compile(r'[,;"\r\n\t]')


def csv_line(values: Iterable[Any]) -> str:
    """One CSV line as the csv module writes it (RFC 4180, ``\\r\\n``), but a field holding ``;`` or a tab
    is quoted too: Excel in a locale whose list separator is ``;`` splits an unquoted ``x;=cmd|…`` into
    two cells and runs the second (issue 23). Every reader parses the extra quotes away."""
    fields = []
    for value in values:
        text = "" if value is None else str(value)
        fields.append(f'"{text.replace(chr(34), chr(34) * 2)}"' if _QUOTED.search(text) else text)
    return ",".join(fields) + "\r\n"


class CsvSink:
    """records.csv: the flat columns, formula-safe in either list separator; the handle is UTF-8 with a
    BOM for Excel."""

    def __init__(self, handle: IO[str]):
        self._handle = handle
        handle.write(csv_line(CSV_COLUMNS))

    def add(self, record: dict) -> None:
        self._handle.write(csv_line(csv_row(record)))

    def close(self) -> None:
        return None


def _parquet(handle: BinaryIO) -> Sink:
    from .tabular import ParquetSink  # pyarrow: imported only when asked for

    return ParquetSink(handle)


def _xlsx(handle: BinaryIO) -> Sink:
    from .tabular import XlsxSink  # openpyxl: imported only when asked for

    return XlsxSink(handle)


register_sink(SinkFormat("jsonl", "records.jsonl", JsonlSink,
                         "one JSON object per indicator (always written: the contract)"))
# UTF-8 with a BOM: Excel on a Chinese desktop otherwise guesses GBK
register_sink(SinkFormat("csv", "records.csv", CsvSink, "flat records for Excel, UTF-8 with a BOM",
                         encoding="utf-8-sig", newline=""))
register_sink(SinkFormat("parquet", "records.parquet", _parquet, "typed columns for data teams", binary=True))
register_sink(SinkFormat("xlsx", "records.xlsx", _xlsx, "a workbook for clerks, flagged cells amber",
                         binary=True))
