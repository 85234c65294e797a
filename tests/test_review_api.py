"""The review app's API: decisions, undo, conflicts, export, replay, guards and traversal."""

from __future__ import annotations

import json
import threading

import pytest

from jixiao.review.app import create_app
from jixiao.pipeline.cli import main

from helpers import read_jsonl
from review_helpers import (  # noqa: F401 (out, template: fixtures)
    ROOT, Clerk, convert_batch, copy_batch, out, template, records_by_item, url,
)



@pytest.fixture
def memory(tmp_path):
    return tmp_path / "memory.sqlite"


def make(out, memory, reviewer="anna"):
    return Clerk(create_app(out, memory=memory, reviewer=reviewer, source_roots=[ROOT]))


def first_open(clerk, **filters):
    return clerk.items(status="open", **filters)["items"][0]


def test_queue_is_lowest_confidence_first_with_progress(out, memory):
    clerk = make(out, memory)
    data = clerk.items(status="all")
    confidences = [item["confidence"] for item in data["items"]]
    assert confidences == sorted(confidences) and len(confidences) == len(read_jsonl(out / "review.jsonl"))
    assert data["progress"]["total"] == len(confidences) and data["progress"]["done"] == 0
    department = next(i["department"] for i in data["items"] if i["kind"] == "scoring_rule")
    assert department in data["facets"]["departments"]
    only = clerk.items(status="all", department=department, kind="scoring_rule", min=0.05, max=0.7)["items"]
    assert only and all(i["department"] == department and i["kind"] == "scoring_rule"
                        and 0.05 <= i["confidence"] <= 0.7 for i in only)


def test_item_detail_shows_diff_evidence_candidates_and_source_line(out, memory):
    clerk = make(out, memory)
    items = clerk.items(status="all")["items"]
    with_candidates = next(i for i in items if clerk.item(i["id"])["candidates"])
    detail = clerk.item(with_candidates["id"])
    assert detail["candidates"][0]["rank"] == 1 and "score" in detail["candidates"][0]
    assert any(run[0] == "gone" for run in detail["diff"][0])  # the raw gaps are marked
    repaired = next(clerk.item(i["id"]) for i in items if i["status"] in ("repaired", "partial"))
    restored = repaired["evidence"][0]
    assert restored["filing"] and restored["field"] and restored["witness"]["department"]
    context = clerk.get(url(repaired["id"], "/context")).get_json()
    assert any(line["current"] for line in context["lines"])


def test_accept_edit_reject_candidate_flag_then_export(out, memory):
    clerk = make(out, memory)
    rows = [i for i in clerk.items(status="all")["items"] if i["row"] is not None]
    picked = next(i for i in rows if clerk.item(i["id"])["candidates"])
    others = [i for i in rows if i["id"] != picked["id"]]
    accept, edit, reject, flag = others[:4]
    assert clerk.decide(accept["id"], "accept").status_code == 200
    assert clerk.decide(edit["id"], "edit", value="按时完成得5分").status_code == 200
    assert clerk.decide(reject["id"], "reject").status_code == 200
    assert clerk.decide(flag["id"], "flag").status_code == 200
    assert clerk.decide(picked["id"], "candidate", rank=1).status_code == 200
    assert clerk.decide(picked["id"], "candidate", rank=2, version=0).status_code == 409  # stale version
    assert clerk.post(url(picked["id"], "/decide"), {"action": "candidate", "rank": 99, "version": 1}).status_code == 400
    assert clerk.items()["progress"]["done"] == 4
    assert clerk.post("/api/export").status_code == 200

    fields = records_by_item(out)
    assert fields[accept["id"]]["status"] == "confirmed" and fields[accept["id"]]["value"] == accept["value"]
    assert fields[edit["id"]]["status"] == "edited" and fields[edit["id"]]["value"] == "按时完成得5分"
    assert fields[edit["id"]]["evidence"][0]["kind"] == "decision"
    assert fields[edit["id"]]["_record"][edit["kind"]] == "按时完成得5分"  # the top-level value too
    assert fields[reject["id"]]["status"] == "confirmed"
    assert "flagged_for_colleague" in fields[flag["id"]]["flags"]
    candidate = clerk.item(picked["id"])["candidates"][0]["text"]
    assert fields[picked["id"]]["value"] == candidate
    review = {i["id"]: i for i in read_jsonl(out / "review.jsonl")}
    assert review[edit["id"]]["status"] == "edited"
    csv_text = (out / "records.csv").read_text(encoding="utf-8-sig")
    assert "按时完成得5分" in csv_text


