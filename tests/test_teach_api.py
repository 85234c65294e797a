"""The review app's queue of tables not understood (issue 19 item 2), through its HTTP API: what a
clerk sees of a failed filing, the records a mapping gives, saving it as a learned layout (reviewer,
time, conflicts, undo), and the app's sign-in, Host and Origin checks on these routes too."""

from __future__ import annotations

import json

import pytest

from jixiao.pipeline import convert
from jixiao.repair.memory import RepairMemory
from jixiao.review.app import create_app

from helpers import read_jsonl
from review_helpers import Clerk

TAUGHT = """| 名目 | 二级指标 | 三级指标 | 考核数 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | 500 | 10 |
| 产出指标 | 质量指标 | 验收合格率 | 100 | 10 |
"""
READ = """| 一级指标 | 二级指标 | 三级指标 | 指标值 |
| 产出指标 | 数量指标 | 开展培训次数 | ≥12次 |
| 满意度指标 | 服务对象满意度指标 | 学员满意度 | ≥90% |
"""
ROLES = {"0": "level1", "1": "level2", "2": "level3", "3": "target", "4": "score"}


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "taught.txt").write_text(TAUGHT, encoding="utf-8")
    (folder / "read.txt").write_text(READ, encoding="utf-8")
    (folder / "style.css").write_text("body {}", encoding="utf-8")  # skipped: no filing
    out = tmp_path / "out"
    convert([str(folder)], out, memory=tmp_path / "memory.sqlite")
    return out


def _clerk(batch, tmp_path, reviewer="clerk-a", **kwargs) -> Clerk:
    app = create_app(batch, memory=tmp_path / "memory.sqlite", reviewer=reviewer,
                     source_roots=[tmp_path / "in", tmp_path], **kwargs)
    return Clerk(app)


def _queued(clerk) -> dict:
    (entry,) = clerk.get("/api/tables").get_json()["tables"]
    return entry


def test_the_queue_lists_the_failed_filing_with_its_message_and_nothing_else(batch, tmp_path):
    entry = _queued(_clerk(batch, tmp_path))
    assert entry["status"] == "failed" and entry["source"].endswith("taught.txt")
    assert "no column for 指标值" in entry["error"]


def test_a_queued_filing_shows_its_header_roles_and_first_rows(batch, tmp_path):
    clerk = _clerk(batch, tmp_path)
    view = clerk.get(f"/api/tables/{_queued(clerk)['id']}").get_json()
    (grid,) = view["grids"]
    assert grid["signature"] == "名目|二级指标|三级指标|考核数|分值" and grid["understood"] is False
    assert [(c["header"], c["role"], c["decided_by"]) for c in grid["columns"]] == [
        ("名目", None, "header"), ("二级指标", "level2", "header"), ("三级指标", "level3", "header"),
        ("考核数", None, "header"), ("分值", "score", "header")]
    assert [r["cells"] for r in grid["rows"]] == [["产出指标", "数量指标", "培训人次", "500", "10"],
                                                  ["产出指标", "质量指标", "验收合格率", "100", "10"]]
    assert grid["learned"] is None and grid["version"] == 0
    assert {"role": "target", "label": "指标值"} in view["roles"]


def test_a_preview_gives_the_records_of_the_mapping_or_says_why_there_are_none(batch, tmp_path):
    clerk = _clerk(batch, tmp_path)
    item = _queued(clerk)["id"]
    taught = clerk.post(f"/api/tables/{item}/preview", {"grid": 0, "roles": ROLES}).get_json()
    assert taught["status"] == "ok"
    assert [(r["level1"], r["level3"], r["target"], r["score"]) for r in taught["records"]] == [
        ("产出指标", "培训人次", "500", 10), ("产出指标", "验收合格率", "100", 10)]
    untaught = clerk.post(f"/api/tables/{item}/preview", {"grid": 0, "roles": {}}).get_json()
    assert untaught["status"] == "failed" and "no column for 指标值" in untaught["error"]


def test_saving_stores_the_layout_with_the_reviewer_and_the_next_convert_reads_by_it(batch, tmp_path):
    clerk = _clerk(batch, tmp_path)
    item = _queued(clerk)["id"]
    saved = clerk.post(f"/api/tables/{item}/save", {"grid": 0, "roles": ROLES, "version": 0}).get_json()
    assert saved["version"] == 1 and saved["layout"]["reviewer"] == "clerk-a" and saved["layout"]["decided_at"]
    assert saved["layout"]["name"] == "taught.txt" and saved["layout"]["overrides"] == []
    view = clerk.get(f"/api/tables/{item}").get_json()
    assert view["grids"][0]["learned"]["roles"] == ROLES
    out = tmp_path / "again"
    convert([str(tmp_path / "in")], out, memory=tmp_path / "memory.sqlite")
    assert {line["source"].rsplit("/", 1)[-1]: line["status"] for line in read_jsonl(out / "manifest.jsonl")
            if not line.get("unrelated")} == {"taught.txt": "ok", "read.txt": "ok"}


def test_a_role_set_against_a_header_the_reader_is_sure_of_is_saved_as_an_override(batch, tmp_path):
    clerk = _clerk(batch, tmp_path)
    item = _queued(clerk)["id"]
    roles = {**ROLES, "4": None}  # the clerk says 分值 holds no field
    saved = clerk.post(f"/api/tables/{item}/save", {"grid": 0, "roles": roles}).get_json()
    assert saved["layout"]["overrides"] == [4]


