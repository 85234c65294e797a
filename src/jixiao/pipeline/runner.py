"""Batch conversion: paths in, records out, every input accounted for.

The batch runs in two phases because repair needs the whole batch as
evidence: (1) extract every filing and put its passages into the batch index;
(2) repair and join every filing against that index and stream the results
to the writers. Each stage is a plain callable; a failure in one input
becomes a ``failed`` manifest entry and the batch goes on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from ..extractors import extract
from ..reader import read_layout
from ..extractors.base import ExtractionError, UnsupportedFormat
from ..extractors.limits import ExtractionLimits
from .task import TaskSettings
from ..repair.feedback import decisions_applied
from ..output.folder import prepare_out_dir
from ..output.writers import OutputWriter
from ..repair.filing import passages_of, repair_filing
from ..repair.index import PassageIndex
from ..repair.layouts import layouts_in_force
from ..repair.memory import MemoryStoreError, RepairMemory, store_error
from ..extractors.pdf import document_text
from ..repair.reference import load_references
from ..model import (
    ErrorCode,
    ErrorItem,
    FieldStatus,
    Filing,
    FilingResult,
    FilingStatus,
    LearnedLayout,
    ManifestEntry,
    Record,
    Severity,
)
from .entries import MAX_MESSAGE_CHARS, bounded, failed_entry, skipped_entry  # noqa: F401 (re-exported)
from .inputs import INPUT_SUFFIXES, display_name, find_inputs, not_a_regular_file  # noqa: F401 (re-exported)
from .reading import read_source  # noqa: F401 (re-exported)
from .joiner import join
from .options import ConvertOptions, OptionsError  # noqa: F401 (OptionsError: part of the API)

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What happened to one input."""

    entry: ManifestEntry
    result: Optional[FilingResult] = None


@dataclass
class Result:
    """A converted batch: one outcome per input, in input order."""

    outcomes: list[Outcome]
    out_dir: Optional[Path] = None
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)

    @property
    def filings(self) -> list[FilingResult]:
        return [o.result for o in self.outcomes if o.result is not None]

    @property
    def records(self) -> list[Record]:
        return [r for f in self.filings for r in f.records]

    @property
    def manifest(self) -> list[ManifestEntry]:
        return [o.entry for o in self.outcomes]

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if o.entry.status is FilingStatus.FAILED)

    def records_frame(self):
        """The records as a pandas DataFrame, one row per indicator."""
        import pandas as pd

        rows = [r.model_dump(mode="json", exclude={"fields"}) for r in self.records]
        return pd.DataFrame(rows)


def discover(paths: Iterable[Union[str, os.PathLike]]) -> list[str]:
    """Expand folders into the filings they hold; files are taken as given (see :func:`.inputs.find_inputs`,
    which also says why an entry that looks like an input cannot be one).

    A folder named ``<name>.pages`` is one input: the page images of one scan.
    Every other file of a folder is an input too, whatever its suffix, so that
    it is listed in the manifest: one jixiao does not read is ``skipped`` with
    the reason (a stylesheet or the images of a saved page quietly so). Hidden
    files and folders (``.DS_Store``, ``.git``) are left out.

    A path that does not exist is kept, so that it gets its own manifest line.
    """
    return [item.path for item in find_inputs(paths)]


def extract_source(source: str, task: Optional[TaskSettings] = None) -> Union[Filing, ManifestEntry]:
    """Phase 1 for one input: a Filing, or a failed manifest entry saying why."""
    task = task if task is not None else TaskSettings()
    data = read_source(source, limits=task.limits)
    return data if isinstance(data, ManifestEntry) else extract_data(display_name(source), data, task)


def extract_data(source: str, data: bytes,
                 task: Optional[TaskSettings] = None) -> Union[Filing, ManifestEntry]:
    """Phase 1 for bytes already read, under ``task`` (None: the settings in force in this process): a
    Filing, or a failed manifest entry saying why."""
    try:
        with as_task(task).applied() as applied:
            extracted = extract(source, data, applied.limits)
            filing = read_layout(extracted)
        filing.cleaned = list(extracted.cleaned)  # the reader makes a new Filing: the cleaned cells go with it
        return filing
    except UnsupportedFormat as error:
        return skipped_entry(source, str(error), code=error.code, unrelated=error.unrelated)
    except ExtractionError as error:
        return failed_entry(source, str(error), code=error.code)
    except Exception as error:  # a bug or a hostile file must not end the batch
        return failed_entry(source, crash_message(source, "extractor", error), code=ErrorCode.EXTRACTOR_CRASHED)


def as_task(task: Union[TaskSettings, ExtractionLimits, None]) -> TaskSettings:
    """The settings a task runs under: given, or made of bare extraction limits, or those in force."""
    if isinstance(task, TaskSettings):
        return task
    return TaskSettings(limits=task) if task is not None else TaskSettings()


