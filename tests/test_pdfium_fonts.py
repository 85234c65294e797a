"""pdfium reads text layers as on a machine without fonts, and draws pages with them (issue 22).

jixiao.extractors.pdfium_fonts hides the machine's fonts from pdfium while a text layer is read
(pdfium loaded a substitute CJK font for every document whose fonts are not embedded, ~10 ms each)
and shows them again for rendering. The text it then gives is the text of a machine whose font
folders are empty (tests/hidden_fonts.py), which issue 20 already requires to give the same answer.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import hidden_fonts

PAGE_TEXTS = """
import json, sys
import pypdfium2 as pdfium
from jixiao.extractors.pdfium_fonts import machine_fonts_hidden

def texts(paths):
    out = []
    for path in paths:
        document = pdfium.PdfDocument(path)
        for page in document:
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        document.close()
    return out

paths = sys.argv[2:]
if sys.argv[1] == "hidden":
    with machine_fonts_hidden():
        print(json.dumps(texts(paths)))
else:
    print(json.dumps(texts(paths)))
"""


@pytest.fixture(scope="module")
def heldout_pdfs(tmp_path_factory):
    from heldout.make import make

    folder = tmp_path_factory.mktemp("heldout")
    make(folder, 4)  # SimSun, SimSun + Type 3, STSong-Light, STSong-Light + Vera: none embedded
    return sorted(str(p) for p in folder.glob("*.pdf"))


def _texts(mode: str, paths: list[str], *, hide_folders: bool = False) -> list[str]:
    argv = [sys.executable, "-c", PAGE_TEXTS, mode, *paths]
    result = (hidden_fonts.run if hide_folders else subprocess.run)(argv, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.skipif(hidden_fonts.unavailable() is not None, reason=f"fonts cannot be hidden here: "
                    f"{hidden_fonts.unavailable()}")
def test_text_read_with_the_fonts_hidden_is_the_text_of_a_machine_without_fonts(heldout_pdfs):
    assert _texts("hidden", heldout_pdfs) == _texts("plain", heldout_pdfs, hide_folders=True)


def test_pages_are_drawn_with_the_machines_fonts_again(heldout_pdfs):
    """Rendering after (and inside machine_fonts_shown, within) a reading draws what it drew before."""
    import pypdfium2 as pdfium

    from jixiao.extractors.pdfium_fonts import machine_fonts_hidden, machine_fonts_shown

    def drawn() -> bytes:
        document = pdfium.PdfDocument(heldout_pdfs[2])
        try:
            return bytes(document[0].render(scale=0.5).to_pil().convert("L").tobytes())
        finally:
            document.close()

    before = drawn()
    with machine_fonts_hidden():
        with machine_fonts_shown():
            inside = drawn()
    assert drawn() == before == inside
