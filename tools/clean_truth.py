#!/usr/bin/env python3
"""Bring hand-written truth files to the clean-value convention of issue 18 (samples/real/README.md):
simplified characters without a mirror's pinyin, no template hints in group and 三级 names, no ★ marks
or 指标1: numbering in 三级 names. What was printed is kept under the row's ``printed``.

    python tools/clean_truth.py FILE_OR_FOLDER...   # rewrites the files it changes; prints how many

Written apart from jixiao's own cleaning (it imports nothing of jixiao), so that the truth does not
follow the code: the rules are the convention's, applied with OpenCC and a few regular expressions.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import opencc

_CC = opencc.OpenCC("t2s")
PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]+[1-5]?[)）]")
HINT = re.compile(r"\s*[(（][^()（）]*\*\*[^()（）]*[)）]|\s*[(（]\s*(?:必填|选填|可选|非必填)[^()（）]{0,8}[)）]")
MARKS = re.compile(r"^[\s★☆*＊]+")
NUMBERING = re.compile(r"^\s*指标\s*\d+\s*(?:[:：.．、]\s*|(?=[\u4e00-\u9fff]))")
TEXT_FIELDS = ("level1", "level2", "level3", "unit", "target", "explanation", "scoring_rule", "actual",
               "project", "deviation")


def clean(field: str, value: str) -> str:
    new = _CC.convert(PINYIN.sub("", value))
    if field in ("level1", "level2", "level3"):
        new = HINT.sub("", new)
    if field == "level3":
        new = NUMBERING.sub("", MARKS.sub("", new))
    return new.strip() if new != value else value


def clean_file(path: Path) -> int:
    raw = path.read_text(encoding="utf-8")
    truth = json.loads(raw)
    rows = list(truth.get("indicators", []))
    if isinstance(truth.get("cut_row"), dict):
        rows.append(truth["cut_row"])
    changed = 0
    for row in rows:
        for field in TEXT_FIELDS:
            value = row.get(field)
            if isinstance(value, str) and clean(field, value) != value:
                row.setdefault("printed", {})[field] = value
                row[field] = clean(field, value)
                changed += 1
    if changed:
        indent = 1 if raw.startswith('{\n "') else 2
        path.write_text(json.dumps(truth, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
    return changed


def main() -> int:
    for arg in sys.argv[1:]:
        path = Path(arg)
        for file in ([path] if path.is_file() else sorted(path.glob("*.truth.json"))):
            changed = clean_file(file)
            if changed:
                print(f"{file}: {changed} value(s) cleaned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