def test_undo_steps_back_and_export_follows(out, memory):
    clerk = make(out, memory)
    item = first_open(clerk)
    clerk.decide(item["id"], "edit", value="第一稿文字")
    clerk.decide(item["id"], "edit", value="第二稿文字")
    assert clerk.post("/api/export").status_code == 200
    assert clerk.post("/api/undo").get_json()["undone"] == [item["id"]]
    assert clerk.item(item["id"])["value"] == "第一稿文字"
    clerk.post("/api/undo")
    state = clerk.item(item["id"])
    assert state["value"] == item["value"] and not state["decided"] and state["version"] == 4
    clerk.post("/api/export")  # the second export starts from the converter's originals again
    exported = {i["id"]: i for i in read_jsonl(out / "review.jsonl")}[item["id"]]
    assert exported["status"] == item["status"] and exported["value"] == item["value"]
    log = clerk.get("/api/decisions?all=1").get_json()["decisions"]
    assert [d["action"] for d in log] == ["edit", "edit", "undo", "undo"]
    assert {"reviewer", "at", "old_value", "new_value", "jixiao_version", "item_version", "candidate_rank"} <= set(log[0])
    assert clerk.post("/api/undo").get_json()["undone"] == []


def test_apply_to_identical_needs_the_count_shown(out, memory):
    clerk = make(out, memory)
    items = clerk.items(status="all")["items"]
    raws = [i["raw"] for i in items]
    item = next(i for i in items if raws.count(i["raw"]) > 1)
    count = clerk.item(item["id"])["identical"]
    assert count == raws.count(item["raw"])
    stale = clerk.decide(item["id"], "edit", value="共同的文字", identical=True, expected_count=count + 1)
    assert stale.status_code == 409 and stale.get_json()["count"] == count
    done = clerk.decide(item["id"], "edit", value="共同的文字", identical=True, expected_count=count)
    assert len(done.get_json()["written"]) == count
    decided = [i for i in clerk.items(status="decided")["items"]]
    assert {i["raw"] for i in decided} == {item["raw"]} and {i["value"] for i in decided} == {"共同的文字"}


def test_bulk_accept_only_after_preview_and_only_in_filter(out, memory):
    clerk = make(out, memory)
    preview = clerk.post("/api/bulk-accept", {"preview": True, "min_confidence": 0.5,
                                              "filter": {"kind": "scoring_rule"}}).get_json()
    assert preview["count"] and all(i["kind"] == "scoring_rule" and i["confidence"] >= 0.5 for i in preview["items"])
    assert clerk.items()["progress"]["done"] == 0  # a preview writes nothing
    confirm = [{"id": i["id"], "version": i["version"]} for i in preview["items"]]
    done = clerk.post("/api/bulk-accept", {"preview": False, "min_confidence": 0.5,
                                           "filter": {"kind": "scoring_rule"}, "confirm": confirm}).get_json()
    assert sorted(done["written"]) == sorted(i["id"] for i in preview["items"])
    assert clerk.items()["progress"]["done"] == preview["count"]
    assert len(clerk.post("/api/undo").get_json()["undone"]) == preview["count"]  # one undo for the lot


