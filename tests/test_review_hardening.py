"""The review server is usable only by the clerk who started it (issue 14, items 4-6 and /context)."""

from __future__ import annotations

import json
import threading
from urllib.parse import quote

import pytest

from jixiao.pipeline.cli import main
from jixiao.review.app import create_app
from jixiao.review.bodies import MAX_VALUE_CHARS

from helpers import read_jsonl
from review_helpers import ROOT, Clerk, convert_batch, copy_batch, out, template, url  # noqa: F401 (fixtures)



def make(out, tmp_path, **options):
    return create_app(out, memory=tmp_path / "memory.sqlite", reviewer="anna", source_roots=[ROOT], **options)


def text_item(clerk) -> dict:
    return next(i for i in clerk.items(status="all")["items"] if clerk.item(i["id"])["view"] == "text")


# -- item 4: loopback unless --allow-remote; the Host must be the bound address --------------------------

def test_a_remote_bind_needs_allow_remote(out, capsys):
    assert main(["review", str(out), "--host", "0.0.0.0", "--port", "0"]) == 2
    assert capsys.readouterr().err  # refused, and said why on stderr


def test_allow_remote_warns_and_prints_the_token_url(out, tmp_path, capsys, monkeypatch):
    import werkzeug.serving

    class Server:
        server_port = 4321

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            pass

    seen = {}

    def fake(host, port, app, threaded):
        seen.update(host=host, app=app)
        return Server()

    monkeypatch.setattr(werkzeug.serving, "make_server", fake)
    assert main(["review", str(out), "--host", "0.0.0.0", "--port", "0", "--allow-remote",
                 "--memory", str(tmp_path / "m.sqlite")]) == 0
    printed = capsys.readouterr()
    assert printed.err  # warned on stderr before serving
    token = seen["app"].config["JIXIAO_TOKEN"]
    assert f"http://0.0.0.0:4321/?token={token}" in printed.out and seen["host"] == "0.0.0.0"


def test_the_host_check_compares_with_the_bound_address(out, tmp_path):
    bound = Clerk(make(out, tmp_path, bind_host="192.0.2.7"), sign_in=False)
    signed = bound.client.get(f"/?token={bound.token}", headers={"Host": "192.0.2.7:8765"})
    assert signed.status_code == 303
    assert bound.client.get("/api/items", headers={"Host": "192.0.2.7:8765"}).status_code == 200
    # a remote client naming loopback in its Host header is refused by a server bound elsewhere
    spoofed = bound.client.get("/api/items", headers={"Host": "127.0.0.1"})
    assert spoofed.status_code == 403 and spoofed.get_json()["code"] == "wrong_host"
    local = Clerk(make(out, tmp_path))
    assert local.client.get("/api/items", headers={"Host": "10.0.0.5"}).status_code == 403
    assert local.client.get("/api/items", headers={"Host": "localhost:8765"}).status_code == 200


# -- item 5: the token URL swaps for a cookie; every route needs it; the page does not carry the token ---

def test_the_token_url_sets_an_httponly_strict_cookie_and_drops_the_token(out, tmp_path):
    clerk = Clerk(make(out, tmp_path), sign_in=False)
    response = clerk.client.get(f"/?token={clerk.token}&status=open")
    assert response.status_code == 303 and clerk.token not in response.headers["Location"]
    assert response.headers["Location"].endswith("/?status=open")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and clerk.token not in cookie
    page = clerk.client.get("/")
    assert page.status_code == 200 and clerk.token not in page.get_data(as_text=True)
    assert Clerk(clerk.app, sign_in=False).client.get(f"/?token={clerk.token}x").status_code == 403


