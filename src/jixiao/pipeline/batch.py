"""The two-phase batch on an engine: extract in parallel, index in input order, repair in parallel.

Phase 1 sends each input's bytes to an engine worker to be extracted; the
parent takes the filings back *in input order* (buffering early finishers),
gives duplicate ids their suffix and adds the passages to the batch index, so
the index, and therefore every repair, is the same whatever the engine and
the number of workers. Phase 2 ships the index once per worker (the engine's
``setup``) and repairs each filing there; the parent writes the outcomes in
input order as they become writable, so records stream out while the batch runs.

Everything a worker returns is cached (see :mod:`.cache`) before it is used,
so a killed run resumes where it stopped. The parent keeps per input only a
small slot (path, keys, id); filings and results live in the cache and are
read back when their turn comes, so memory does not grow with the batch
(only the passage index does).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Union

from .task import TaskSettings
from ..repair.feedback import apply_decisions
from ..repair.filing import passages_of, repaired_passages
from ..repair.index import PassageIndex
from ..repair.memory import RepairMemory, connect_read_only
from ..repair.sources import CombinedIndex
from .cache import Cache, decode, digest, extraction_key_of
from .inputs import Input
from ..model import ErrorCode, Filing, FilingStatus, InternalError, ManifestEntry
from . import runner
from .entries import failed_entry, skipped_entry
from .reading import Fingerprint, fingerprint, read_source
from .runner import Outcome

IN_MEMORY_BUFFER = 256
"""Out-of-order results kept in memory; beyond this they are read back from the cache."""


# ---------------------------------------------------------------- worker side

@dataclass
class Phase2Context:
    """What every phase-2 worker needs, shipped once per worker: the read-only evidence."""

    batch: PassageIndex
    reference: Optional[PassageIndex] = None
    memory: Optional[str] = None  # path of the SQLite repair memory, opened read-only per worker


_CONTEXT: Optional[Phase2Context] = None
_LOCAL = threading.local()  # one read-only SQLite connection per worker thread


class ReadOnlyMemory(RepairMemory):
    """The repair memory opened read-only: workers read it, only the parent writes it."""

    def __init__(self, path: str):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"repair memory {path} is not readable on this worker")
        self.conn = connect_read_only(self.path, check_same_thread=False)  # by its path: no URI formatting


def install_context(context: Optional[Phase2Context]) -> None:
    """Engine setup for phase 2: keep the evidence for every task of this worker."""
    global _CONTEXT
    _CONTEXT = context
    _LOCAL.__dict__.clear()


def _index() -> CombinedIndex:
    context = _CONTEXT
    if context is None:
        raise InternalError("phase 2 ran without its context (engine setup was skipped)")
    memory = None
    if context.memory is not None:
        memory = getattr(_LOCAL, "memory", None)
        if memory is None or str(memory.path) != context.memory:
            memory = _LOCAL.memory = ReadOnlyMemory(context.memory)
    return CombinedIndex(batch=context.batch, memory=memory, references=context.reference)


def extract_task(source: str, content: Union[bytes, tuple[str, Fingerprint]], task: Optional[TaskSettings] = None):
    """Phase 1 on a worker: a Filing or a failed ManifestEntry. ``content`` is the input's bytes (for a
    worker that shares no file system with the batch) or its path and fingerprint: the worker reads
    the file itself, under ``max_input_mb``. The task's settings (limits, vocabulary, reader settings,
    text form, learned layouts) come with it, so a worker (a remote Dask one too) needs none of the
    parent's environment or state."""
    task = task if task is not None else TaskSettings()
    if isinstance(content, tuple):
        path, expected = content
        data = read_source(path, source, task.limits, expected)
        if isinstance(data, ManifestEntry):
            return data
    else:
        data = content
    return runner.extract_data(source, data, task)


def repair_task(filing_json: bytes, filing_id: str):
    """Phase 2 on a worker: the Filing as its cache entry's JSON (data, never a pickle), its batch-unique
    id → (ManifestEntry, FilingResult)."""
    filing = decode(filing_json)
    if not isinstance(filing, Filing):
        raise TypeError(f"phase 2 was given a {type(filing).__name__}, not a Filing")
    filing.filing = filing_id
    index = _index()
    outcome = runner.repair_and_join(filing, index)
    memory = index.memory
    if isinstance(memory, RepairMemory) and outcome.result is not None:
        # clerks' earlier decisions (the review app's log in the same store) settle their fields
        settled = apply_decisions(outcome.result, memory.conn)
        outcome = runner.Outcome(runner.manifest_entry(settled), settled)
    return outcome.entry, outcome.result


# ---------------------------------------------------------------- parent side

@dataclass
class _Slot:
    source: str  # the input's name in every output (.inputs.display_name of its path)
    path: str = ""  # what the operating system calls it: only for reading
    problem: Optional[str] = None  # why an entry that looks like an input cannot be one
    code: ErrorCode = ErrorCode.UNREADABLE_ENTRY  # … and what that is
    skip: Optional[str] = None  # why an entry is not read (an output folder)
    key: Optional[str] = None  # extraction cache key (content hash …)
    filing: Optional[str] = None  # batch-unique filing id, once extracted
    entry: Optional[ManifestEntry] = None  # set when the input failed before phase 2


