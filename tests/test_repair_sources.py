"""Evidence beyond the filing: the persistent repair memory and reference documents."""

from __future__ import annotations

import json

from jixiao.pipeline import convert
from jixiao.pipeline.cli import main
from jixiao.repair.memory import RepairMemory, connect

from helpers import SAMPLES, read_jsonl

GENERATED = SAMPLES / "generated"
EARLIER, LATER = GENERATED / "hengyang-yingji-2022.txt", GENERATED / "hengyang-yingji-2023.txt"


def restored_characters(result) -> int:
    total = 0
    for filing in result.filings:
        for item in [*filing.duties, *filing.goals]:
            total += sum(len(e.text) for e in item.evidence if e.kind != "numbering")
        for record in filing.records:
            total += sum(len(e.text) for f in record.fields.values() for e in f.evidence
                         if e.kind != "vocabulary")
    return total


def evidence_kinds(result) -> set[str]:
    kinds = set()
    for filing in result.filings:
        kinds |= {e.kind for item in [*filing.duties, *filing.goals] for e in item.evidence}
        kinds |= {e.kind for r in filing.records for f in r.fields.values() for e in f.evidence}
    return kinds


def test_second_batch_restores_more_with_the_first_in_memory(tmp_path):
    memory = tmp_path / "memory.sqlite"
    alone = convert([str(LATER)])
    convert([str(EARLIER)], memory=memory)  # the first batch fills the memory
    assert len(RepairMemory(memory)) > 40
    with_memory = convert([str(LATER)], memory=memory, learn=False)
    assert restored_characters(with_memory) > restored_characters(alone) + 200
    assert "memory" in evidence_kinds(with_memory)
    assert with_memory.filings[0].department == alone.filings[0].department


def test_memory_schema_is_versioned_and_intact(tmp_path):
    path = tmp_path / "memory.sqlite"
    convert([str(EARLIER)], memory=path)
    conn = connect(path)  # opening again migrates nothing and keeps the data
    from jixiao.repair.memory import MIGRATIONS

    latest = len(MIGRATIONS["memory"])
    assert conn.execute("SELECT version FROM schema_migrations WHERE component = 'memory'").fetchone() == (latest,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_reference_restores_duties_no_filing_holds(tmp_path):
    truth = json.loads(LATER.with_suffix(".truth.json").read_text(encoding="utf-8"))
    alone = convert([str(LATER)])
    gapped = [k for k, d in enumerate(alone.filings[0].duties) if "□" in (d.text or "")]
    assert gapped, "the sample should have truncated duties"
    reference = tmp_path / "三定规定.txt"
    numerals = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五".split()
    reference.write_text("主要职责\n" + "\n".join(f"（{numerals[k]}）{text}" for k, text in enumerate(truth["duties"])),
                         encoding="utf-8")
    with_reference = convert([str(LATER)], references=[tmp_path])
    duties = with_reference.filings[0].duties
    for k in gapped:
        assert duties[k].text == truth["duties"][k]
        assert any(e.kind == "reference" and e.source == str(reference) for e in duties[k].evidence)


def test_cli_memory_and_reference_options(tmp_path):
    memory = tmp_path / "m.sqlite"
    assert main(["convert", str(EARLIER), "-o", str(tmp_path / "a"), "--memory", str(memory), "--quiet"]) == 0
    assert memory.exists()
    assert main(["convert", str(LATER), "-o", str(tmp_path / "b"), "--reference", str(tmp_path / "nope"),
                 "--quiet"]) == 2
    assert main(["convert", str(LATER), "-o", str(tmp_path / "c"), "--no-memory", "--quiet"]) == 0
    assert len(read_jsonl(tmp_path / "c" / "records.jsonl")) > 0


def test_a_version_1_store_is_migrated_and_keeps_its_passages(tmp_path):
    import sqlite3

    from jixiao.repair.memory import MIGRATIONS

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS["memory"][0])
    old.execute("CREATE TABLE schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    old.execute("INSERT INTO schema_migrations VALUES ('memory', 1)")
    old.execute("INSERT INTO passages (text, trust) VALUES ('实现共建共享，达到上下贯通。', 3)")
    old.commit()
    old.close()
    memory = RepairMemory(path)
    assert len(memory) == 1
    columns = {row[1] for row in memory.conn.execute("PRAGMA table_info(passages)")}
    assert {"grp", "slot"} <= columns
    convert([str(EARLIER)], memory=path)  # and it is usable at once
    assert len(RepairMemory(path)) > 40