def test_every_route_needs_the_cookie(out, tmp_path):
    app = make(out, tmp_path)
    clerk = Clerk(app)
    item = text_item(clerk)
    paths = ["/", "/api/items", url(item["id"]), url(item["id"], "/context"), url(item["id"], "/crop.png"),
             "/api/decisions", "/static/review.js", "/static/review.css"]
    stranger = app.test_client()
    for path in paths:
        refused = stranger.get(path)
        assert refused.status_code == 403, path
        assert refused.get_json()["code"] == "not_signed_in", path
    for path in ("/api/undo", "/api/export", url(item["id"], "/decide"), "/api/bulk-accept"):
        assert stranger.post(path, json={}).status_code == 403, path
    assert [clerk.get(p).status_code for p in paths if not p.endswith("crop.png")] == [200] * (len(paths) - 1)
    # writes by cookie alone, as the page's script makes them (no token header)
    written = clerk.client.post(url(item["id"], "/decide"), json={"action": "flag", "version": 0})
    assert written.status_code == 200 and written.get_json()["written"] == [item["id"]]
    # the decision is logged under the server's reviewer only for the signed-in client
    assert [d["reviewer"] for d in clerk.get("/api/decisions").get_json()["decisions"]] == ["anna"]


def test_a_cookie_of_another_server_does_not_open_this_one(out, tmp_path):
    first, second = Clerk(make(out, tmp_path)), make(out, tmp_path)
    name, value = next((c.key, c.value) for c in first.client._cookies.values())
    other = second.test_client()
    other.set_cookie(name, value)
    assert other.get("/api/items").status_code == 403


# -- item 6: size caps and bad bodies ---------------------------------------------------------------------

def test_a_body_over_the_cap_is_413(out, tmp_path):
    clerk = Clerk(make(out, tmp_path, max_body=64 << 10))
    item = clerk.items()["items"][0]
    response = clerk.post(url(item["id"], "/decide"), {"action": "edit", "value": "字" * (100 << 10)})
    assert response.status_code == 413 and "error" in response.get_json()


def test_a_value_over_the_length_cap_is_400_and_nothing_is_stored(out, tmp_path):
    from jixiao.repair.memory import RepairMemory

    clerk = Clerk(make(out, tmp_path))
    item = clerk.items()["items"][0]
    response = clerk.post(url(item["id"], "/decide"),
                          {"action": "edit", "version": 0, "value": "字" * (MAX_VALUE_CHARS + 1)})
    assert response.status_code == 400 and response.get_json()["code"] == "value_too_long"
    assert clerk.item(item["id"])["version"] == 0
    store = RepairMemory(tmp_path / "memory.sqlite")
    assert store.conn.execute("SELECT count(*) FROM passages WHERE length(text) > ?",
                              (MAX_VALUE_CHARS,)).fetchone() == (0,)


CLIENT_ERRORS = {"bad_request", "bad_action", "not_json", "value_too_long"}


@pytest.mark.parametrize("path, body", [
    ("decide", []), ("decide", "accept"), ("decide", 7), ("decide", {"action": 1}),
    ("decide", {"action": "candidate", "rank": "1"}), ("decide", {"action": "accept", "version": "0"}),
    ("decide", {"action": "accept", "version": True}), ("decide", {"action": "edit", "value": ["x"]}),
    ("decide", {"action": "accept", "identical": "yes"}), ("decide", {"action": "undo"}),
    ("/api/bulk-accept", {"min_confidence": "0.5"}), ("/api/bulk-accept", {"min_confidence": 0.5, "filter": []}),
    ("/api/bulk-accept", {"min_confidence": 0.5, "preview": False, "confirm": {"id": 1}}),
    ("/api/bulk-accept", {"min_confidence": 0.5, "preview": False, "confirm": [{"id": "x", "version": "1"}]}),
    ("/api/decisions/replay", {"decisions": "all"}), ("/api/decisions/replay", {"decisions": [1]}),
    ("/api/decisions/replay", {"decisions": [{"action": "edit", "new_value": 5}]}),
    ("/api/undo", [1]), ("/api/export", "now"),
])
def test_every_bad_body_is_a_400_with_a_json_error(out, tmp_path, path, body):
    clerk = Clerk(make(out, tmp_path))
    item = clerk.items()["items"][0]
    target = url(item["id"], "/decide") if path == "decide" else path
    response = clerk.client.post(target, data=json.dumps(body), content_type="application/json",
                                 headers={"X-Jixiao-Token": clerk.token})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert isinstance(response.get_json()["error"], str) and response.get_json()["code"] in CLIENT_ERRORS
    assert clerk.item(item["id"])["version"] == 0


