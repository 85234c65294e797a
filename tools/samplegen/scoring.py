"""Score converted filings against the generator's ground truth.

Text fields (三级指标, 指标解释, 评分标准, duties and goals items) are scored
character by character:

* precision: output characters that are correct / characters output, gaps
  (□) excluded. A correct character is one an in-order (LCS) alignment with
  the truth matches; an invented character cannot be matched.
* recall: truth characters present in the output, beside the same figure
  for the raw extracted text (the baseline).
* restorable: a truth character missing from a field's raw text is
  *restorable* when the same passage shows it somewhere in the batch (the
  same truth text, or a passage containing it or contained in it, in any
  field of any filing). The share of those the output restored.
* flag recall: fields whose output still holds a gap (□) and that are
  flagged / fields whose output still holds a gap; and the stricter
  ``flag_recall_incomplete``: flagged / all fields still missing characters,
  including cells clipped without a visible trace.

Structured fields (level1, level2, operator, target, unit, score) are scored
as exact matches.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from rapidfuzz.distance import Indel

GAP = "□"
STRUCTURED = ("level1", "level2", "operator", "target", "unit", "score")


def matched_positions(output: str, truth: str) -> set[int]:
    """Positions of ``truth`` that an LCS alignment matches to characters of ``output``."""
    visible = output.replace(GAP, "")
    positions: set[int] = set()
    for tag, _, _, t_start, t_end in Indel.opcodes(visible, truth):
        if tag == "equal":
            positions.update(range(t_start, t_end))
    return positions


def correct_characters(output: str, truth: str) -> int:
    return len(matched_positions(output, truth))


@dataclass
class TextField:
    """One text field instance: where it is, its truth, raw and output texts."""

    filing: str
    name: str
    truth: str
    raw: str
    output: str
    flagged: bool
    raw_visible: set[int] = field(default_factory=set)


@dataclass
class Scores:
    output_chars: int = 0
    correct_chars: int = 0
    truth_chars: int = 0
    recalled_chars: int = 0
    raw_recalled_chars: int = 0
    missing_chars: int = 0
    restorable_chars: int = 0
    restored_chars: int = 0
    restored_unrestorable: int = 0
    incomplete_fields: int = 0
    flagged_incomplete: int = 0
    gap_fields: int = 0
    flagged_gap_fields: int = 0
    structured_total: int = 0
    structured_correct: int = 0
    record_count_mismatches: list = field(default_factory=list)
    worst: list = field(default_factory=list)

    def as_dict(self) -> dict:
        ratio = lambda a, b: round(a / b, 5) if b else None
        return {
            "precision": ratio(self.correct_chars, self.output_chars),
            "invented_chars": self.output_chars - self.correct_chars,
            "recall": ratio(self.recalled_chars, self.truth_chars),
            "raw_recall": ratio(self.raw_recalled_chars, self.truth_chars),
            "restored_of_restorable": ratio(self.restored_chars, self.restorable_chars),
            "restorable_chars": self.restorable_chars,
            "restored_chars": self.restored_chars,
            "missing_chars": self.missing_chars,
            "flag_recall": ratio(self.flagged_gap_fields, self.gap_fields),
            "fields_with_gaps": self.gap_fields,
            "flag_recall_incomplete": ratio(self.flagged_incomplete, self.incomplete_fields),
            "incomplete_fields": self.incomplete_fields,
            "structured_accuracy": ratio(self.structured_correct, self.structured_total),
            "record_count_mismatches": self.record_count_mismatches,
        }


def _clean(value) -> str:
    return "" if value is None else str(value)


def collect_fields(filings: Iterable[dict], records: Iterable[dict], truths: dict[str, dict],
                   scores: Scores) -> list[TextField]:
    """Pair every output text field with its truth; score structured fields on the way."""
    by_source: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_source[record["source"]].append(record)
    fields: list[TextField] = []
    for filing in filings:
        truth = truths.get(filing["source"])
        if truth is None:
            continue
        source = filing["source"]
        garbled_rows = truth["garbled"]["rows"]
        rows = sorted(by_source[source], key=lambda r: r["row"])
        if len(rows) != len(truth["indicators"]):
            scores.record_count_mismatches.append((source, len(truth["indicators"]), len(rows)))
            continue
        for record, expected, garbled in zip(rows, truth["indicators"], garbled_rows):
            for name in STRUCTURED:
                want, got = expected.get(name), record.get(name)
                if name == "score" and want is not None and got is not None:
                    want, got = float(want), float(got)
                scores.structured_total += 1
                scores.structured_correct += want == got
            for name in ("level3", "explanation", "scoring_rule"):
                if expected.get(name) is None:
                    continue
                info = record["fields"][name]
                fields.append(TextField(source, f"row{record['row']}.{name}", expected[name],
                                        _clean(garbled.get(name)), _clean(record[name]),
                                        bool(info["flags"]) or info["status"] in ("partial", "unrepaired")))
        for kind in ("duties", "goals"):
            items = filing[kind]
            for position, text in enumerate(truth[kind]):
                if position >= len(items):
                    break
                item = items[position]
                fields.append(TextField(source, f"{kind}[{position + 1}]", text, _clean(item["raw"]),
                                        _clean(item["text"]),
                                        bool(item["flags"]) or item["status"] in ("partial", "unrepaired")))
    return fields


def score_fields(fields: list[TextField], scores: Scores) -> Scores:
    for f in fields:
        f.raw_visible = matched_positions(f.raw.replace(" ", ""), f.truth)
    # passage → the truth positions visible anywhere in the batch
    by_truth: dict[str, list[TextField]] = defaultdict(list)
    for f in fields:
        by_truth[f.truth].append(f)
    truths = list(by_truth)
    restorable_positions: dict[str, set[int]] = {}
    for text in truths:
        visible: set[int] = set()
        for other_text in truths:
            if other_text == text:
                offsets = [(0, 0)]
            elif text in other_text:  # the passage sits inside a longer one
                offsets = [(other_text.find(text), 0)]
            elif other_text in text:  # a shorter passage sits inside this one
                offsets = [(0, text.find(other_text))]
            else:
                continue
            for other_start, own_start in offsets:
                for other in by_truth[other_text]:
                    for position in other.raw_visible:
                        mapped = position - other_start + own_start
                        if 0 <= mapped < len(text):
                            visible.add(mapped)
        restorable_positions[text] = visible

    for f in fields:
        output_visible = f.output.replace(GAP, "")
        present = matched_positions(f.output, f.truth)
        scores.output_chars += len(output_visible)
        scores.correct_chars += len(present)
        scores.truth_chars += len(f.truth)
        scores.recalled_chars += len(present)
        scores.raw_recalled_chars += len(f.raw_visible)
        missing = set(range(len(f.truth))) - f.raw_visible
        restorable = missing & restorable_positions[f.truth]
        scores.missing_chars += len(missing)
        scores.restorable_chars += len(restorable)
        scores.restored_chars += len(restorable & present)
        scores.restored_unrestorable += len((missing - restorable) & present)
        if GAP in f.output:
            scores.gap_fields += 1
            scores.flagged_gap_fields += f.flagged
        incomplete = len(present) < len(f.truth)
        if incomplete:
            scores.incomplete_fields += 1
            scores.flagged_incomplete += f.flagged
        wrong = len(output_visible) - len(present)
        if wrong:
            scores.worst.append((wrong, f.filing, f.name, f.output, f.truth))
    scores.worst.sort(key=lambda item: -item[0])
    return scores


def load_truths(sources: Iterable[str]) -> dict[str, dict]:
    """Truth files beside the inputs: ``<stem>.truth.json``."""
    truths = {}
    for source in sources:
        path = Path(source).with_suffix(".truth.json")
        if path.exists():
            truths[source] = json.loads(path.read_text(encoding="utf-8"))
    return truths


def score_batch(filings: list[dict], records: list[dict], truths: Optional[dict] = None) -> Scores:
    """Score a converted batch (filings.jsonl and records.jsonl lines) against its truth files."""
    truths = truths if truths is not None else load_truths(f["source"] for f in filings)
    scores = Scores()
    return score_fields(collect_fields(filings, records, truths, scores), scores)
