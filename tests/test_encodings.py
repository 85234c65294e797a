"""The same filing in UTF-8, UTF-8 with BOM, GB18030 and GBK gives the same records."""

from __future__ import annotations

import pytest

from jixiao.pipeline import convert

from helpers import SEED, codes


def comparable(result):
    records = []
    for record in result.records:
        payload = record.model_dump(mode="json", exclude={"filing", "source"})
        for field in payload["fields"].values():
            if field["provenance"]:
                field["provenance"].pop("file")
            for evidence in field["evidence"]:
                evidence.pop("source", None)
                evidence.pop("filing", None)
        records.append(payload)
    return records


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_reencoded_seed_gives_same_records(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")
    copy = tmp_path / f"seed-{encoding}.txt"
    copy.write_bytes(text.encode(encoding))
    original = convert([str(SEED)])
    reencoded = convert([str(copy)])
    assert reencoded.manifest[0].status.value == "ok"
    assert comparable(reencoded) == comparable(original)
    assert len(reencoded.records) == 14


def test_undecodable_bytes_are_a_clear_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x81\x30\xff\xff\xfe\x80" * 20)
    (entry,) = convert([str(bad)]).manifest
    assert entry.status.value == "failed" and codes(entry) == ["undecodable_text"]
    assert str(bad) in entry.error  # the message names the file
