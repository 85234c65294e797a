"""A scanned filing given as a folder of page images ("<name>.pages/") is one input."""

from __future__ import annotations

import pytest

from jixiao.extractors.base import ExtractionError, choose_extractor, pack_page_set, unpack_page_set
from jixiao.pipeline import convert
from jixiao.pipeline.runner import discover, read_source

from helpers import SAMPLES, codes, read_jsonl
from jixiao.model import ErrorCode

PAGE_SET = SAMPLES / "scanned" / "changde-shengtai-2023.pages"


def test_discover_takes_a_page_folder_as_one_input():
    found = discover([SAMPLES / "scanned"])
    assert str(PAGE_SET) in found
    assert not [f for f in found if f.endswith(".png")]


def test_page_set_packs_pages_in_natural_order(tmp_path):
    folder = tmp_path / "scan.pages"
    folder.mkdir()
    for name in ("p10.png", "p2.png", "p1.png", ".hidden.png", "notes.txt"):
        (folder / name).write_bytes(name.encode())
    data = read_source(str(folder))
    assert choose_extractor(str(folder), data) == "pages"
    assert [name for name, _ in unpack_page_set(data, str(folder))] == ["p1.png", "p2.png", "p10.png"]
    assert pack_page_set(folder) == data


def test_empty_page_folder_is_a_clear_failure(tmp_path):
    folder = tmp_path / "empty.pages"
    folder.mkdir()
    with pytest.raises(ExtractionError) as raised:
        unpack_page_set(read_source(str(folder)), str(folder))
    assert raised.value.code is ErrorCode.EMPTY_FOLDER
    (entry,) = convert([folder]).manifest
    assert entry.status.value == "failed" and codes(entry) == ["empty_folder"]
    assert str(folder) in entry.error  # the message names the folder


def test_page_folder_converts_as_one_scanned_filing(tmp_path):
    convert([PAGE_SET], tmp_path / "out")
    (entry,) = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    assert entry["status"] == "ok" and entry["route"] == "ocr" and entry["records"] == 16
    assert [p["route"] for p in entry["pages"]] == ["ocr"] * 3
    assert {p.get("fragment") for p in entry["pages"]} == {"indicators", "explanations", "scoring"}
