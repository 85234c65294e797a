"""Witness sources behind one protocol (issue 11, item 8): the batch index, the repair memory and the
references; CombinedIndex with named slots; Trust stored by name in SQLite, with a migration."""

from __future__ import annotations

import sqlite3

from jixiao.repair.damage import parse_garbled
from jixiao.repair.engine import repair_text
from jixiao.repair.index import PassageIndex, PassageRef, Trust
from jixiao.repair.memory import MIGRATIONS, RepairMemory
from jixiao.repair.sources import CombinedIndex, WitnessSource

PASSAGE = "统筹推进全市应急管理体系建设，提升防灾减灾救灾能力。"
GARBLED = "统筹推进全市应急 ，提升防灾减灾救灾能力。"


def ref(trust: Trust, field: str = "goals[1]", group=None) -> PassageRef:
    return PassageRef(source="x.txt", filing="f1", field=field, trust=trust, group=group)


def test_every_source_meets_the_protocol(tmp_path):
    with RepairMemory(tmp_path / "m.sqlite") as memory:
        for source in (PassageIndex(), memory, CombinedIndex(batch=PassageIndex(), memory=memory)):
            assert isinstance(source, WitnessSource), type(source).__name__


def test_combined_index_has_named_slots_and_asks_each(tmp_path):
    batch, references = PassageIndex(), PassageIndex()
    references.add(PASSAGE, ref(Trust.REFERENCE, field="line 3"))
    with RepairMemory(tmp_path / "m.sqlite") as memory:
        memory.add([(PASSAGE, ref(Trust.MEMORY))])
        combined = CombinedIndex(batch=batch, memory=memory, references=references)
        assert combined.memory is memory and combined.batch is batch and combined.references is references
        assert combined.sources == [batch, memory, references]
        (passage,) = combined.candidates(parse_garbled(GARBLED))
        assert {r.trust for r in passage.refs} == {Trust.MEMORY, Trust.REFERENCE}  # one passage, both places
        repair = repair_text(GARBLED, combined)
        assert repair is not None and repair.text == PASSAGE
        assert not combined.unusual_ending("scoring_rule", "未发挥作")  # the batch has no profile yet
    partial = CombinedIndex(references=references)
    assert partial.memory is None and partial.sources == [references]


def _old_store(path, rows) -> None:
    """A store as jixiao wrote it before trust was stored by name (schema version 3)."""
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS["memory"][0])
    old.execute("ALTER TABLE passages ADD COLUMN grp TEXT")
    old.execute("ALTER TABLE passages ADD COLUMN slot TEXT")
    old.execute(MIGRATIONS["memory"][2])
    old.execute("CREATE TABLE schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    old.execute("INSERT INTO schema_migrations VALUES ('memory', 3)")
    old.executemany("INSERT INTO passages (text, trust, source, field) VALUES (?, ?, 'old.txt', 'goals[1]')", rows)
    old.commit()
    old.close()


def test_an_old_store_is_upgraded_to_trust_by_name(tmp_path):
    path = tmp_path / "old.sqlite"
    _old_store(path, [("文员确认过的这段文字。", 2), ("往年批次里见过的文字。", 3), ("参考文件里的一段文字。", 4)])
    with RepairMemory(path) as memory:
        version = memory.conn.execute("SELECT version FROM schema_migrations WHERE component = 'memory'").fetchone()
        assert version == (len(MIGRATIONS["memory"]),)
        names = dict(memory.conn.execute("SELECT text, trust_name FROM passages"))
        assert names == {"文员确认过的这段文字。": "decision", "往年批次里见过的文字。": "memory",
                         "参考文件里的一段文字。": "reference"}
        (decided,) = memory.conn.execute("SELECT id FROM passages WHERE text = '文员确认过的这段文字。'").fetchone()
        assert memory._passage(decided).refs[0].trust is Trust.DECISION  # read back by its name
        assert memory.retract("文员确认过的这段文字。") == "forgotten"  # recognised as a clerk's decision by name
        assert memory.retract("往年批次里见过的文字。") == "kept"
        assert memory.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_ranks_follow_the_names_when_the_levels_are_reordered(tmp_path):
    """A store written by a jixiao that ranked the levels differently: the names keep their meaning."""
    path = tmp_path / "m.sqlite"
    with RepairMemory(path) as memory:
        memory.add([("文员确认过的这段文字。", ref(Trust.DECISION))], trust=Trust.DECISION)
        # as if another version had ranked 'decision' 7 and written its passages so
        memory.conn.execute("UPDATE trust_levels SET rank = 7 WHERE name = 'decision'")
        memory.conn.execute("UPDATE passages SET trust = 7")
    with RepairMemory(path) as memory:  # opening re-ranks every passage from its name
        assert memory.conn.execute("SELECT trust, trust_name FROM passages").fetchone() == \
            (int(Trust.DECISION), "decision")
    assert Trust.from_key("a-level-from-the-future") is Trust.MEMORY
