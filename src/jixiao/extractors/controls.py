"""Characters that carry no text, removed the same way whatever the format (issue 23, item 5).

A NUL, another control character, a bidirectional control (the "Trojan Source"
trick shows a cell reversed), a noncharacter or a lone surrogate means nothing
in a Chinese filing; left in, it splits a header word (the HTML table was lost)
or reaches a record as U+FFFD. Every extractor's cells and lines pass through
:func:`clean`: the characters are removed, one warning says how many and where,
and each cell that lost any is recorded (:class:`~jixiao.model.Cleaned`) so that
the fields read from it are flagged ``control_characters_removed`` (:func:`jixiao.model.lost_characters`).

Tabs, line breaks and form feeds are whitespace, not controls: they stay.
A parser that would choke on a NUL before any cell exists (HTML) gets
:func:`mark` first: each control becomes :data:`MARK`, a noncharacter that is
itself removed here, so the count and the places are still right.
"""

from __future__ import annotations

import re
from ..model import CONTROLS_FLAG, Cleaned, ErrorCode, ErrorItem, Extracted, Provenance, Severity
from .base import number_ranges

CONTROLS = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f"  # C0 but TAB LF VT FF CR, DEL, C1
    "\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c"  # bidirectional controls
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters (MARK among them)
    "\ud800-\udfff]")  # lone surrogates
MARK = "\ufdd0"
"""What :func:`mark` puts in place of a control, for a parser that must not see it."""


def strip(text: str) -> tuple[str, int]:
    """``text`` without its control characters, and how many there were."""
    cleaned, count = CONTROLS.subn("", text)
    return cleaned, count


def mark(text: str) -> str:
    """Each control character of ``text`` replaced by :data:`MARK` (counted and removed by :func:`clean`)."""
    return CONTROLS.sub(MARK, text)


def clean(result: Extracted) -> Extracted:
    """Remove control characters from every cell and line of an extractor's result, in place: one
    warning for the lot, and a :class:`Cleaned` per cell that lost any (see :func:`flagged`)."""
    found: list[tuple[Provenance, str, int]] = []
    siblings: dict[int, list[str]] = {}  # by position in found: the other cells of a cleaned cell's row
    _clean_grids(result, found, siblings)
    if found:
        result.cleaned.extend(Cleaned(provenance=p, text=t, removed=n, siblings=siblings.get(k, []))
                              for k, (p, t, n) in enumerate(found))
        result.errors.append(warning(result.source, sum(n for _, _, n in found), [p for p, _, _ in found]))
    return result


def _clean_grids(result: Extracted, found: list[tuple[Provenance, str, int]], siblings: dict[int, list[str]]) -> None:
    """Cells, then the lines around them. A table row's line repeats its cells (it is counted with
    them); a paragraph's line is counted, and marked, by itself."""
    groups: dict[int, tuple[list[tuple[int, str]], list]] = {}  # the grids of one document share lines
    for grid in result.grids:
        groups.setdefault(id(grid.lines), (grid.lines, []))[1].extend(grid.cells)
    for lines, cells in groups.values():
        rows = set()
        for cell in cells:
            before = len(found)
            cell.text = _strip_into(cell.text, cell.provenance, found)
            if len(found) > before:
                rows.add(cell.provenance.line)
                siblings[len(found) - 1] = [c.text for c in cells if c is not cell and c.provenance == cell.provenance]
        for k, (number, text) in enumerate(lines):
            if not CONTROLS.search(text):
                continue
            kept, count = strip(text)
            lines[k] = (number, kept)
            if number not in rows:
                found.append((Provenance(file=result.source, line=number), kept, count))


def _strip_into(text: str, provenance: Provenance, found: list) -> str:
    if not CONTROLS.search(text):
        return text
    cleaned, count = strip(text)
    found.append((provenance, cleaned, count))
    return cleaned


def warning(source: str, count: int, places: list[Provenance]) -> ErrorItem:
    """The one warning of an input that lost control characters: how many, and where."""
    lines = sorted({p.line for p in places if p.line is not None})
    pages = sorted({p.page for p in places if p.page is not None})
    where = "; ".join(part for part in (f"page(s) {number_ranges(pages)}" if pages else "",
                                        f"line(s) {number_ranges(lines)}" if lines else "") if part)
    return ErrorItem(code=ErrorCode.CONTROLS_REMOVED, component="extract", severity=Severity.WARNING,
                     line=lines[0] if lines else None, page=pages[0] if pages else None,
                     message=f"{source}: {count} control character(s) (NUL, bidirectional controls …) removed"
                     f"{' on ' + where if where else ''}; the fields read there are flagged {CONTROLS_FLAG}")
