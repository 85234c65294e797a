"""Messages about an input a user can act on (issue 23, item 11): no traceback in the manifest (it goes
to the log), a bounded error field, the right advice for a damaged workbook, a charset that is no text
encoding, a style the workbook does not define."""

from __future__ import annotations

import json
import logging

from helpers import SAMPLES, SEED, read_jsonl
from jixiao.pipeline import convert

FORMATS = SAMPLES / "formats"


def test_a_crash_names_the_error_and_puts_the_traceback_in_the_log(tmp_path, monkeypatch, caplog):
    import jixiao.extractors as extractors

    def broken(source, data):
        raise ZeroDivisionError("the reader divided by zero")

    monkeypatch.setitem(extractors.EXTRACTORS, "text", broken)
    with caplog.at_level(logging.ERROR):
        convert([str(SEED)], tmp_path / "out", memory=None)
    (entry,) = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    assert entry["status"] == "failed"
    assert "ZeroDivisionError: the reader divided by zero" in entry["error"]
    assert "Traceback" not in json.dumps(entry) and 'File "' not in json.dumps(entry)
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records)


def test_the_error_field_is_bounded(tmp_path, monkeypatch):
    import jixiao.extractors as extractors
    from jixiao.model.errors import ExtractionError

    def wordy(source, data):
        raise ExtractionError(f"{source}: " + "这张表看不懂。" * 3000)

    monkeypatch.setitem(extractors.EXTRACTORS, "text", wordy)
    convert([str(SEED)], tmp_path / "out", memory=None)
    (entry,) = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    assert len(entry["error"]) < 2_100 and "more characters not shown" in entry["error"]
    assert all(len(e["message"]) < 2_100 for e in entry["errors"])


def test_a_damaged_xls_is_told_to_be_saved_as_xlsx(tmp_path):
    path = tmp_path / "damaged.xls"
    data = bytearray((FORMATS / "ganzi-budget-export-2024.xls").read_bytes())
    data[512:] = bytes(len(data) - 512)  # the header survives, the directory and the streams do not
    path.write_bytes(bytes(data))
    (entry,) = convert([str(path)], memory=None).manifest
    assert entry.status.value == "failed"
    assert "save it as .xlsx" in entry.error and ".docx" not in entry.error


def test_charset_rot13_falls_back_to_utf8_or_gb18030(tmp_path):
    page = (FORMATS / "ganzi-budget-export-2024.html").read_bytes().replace(b"charset=gb2312", b"charset=rot13")
    path = tmp_path / "rot13.html"
    path.write_bytes(page)
    (entry,) = convert([str(path)], memory=None).manifest
    assert entry.status.value == "ok" and entry.records == 6


def test_a_bad_style_index_in_an_xlsx_is_a_clear_failure(tmp_path):
    import zipfile

    path = tmp_path / "bad-style.xlsx"
    with zipfile.ZipFile(FORMATS / "ganzi-budget-export-2024.xlsx") as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A1" t="inlineStr">', b'<c r="A1" s="999" t="inlineStr">', 1)
            target.writestr(info, data)
    (entry,) = convert([str(path)], memory=None).manifest
    assert entry.status.value == "failed", entry.error
    assert "refers to a style or shared string" in entry.error and "Traceback" not in entry.error
