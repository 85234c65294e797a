"""A PDF writer of its own: SimSun as a non-embedded CIDFontType2, and a Type 3 font for numbers.

Office and budget-system exports often name SimSun without embedding it: a
Type 0 font over a CIDFontType2 with Adobe-GB1 as its character collection,
/UniGB-UCS2-H as its CMap and widths only for the half-width ASCII CIDs. That
is what this writes (reportlab writes STSong-Light as a CIDFontType0 instead).
Text is shown with character spacing (Tc), and with ``type3=True`` every
digit, ".", "%", "/" and operator goes into a Type 3 font whose glyphs are
little rectangles, a one-glyph text object each: the kind of object a machine
without a CJK font used to lose.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from .layout import Box, Geometry, Text, layout

CHAR_SPACING = 0.3  # Tc, in points
ASCII_WIDTH = 500  # /W for CIDs 1-95 (UniGB-UCS2-H maps U+0020-U+007E there)
# The Type 3 font: code → (Unicode, width in 1/1000 em)
TYPE3 = {48 + d: (str(d), 560) for d in range(10)}
TYPE3.update({46: (".", 300), 37: ("%", 820), 47: ("/", 420),
              128: ("≥", 720), 129: ("≤", 720), 130: ("＝", 720), 131: ("=", 600), 132: (">", 600),
              133: ("<", 600)})
_TYPE3_CODE = {char: code for code, (char, _) in TYPE3.items()}


def char_width(char: str, type3: bool) -> float:
    """A character's advance in em in the file this writes."""
    if type3 and char in _TYPE3_CODE:
        return TYPE3[_TYPE3_CODE[char]][1] / 1000
    return ASCII_WIDTH / 1000 if " " <= char <= "~" else 1.0


def measure(type3: bool):
    def width(text: str, size: float) -> float:
        return sum(char_width(c, type3) * size + CHAR_SPACING for c in text)
    return width


def write(spec: dict, path: Path, geometry: Geometry, *, type3: bool = False) -> int:
    """Write one filing; the number of pages."""
    pages = layout(spec, geometry, measure(type3))
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree (filled in below)
    fonts = _fonts(objects, type3)
    kids = []
    for items in pages:
        stream = zlib.compress(_content(items, type3))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {geometry.width:g} {geometry.height:g}] "
                       f"/Resources << /Font << {fonts} >> >> /Contents {content} 0 R >>".encode())
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>").encode()
    path.write_bytes(_serialize(objects))
    return len(pages)


def _fonts(objects: list[bytes], type3: bool) -> str:
    objects.append(b"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] "
                   b"/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 50 >>")
    descriptor = len(objects)
    objects.append(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
                   f"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                   f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [1 95 {ASCII_WIDTH}] >>".encode())
    cid_font = len(objects)
    objects.append(f"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /UniGB-UCS2-H "
                   f"/DescendantFonts [{cid_font} 0 R] >>".encode())
    names = f"/F1 {len(objects)} 0 R"
    if type3:
        names += f" /F2 {_type3(objects)} 0 R"
    return names


def _type3(objects: list[bytes]) -> int:
    """A Type 3 font whose every glyph is a filled rectangle as wide as its advance, less a margin."""
    procs = []
    for code, (_, width) in sorted(TYPE3.items()):
        body = f"{width} 0 0 0 {width} 700 d1 {60} 0 {width - 120} 700 re f".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
        procs.append(f"/g{code} {len(objects)} 0 R")
    first, last = min(TYPE3), max(TYPE3)
    widths = " ".join(str(TYPE3[c][1]) if c in TYPE3 else "0" for c in range(first, last + 1))
    differences = " ".join(f"{code} /g{code}" for code in sorted(TYPE3))
    cmap = _to_unicode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    to_unicode = len(objects)
    objects.append(f"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 700] /FontMatrix [0.001 0 0 0.001 0 0] "
                   f"/CharProcs << {' '.join(procs)} >> /Encoding << /Type /Encoding /Differences [{differences}] >> "
                   f"/FirstChar {first} /LastChar {last} /Widths [{widths}] /ToUnicode {to_unicode} 0 R "
                   f"/Resources << >> >>".encode())
    return len(objects)


def _to_unicode() -> bytes:
    pairs = "\n".join(f"<{code:02X}> <{ord(char):04X}>" for code, (char, _) in sorted(TYPE3.items()))
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Numbers def "
            "/CMapType 2 def 1 begincodespacerange <00> <FF> endcodespacerange "
            f"{len(TYPE3)} beginbfchar\n{pairs}\nendbfchar endcmap CMapName currentdict /CMap defineresource pop "
            "end end").encode()


def _content(items: list, type3: bool) -> bytes:
    out = [b"0.6 w"]
    for item in items:
        if isinstance(item, Box):
            out.append(f"{item.x0:.2f} {item.y0:.2f} {item.x1 - item.x0:.2f} {item.y1 - item.y0:.2f} re S".encode())
        elif isinstance(item, Text):
            out.extend(_runs(item, type3))
    return b"\n".join(out)


def _runs(item: Text, type3: bool) -> list[bytes]:
    """One text object per run of characters in one font, each placed by the widths before it."""
    out, x, run, numeric = [], item.x, "", None
    for char in item.text + "\0":
        is_number = type3 and char in _TYPE3_CODE
        if run and (char == "\0" or is_number != numeric):
            out.append(_show(run, numeric, x, item.y, item.size))
            x += measure(type3)(run, item.size)
            run = ""
        run += char
        numeric = is_number
    return out


def _show(run: str, numeric: bool, x: float, y: float, size: float) -> bytes:
    if numeric:
        data, font = bytes(_TYPE3_CODE[c] for c in run).hex(), "/F2"
    else:
        data, font = run.encode("utf-16-be").hex(), "/F1"
    return f"BT {font} {size:g} Tf {CHAR_SPACING:g} Tc {x:.2f} {y:.2f} Td [<{data}>] TJ ET".encode()


def _serialize(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
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