def test_two_clerks_never_lose_each_others_decisions(out, memory):
    anna, ben = make(out, memory, "anna"), make(out, memory, "ben")  # two servers, two connections
    item = first_open(anna)
    version = anna.item(item["id"])["version"]
    assert anna.decide(item["id"], "accept", version=version).status_code == 200
    clash = ben.decide(item["id"], "edit", value="本的文字", version=version)
    assert clash.status_code == 409 and clash.get_json()["state"]["reviewer"] == "anna"

    items = [i["id"] for i in anna.items(status="open")["items"]][:24]
    errors = []

    def work(clerk, mine):
        for item_id in mine:
            response = clerk.decide(item_id, "accept")
            if response.status_code != 200:
                errors.append(response.get_json())

    threads = [threading.Thread(target=work, args=(anna, items[0::2])),
               threading.Thread(target=work, args=(ben, items[1::2]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    log = anna.get("/api/decisions").get_json()["decisions"]
    assert {d["item"] for d in log} == {item["id"], *items}
    assert {d["reviewer"] for d in log} == {"anna", "ben"}
    assert ben.post("/api/undo").get_json()["undone"]  # ben undoes his own, not anna's
    assert anna.item(item["id"])["decided"]


def test_writes_need_the_token_and_the_same_origin(out, memory):
    clerk = make(out, memory)
    item = first_open(clerk)
    stranger = clerk.app.test_client()  # a client that never opened the token URL: no cookie
    bare = stranger.post(url(item["id"], "/decide"), json={"action": "accept", "version": 0})
    assert bare.status_code == 403
    wrong = stranger.post(url(item["id"], "/decide"), json={"action": "accept", "version": 0},
                              headers={"X-Jixiao-Token": "guess"})
    assert wrong.status_code == 403
    foreign = clerk.client.post(url(item["id"], "/decide"), json={"action": "accept", "version": 0},
                                headers={"X-Jixiao-Token": clerk.token, "Origin": "http://evil.example"})
    assert foreign.status_code == 403
    rebound = clerk.client.get("/api/items", headers={"Host": "evil.example"})
    assert rebound.status_code == 403
    assert clerk.items()["progress"]["done"] == 0
    page = clerk.get("/").get_data(as_text=True)
    assert clerk.token not in page and "复核" in page  # the page no longer carries the token (issue 14)


@pytest.mark.parametrize("path", [
    "/static/../../pyproject.toml", "/static/..%2f..%2fpyproject.toml", "/static/%2e%2e/app.py",
    "/static//etc/passwd", "/api/items/..%2f..%2f..%2fetc%2fpasswd/context",
    "/api/items/../../../etc/passwd/crop.png",
])
def test_no_path_traversal(out, memory, path):
    response = make(out, memory).client.get(path, follow_redirects=True)
    assert response.status_code in (400, 403, 404)
    body = response.get_data(as_text=True)
    assert "root:" not in body and "[project]" not in body and "create_app" not in body


def test_a_tampered_queue_cannot_read_outside_the_source_folders(out, memory):
    lines = read_jsonl(out / "review.jsonl")
    lines[0]["provenance"] = {"file": "../../../../../../etc/passwd", "page": None, "bbox": None, "line": 1}
    lines[0]["source"] = "../../../../../../etc/passwd"
    (out / "review.jsonl").write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                                      encoding="utf-8")
    clerk = make(out, memory)
    response = clerk.get(url(lines[0]["id"], "/context"))
    assert response.status_code == 404 and "root:" not in response.get_data(as_text=True)


def test_decisions_replay_on_another_batch(out, memory, template, tmp_path):
    clerk = make(out, memory)
    item = first_open(clerk, kind="scoring_rule")
    clerk.decide(item["id"], "edit", value="复核后的评分标准")
    exported = clerk.get("/api/decisions").get_json()
    other = copy_batch(template, tmp_path / "other")
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    assert main(["export", str(other), "--memory", str(memory), "--replay", str(decisions),
                 "--reviewer", "carl", "--decisions", str(tmp_path / "mine.json")]) == 0
    assert records_by_item(other)[item["id"]]["value"] == "复核后的评分标准"
    mine = json.loads((tmp_path / "mine.json").read_text(encoding="utf-8"))["decisions"]
    assert [(d["item"], d["reviewer"]) for d in mine] == [(item["id"], "carl")]
    assert records_by_item(out)[item["id"]]["status"] != "edited"  # the first batch is not exported yet


def test_undone_edit_leaves_the_repair_memory(out, memory):
    from jixiao.repair.memory import RepairMemory
    from jixiao.repair.index import Trust

    clerk = make(out, memory)
    item = first_open(clerk)
    clerk.decide(item["id"], "edit", value="只有文员写过的这段文字。")
    store = RepairMemory(memory)
    trust = lambda text: store.conn.execute("SELECT trust FROM passages WHERE text = ?", (text,)).fetchone()
    assert trust("只有文员写过的这段文字。") == (int(Trust.DECISION),)
    clerk.post("/api/undo")
    assert trust("只有文员写过的这段文字。") is None  # a text only the clerk gave is forgotten
    assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