def crash_message(source: str, stage: str, error: Exception) -> str:
    """The manifest's words for an unexpected exception: what and where, never a traceback (issue 23);
    the traceback goes to the log (stderr), where a bug report can take it from."""
    log.error("%s: %s crashed", source, stage, exc_info=error)
    return (f"{source}: {stage} crashed: {type(error).__name__}: {error} (an error in jixiao, not in the file: "
            "please report it with the traceback from the log)")


def build_index(filings: Sequence[Filing]) -> PassageIndex:
    """The batch passage index: every free-text cell of every filing."""
    index = PassageIndex()
    for filing in filings:
        index.extend(passages_of(filing))
    return index


def repair_and_join(filing: Filing, index) -> Outcome:
    """Phase 2 for one filing: repair against the batch index, join, summarise."""
    try:
        result = join(filing, repair_filing(filing, index))
    except Exception as error:
        entry = failed_entry(filing.source, crash_message(filing.source, "repair", error),
                             code=ErrorCode.REPAIR_CRASHED, component="repair")
        entry.filing = filing.filing
        return Outcome(entry)
    return Outcome(manifest_entry(result), result)


def manifest_entry(result: FilingResult) -> ManifestEntry:
    fields = [f for r in result.records for f in r.fields.values()]
    headers = [*result.duties, *result.goals]
    repaired = sum(1 for f in fields if f.status in (FieldStatus.REPAIRED, FieldStatus.PARTIAL) and f.evidence)
    repaired += sum(1 for h in headers if h.status in (FieldStatus.REPAIRED, FieldStatus.PARTIAL))
    flagged = sum(1 for f in (*fields, *headers) if f.needs_review)
    errors = [e if len(e.message) <= MAX_MESSAGE_CHARS else e.model_copy(update={"message": bounded(e.message)})
              for e in capped_warnings(result.source, result.errors)]
    first_error = next((e.message for e in errors if e.severity.value == "error"), None)
    return ManifestEntry(source=result.source, filing=result.filing, status=result.status, error=first_error,
                         errors=errors, records=len(result.records), fields_repaired=repaired,
                         fields_flagged=flagged, route=result.route, pages=result.pages,
                         decisions_applied=decisions_applied(result))


MAX_MANIFEST_WARNINGS = 5
"""Warnings listed per input in the manifest; the rest are counted in one more (filings.jsonl has all)."""


def capped_warnings(source: str, errors: list[ErrorItem]) -> list[ErrorItem]:
    """Every error, and the first :data:`MAX_MANIFEST_WARNINGS` warnings with a count of the rest:
    a 200 MB text once gave one manifest line of 87,549 warnings (16 MB)."""
    warnings = [e for e in errors if e.severity is Severity.WARNING]
    if len(warnings) <= MAX_MANIFEST_WARNINGS:
        return errors
    dropped = {id(e) for e in warnings[MAX_MANIFEST_WARNINGS:]}
    kept = [e for e in errors if id(e) not in dropped]
    kept.append(ErrorItem(code=ErrorCode.WARNINGS_CAPPED, component="manifest", severity=Severity.WARNING,
                          message=f"{source}: {len(dropped)} more warning(s) not listed here "
                          "(filings.jsonl lists every one)"))
    return kept


ProgressCallback = Callable[[str, int, int], None]