@pytest.mark.parametrize("raw", [
    "[" * 100_000 + "]" * 100_000,  # deeper than the JSON parser's recursion
    '{"action": "edit", "version": 0, "value": ' + "[" * 40 + "]" * 40 + "}",  # deeper than the API's bodies
    '{"action": "edit", "version": 0, "value": "\\ud800"}',  # a lone surrogate: not text
    '{"action": "edit", "version": 0, "value": "ok", "\\udfff": 1}',  # in a key too
], ids=["100000-deep", "40-deep", "lone-surrogate", "surrogate-key"])
def test_a_body_that_is_not_text_or_nests_too_deep_is_a_400_not_a_500(out, tmp_path, raw):
    """Issue 23, item 11: both were a 500 (a RecursionError, and a UnicodeEncodeError when stored)."""
    clerk = Clerk(make(out, tmp_path))
    item = clerk.items()["items"][0]
    response = clerk.client.post(url(item["id"], "/decide"), data=raw, content_type="application/json",
                                 headers={"X-Jixiao-Token": clerk.token})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert isinstance(response.get_json()["error"], str)
    assert clerk.item(item["id"])["version"] == 0


def test_a_body_that_is_not_json_is_a_400(out, tmp_path):
    clerk = Clerk(make(out, tmp_path))
    item = clerk.items()["items"][0]
    response = clerk.client.post(url(item["id"], "/decide"), data="action=accept",
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.get_json()["code"] == "not_json"


# -- sources: only the manifest's inputs; a text source read once ----------------------------------------

def test_only_inputs_the_manifest_names_are_served(out, tmp_path):
    lines = read_jsonl(out / "review.jsonl")
    # a file that exists under the source roots, but is not an input of this batch
    lines[0]["source"] = "pyproject.toml"
    lines[0]["provenance"] = {"file": "pyproject.toml", "page": None, "bbox": None, "line": 1}
    (out / "review.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                      encoding="utf-8")
    clerk = Clerk(make(out, tmp_path))
    response = clerk.get(url(lines[0]["id"], "/context"))
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert "[project]" not in response.get_data(as_text=True) and "build-system" not in \
        response.get_data(as_text=True)


def test_source_context_is_read_once(out, tmp_path, monkeypatch):
    app = make(out, tmp_path)
    clerk = Clerk(app)
    item = text_item(clerk)
    texts = app.extensions["jixiao_review"].texts
    results = []

    def fetch():
        client = app.test_client()
        client.get(f"/?token={quote(clerk.token)}")
        results.append(client.get(url(item["id"], "/context")).status_code)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 6 and texts.reads == 1


def test_a_source_whose_name_is_not_utf8_is_found_by_its_printable_name(tmp_path):
    """Manifest sources are printable names (bad\\xff.txt); the server opens the file they stand for."""
    import os

    from pathlib import Path

    from jixiao.pipeline.inputs import display_name
    from jixiao.review.sources import resolve

    raw = os.path.join(os.fsencode(tmp_path), b"bad\xff.txt")
    with open(raw, "wb") as handle:
        handle.write("一级指标\n".encode())
    name = display_name(raw)
    assert name.endswith("bad\\xff.txt")
    assert resolve(name, [tmp_path]) == Path(os.fsdecode(raw)).resolve()


def test_the_item_detail_carries_the_project_and_kind_the_screen_shows(tmp_path):
    """Schema 2's fields reach the review screen: a real self-evaluation's flagged field comes with
    its record's kind and project (review.js shows them under the row)."""
    from jixiao.pipeline import convert
    from jixiao.review.app import create_app

    source = ROOT / "samples" / "real" / "51-licheng-wenhuaguan-2019.txt"  # a row flagged for its fit
    out = tmp_path / "out"
    convert([str(source)], out, memory=None, cache=False)
    clerk = Clerk(create_app(out, memory=tmp_path / "m.sqlite", reviewer="anna", source_roots=[ROOT]))
    item = next(i for i in clerk.items(status="open")["items"] if i["row"] is not None)
    detail = clerk.client.get(f"/api/items/{item['id']}").get_json()
    context = detail["row_context"]
    assert context["kind"] == "self_evaluation"
    assert context["project"] == "商品和服务支出"
