"""``jixiao inspect FILE.pdf --png DIR``: draw what the PDF extractor saw.

Like pdfplumber's ``debug_tablefinder``: for each page that holds a fragment,
a PNG with the fragment's header row (blue), every extracted cell (red, with
its column name) and each row's number in the margin. pdfplumber renders the
page through pypdfium2; this machine's pdfium has no CJK font for the
unembedded STSong-Light, so Chinese glyphs may not show, but boxes, digits and
ruling lines do.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..extractors.base import ExtractionError
from ..extractors.pdf import extract_pdf
from ..model import Extracted, Filing
from ..reader import read_layout

RESOLUTION = 100
COLOURS = {"indicators": (220, 40, 40), "explanations": (30, 140, 60), "scoring": (150, 60, 200)}


def inspect_pdf(path: str, out_dir: str) -> list[Path]:
    """Write one annotated PNG per fragment page of ``path`` into ``out_dir``; returns the files."""
    import pdfplumber
    from PIL import ImageDraw

    data = Path(path).read_bytes()
    read = extract_pdf(path, data)
    # a ruled table other than the seed's split layout comes as grids: the layout reader reads them
    filing: Filing = read_layout(read) if isinstance(read, Extracted) else read
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_page: dict[int, list] = {}
    for kind, fragment in filing.fragments.items():
        by_page.setdefault(fragment.provenance.page, []).append(("header", kind.value, 0, fragment.provenance.bbox))
        for row in fragment.rows:
            for name, cell in row.cells.items():
                if cell.provenance.bbox is not None:
                    by_page.setdefault(cell.provenance.page, []).append(
                        ("cell", kind.value, row.index, cell.provenance.bbox, name))
    written = []
    scale = RESOLUTION / 72
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in sorted(by_page):
            image = pdf.pages[number - 1].to_image(resolution=RESOLUTION).original.convert("RGB")
            draw = ImageDraw.Draw(image)
            numbered: set[tuple[str, int]] = set()
            for item in by_page[number]:
                what, kind, index, bbox = item[:4]
                box = [v * scale for v in bbox]
                colour = COLOURS.get(kind, (0, 0, 0))
                if what == "header":
                    draw.rectangle(box, outline=(30, 80, 220), width=3)
                    draw.text((box[0] + 2, box[1] - 12), f"{kind} header", fill=(30, 80, 220))
                    continue
                draw.rectangle(box, outline=colour, width=1)
                draw.text((box[0] + 2, box[3] - 11), item[4], fill=colour)
                if (kind, index) not in numbered:  # row number in the left margin
                    numbered.add((kind, index))
                    draw.text((4, box[1] + 2), str(index), fill=colour)
            target = out / f"{Path(path).stem}-p{number:03d}.png"
            image.save(target)
            written.append(target)
    return written


def run_inspect(path: str, out_dir: str) -> tuple[int, str]:
    """CLI helper: (exit status, message)."""
    try:
        files = inspect_pdf(path, out_dir)
    except ExtractionError as error:
        return 1, f"jixiao: {error}"
    except OSError as error:
        return 1, f"jixiao: {path}: cannot read: {error.strerror or error}"
    return 0, "\n".join(str(f) for f in files) or f"{path}: no fragment pages"