class _InOrder:
    """Completions arrive in any order; hand them on in input order."""

    def __init__(self) -> None:
        self.next = 0
        self.ready: dict[int, tuple[Any, Optional[Callable[[], Any]]]] = {}

    def put(self, position: int, value: Any, reload: Optional[Callable[[], Any]] = None) -> None:
        if reload is not None and len(self.ready) >= IN_MEMORY_BUFFER:
            value = None  # read it back from the cache when its turn comes
        self.ready[position] = (value, reload)

    def drain(self) -> Iterator[tuple[int, Any]]:
        while self.next in self.ready:
            value, reload = self.ready.pop(self.next)
            if value is None and reload is not None:
                value = reload()
            yield self.next, value
            self.next += 1


Notify = Callable[[str, int, int], None]


@dataclass
class BatchOutput:
    outcomes: list[Outcome]
    summary: dict
    remember: Optional[Callable[[], int]] = None  # adds the batch to the repair memory; run after the outputs


def run_batch(sources: list[Union[str, Input]], engine, cache: Cache, *, writer=None, store: Optional[RepairMemory] = None,
              reference: Optional[PassageIndex] = None, reference_digest: str = "none",
              memory_digest: str = "none", learn: bool = True, keep_results: bool = True,
              notify: Notify = lambda phase, done, total: None,
              task: Optional[TaskSettings] = None, memory_state: Optional[dict] = None) -> BatchOutput:
    """Convert ``sources`` on ``engine`` (entered by the caller), writing to ``writer`` in input order.

    Every extraction runs under ``task`` (limits, vocabulary, reader settings; the defaults when None),
    sent with each task.

    With ``keep_results`` false, only the outcomes of inputs that are not ok
    are kept (without their records), so memory stays bounded.
    """
    total = len(sources)
    task = task if task is not None else TaskSettings()
    # the vocabulary files a user added, with the digest of the whole vocabulary they made (absent with
    # the built-in vocabulary alone: the code's version names that)
    vocabulary_state = {"digest": task.vocabulary.digest,
                        "files": [{"path": path, "sha256": sha} for path, sha in task.vocabulary.files]
                        } if task.vocabulary.files else None
    inputs = [item if isinstance(item, Input) else Input(item) for item in sources]
    slots = [_Slot(item.name, item.path, item.problem, item.code, item.skip) for item in inputs]
    batch_index = PassageIndex()
    seen_ids: dict[str, int] = {}
    batch_parts: list[str] = ["batch"]

    # phase 1: extract
    order = _InOrder()

    def extraction_tasks() -> Iterator[tuple[int, tuple]]:
        for position, slot in enumerate(slots):
            arguments = _extraction_task(slot, position, cache, task, engine, order)
            if arguments is not None:
                yield position, arguments

    def take_extracted(position: int, item) -> None:
        slot = slots[position]
        if isinstance(item, Filing):
            count = seen_ids.get(item.filing, 0)
            seen_ids[item.filing] = count + 1
            if count:  # the same bytes twice: the second copy gets a suffixed id
                item.filing = f"{item.filing}-{count + 1}"
            slot.filing = item.filing
            batch_index.extend(passages_of(item))
            batch_parts.extend((slot.key, item.filing))
        else:
            slot.entry = item
            batch_parts.extend(("failed", slot.source))

    def drain_extracted() -> None:
        for position, item in order.drain():
            take_extracted(position, item)
            notify("extract", position + 1, total)

    for position, done in engine.run(extract_task, extraction_tasks()):
        slot = slots[position]
        if done.error is not None:  # the machine's fault, not the input's: not cached, retried next run
            order.put(position, failed_entry(slot.source, f"{slot.source}: extraction {done.error}",
                                             code=done.code or ErrorCode.TASK_FAILED))
        else:
            cache.put("extract", slot.key, done.value)
            order.put(position, done.value, functools.partial(cache.get, "extract", slot.key))
        drain_extracted()
    drain_extracted()

    # phase 2: repair and join against the batch index, read-only
    batch_digest = digest(*batch_parts)
    context = Phase2Context(batch=batch_index, reference=reference,
                            memory=str(store.path) if store is not None else None)
    order = _InOrder()
    outcomes: list[Outcome] = []
    summary = {"inputs": total, "ok": 0, "partial": 0, "failed": 0, "skipped": 0, "unrelated": 0, "records": 0,
               "fields_repaired": 0, "fields_flagged": 0}

    def repair_key(slot: _Slot) -> str:
        return digest("repair", slot.key, slot.filing, batch_digest, memory_digest, reference_digest)

    def repair_tasks() -> Iterator[tuple[int, tuple]]:
        for position, slot in enumerate(slots):
            task = _repair_task(slot, position, repair_key(slot) if slot.entry is None else "", cache, order)
            if task is not None:
                yield position, task

    validated: set[int] = set()  # inputs whose table was understood: only they may teach the memory

    def drain_repaired() -> None:
        for position, outcome in order.drain():
            outcome.entry.memory = memory_state  # which memory, in which state, this batch drew on
            outcome.entry.vocabulary = vocabulary_state  # which words it read the tables with
            if outcome.entry.status in (FilingStatus.OK, FilingStatus.PARTIAL):
                validated.add(position)
            if writer is not None:
                writer.add(outcome.entry, outcome.result)
            entry = outcome.entry
            summary["unrelated" if entry.unrelated else entry.status.value] += 1
            summary["records"] += entry.records
            summary["fields_repaired"] += entry.fields_repaired
            summary["fields_flagged"] += entry.fields_flagged
            if keep_results:
                outcomes.append(outcome)
            elif entry.status is not FilingStatus.OK:
                outcomes.append(Outcome(entry))
            notify("repair", position + 1, total)

    try:
        for position, done in engine.run(repair_task, repair_tasks(), setup=(install_context, context)):
            slot = slots[position]
            if done.error is not None:
                order.put(position, _repair_failed(slot, done.error, done.code or ErrorCode.TASK_FAILED))
            else:
                cache.put("repair", repair_key(slot), done.value)
                order.put(position, Outcome(*done.value), functools.partial(_reload_outcome, cache, repair_key(slot)))
            drain_repaired()
        drain_repaired()
    finally:
        install_context(None)  # the serial engine installed it in this process

    remember = None
    if store is not None and learn:
        def remember() -> int:
            """Teach the memory this batch (the caller runs it once the outputs are in place). The batch
            id is the digest of its inputs, so a rerun after a kill counts nothing twice."""
            # never from a failed filing: what the reader did not understand is no evidence
            learned = [slot for position, slot in enumerate(slots) if slot.filing is not None and position in validated]

            def items():
                for slot in learned:
                    yield from passages_of(_filing_of(cache, slot))
                # the restored texts too: the next batch starts from what this one pieced together
                for slot in learned:
                    yield from _repaired_of(cache, repair_key(slot))
            return store.add(items(), batch=batch_digest)
    return BatchOutput(outcomes, summary, remember)


