"""Tiny PDFs for the bad-input tests, written byte by byte (no generator, no font file)."""

from __future__ import annotations


def serialize_pdf(objects: list[bytes]) -> bytes:
    """Numbered objects (1 = catalog) → a complete PDF file with its xref table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def raw_pdf(page_streams: list[bytes], font: bytes | None = None) -> bytes:
    """A minimal valid PDF: one page per content stream, all sharing ``font`` as /F1."""
    objects: list[bytes] = []
    n_pages = len(page_streams)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, stream in enumerate(page_streams):
        resources = f"/Resources << /Font << /F1 {font_id} 0 R >> >>" if font else ""
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] {resources} "
                       f"/Contents {4 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    if font:
        objects.append(font)
    return serialize_pdf(objects)


# A simple font whose glyph names map to no Unicode: pdfminer reads "(cid:N)".
UNMAPPED_FONT = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                 b"/Encoding << /Type /Encoding /Differences [1 /g1 /g2 /g3 /g4 /g5 /g6] >> >>")


def garbage_text_pdf(pages: int = 2) -> bytes:
    """Pages whose text layer is unmapped glyphs only (what a bad font subset gives)."""
    line = b"(" + bytes([1, 2, 3, 4, 5, 6]) * 8 + b")"
    stream = b"BT /F1 12 Tf 40 500 Td " + line + b" Tj 0 -20 Td " + line + b" Tj ET"
    return raw_pdf([stream] * pages, UNMAPPED_FONT)


def blank_pdf(pages: int = 2) -> bytes:
    """Pages with a drawn frame but no text at all (a scan would look like this)."""
    return raw_pdf([b"0.5 w 40 40 762 515 re S"] * pages)


def prose_pdf() -> bytes:
    """A readable text page that is not a filing."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    stream = b"BT /F1 14 Tf 40 500 Td (Annual report 2023: income and expenditure) Tj ET"
    return raw_pdf([stream], font)
