"""Paths and small helpers shared by the tests (imported as ``helpers``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "seed_hengyang_emergency_management.txt"
REGENERATE = os.environ.get("JIXIAO_REGENERATE_GOLDEN") == "1"


def load_benchmark(name: str):
    """A script of benchmarks/ (``eval_families``) as a module, for tests that share its scoring."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_golden(expected_path: Path, actual) -> None:
    """Compare ``actual`` with a golden JSON file; rewrite it when JIXIAO_REGENERATE_GOLDEN=1."""
    if REGENERATE:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert expected_path.exists(), (
        f"{expected_path.name} is missing; run with JIXIAO_REGENERATE_GOLDEN=1 and review the diff")
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


SCORED_FIELDS = ("level1", "level2", "level3", "operator", "target", "unit", "score")


def convert_text(tmp_path: Path, text: str, name: str = "filing.txt") -> list[dict]:
    """Convert one text dump (written to ``tmp_path/name``) and return its records, as the real-filing
    scorer reads them."""
    import real_scoring
    from jixiao.pipeline import convert

    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    convert([str(source)], tmp_path / "out", memory=None, cache=False)
    return real_scoring.read_records(tmp_path / "out").get(name, [])


def scored(record: dict, names: tuple[str, ...] = SCORED_FIELDS) -> tuple:
    """A record's fields as the scorer compares them (spaces, pipes and □ trimmed, numbers folded)."""
    import real_scoring

    return tuple(real_scoring._value(record.get(name)) for name in names)


def codes(entry) -> list[str]:
    """The error codes of a manifest entry or filing (a model or its JSON line), in order: what
    tests assert, never a message's wording (issue 20)."""
    errors = entry["errors"] if isinstance(entry, dict) else entry.errors
    return [(e["code"] if isinstance(e, dict) else e.code.value) for e in errors]


def read_filing(source: str, data: bytes, limits=None):
    """What the first phase makes of a source: its grids (the extractor's) read into a Filing (the reader's)."""
    from jixiao.extractors import extract
    from jixiao.reader import read_layout

    return read_layout(extract(source, data, limits))
