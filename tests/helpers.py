"""Paths and small helpers shared by the tests (imported as ``helpers``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "seed_hengyang_emergency_management.txt"
REGENERATE = os.environ.get("JIXIAO_REGENERATE_GOLDEN") == "1"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
