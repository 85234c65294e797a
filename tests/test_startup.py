"""Start-up imports only what a command runs (issue 22): checked in fresh processes, by the modules
they import, never by how long they take (speed lives in `make bench`)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# the libraries of the PDF, OCR, spreadsheet, Word, web-page, Parquet, Dask, review and word-split paths
HEAVY = ("pandas", "pyarrow", "openpyxl", "xlrd", "docx", "lxml", "pdfplumber", "pdfminer", "camelot",
         "pypdfium2", "playa", "rapidocr_onnxruntime", "onnxruntime", "cv2", "numpy", "PIL", "dask",
         "distributed", "flask", "reportlab", "jieba")


def imported_by(code: str, tmp_path: Path) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running ``code``."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_version_imports_nothing_heavy(tmp_path):
    # what the `jixiao` console script runs
    modules = imported_by("import sys\nsys.argv = ['jixiao', '--version']\nfrom jixiao.pipeline.cli import main\n"
                          "assert main() == 0", tmp_path)
    assert not modules & set(HEAVY)
    assert not modules & {"pydantic", "pydantic_settings", "rapidfuzz", "sqlite3", "multiprocessing"}


def test_version_answers_as_the_parser_did(capsys):
    from jixiao import __version__
    from jixiao.pipeline.cli import main

    for arguments in (["--version"], ["--vers"], ["--version", "convert", "x"]):
        assert main(arguments) == 0
        assert capsys.readouterr().out == f"jixiao {__version__}\n"


def test_text_convert_imports_no_pdf_ocr_sheet_or_dask_library(tmp_path):
    source = ROOT / "samples" / "real" / "01-ningde-dangshi-2019.txt"
    modules = imported_by(
        "from jixiao.pipeline.cli import main\n"
        f"status = main(['convert', {str(source)!r}, '-o', {str(tmp_path / 'out')!r}, '--engine', 'serial', "
        "'--no-memory', '--no-cache', '-q'])\nassert status == 0, status", tmp_path)
    assert (tmp_path / "out" / "records.jsonl").stat().st_size > 0
    # jieba is left out here: it is imported to make the word table, once per machine (tests below)
    assert not modules & (set(HEAVY) - {"jieba"})
    assert "pydantic_settings" not in modules or any(k.upper().startswith("JIXIAO_") for k in os.environ)


def test_word_splits_come_from_the_word_table_made_once(tmp_path):
    # 。 ends no word, nor 率 a clause: settled without any split; 建 begins 建设, 建立 …: split
    code = ("import sys\nfrom jixiao.repair.damage import dangling_word\n"
            "assert not dangling_word('完成年度工作任务的。')\nassert 'jieba' not in sys.modules\n"
            "assert not dangling_word('确保全年安全生产无事故发生率')\nassert 'jieba' not in sys.modules\n"
            "assert dangling_word('…强化应急队伍建')\n")
    imported_by(code, tmp_path)  # the first process makes the table from jieba's dictionary
    folder = tmp_path / "cache" / "jixiao"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    names = {p.name for p in folder.iterdir()}
    assert "jieba-words.sqlite" in names and any(n.startswith("jieba-") and n.endswith(".cache") for n in names)
    # the next process splits from the table: it imports no jieba and loads no dictionary
    modules = imported_by(code, tmp_path)
    assert "jieba" not in modules


def test_a_split_from_the_word_table_is_jiebas_split(tmp_path, monkeypatch):
    """The split over the table's words that are substrings of the text is jieba's split over its
    whole dictionary (jieba.cut, no HMM), for tails of real cells and made-up ones: Chinese
    within and beyond jieba's range, Latin letters and digits, punctuation and spaces."""
    import random

    import jieba

    from jixiao.model import words

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(words, "_CONNECTION", {})
    jieba.setLogLevel(60)
    rng = random.Random(22)
    alphabet = ("强化应急队伍建设提高防灾减灾救灾能力确保安全生产完成市委政府交办的其他任务工作扣分"
                "。，、：%≥ \t\r\nab1Z9+#&._-㐀\u9fd6")
    texts = ["…强化应急队伍建", "无重特大事故发生得5分，发生一起扣1分", "完成市委、市政府交办的其他任务",
             "GDP增长6.5%以上", "a b\r\nc"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    for text in texts:
        assert list(words.cut(text)) == list(jieba.cut(text, HMM=False)), text


def test_a_cache_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    from jixiao.model import words

    shared = tmp_path / "shared"
    (shared / "jixiao").mkdir(parents=True)
    os.chmod(shared / "jixiao", 0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    folder = words.cache_folder()
    assert folder != shared / "jixiao"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
