"""The queue of tables not understood: what a clerk sees of each, the records a mapping gives, and
saving the mapping as a learned layout.

Every ``failed`` or ``partial`` input of the batch (its manifest) is in the queue. ``filings.jsonl``
has no line for a failed input, so the grid is read again here, from the source file the manifest
names (found under the app's roots, like the crops and text lines the review screen shows), with
the vocabulary the batch read it with. The reader's own view of each grid (header, column roles and
how they were decided, first rows) is :func:`jixiao.reader.survey.survey`; a candidate mapping is
previewed by reading the source again with it as a learned layout and repairing and joining the
filing on its own, as ``convert`` would; saving stores it in the repair memory
(:mod:`jixiao.repair.layouts`) under the header's signature, with the reviewer and the time.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from ..extractors import extract
from ..extractors.base import ExtractionError
from ..layout.vocabulary import LABELS
from ..layout.vocabulary_file import Vocabulary, VocabularyError, builtin, load_file
from ..model import Extracted, LearnedLayout
from ..model.errors import ErrorCode, JixiaoError, NotAFiling
from ..pipeline.runner import build_index, repair_and_join
from ..pipeline.task import TaskSettings
from ..reader import read_layout
from ..reader.survey import GridSurvey, survey
from ..repair.layouts import LayoutStore, role_names
from .sources import SourceError, resolve

QUEUED = ("failed", "partial")
PREVIEW_FIELDS = ("row", "level1", "level2", "level3", "operator", "target", "unit", "score", "explanation",
                  "scoring_rule", "actual", "points", "direction", "project", "remark")
"""The record fields the preview shows, in the order of the table."""
CACHED_SOURCES = 16


class TeachError(JixiaoError):
    """A queued input cannot be shown or taught; the message names the file and what is wrong."""

    default_code = ErrorCode.SOURCE_UNAVAILABLE


def entry_id(source: str) -> str:
    """A queued input's id: its source as the manifest names it, hashed (a failed input has no filing id)."""
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def queue(manifest: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The manifest's failed and partial inputs, in manifest order."""
    return [{"id": entry_id(line["source"]), "source": line["source"], "status": line["status"],
             "error": (line.get("error") or "").splitlines()[0] if line.get("error") else None,
             "records": line.get("records", 0)}
            for line in manifest if isinstance(line, dict) and line.get("status") in QUEUED
            and isinstance(line.get("source"), str)]


def batch_vocabulary(line: dict[str, Any]) -> Vocabulary:
    """The vocabulary a manifest line says its input was read with: the built-in one, or the built-in one
    with the recorded files, which must still hold what they held then."""
    recorded = line.get("vocabulary") or {}
    files = [item["path"] for item in recorded.get("files", ())]
    if not files:
        return builtin()
    try:
        vocabulary = load_file(*files)
    except VocabularyError as error:
        raise TeachError(f"{line['source']}: the batch read it with the vocabulary file(s) "
                         f"{', '.join(files)}, which cannot be read again: {error}") from None
    if vocabulary.digest != recorded.get("digest"):
        raise TeachError(f"{line['source']}: the vocabulary file(s) {', '.join(files)} changed since the batch "
                         "was converted; convert again, then teach")
    return vocabulary


@dataclass
class Candidate:
    """A clerk's mapping for one grid of a queued input, as the screen holds it."""

    grid: int
    roles: dict[int, Optional[str]]


class Teacher:
    """The teaching side of one review server: sources read once (a small cache), layouts in the store."""

    def __init__(self, manifest: Sequence[dict[str, Any]], roots: Sequence[Path], store: LayoutStore):
        self.lines = {entry_id(line["source"]): line for line in manifest
                      if isinstance(line, dict) and isinstance(line.get("source"), str)}
        self.queued = queue(manifest)
        self.roots = list(roots)
        self.store = store
        self._extracted: "OrderedDict[tuple[str, str], Extracted]" = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ reading a queued input again

    def line(self, item: str) -> dict[str, Any]:
        line = self.lines.get(item)
        if line is None or line.get("status") not in QUEUED:
            raise KeyError(f"no failed or partial input {item} in this batch")
        return line

    def _task(self, line: dict[str, Any], learned: Sequence[LearnedLayout]) -> TaskSettings:
        return TaskSettings(vocabulary=batch_vocabulary(line), learned=tuple(learned))

    def extracted(self, line: dict[str, Any]) -> Extracted:
        """The input's grids, extracted as the batch did (cached: a preview per key press reads it once)."""
        task = self._task(line, ())
        path = self._path(line["source"])
        stat = path.stat()
        key = (f"{path}:{stat.st_mtime_ns}:{stat.st_size}", task.vocabulary.digest)
        with self._lock:
            if key in self._extracted:
                self._extracted.move_to_end(key)
                return self._extracted[key]
        try:
            with task.applied() as applied:
                found = extract(line["source"], path.read_bytes(), applied.limits)
        except (ExtractionError, OSError) as error:
            raise TeachError(f"{line['source']}: cannot be read again: {error}") from None
        with self._lock:
            self._extracted[key] = found
            while len(self._extracted) > CACHED_SOURCES:
                self._extracted.popitem(last=False)
        return found

    def _path(self, source: str) -> Path:
        try:
            return resolve(source, self.roots)
        except SourceError as error:
            raise TeachError(str(error)) from None

    def grids(self, line: dict[str, Any]) -> list[GridSurvey]:
        """Each grid as the reader sees it on its own: no learned layout, so the roles shown are the
        reader's, and a clerk's role that differs from a header the reader is sure of is an override."""
        found = self.extracted(line)
        if any(grid.fragment is not None for grid in found.grids):
            raise TeachError(f"{line['source']}: read as the split column groups of the seed's layout, whose "
                             "columns are known by their place: there is no header to teach")
        with self._task(line, ()).applied():
            return survey(found)

    # ------------------------------------------------------------------ what the screen shows

    def view(self, item: str) -> dict[str, Any]:
        """A queued input: its manifest line, and each grid with the layout in force for its header."""
        line = self.line(item)
        summary = next(q for q in self.queued if q["id"] == item)
        try:
            grids = self.grids(line)
        except TeachError as error:
            return {**summary, "grids": [], "problem": str(error), "roles": _role_choices()}
        shown = []
        for grid in grids:
            data = grid.to_json()
            taught = self.store.get(grid.signature) if grid.signature else None
            data["learned"] = taught.model_dump(mode="json") if taught else None
            data["version"] = self.store.version(grid.signature) if grid.signature else 0
            shown.append(data)
        return {**summary, "grids": shown, "problem": None, "roles": _role_choices()}

    def layout(self, line: dict[str, Any], candidate: Candidate, name: Optional[str] = None) -> LearnedLayout:
        """The learned layout a candidate mapping makes: every column's role as the clerk's screen shows
        it, and as overrides the columns whose header the reader is sure of and the clerk set otherwise."""
        grids = self.grids(line)
        if not 0 <= candidate.grid < len(grids) or grids[candidate.grid].header is None:
            raise TeachError(f"{line['source']}: grid {candidate.grid} has no header to teach")
        grid = grids[candidate.grid]
        columns = grid.columns
        unknown = [k for k in candidate.roles if not 0 <= k < len(columns)]
        if unknown:
            raise TeachError(f"{line['source']}: the header has {len(columns)} column(s), no column {unknown[0]}")
        overrides = [c.index for c in columns if c.role is not None and c.decided_by in ("header", "header+cells")
                     and candidate.roles.get(c.index, c.role) != c.role]
        assert grid.signature is not None
        return LearnedLayout(signature=grid.signature, name=name or Path(line["source"]).name,
                             roles=dict(sorted(candidate.roles.items())), overrides=overrides)

    def preview(self, item: str, candidate: Candidate) -> dict[str, Any]:
        """The records the input gives with the candidate mapping (and the layouts in force for its other
        headers), as the next convert would make them; or why it still gives none."""
        line = self.line(item)
        layout = self.layout(line, candidate)
        others = [taught for taught in self.store.in_force() if taught.signature != layout.signature]
        found = self.extracted(line)
        try:
            with self._task(line, [layout, *others]).applied():
                filing = read_layout(found)
                outcome = repair_and_join(filing, build_index([filing]))
        except NotAFiling as error:
            return {"status": "failed", "error": str(error), "records": [], "layout": layout.model_dump(mode="json")}
        result = outcome.result
        records = [{name: getattr(r, name, None) for name in PREVIEW_FIELDS} for r in result.records] if result else []
        errors = [e.message for e in (result.errors if result else outcome.entry.errors)
                  if e.severity.value == "error"]
        return {"status": outcome.entry.status.value, "error": errors[0] if errors else None, "records": records,
                "layout": layout.model_dump(mode="json")}

    def save(self, item: str, candidate: Candidate, reviewer: str, *, version: Optional[int] = None,
             name: Optional[str] = None) -> LearnedLayout:
        """Store the candidate as the learned layout of its header (raises LayoutConflict when a colleague
        saved one for it since the screen showed ``version``)."""
        layout = self.layout(self.line(item), candidate, name)
        return self.store.teach(layout, reviewer, expected_version=version)


def _role_choices() -> list[dict[str, str]]:
    """The roles a column may be given, with their labels, for the screen's legend."""
    return [{"role": role, "label": LABELS.get(role, role)} for role in role_names()]


__all__ = ["Candidate", "PREVIEW_FIELDS", "QUEUED", "TeachError", "Teacher", "batch_vocabulary", "entry_id", "queue"]
