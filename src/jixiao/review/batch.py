"""A converted batch folder as the review app sees it, and its export.

``jixiao export OUT`` rewrites the records in every format the batch was
converted with (its ``batch.json``; through the same sinks as ``convert``),
filings.jsonl and review.jsonl with the decisions in force. The first export keeps the
converter's originals in ``OUT/.review/pristine/``; every later export starts
from them again, so an undo after an export is exported correctly too. A new
``jixiao convert`` into OUT replaces the files, which the stored checksums
notice, and the originals are taken afresh.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Optional

from ..model import FilingResult, Record, RepairedField, ReviewItem
from ..model.errors import ErrorCode, JixiaoError
from ..output.atomic import atomic_writer
from ..output.sinks import writing_records
from ..output.writers import recorded_formats
from .log import Decision, DecisionLog
from ..repair.settle import item_id, settle, settle_result

QUEUE_FILES = ("records.jsonl", "filings.jsonl", "review.jsonl")


class BatchError(JixiaoError):
    """The folder is not a converted batch (says which file is missing or bad)."""

    default_code = ErrorCode.BATCH_UNREADABLE


def _read_jsonl(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BatchError(f"{path}: missing; is {path.parent} a folder written by `jixiao convert`?") from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise BatchError(f"{path}:{number}: not JSON: {error.msg}") from None
    return lines


def _sha(path: Path) -> Optional[str]:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


class Batch:
    """The queue, records and filings of one batch folder (read from the converter's originals)."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir).resolve()
        if not self.out_dir.is_dir():
            raise BatchError(f"{out_dir}: no such folder")
        self.key = str(self.out_dir)
        base = self.base_dir()
        self.items = [ReviewItem.model_validate(line) for line in _read_jsonl(base / "review.jsonl")]
        self.items.sort(key=lambda item: item.confidence)  # lowest confidence first, stable
        self.by_id = {item.id: item for item in self.items}
        self.filings = [FilingResult.model_validate(line) for line in _read_jsonl(base / "filings.jsonl")]
        records = [Record.model_validate(line) for line in _read_jsonl(base / "records.jsonl")]
        self.records: dict[tuple[str, int], Record] = {(r.filing, r.row): r for r in records}
        # Only inputs the manifest names may be served as sources: an edited review.jsonl
        # (or filings.jsonl) cannot point the server at another file.
        self.manifest = [line for line in _read_jsonl(self.out_dir / "manifest.jsonl") if isinstance(line, dict)]
        self.sources = {line["source"] for line in self.manifest if isinstance(line.get("source"), str)}

    def serves(self, path: str) -> bool:
        """Whether ``path`` is an input of this batch, or a page inside a page folder that is."""
        return path in self.sources or any(path.startswith(source.rstrip("/") + "/") for source in self.sources
                                           if source.endswith(".pages") or source.endswith(".pages/"))

    @property
    def state_dir(self) -> Path:
        return self.out_dir / ".review"

    def base_dir(self) -> Path:
        """Where the converter's own outputs are: the pristine copy if OUT holds our last export."""
        pristine = self.state_dir / "pristine"
        try:
            exported = json.loads((self.state_dir / "exported.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return self.out_dir
        if all(exported.get(name) == _sha(self.out_dir / name) for name in QUEUE_FILES) and \
                all((pristine / name).is_file() for name in QUEUE_FILES):
            return pristine
        return self.out_dir

    def record_of(self, item: ReviewItem) -> Optional[Record]:
        return self.records.get((item.filing, item.row)) if item.row is not None else None

    def identical(self, item: ReviewItem) -> list[ReviewItem]:
        """Every item of the batch with the same raw text (the item itself included)."""
        return [other for other in self.items if other.raw == item.raw]

    def export(self, log: DecisionLog) -> dict:
        """Write the outputs with the decisions in force; returns counts."""
        base = self.base_dir()
        pristine = self.state_dir / "pristine"
        if base == self.out_dir:
            pristine.mkdir(parents=True, exist_ok=True)
            for name in QUEUE_FILES:  # atomically: a kill mid-copy must not leave half a pristine file
                with atomic_writer(pristine / name, mode="wb") as handle, open(self.out_dir / name, "rb") as src:
                    shutil.copyfileobj(src, handle)
        decisions: dict[str, Decision] = {d.item: d for d in log.in_force()}
        applied = 0
        by_filing: dict[str, list[Record]] = {}
        for record in self.records.values():
            by_filing.setdefault(record.filing, []).append(record)
        lookup = lambda item, kind, raw: decisions.get(item)  # noqa: E731
        # the sinks finish (and are renamed) first: a sink failing leaves filings.jsonl as it was too
        with atomic_writer(self.out_dir / "filings.jsonl") as filings_out, \
                writing_records(self.out_dir, recorded_formats(self.out_dir)) as sinks:
            for filing in self.filings:
                filing = filing.model_copy(update={"records": sorted(by_filing.get(filing.filing, []),
                                                                      key=lambda r: r.row)})
                settled, count = settle_result(filing, lookup)
                applied += count
                filings_out.write(_line(settled.model_dump(mode="json")))
                for record in settled.records:
                    payload = record.model_dump(mode="json")
                    for sink in sinks:
                        sink.add(payload)
        with atomic_writer(self.out_dir / "review.jsonl") as review_out:
            for item in self.items:
                review_out.write(_line(_settled_item(item, decisions.get(item.id)).model_dump(mode="json")))
        self.state_dir.mkdir(exist_ok=True)
        with atomic_writer(self.state_dir / "exported.json") as handle:
            json.dump({name: _sha(self.out_dir / name) for name in QUEUE_FILES}, handle)
        decided = sum(1 for d in decisions.values() if d.action != "flag")
        return {"items": len(self.items), "decided": decided,
                "flagged": sum(1 for d in decisions.values() if d.action == "flag"), "fields_settled": applied}


def _settled_item(item: ReviewItem, decision: Optional[Decision]) -> ReviewItem:
    if decision is None:
        return item
    field = RepairedField(value=item.value, raw=item.raw, status=item.status, confidence=item.confidence,
                          evidence=item.evidence, candidates=item.candidates, flags=item.flags,
                          provenance=item.provenance)
    field = settle(field, decision)
    return item.model_copy(update={"value": field.value, "status": field.status, "confidence": field.confidence,
                                   "flags": field.flags, "evidence": field.evidence})


def _line(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


__all__ = ["Batch", "BatchError", "item_id"]
