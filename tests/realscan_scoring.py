"""Reading the real-truth scans (tools/realscans) and scoring them: shared by make eval and the tests.

Each input is read as ``jixiao convert`` reads it (extraction, the layout reader, then repair and
joining against the batch's passages), but the extractor's grids are kept too, so that a seal's or a
signature's words can be looked for in every cell, not only in the records. Scores follow
tests/real_scoring.py (structured fields, rows found, junk) and add:

- rows exact: as many records as truth rows, every row found;
- text precision: characters of the records' level3, explanation and scoring rule that the printed
  text has (longest matching blocks), over the characters read;
- leaks: cells or record fields holding the seal's words (its bottom line, 专用章, an arc that names a
  government the table does not) or the signature's name;
- header text recall: of the printed goals, the share the filing's goals hold, as OCR read them
  (``raw``) and after repair (``text``).
"""

from __future__ import annotations

import difflib
import json
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import real_scoring

TEXT_FIELDS = ("level3", "explanation", "scoring_rule")
RECORD_TEXT = ("level1", "level2", "level3", "operator", "target", "unit", "explanation", "scoring_rule", "remark",
               "actual", "deviation", "project")


@dataclass
class Read:
    """One input as jixiao read it."""

    path: Path
    status: str = "failed"
    error: Optional[str] = None
    records: list[dict] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # every grid cell's text (a split filing: its fragments')
    goals_raw: str = ""
    goals: str = ""
    pages: int = 0
    seconds: float = 0.0
    routes: list[str] = field(default_factory=list)


def _extract(path: Path):
    """(Filing or failure message, cell texts, page routes) of one input, through jixiao's extractors."""
    from jixiao.extractors import extract
    from jixiao.model import Extracted, JixiaoError
    from jixiao.pipeline.reading import read_source
    from jixiao.pipeline.task import TaskSettings
    from jixiao.reader import read_layout

    data = read_source(str(path))
    if not isinstance(data, bytes):
        return data.error, [], []
    try:
        with TaskSettings().applied():
            extracted = extract(path.name, data)
            cells = _cells(extracted)
            routes = [p.get("route", "") for p in extracted.pages]
            if isinstance(extracted, Extracted):
                extracted = read_layout(extracted)
    except JixiaoError as error:
        return str(error), [], []
    return extracted, cells, routes


def _cells(extracted) -> list[str]:
    grids = getattr(extracted, "grids", None)
    if grids is not None:
        return [cell.text for grid in grids for cell in grid.cells] + [line for grid in grids for _, line in grid.lines]
    return [cell.text for fragment in extracted.fragments.values() for row in fragment.rows
            for cell in row.cells.values()]


def read_all(paths: list[Path]) -> list[Read]:
    """Read every input, then repair and join them as one batch (no repair memory)."""
    from jixiao.pipeline.runner import build_index, repair_and_join

    reads, filings = [], []
    for path in paths:
        started = time.perf_counter()
        filing, cells, routes = _extract(path)
        read = Read(path=path, cells=cells, routes=routes, seconds=time.perf_counter() - started,
                    pages=len(routes))
        if isinstance(filing, str):
            read.error = filing
        else:
            filings.append((read, filing))
        reads.append(read)
    index = build_index([filing for _, filing in filings])
    for read, filing in filings:
        outcome = repair_and_join(filing, index)
        read.status = outcome.entry.status.value
        read.error = outcome.entry.error
        if outcome.result is not None:
            read.records = [record.model_dump(mode="json") for record in outcome.result.records]
            read.goals_raw = "".join(g.label + g.raw for g in outcome.result.goals)
            read.goals = "".join(g.label + (g.text or "") for g in outcome.result.goals)
    return reads


# ------------------------------------------------------------------ scores

def _matched(got: str, want: str) -> int:
    return sum(b.size for b in difflib.SequenceMatcher(None, got, want, autojunk=False).get_matching_blocks())


