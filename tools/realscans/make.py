"""Write the real-truth scans: their truths (committed) and, on request, the scans themselves.

    PYTHONPATH=tools .venv/bin/python -m realscans.make [--truths samples/realscans] [--scans DIR] [--only NAME]

For each truth of samples/real/ whose family prints a table (``tables.TABLE_FAMILIES``) this writes
``<truths>/rs-<name>.truth.json``: the truth as printed (``tables.derived_truth``), the scanner's
settings, the seal's words and the signature's name, and whether the file is in the holdout; and
``<truths>/manifest.json`` listing them. With ``--scans DIR`` it also draws and scans every filing into
DIR (an image-only PDF of JPEG pages, or JPEG files: ``rs-<name>.jpg``, a ``.pages`` folder for more
than one page; a photographed page is always a JPEG, at the 72 dpi a phone writes), and, for one
filing in three, ``rs-<name>-cid.pdf``: the same pages as a vector PDF whose text layer reads as
``(cid:N)`` (``cidpdf``). Only drawing needs the fonts (``apt-get install fonts-arphic-uming
fonts-arphic-ukai``); making the same scans again gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from PIL import Image

from . import tables
from .defects import ScanSettings, choose, degrade, sign, stamp_seal
from .draw import FONT_FILE, KAI_FILE, draw_filing

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "samples" / "real"
TRUTHS = ROOT / "samples" / "realscans"


def real_truths(folder: Path = REAL) -> list[dict]:
    """The real truths whose family prints a table, sorted by file."""
    out = []
    for path in sorted(folder.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if truth.get("family") in tables.TABLE_FAMILIES and truth.get("indicators"):
            out.append(truth)
    return out


def scan_name(truth: dict) -> str:
    return "rs-" + truth["file"].removesuffix(".txt")


def with_cid(name: str) -> bool:
    """One filing in three also gets a (cid:N) PDF (by a stable hash of its name)."""
    return sum(name.encode()) % 3 == 0


def committed(truths: Path = TRUTHS) -> dict[str, str] | None:
    """The scans the committed manifest lists, each with its split; None when there is none yet."""
    manifest = truths / "manifest.json"
    if not manifest.exists():
        return None
    return {entry["name"]: entry["split"] for entry in json.loads(manifest.read_text(encoding="utf-8"))["scans"]}


def plan(folder: Path = REAL,
         listed: dict[str, str] | None = None) -> list[tuple[dict, tables.Filing, ScanSettings, str]]:
    """Every filing to draw: its real truth, its layout, its scanner settings and its output format.
    With ``listed`` (the committed manifest's scans and splits) only those, split as committed: the
    real filings that arrived since are no scans of this set, and must not move its holdout."""
    truths = real_truths(folder)
    if listed is not None:
        truths = [truth for truth in truths if scan_name(truth) in listed]
        holdout = {truth["file"] for truth in truths if listed[scan_name(truth)] == "holdout"}
    else:
        holdout = tables.holdout_names(truths)
    out = []
    for truth in truths:
        name = scan_name(truth)
        filing = tables.build(truth, name, "holdout" if truth["file"] in holdout else "tune")
        rng = random.Random(f"realscans-scan:{name}")
        settings = choose(rng)
        fmt = "jpg" if settings.photographed or rng.random() < 0.4 else "pdf"
        out.append((truth, filing, settings, fmt))
    return out


def scanned_pages(filing: tables.Filing, settings: ScanSettings) -> tuple[list[Image.Image], dict]:
    """The filing drawn, sealed, signed and scanned: page images, and where the seal and signature went."""
    rng = random.Random(f"realscans-ink:{filing.name}")
    pages = draw_filing(filing.sheets, settings.dpi)
    last = pages[-1]
    seal = stamp_seal(last, filing.seal, rng)
    signature = sign(last, filing.signature, rng, over_table=settings.signature_over_table)
    marks = {"seal": {"text": list(filing.seal), "page": len(pages), "centre": seal[:2], "radius": seal[2]},
             "signature": {"name": filing.signature, "page": len(pages), "box": signature}}
    return [degrade(page, settings, rng) for page in pages], marks


def write_scan(images: list[Image.Image], settings: ScanSettings, fmt: str, out: Path, name: str) -> list[str]:
    """Store the pages as the office would: an image-only PDF, or JPEG files; the files written."""
    dpi = 72 if settings.photographed else settings.dpi
    if fmt == "pdf":
        images[0].save(out / f"{name}.pdf", "PDF", save_all=True, append_images=images[1:],
                       resolution=settings.dpi, quality=settings.quality)
        return [f"{name}.pdf"]
    if len(images) == 1:
        images[0].save(out / f"{name}.jpg", "JPEG", quality=settings.quality, dpi=(dpi, dpi))
        return [f"{name}.jpg"]
    folder = out / f"{name}.pages"
    folder.mkdir(exist_ok=True)
    for number, image in enumerate(images, start=1):
        image.save(folder / f"p{number}.jpg", "JPEG", quality=settings.quality, dpi=(dpi, dpi))
    return [f"{name}.pages/p{k}.jpg" for k in range(1, len(images) + 1)]


def input_name(files: list[str]) -> str:
    """What jixiao is given: the file, or the page folder."""
    return files[0].split("/")[0]


def make(truths: Path = TRUTHS, scans: Path | None = None, only: str | None = None) -> list[dict]:
    """Write the truths (and, with ``scans``, the scans and (cid:N) PDFs); the manifest's entries."""
    truths.mkdir(parents=True, exist_ok=True)
    entries = []
    for truth, filing, settings, fmt in plan(listed=committed(truths)):
        if only and only not in filing.name:
            continue
        entry = {"name": filing.name, "family": filing.family, "split": filing.truth["split"], "format": fmt,
                 "cid_pdf": f"{filing.name}-cid.pdf" if with_cid(filing.name) else None,
                 "scan": settings.as_dict(), "seal": list(filing.seal), "signature": filing.signature}
        if scans is not None:
            scans.mkdir(parents=True, exist_ok=True)
            images, marks = scanned_pages(filing, settings)
            entry["input"] = input_name(write_scan(images, settings, fmt, scans, filing.name))
            entry["pages"] = len(images)
            if entry["cid_pdf"]:
                from .cidpdf import write_cid_pdf

                write_cid_pdf(filing.sheets, scans / entry["cid_pdf"])
        truth_out = {**filing.truth, "file": expected_input(filing.name, fmt, filing, settings), **entry}
        (truths / f"{filing.name}.truth.json").write_text(json.dumps(truth_out, ensure_ascii=False, indent=1) + "\n",
                                                           encoding="utf-8")
        entries.append(entry)
    if not only:
        (truths / "manifest.json").write_text(json.dumps({"scans": entries}, ensure_ascii=False, indent=1) + "\n",
                                              encoding="utf-8")
    return entries


def expected_input(name: str, fmt: str, filing: tables.Filing, settings: ScanSettings) -> str:
    """The input a scan will be (a PDF, a JPEG, or a page folder when it has several pages): known
    without scanning from the page count the layout gives at the scan's resolution."""
    if fmt == "pdf":
        return f"{name}.pdf"
    pages = len(draw_filing(filing.sheets, settings.dpi))
    return f"{name}.jpg" if pages == 1 else f"{name}.pages"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=Path, default=TRUTHS)
    parser.add_argument("--scans", type=Path, default=None, help="also draw the scans into this folder")
    parser.add_argument("--only", default=None, help="only the filings whose name holds this")
    args = parser.parse_args(argv)
    if args.scans is not None:
        missing = [f for f in (FONT_FILE, KAI_FILE) if not Path(f).exists()]
        if missing:
            print(f"realscans: {', '.join(missing)} missing: apt-get install fonts-arphic-uming fonts-arphic-ukai",
                  file=sys.stderr)
            return 1
    for entry in make(args.truths, args.scans, args.only):
        print(entry["name"], entry["family"], entry["split"], entry["format"], entry.get("input", ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
