#!/usr/bin/env python3
"""The complexity cap: no function of jixiao above a cyclomatic complexity of 30 (radon's measure,
which counts each `and`/`or` as a branch), except those on the baseline, which only shrinks.

    python tools/complexity.py            # exit 1 naming every offence
    python tools/complexity.py --baseline # print today's list (to review, never to grow the file)

The baseline (`.ci/complexity-baseline.txt`) lists `path:function complexity` for the functions that
were above the cap when it was introduced. A function on it may not grow; one that falls to the cap
or below must leave it (so the list only shrinks); a function not on it must stay at or below 30.
"""
from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "jixiao"
BASELINE = ROOT / ".ci" / "complexity-baseline.txt"
CAP = 30


def measure() -> dict[str, int]:
    """`path:qualified name` → complexity, for every function and method of the package."""
    out: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for block in cc_visit(path.read_text(encoding="utf-8")):
            name = f"{block.classname}.{block.name}" if getattr(block, "classname", None) else block.name
            out[f"{relative}:{name}"] = block.complexity
    return out


def baseline() -> dict[str, int]:
    if not BASELINE.exists():
        return {}
    entries = {}
    for line in BASELINE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            entries[key] = int(value)
    return entries


def offences() -> list[str]:
    found, allowed = measure(), baseline()
    problems = []
    for key, value in sorted(found.items()):
        if key in allowed:
            if value > allowed[key]:
                problems.append(f"{key} grew to {value} (baseline {allowed[key]}, cap {CAP}): split it")
            elif value <= CAP:
                problems.append(f"{key} is {value} now, within the cap: delete its line from {BASELINE.name}")
        elif value > CAP:
            problems.append(f"{key} has complexity {value} (cap {CAP}): split it into functions a reader can hold")
    problems += [f"{key} is on {BASELINE.name} but no longer exists: delete its line"
                 for key in sorted(set(allowed) - set(found))]
    return problems


def main() -> int:
    if "--baseline" in sys.argv:
        for key, value in sorted(measure().items()):
            if value > CAP:
                print(f"{key} {value}")
        return 0
    problems = offences()
    for problem in problems:
        print(f"complexity: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
