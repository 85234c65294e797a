"""The ``jixiao`` command line.

Exit status: 0 when every input converted (ok or partial), 1 when some input
failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import logging
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from .. import __version__
from ..output.sinks import DEFAULT_FORMATS, SINKS, UnknownFormatError, check_formats
from ..output.folder import OutputFolderError
from ..model.errors import EngineError, ReferenceFileError
from ..repair.memory import MemoryStoreError
from ..review import cli as review_cli
from . import layouts_cli, memory_cli
from .options import (
    COMMAND_LINE_DEFAULTS,
    DEFAULTS_DIFFER,
    BadOption,
    ConvertOptions,
    OptionsError,
    command_line_defaults,
)
from .runner import Result, convert

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
KNOWN_FORMATS = tuple(SINKS)  # the sink registry (output/sinks.py) is the one list of formats


def _formats(value: str) -> tuple[str, ...]:
    try:
        return check_formats(value.split(","))
    except UnknownFormatError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao",
        description="Turn departmental performance-goal filings (部门整体支出绩效目标表) into clean, "
        "repaired records. Truncated text is restored from passages repeated elsewhere; what "
        "cannot be restored stays marked □ and is queued for review.",
    )
    parser.add_argument("--version", action="version", version=f"jixiao {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    from ..extractors.base import FORMATS_READ

    convert_cmd = commands.add_parser(
        "convert", help="convert filings into records",
        description=f"Convert filings into OUT/records.jsonl, records.csv, filings.jsonl, manifest.jsonl and "
        f"review.jsonl. jixiao reads {FORMATS_READ}. A folder is searched recursively and every file in it "
        "is listed in the manifest: one jixiao does not read is skipped with the reason.",
        epilog="Exit status: 0 all inputs converted (some may be partial), 1 some input failed, "
        "2 usage error. Every input appears in manifest.jsonl with its status. " + DEFAULTS_DIFFER,
    )
    convert_cmd.add_argument("inputs", nargs="+", metavar="PATH", help="filing file or folder of filings")
    convert_cmd.add_argument("-o", "--out", required=True, metavar="OUT", help="output folder")
    convert_cmd.add_argument("--format", type=_formats, default=DEFAULT_FORMATS, metavar="LIST",
                             help=f"comma-separated outputs besides JSONL: {', '.join(SINKS)} "
                             f"(default: {','.join(DEFAULT_FORMATS)})")
    convert_cmd.add_argument("--memory", metavar="PATH", default=None,
                             help="the repair memory, a SQLite file of passages and clerk decisions from earlier "
                             "batches (default: $JIXIAO_MEMORY, or ~/.local/share/jixiao/memory.sqlite); "
                             "not a size: a worker's address space is --worker-memory")
    convert_cmd.add_argument("--no-memory", action="store_true",
                             help="neither read nor update the repair memory (reproducible runs)")
    convert_cmd.add_argument("--reference", action="append", default=[], metavar="PATH",
                             help="trusted reference text or PDF (file or folder), e.g. a 三定 duties list; "
                             "may be repeated")
    convert_cmd.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    convert_cmd.add_argument("--log-json", action="store_true",
                             help="print progress events and the summary as JSON lines instead of a bar "
                             "and a table")
    add_batch_options(convert_cmd)
    inspect_cmd = commands.add_parser(
        "inspect", help="print what each step of reading made of one input (any format)",
        description="Print what each step made of FILE: the extractor, each grid (a text dump's form "
        "scores and the form read), the header, each column's role and how it was decided, the rows read "
        "and dropped (with their lines and reasons), why each table ended, the header block and the errors. "
        "With --png DIR (a PDF): write one PNG per fragment page instead, with the header row, every "
        "extracted cell and the row numbers drawn on it (like pdfplumber's debug_tablefinder).")
    inspect_cmd.add_argument("file", metavar="FILE")
    inspect_cmd.add_argument("--png", metavar="DIR", help="a PDF: folder for the annotated page images")
    inspect_cmd.add_argument("--json", action="store_true", help="print the steps as one JSON object")
    inspect_cmd.add_argument("--rows", type=int, default=8, metavar="N", help="rows shown of each grid and of "
                             "the rows read (default 8)")
    _reading_options(inspect_cmd)
    review_cli.add_commands(commands)  # review, export
    memory_cli.add_commands(commands)  # memory check, memory salvage
    layouts_cli.add_commands(commands)  # layouts list, show, forget, undo
    return parser


def _size(value: str) -> Optional[int]:
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "")
    try:
        size = int(float(number) * units[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 4G, 512M, 0 for no limit)") from None
    return size or None


class _Renamed(argparse.Action):
    """An option's old name, hidden from the help: it still works, and says what to type instead."""

    def __init__(self, option_strings, dest, *, new: str, **kwargs):
        super().__init__(option_strings, dest, **kwargs)
        self.new = new

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"jixiao: warning: {option_string} is deprecated and will go; use {self.new}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_batch_options(command: argparse.ArgumentParser) -> None:
    """Where and how the batch runs: engine, workers, limits, cache."""
    from .engines import DEFAULT_TIMEOUT, ENGINES

    group = command.add_argument_group("batch")
    group.add_argument("--engine", choices=tuple(ENGINES), default=COMMAND_LINE_DEFAULTS["engine"],
                       help="where the work runs: local (a process pool, default), dask (a Dask cluster; "
                       "a LocalCluster unless --scheduler), serial (this process, no limits)")
    group.add_argument("--workers", type=int, default=None, metavar="N",
                       help="worker processes for local, or for the dask LocalCluster (default: core count)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (workers need the same jixiao installed)")
    group.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help="per input and phase; a filing that takes longer fails (default: %(default)g; 0: none)")
    group.add_argument("--worker-memory", dest="worker_memory", type=_size, default="4G", metavar="SIZE",
                       help="address space each local worker may use, e.g. 4G (default); 0: no limit "
                       "(not the repair memory: that is --memory PATH)")
    group.add_argument("--memory-limit", dest="worker_memory", type=_size, default=argparse.SUPPRESS,
                       metavar="SIZE", action=_Renamed, new="--worker-memory", help=argparse.SUPPRESS)
    group.add_argument("--max-pages", type=int, default=None, metavar="N",
                       help="PDF pages searched for the table (default 1000, or $JIXIAO_MAX_PAGES); "
                       "pages past it are skipped with a warning in the manifest")
    group.add_argument("--no-cache", action="store_true",
                       help="do not keep OUT/.cache (re-runs then redo every input)")
    _reading_options(command)


