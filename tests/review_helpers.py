"""Shared set-up for the review-app tests: a small converted batch and a client that sends the token."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from helpers import ROOT, read_jsonl

BATCH_INPUTS = [f"samples/generated/{name}.txt" for name in (
    "beihu-shijian-2022", "beihu-shijian-2023", "hengyang-yingji-2022", "hengyang-yingji-2023")]


def convert_batch(out: Path, memory=None) -> None:
    from jixiao.pipeline import convert

    convert(BATCH_INPUTS, out, memory=memory)


def copy_batch(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    return dest


def url(item_id: str, suffix: str = "") -> str:
    return f"/api/items/{quote(item_id, safe='')}{suffix}"


class Clerk:
    """A test client for one review app, signed in as the clerk's browser is: it opens the
    terminal's token URL once and keeps the cookie; writes also send the token header."""

    def __init__(self, app, *, sign_in: bool = True):
        self.app = app
        self.client = app.test_client()
        self.token = app.config["JIXIAO_TOKEN"]
        if sign_in:
            response = self.client.get(f"/?token={quote(self.token)}")
            assert response.status_code == 303, response.get_data(as_text=True)

    def get(self, path):
        return self.client.get(path)

    def post(self, path, body=None):
        return self.client.post(path, json=body or {}, headers={"X-Jixiao-Token": self.token})

    def items(self, **filters):
        return self.get("/api/items?" + "&".join(f"{k}={quote(str(v))}" for k, v in filters.items())).get_json()

    def item(self, item_id):
        return self.get(url(item_id)).get_json()

    def decide(self, item_id, action, **body):
        if "version" not in body:
            body["version"] = self.item(item_id)["version"]
        return self.post(url(item_id, "/decide"), {"action": action, **body})


def records_by_item(out: Path) -> dict[str, dict]:
    """Exported record fields by review item id (``filing:row:field``)."""
    fields = {}
    for record in read_jsonl(out / "records.jsonl"):
        for name, field in record["fields"].items():
            fields[f"{record['filing']}:{record['row']}:{name}"] = {**field, "_record": record}
    return fields


__all__ = ["ROOT", "BATCH_INPUTS", "Clerk", "convert_batch", "copy_batch", "records_by_item", "url"]


# The converted batch every review test starts from: converted once per module, copied per test.
@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        convert_batch(out)
    finally:
        os.chdir(cwd)
    return out


@pytest.fixture
def out(template, tmp_path):
    return copy_batch(template, tmp_path / "out")
