"""The same records whatever fonts the machine has (issue 20, part 1).

Every text-layer sample PDF and a batch of held-out PDFs (tools/heldout: SimSun
as a non-embedded CIDFontType2, numbers in a Type 3 font, STSong-Light as
reportlab writes it, an embedded Vera subset) are converted twice by `jixiao
convert`: as the machine is, and with every font folder hidden
(tests/hidden_fonts.py). records.jsonl and filings.jsonl must be the same bytes.
On a machine with a CJK font (``.ci/run`` installs fonts-wqy-zenhei) this is the
check that a developer's font cannot hide a font dependence again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import hidden_fonts
from helpers import SAMPLES

pytestmark = pytest.mark.skipif(hidden_fonts.unavailable() is not None,
                                reason=f"fonts cannot be hidden here: {hidden_fonts.unavailable()}")


def _sample_pdfs() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*.pdf") if "scan" not in p.name and p.parent.name != "scanned")


def _convert(inputs: list[Path], out: Path, *, hide_fonts: bool) -> dict[str, bytes]:
    argv = [sys.executable, "-m", "jixiao.pipeline.cli", "convert", *map(str, inputs), "-o", str(out),
            "--no-memory", "--no-cache", "--engine", "serial", "-q"]
    result = (hidden_fonts.run if hide_fonts else subprocess.run)(argv, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    return {name: (out / name).read_bytes() for name in ("records.jsonl", "filings.jsonl", "manifest.jsonl")}


def test_sample_and_heldout_pdfs_give_the_same_bytes_with_and_without_the_machines_fonts(tmp_path):
    from heldout.make import make

    heldout = tmp_path / "heldout"
    make(heldout, 4)  # one of each writer: SimSun, SimSun + Type 3, STSong-Light, STSong-Light + Vera
    inputs = _sample_pdfs() + sorted(heldout.glob("*.pdf"))
    with_fonts = _convert(inputs, tmp_path / "fonts", hide_fonts=False)
    without = _convert(inputs, tmp_path / "hidden", hide_fonts=True)
    assert with_fonts["records.jsonl"].count(b"\n") > 500  # a real batch, not an empty one
    for name in with_fonts:
        assert with_fonts[name] == without[name], f"{name} differs with the fonts hidden"


def test_hidden_fonts_leave_no_font_for_pdfium(tmp_path):
    """The helper really hides them: a program run through it lists no font at all."""
    script = "import os,sys; sys.exit(any(os.listdir(d) for d in sys.argv[1:] if os.path.isdir(d)))"
    assert hidden_fonts.run([sys.executable, "-c", script, *hidden_fonts.FONT_DIRS]).returncode == 0