def _extraction_task(slot: _Slot, position: int, cache: Cache, task: TaskSettings, engine,
                     order: _InOrder) -> Optional[tuple]:
    """Phase 1 for one input: the arguments of its extraction task, or None when its outcome is known
    already (skipped, unreadable, cached) and was put in ``order``."""
    if slot.skip is not None:
        order.put(position, skipped_entry(slot.source, f"{slot.source}: {slot.skip}", code=ErrorCode.OUTPUT_FOLDER))
        return None
    known = failed_entry(slot.source, f"{slot.source}: {slot.problem}", code=slot.code) \
        if slot.problem is not None else fingerprint(slot.path, slot.source)  # hashed in pieces: the input is never held whole
    if isinstance(known, ManifestEntry):
        order.put(position, known)
        return None
    slot.key = extraction_key_of(slot.source, known.sha256, task)
    cached = cache.get("extract", slot.key)
    if cached is not None:
        order.put(position, cached, functools.partial(cache.get, "extract", slot.key))
        return None
    if getattr(engine, "shares_files", True):
        return slot.source, (slot.path, known), task
    data = read_source(slot.path, slot.source, task.limits, known)  # a remote worker needs the bytes
    if isinstance(data, ManifestEntry):
        order.put(position, data)
        return None
    return slot.source, data, task


def _repair_task(slot: _Slot, position: int, key: str, cache: Cache, order: _InOrder) -> Optional[tuple]:
    """Phase 2 for one input: its repair task's arguments (the filing as its cache entry's JSON and its
    id), or None when its outcome is known already (failed before, cached) and was put in ``order``."""
    if slot.entry is not None:
        order.put(position, Outcome(slot.entry))
        return None
    cached = cache.get("repair", key)
    if cached is not None:
        order.put(position, Outcome(*cached), functools.partial(_reload_outcome, cache, key))
        return None
    blob = cache.get_payload("extract", slot.key)
    if blob is None:
        order.put(position, _repair_failed(slot, "could not start: its extraction cache entry vanished",
                                               ErrorCode.INTERNAL))
        return None
    return blob, slot.filing


def _repair_failed(slot: _Slot, reason: str, code: ErrorCode) -> Outcome:
    entry = failed_entry(slot.source, f"{slot.source}: repair {reason}", code=code, component="repair")
    entry.filing = slot.filing
    return Outcome(entry)


def _reload_outcome(cache: Cache, key: str) -> Outcome:
    value = cache.get("repair", key)
    if value is None:  # pragma: no cover - the cache was emptied under us
        raise InternalError(f"batch cache entry repair/{key} vanished during the run")
    return Outcome(*value)


def _repaired_of(cache: Cache, key: str):
    value = cache.get("repair", key)
    if value is None or value[1] is None:
        return iter(())
    return repaired_passages(value[1])


def _filing_of(cache: Cache, slot: _Slot) -> Filing:
    filing = cache.get("extract", slot.key)
    filing.filing = slot.filing
    return filing
