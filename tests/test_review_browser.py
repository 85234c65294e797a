"""End to end in a real browser: queue, accept by keyboard, edit, undo, export; and the README screenshot."""

from __future__ import annotations

import threading

import pytest

from jixiao.review.app import create_app

from browser_helpers import idle, page, screenshot  # noqa: F401 (page is a fixture)
from review_helpers import ROOT, convert_batch, records_by_item

SCREENSHOT = ROOT / "docs" / "review-screen.png"


@pytest.fixture
def server(tmp_path, in_root):
    from werkzeug.serving import make_server

    out = tmp_path / "out"
    convert_batch(out)
    app = create_app(out, memory=tmp_path / "memory.sqlite", reviewer="e2e", source_roots=[ROOT])
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_port}/"
    # the URL `jixiao review` prints: opening it swaps the token for an HttpOnly cookie
    yield app.extensions["jixiao_review"].access.url(base), out
    httpd.shutdown()
    thread.join()
    httpd.server_close()


def current_id(page) -> str:
    return page.locator(".qi.current").get_attribute("data-id")


def test_review_by_keyboard_then_export(server, page):
    url, out = server
    token = url.split("token=", 1)[1]
    page.goto(url)
    page.wait_for_selector(".qi.current")
    # signed in by cookie: the token left the address bar, is not in the page, and scripts cannot read it
    assert "token=" not in page.url and token not in page.content()
    assert page.evaluate("document.cookie") == ""
    page.wait_for_selector("#item .diff")
    idle(page)
    assert "待复核" in page.inner_text("header") and "a 接受" in page.inner_text("#keys")

    first = current_id(page)
    page.keyboard.press("a")  # accept the lowest-confidence item
    page.wait_for_function(f"document.querySelector('.qi.current')?.dataset.id !== {first!r}")
    page.wait_for_selector("#item .diff")
    second = current_id(page)

    idle(page)
    page.keyboard.press("e")
    page.wait_for_selector("#edit-input")
    page.fill("#edit-input", "第一次编辑")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelector('.qi.current')?.dataset.id !== {second!r}")

    idle(page)
    page.keyboard.press("Backspace")  # undo the edit: the item comes back
    page.wait_for_function(f"document.querySelector('.qi.current')?.dataset.id === {second!r}")
    idle(page)
    page.keyboard.press("e")
    page.wait_for_selector("#edit-input")
    page.fill("#edit-input", "复核后的文字")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelector('.qi.current')?.dataset.id !== {second!r}")
    page.wait_for_selector("#item .diff")
    assert "已完成 2/" in page.inner_text("#progress")

    idle(page)
    page.keyboard.press("l")  # English toggle
    assert "accept" in page.inner_text("#keys") and page.get_attribute("html", "lang") == "en"
    idle(page)
    page.keyboard.press("l")

    idle(page)
    screenshot(page, SCREENSHOT)
    page.click("#export")
    page.wait_for_selector("#toast:has-text('已导出')")  # not the toast of the edit before

    fields = records_by_item(out) | _headers(out)
    assert fields[first]["status"] == "confirmed"
    assert fields[second]["status"] == "edited"
    assert fields[second].get("value", fields[second].get("text")) == "复核后的文字"


def _headers(out) -> dict:
    from helpers import read_jsonl

    found = {}
    for filing in read_jsonl(out / "filings.jsonl"):
        for kind in ("duties", "goals"):
            for k, item in enumerate(filing[kind], start=1):
                found[f"{filing['filing']}:{kind}[{k}]"] = {**item, "value": item["text"]}
    return found