def _reading_options(command: argparse.ArgumentParser) -> None:
    reading = command.add_argument_group("reading")
    reading.add_argument("--vocabulary", action="append", default=[], metavar="FILE",
                         help="a vocabulary file (TOML) whose header, level and unit names are added to the "
                         "built-in ones; may be repeated (default: $JIXIAO_VOCABULARY). See "
                         "jixiao/layout/vocabulary.toml for the form")
    reading.add_argument("--text-form", metavar="NAME", default=None,
                         help="read text dumps in this form instead of detecting it: " + ", ".join(_text_forms()))


def _text_forms() -> tuple[str, ...]:
    from ..extractors.text_forms import FORMS

    return tuple(FORMS)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    _log_to_stderr()
    try:
        return _dispatch(args)
    except MemoryStoreError as error:  # a damaged or unusable repair memory: say which, and the ways on
        print(f"jixiao: {error}", file=sys.stderr)
        return EXIT_USAGE


def _log_to_stderr() -> None:
    """The log is stderr: warnings, and the traceback of an unexpected error (the manifest only names
    it). Libraries' own loggers stay at WARNING."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="jixiao: %(levelname)s: %(message)s")


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "memory":
        return memory_cli.run_memory(args)
    if args.command == "layouts":
        return layouts_cli.run_layouts(args)
    if args.command == "convert":
        return run_convert(args)
    if args.command == "inspect":
        return _inspect(args)
    if args.command in ("review", "export"):
        return review_cli.run_review(args) if args.command == "review" else review_cli.run_export(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def _inspect(args: argparse.Namespace) -> int:
    from .inspect import run_inspect, run_inspect_steps

    if args.png:
        status, message = run_inspect(args.file, args.png)
        print(message, file=sys.stderr if status else sys.stdout)
        return status
    changes: dict[str, Any] = {"vocabulary": tuple(args.vocabulary)} if args.vocabulary else {}
    if args.text_form:
        changes["text_form"] = args.text_form
    try:
        task = ConvertOptions.build(memory=None, cache=False, **changes).task()
    except OptionsError as error:
        print(f"jixiao: {error}", file=sys.stderr)
        return EXIT_USAGE
    return run_inspect_steps(args.file, task, as_json=args.json, rows=args.rows)


def run_convert(args: argparse.Namespace) -> int:
    from .progress import reporter

    if args.scheduler and args.engine != "dask":
        print("jixiao: --scheduler needs --engine dask", file=sys.stderr)
        return EXIT_USAGE
    try:
        options = convert_options(args)
    except OptionsError as error:
        print(f"jixiao: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with reporter(quiet=args.quiet, log_json=args.log_json) as progress, \
                contextlib.redirect_stdout(sys.stderr):
            # stdout carries the summary (or --log-json's lines, written by the reporter made above) and
            # nothing else: what a library prints while the batch runs goes to stderr (issue 23)
            # the options travel to every worker with its tasks: nothing is passed through os.environ
            result = convert(args.inputs, args.out, options, progress=progress)
    except (ReferenceFileError, OutputFolderError, EngineError) as error:  # no input was converted
        print(f"jixiao: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.log_json:
        print(json.dumps({"event": "summary", **result.summary}, ensure_ascii=False))
    elif not args.quiet:
        print_summary(result)
    for entry in result.manifest:
        if entry.error and entry.status.value == "failed":
            print(f"jixiao: {entry.error.splitlines()[0]}", file=sys.stderr)
    for warning in result.summary.get("warnings", ()):
        print(f"jixiao: warning: {warning}", file=sys.stderr)
    return EXIT_FAILED if result.failed else EXIT_OK


def convert_options(args: argparse.Namespace) -> ConvertOptions:
    """The validated options of ``jixiao convert``; raises OptionsError naming a bad one."""
    defaults = command_line_defaults()
    changes = {}
    if getattr(args, "max_pages", None) is not None:
        changes["max_pages"] = args.max_pages  # else the JIXIAO_MAX_PAGES setting, or the default
    if getattr(args, "vocabulary", None):
        changes["vocabulary"] = tuple(args.vocabulary)  # else JIXIAO_VOCABULARY
    if getattr(args, "text_form", None):
        changes["text_form"] = args.text_form
    if args.memory is not None:
        _refuse_a_size(args.memory)
    return ConvertOptions.build(
        formats=args.format, memory=None if args.no_memory else (args.memory or defaults["memory"]),
        references=args.reference, engine=args.engine, workers=args.workers, scheduler=args.scheduler,
        timeout=args.timeout or None, memory_limit=args.worker_memory, cache=not args.no_cache,
        keep_results=defaults["keep_results"], **changes)


_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*[KMGT]i?B?\s*$", re.IGNORECASE)


def _refuse_a_size(path: str) -> None:
    """``--memory 4G`` is a size given where the repair memory's file is meant."""
    if _SIZE.match(path) and not Path(path).exists():
        raise OptionsError(f"--memory {path}: --memory is the repair memory's file (a path); "
                           f"a worker's address space is --worker-memory {path.strip()}",
                           bad=[BadOption("memory", path, "a path to a SQLite file")])


def print_summary(result: Result) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    summary = result.summary
    unrelated = summary.get("unrelated", 0)
    title = f"jixiao: {summary['inputs'] - unrelated} input(s) → {result.out_dir}"
    if unrelated:
        title += f" ({unrelated} unrelated file(s) listed in the manifest)"
    table = Table(title=title, show_header=True)
    for column in ("ok", "partial", "failed", "skipped", "records", "fields repaired", "fields flagged", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(*(str(summary[key]) for key in
                    ("ok", "partial", "failed", "skipped", "records", "fields_repaired", "fields_flagged", "seconds")))
    console = Console()
    console.print(table)
    for entry in result.manifest:
        if entry.status.value != "ok" and not entry.unrelated:  # unrelated files: in the manifest only
            detail = (entry.error or "").splitlines()[0] if entry.error else ""
            console.print(f"[bold]{entry.status.value}[/bold] {escape(detail or entry.source)}", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