def convert(
    paths: Iterable[Union[str, os.PathLike]],
    out_dir: Optional[Union[str, os.PathLike]] = None,
    options: Optional[ConvertOptions] = None,
    *,
    progress: Optional[ProgressCallback] = None,
    **changes: Any,
) -> Result:
    """Convert filings; write outputs into ``out_dir`` when given.

    How is said by ``options`` (a :class:`~.options.ConvertOptions`) and/or
    its fields as keywords (``convert(paths, out, formats=("jsonl", "xlsx"),
    engine="local", max_pages=50)``); keywords override ``options``. A bad
    value raises :class:`~.options.OptionsError` (a ValueError) naming the
    option, before anything is read or written. The fields:

    ``memory`` is the SQLite repair memory to draw on (and, with ``learn``, to
    add this batch's passages to); ``references`` are documents to trust as
    evidence. Every input gets exactly one manifest entry, in input order.
    Returns the :class:`Result`, whose ``records_frame()`` gives a DataFrame.

    ``engine`` is where the work runs (see :data:`jixiao.pipeline.engines.ENGINES`):
    ``"serial"`` (this process; the API default), ``"local"`` (``workers``
    processes, the CLI default) or ``"dask"`` (the cluster at ``scheduler``,
    or a LocalCluster of ``workers`` processes). ``timeout`` seconds per input
    and phase, and ``memory_limit`` bytes per worker, apply to the pool engines.
    With ``cache`` (and an ``out_dir``), ``OUT/.cache`` lets a re-run or a
    killed run's restart skip unchanged inputs. ``keep_results=False`` keeps only
    the outcomes of inputs that are not ok (without records), for bounded memory.
    The limits (``max_pages``, ``max_cells``, ``max_part_mb`` …, every field of
    :class:`~jixiao.extractors.limits.ExtractionLimits`) and ``ocr_threads``
    bound each extraction; they default to the ``JIXIAO_*`` settings. An engine
    that cannot run at all raises :class:`~jixiao.model.errors.EngineError`.
    """
    import tempfile

    from .batch import run_batch
    from .cache import Cache, files_digest, memory_digest, open_cache
    from .options import cache_key_file
    from .engines import make_engine
    from ..repair.reference import reference_files

    opts = ConvertOptions.build(options, **changes)
    started = time.perf_counter()
    if out_dir is not None:
        prepare_out_dir(out_dir)  # OutputFolderError before any work: a file, a path under a file, read-only
    sources = find_inputs(paths, outputs=[out_dir] if out_dir is not None else [])
    notify = progress or (lambda phase, done, total: None)
    references = opts.references
    # a reference PDF is read as the filings are: its fonts' own widths, whatever the machine has
    reference_index = load_references(references, pdf_text=document_text) if references else None
    reference_digest = files_digest(reference_files(references)) if references else "none"
    store = RepairMemory(Path(opts.memory)) if opts.memory is not None else None  # checked now: before any work
    writer = (OutputWriter(Path(out_dir), formats=opts.formats, validate=opts.validate_outputs)
              if out_dir is not None else None)
    with contextlib.ExitStack() as stack:
        if opts.cache and out_dir is not None:
            batch_cache = open_cache(Path(out_dir) / ".cache", cache_key_file())
            if batch_cache.temporary:
                stack.callback(shutil.rmtree, batch_cache.root, True)
        else:  # a cache for this run alone: signed with a key that dies with the process
            batch_cache = Cache(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jixiao-cache-"))))
        if store is not None:
            stack.callback(store.close)
        runner = stack.enter_context(make_engine(opts.engine, workers=opts.workers, scheduler=opts.scheduler,
                                                 timeout=opts.timeout, memory_limit=opts.memory_limit))
        with writer or _NullWriter():
            output = run_batch(sources, runner, batch_cache, writer=writer, store=store,
                               reference=reference_index, reference_digest=reference_digest,
                               memory_digest=memory_digest(store.path) if store is not None else "none",
                               learn=opts.learn, keep_results=opts.keep_results, notify=notify,
                               task=opts.task(learned_layouts(store)), memory_state=memory_state(store))
        # the outputs are in place: only now is the memory taught, and its failure costs no output
        memory_warning = remember_batch(output.remember, store)
        if opts.cache and out_dir is not None and not batch_cache.temporary:
            batch_cache.prune()
    result = Result(outcomes=output.outcomes, out_dir=Path(out_dir) if out_dir is not None else None,
                    seconds=time.perf_counter() - started)
    result.summary = {**output.summary, "seconds": round(result.seconds, 3)}
    warnings = [*batch_cache.warnings, *([memory_warning] if memory_warning else [])]
    if warnings:
        result.summary["warnings"] = warnings
    return result


def learned_layouts(store: Optional[RepairMemory]) -> tuple[LearnedLayout, ...]:
    """The clerks' learned layouts in force in the repair memory; none without a memory (``--no-memory``
    reads with what the code and the vocabulary know, and nothing a clerk taught)."""
    if store is None:
        return ()
    try:
        return tuple(layouts_in_force(store.conn))
    except (sqlite3.Error, ValueError) as error:  # a layout row that does not parse is a damaged memory
        raise store_error(store.path, error) from None


def memory_state(store: Optional[RepairMemory]) -> Optional[dict]:
    """What each manifest line records of the memory the batch draws on; its path as a display name
    (a path that is not UTF-8 is written escaped, like every input's)."""
    if store is None:
        return None
    state = store.state()
    state["path"] = display_name(state["path"])
    return state


def remember_batch(remember: Optional[Callable[[], int]], store: Optional[RepairMemory]) -> Optional[str]:
    """Teach the memory the finished batch; a failure is a warning (the outputs are already written)."""
    if remember is None:
        return None
    try:
        remember()
    except (sqlite3.Error, OSError, MemoryStoreError) as error:
        problem = store_error(store.path, error) if store is not None else error
        return f"the repair memory was not updated with this batch (the outputs are complete): {problem}"
    return None


class _NullWriter:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None
