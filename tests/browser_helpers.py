"""Shared set-up for the browser tests: Debian's chromium driven by Playwright, and what the app shows."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no chromium at {CHROMIUM}: `.ci/run` installs it with apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                bypass_csp=True)  # lets wait_for_function evaluate its predicate
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def idle(page) -> None:
    """Wait until the app has finished the last key's work (it drops keys while busy)."""
    page.wait_for_selector("body[data-busy='0']", state="attached")


def screenshot(page, target: Path) -> None:
    """A README picture of the screen, kept small (< 300 KB); written when missing or asked for
    (JIXIAO_REGENERATE_GOLDEN=1)."""
    from PIL import Image

    png = page.screenshot(full_page=False)
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    assert buffer.tell() < 300_000
    if not target.exists() or os.environ.get("JIXIAO_REGENERATE_GOLDEN") == "1":
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(buffer.getvalue())