def text_precision(truth: dict, records: list[dict]) -> tuple[int, int]:
    """(characters that match the printed text, characters read) over the matched rows' free text."""
    matched = total = 0
    for row, k in zip(truth["indicators"], real_scoring.match_rows(truth, records)):
        if k is None:
            continue
        for name in TEXT_FIELDS:
            got = real_scoring._text(records[k].get(name))
            want = real_scoring._text(row.get(name))
            matched, total = matched + _matched(got, want), total + len(got)
    return matched, total


def header_recall(truth: dict, read: Read) -> tuple[int, int, int]:
    """(printed goal characters the raw OCR holds, … the repaired goals hold, printed characters). The
    repaired goals are clean values (a mirror's traditional characters simplified, its pinyin gone:
    layout/clean.py), so they are held to the printed goals cleaned the same way."""
    from jixiao.layout.clean import clean_text

    printed = "".join(truth.get("goals") or [])
    want = real_scoring._text(printed)
    if not want:
        return 0, 0, 0
    clean = real_scoring._text(clean_text(printed))
    return (_matched(real_scoring._text(read.goals_raw), want), round(
        _matched(real_scoring._text(read.goals), clean) * len(want) / max(1, len(clean))), len(want))


def leak_words(truth: dict) -> list[str]:
    """What must never be read into a cell or a record: the seal's bottom line and 专用章, its arc when
    it names a government rather than the filer, and the signature's name."""
    arc, bottom = truth["seal"]
    words = [bottom, "专用章", truth["signature"]]
    if arc != truth.get("department"):
        words.append(arc)
    return words


def leaks(truth: dict, read: Read) -> list[str]:
    """The cells and record fields that hold a seal's or signature's words (the department-named arc:
    only in the indicator fields, since the header block prints the department)."""
    words = leak_words(truth)
    found = [f"cell {text!r}" for text in read.cells for w in words if w and w in (text or "")]
    arc = truth["seal"][0]
    for record in read.records:
        for name in RECORD_TEXT:
            value = record.get(name) or ""
            if any(w in value for w in words) or (name != "project" and arc and arc in value):
                found.append(f"record {record.get('row')} {name} {value!r}")
    return found


def width_folded(value):
    """A value with full-width forms folded to half width (，→ , （→ ( ≥ stays): the real truths were
    written from texts that print every comma and bracket half-width, while the filings (and OCR)
    have them full-width; the width of a comma is no part of the data."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).replace("，", ",")
    if isinstance(value, list):
        return [width_folded(v) for v in value]
    if isinstance(value, dict):
        return {k: width_folded(v) for k, v in value.items()}
    return value


def score(truth: dict, read: Read) -> dict:
    """Every figure of one input (full and half width alike: :func:`width_folded`)."""
    truth, records = width_folded(truth), width_folded(read.records)
    read = Read(**{**read.__dict__, "records": records, "goals_raw": width_folded(read.goals_raw),
                   "goals": width_folded(read.goals)})
    row = real_scoring.score_file(truth, read.records)
    matched, total = text_precision(truth, read.records)
    raw, repaired, printed = header_recall(truth, read)
    row.update(exact=row["records"] == row["rows"] and row["found"] == row["rows"], text_matched=matched,
               text_total=total, header_raw=raw, header_repaired=repaired, header_printed=printed,
               leaks=leaks(truth, read), status=read.status, error=read.error, pages=read.pages,
               seconds=read.seconds)
    return row


def totals(rows: list[dict]) -> dict:
    """A group's figures: fields right, rows found, files with exact rows, text precision, junk, leaks,
    header recall raw and repaired."""
    def total(key: str) -> float:
        return sum(r[key] for r in rows)
    return {"files": len(rows), "fields_right": total("fields_right") / max(1, total("fields")),
            "rows_found": total("found") / max(1, total("rows")), "exact": sum(r["exact"] for r in rows),
            "text_precision": total("text_matched") / max(1, total("text_total")), "junk": int(total("junk")),
            "leaks": sum(len(r["leaks"]) for r in rows),
            "header_raw": total("header_raw") / max(1, total("header_printed")),
            "header_repaired": total("header_repaired") / max(1, total("header_printed")),
            "failed": sum(1 for r in rows if r["status"] == "failed")}


def load_truths(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("rs-*.truth.json"))]