def test_a_save_over_a_colleagues_newer_layout_is_refused_and_undo_takes_back_ones_own(batch, tmp_path):
    clerk_a, clerk_b = _clerk(batch, tmp_path), _clerk(batch, tmp_path, reviewer="clerk-b")
    item = _queued(clerk_a)["id"]
    assert clerk_b.post(f"/api/tables/{item}/save", {"grid": 0, "roles": ROLES, "version": 0}).status_code == 200
    stale = clerk_a.post(f"/api/tables/{item}/save", {"grid": 0, "roles": {**ROLES, "4": None}, "version": 0})
    assert stale.status_code == 409 and stale.get_json()["version"] == 1
    assert clerk_a.post("/api/layouts/undo").get_json() == {"undone": None}  # clerk-a saved nothing
    undone = clerk_b.post("/api/layouts/undo").get_json()["undone"]
    assert undone["action"] == "teach" and undone["reviewer"] == "clerk-b"
    with RepairMemory(tmp_path / "memory.sqlite") as memory:
        assert memory.layouts().in_force() == []
        assert [e.action for e in memory.layouts().history()] == ["teach", "undo"]


@pytest.mark.parametrize("body, field", [
    ({"grid": "0", "roles": ROLES}, "grid must be an integer"),
    ({"grid": 0, "roles": {"0": "budget"}}, "roles.0: 'budget' is no role"),
    ({"grid": 0, "roles": {"x": "level1"}}, "'x' is no column index"),
    ({"grid": 0, "roles": ["level1"]}, "roles must be an object"),
])
def test_a_bad_teaching_body_is_a_400_naming_the_field(batch, tmp_path, body, field):
    clerk = _clerk(batch, tmp_path)
    response = clerk.post(f"/api/tables/{_queued(clerk)['id']}/save", body)
    assert response.status_code == 400 and field in response.get_json()["error"]


def test_a_column_the_header_does_not_have_is_refused_naming_the_file(batch, tmp_path):
    clerk = _clerk(batch, tmp_path)
    response = clerk.post(f"/api/tables/{_queued(clerk)['id']}/save", {"grid": 0, "roles": {"9": "level1"}})
    assert response.status_code == 422
    assert "taught.txt: the header has 5 column(s), no column 9" in response.get_json()["error"]


def test_a_source_that_is_gone_is_named_in_the_answer(batch, tmp_path):
    clerk = _clerk(batch, tmp_path)
    item = _queued(clerk)["id"]
    (tmp_path / "in" / "taught.txt").unlink()
    view = clerk.get(f"/api/tables/{item}").get_json()
    assert view["grids"] == [] and "taught.txt: source file not found" in view["problem"]
    assert clerk.get("/api/tables/0123456789abcdef").status_code == 404


def test_the_teaching_routes_need_the_clerks_sign_in_and_refuse_other_origins_and_hosts(batch, tmp_path):
    signed = _clerk(batch, tmp_path)
    item = _queued(signed)["id"]
    stranger = Clerk(signed.app, sign_in=False)
    for path in ("/teach", "/api/tables", f"/api/tables/{item}"):
        assert stranger.client.get(path).status_code == 403
    assert stranger.client.post(f"/api/tables/{item}/save", json={"grid": 0, "roles": ROLES}).status_code == 403
    other_origin = signed.client.post(f"/api/tables/{item}/save", json={"grid": 0, "roles": ROLES},
                                      headers={"Origin": "http://evil.example"})
    assert other_origin.status_code == 403
    assert signed.client.get("/api/tables", headers={"Host": "evil.example"}).status_code == 403
    with RepairMemory(tmp_path / "memory.sqlite") as memory:
        assert memory.layouts().history() == []  # nothing refused was written


def test_the_teaching_page_is_served_with_the_apps_headers(batch, tmp_path):
    page = _clerk(batch, tmp_path).get("/teach")
    assert page.status_code == 200 and "teach.js" in page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert json.loads(json.dumps(dict(page.headers)))["X-Content-Type-Options"] == "nosniff"


def test_an_override_taught_on_a_real_page_changes_that_column_only(tmp_path, monkeypatch):
    """On the real 南县 page: the clerk says 备注 (which repeats 指标值内容) holds no field. The next convert
    drops that column's remarks and reads every scored field as before."""
    from helpers import ROOT
    from real_scoring import score_file

    real = ROOT / "samples" / "teach" / "nanxian-jikong-2025.txt"
    truth = json.loads(real.with_name("nanxian-jikong-2025.truth.json").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / real.name).write_bytes(real.read_bytes())
    memory = tmp_path / "memory.sqlite"
    convert(["in"], tmp_path / "before", memory=memory)
    before = read_jsonl(tmp_path / "before" / "records.jsonl")
    assert [r["remark"] for r in before][:2] == ["反映疾病预防控制中心经费。", "反映实施项目对社会产生的不利影响。"]
    # a page that reads is in no queue: the teacher is handed it as a queued (partial) input
    from jixiao.review.teach import Candidate, Teacher

    line = {"source": f"in/{real.name}", "status": "partial"}
    with RepairMemory(memory) as store:
        teacher = Teacher([line], [tmp_path], store.layouts())
        saved = teacher.save(teacher.queued[0]["id"], Candidate(grid=0, roles={7: None}), "clerk-a")
    assert saved.overrides == [7] and saved.roles == {7: None}
    convert(["in"], tmp_path / "after", memory=memory)
    after = read_jsonl(tmp_path / "after" / "records.jsonl")
    assert [r["remark"] for r in after] == [None, None, None]
    assert score_file(truth, after) == score_file(truth, before)
    assert score_file(truth, after)["fields_right"] == score_file(truth, after)["fields"]
