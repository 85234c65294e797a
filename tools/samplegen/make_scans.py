"""Make scanned versions of generated filings: image-only PDFs and PNG pages.

The text-layer PDFs use the non-embedded STSong-Light font, which pdfium cannot
draw here, so a scan cannot be rendered from them. Instead the filing is drawn
again by ``render_pdf`` with a real CJK TrueType font embedded (WenQuanYi Zen
Hei; ``apt-get install fonts-wqy-zenhei``), rasterised with pypdfium2 at 150-200
DPI, turned by a small angle (≤ 1°), speckled with noise and stored as a
grayscale JPEG per page. Only GENERATING scans needs the font; the scans and
their truth files are committed, and tests read those.

    python samples/make_scans.py --out samples/scanned

The truth file beside each scan is the generated truth (spec, garble, garbled
strings) with ``pdf_layout`` of the re-drawn pages (the font's glyph widths
change the wrapping) and a ``scan`` entry: dpi, angle, noise and format.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent

import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from PIL import Image  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from . import render_pdf as rp  # noqa: E402
from .garble import garble_spec  # noqa: E402

FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SCAN_FONT = "WQYZenHei"
SAMPLES = HERE.parent.parent / "samples"
GENERATED = SAMPLES / "generated"

# (case, dpi, angle in degrees, format): varied on purpose: merged 一级指标 cells,
# score column or glued score, full-width operators, a continuation page.
CASES = (
    ("hengyang-yingji-2022", 200, 0.6, "pdf"),
    ("changde-shengtai-2022", 180, -0.8, "pdf"),
    ("beihu-shijian-2023", 150, 0.4, "pdf"),
    ("changde-shengtai-2023", 200, -0.5, "png"),
)
# The seed's layout with its own header cells (指标值类 / 指标值 / 计量单, the score under 备注):
# issue 11's prefix clash and issue 12's acceptance case. Written with --seed-headers.
SEED_HEADER_CASES = (
    ("hengyang-yingji-2022", 200, 0.6, "pdf"),
)


def _use_scan_font() -> None:
    if SCAN_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SCAN_FONT, FONT_FILE, subfontIndex=0))
    rp.FONT = SCAN_FONT  # render_pdf reads the module global at draw time
    rp._registered = True


def degrade(image: Image.Image, angle: float, rng: random.Random) -> Image.Image:
    """Grayscale, slight rotation, a little blur-free noise and a few specks, as a scanner does."""
    gray = image.convert("L").rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    pixels = np.asarray(gray, dtype=np.int16)
    nprng = np.random.default_rng(rng.randrange(2**32))
    pixels = pixels + nprng.normal(0, 10, pixels.shape).astype(np.int16)
    specks = nprng.random(pixels.shape) < 0.0003
    pixels[specks] = nprng.integers(0, 120, int(specks.sum()))
    # a scanner's white point: the paper comes out white, the noise stays on the ink
    # edges (and the files stay small enough to commit)
    pixels = np.where(pixels > 215, 255, pixels * 255 // 215)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def _few_grays(image: Image.Image) -> Image.Image:
    """6 gray levels: what a scanner's "text" mode keeps; compresses far better than JPEG
    for line art with noisy edges, and is still grayscale, not bilevel."""
    return image.quantize(6, dither=Image.Dither.NONE).convert("L")


def write_image_pdf(pages: list[Image.Image], path: Path) -> None:
    """An image-only PDF: one full-page grayscale image per page, no text layer."""
    with rp.raw_streams():  # raw Flate streams: ASCII85 would add a quarter to the size
        c = canvas.Canvas(str(path), pagesize=(rp.PAGE_W, rp.PAGE_H), invariant=1, pageCompression=1)
        for page in pages:
            c.drawImage(ImageReader(page), 0, 0, width=rp.PAGE_W, height=rp.PAGE_H)
            c.showPage()
        c.save()


def make_scan(case: str, dpi: int, angle: float, fmt: str, out: Path, *,
              variants: Optional[dict] = None, name: Optional[str] = None) -> dict:
    """Write one scanned filing (image-only PDF, or one PNG per page) plus its truth file.

    ``variants`` override the generated filing's layout variants (``seed_headers``: the seed's
    own clipped header cells and its score under 备注; ``frag1_labels``: other header names), and
    ``name`` is then the scan's own name (default: the case)."""
    truth = json.loads((GENERATED / f"{case}.truth.json").read_text(encoding="utf-8"))
    spec = {k: truth[k] for k in ("id", "department", "year", "duties", "goals", "indicators")}
    garble = json.loads(json.dumps(truth["garble"]))
    garble["variants"].update(variants or {})
    if garble["variants"].get("seed_headers"):
        # the seed's layout has no remark column (the score sits under 备注): none is printed
        truth["indicators"] = [{**row, "remark": None} for row in truth["indicators"]]
    case_name = name or case
    # one filler page before the table is enough to show the fragments are found by
    # their header words; more would only make the committed scans bigger
    garble["variants"]["filler_pages_before"] = min(1, garble["variants"]["filler_pages_before"])
    garble["variants"]["filler_pages_after"] = 0
    _use_scan_font()
    rng = random.Random(f"scan:{case}")
    with tempfile.TemporaryDirectory() as tmp:
        drawn = Path(tmp) / f"{case_name}.pdf"
        layout = rp.render_pdf(spec, garble, drawn, garble_spec(spec, garble))
        document = pdfium.PdfDocument(str(drawn))
        pages = [degrade(document[i].render(scale=dpi / 72).to_pil(), angle, rng)
                 for i in range(len(document))]
        document.close()
    files = []
    if fmt == "pdf":
        name = f"{case_name}.pdf"
        write_image_pdf([_few_grays(p) for p in pages], out / name)
        files.append(name)
    else:
        for number, page in enumerate(pages, start=1):
            name = f"{case_name}.pages/p{number}.png"  # a page folder: one input for jixiao
            (out / f"{case_name}.pages").mkdir(exist_ok=True)
            page.quantize(6, dither=Image.Dither.NONE).save(out / name, optimize=True, dpi=(dpi, dpi))
            files.append(name)
    truth["garble"] = garble
    truth["pdf_layout"] = layout
    truth["scan"] = {"dpi": dpi, "angle": angle, "noise_sigma": 6, "format": fmt, "files": files,
                     "font": "WenQuanYi Zen Hei", "from": f"generated/{case}.truth.json"}
    (out / f"{case_name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8")
    return {"id": case_name, "dpi": dpi, "angle": angle, "format": fmt, "files": files,
            "pages": len(pages), "rows": len(spec["indicators"]), "truth": f"{case_name}.truth.json"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(SAMPLES / "scanned"))
    parser.add_argument("--seed-headers", action="store_true",
                        help="also write the seed-layout scans (<case>-seedheaders) and list them in the manifest")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not Path(FONT_FILE).exists():
        print(f"make_scans: {FONT_FILE} is missing: apt-get install fonts-wqy-zenhei", file=sys.stderr)
        return 1
    cases = [make_scan(case, dpi, angle, fmt, out) for case, dpi, angle, fmt in CASES]
    if args.seed_headers:
        cases += [make_scan(case, dpi, angle, fmt, out, variants={"seed_headers": True},
                            name=f"{case}-seedheaders") for case, dpi, angle, fmt in SEED_HEADER_CASES]
    (out / "manifest.json").write_text(json.dumps({"cases": cases}, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    for case in cases:
        print(case["id"], case["format"], case["pages"], "pages", *case["files"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
