"""``jixiao inspect FILE``: what each step of reading made of one input, for any input; and
``jixiao inspect FILE.pdf --png DIR``: draw what the PDF extractor saw.

The steps (:func:`inspect_file`): the extractor the bytes call for, each grid it made (for a text
dump, every text form's score and the one read), and the reader's products, as in its report: the
header, each column's role and how it was decided, the rows read, every row dropped with its line
and reason, and why each table ended; then the header block, the first rows read and the errors.

The PNG drawing:

Like pdfplumber's ``debug_tablefinder``: for each page that holds a fragment,
a PNG with the fragment's header row (blue), every extracted cell (red, with
its column name) and each row's number in the margin. pdfplumber renders the
page through pypdfium2; this machine's pdfium has no CJK font for the
unembedded STSong-Light, so Chinese glyphs may not show, but boxes, digits and
ruling lines do.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Optional

from ..extractors import extract
from ..extractors.base import ExtractionError, choose_extractor
from ..extractors.pdf import extract_pdf
from ..model import Filing, FragmentKind, Grid, GridCell, ManifestEntry
from ..model.errors import JixiaoError
from ..reader import read_layout
from .inputs import display_name
from .reading import read_source
from .task import TaskSettings

RESOLUTION = 100
COLOURS = {"indicators": (220, 40, 40), "explanations": (30, 140, 60), "scoring": (150, 60, 200)}


def inspect_pdf(path: str, out_dir: str) -> list[Path]:
    """Write one annotated PNG per fragment page of ``path`` into ``out_dir``; returns the files."""
    import pdfplumber
    from PIL import ImageDraw

    data = Path(path).read_bytes()
    filing = read_layout(extract_pdf(path, data))
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


# ---------------------------------------------------------------------------- the reader's steps, any input

PREVIEW_ROWS = 8


def inspect_file(path: str, task: Optional[TaskSettings] = None, *, rows: int = PREVIEW_ROWS) -> dict[str, Any]:
    """What each step made of one input, as data: the extractor and route, each grid (its form, the text
    forms' scores, size and first rows), the reader's report (header, each column's role and how it was
    decided, rows read and dropped, why each table ended), the header block, the rows read, and the
    errors. A step that fails says so in ``failed`` and the steps before it are kept."""
    task = task if task is not None else TaskSettings()
    out: dict[str, Any] = {"source": path}
    data = read_source(path, limits=task.limits)
    if isinstance(data, ManifestEntry):
        out["failed"] = {"step": "read", "code": _code(data), "message": data.error}
        return out
    source = display_name(path)
    out["extractor"] = choose_extractor(source, data)
    try:
        with task.applied():
            extracted = extract(source, data, task.limits)
            out["route"] = extracted.route
            out["grids"] = [_grid_summary(grid, rows) for grid in extracted.grids]
            filing = read_layout(extracted)
    except JixiaoError as error:
        out["failed"] = {"step": "read" if "grids" in out else "extract", "code": error.code.value,
                         "message": str(error)}
        return out
    out.update(_reading(filing, rows))
    return out


def _code(entry: ManifestEntry) -> Optional[str]:
    return entry.errors[0].code.value if entry.errors else None


def _grid_summary(grid: Grid, rows: int) -> dict[str, Any]:
    cells = grid.rows()
    return {
        "name": grid.name, "form": grid.form, "fragment": grid.fragment.value if grid.fragment else None,
        "rows": len(cells),
        "columns": max((c.col + c.col_span for c in grid.cells), default=0) if grid.positional else None,
        "positional": grid.positional, "tokenised": grid.tokenised, "glued": grid.glued,
        "form_scores": dict(sorted(grid.form_scores.items(), key=lambda item: -item[1])),
        "first_rows": [[_shown(c) for c in row] for row in cells[:rows]],
    }


def _shown(cell: GridCell) -> str:
    text = cell.text if len(cell.text) <= 40 else cell.text[:39] + "…"
    return f"{text} ⟨{cell.role}⟩" if cell.role else text


def _reading(filing: Filing, rows: int) -> dict[str, Any]:
    indicators = filing.fragments.get(FragmentKind.INDICATORS)
    read = indicators.rows if indicators is not None else []
    return {
        "report": filing.report.model_dump(mode="json") if filing.report is not None else None,
        "header_block": {
            "department": filing.department.text if filing.department else None,
            "project": filing.project.text if filing.project else None, "year": filing.year,
            "duties": len(filing.duties), "goals": len(filing.goals)},
        "rows_read": len(read),
        "first_rows": [{name: row.cells[name].text for name in sorted(row.cells, key=_field_order)}
                       for row in read[:rows]],
        "errors": [error.model_dump(mode="json", exclude_none=True) for error in filing.errors],
    }


_FIELD_ORDER = ("project", "level1", "level2", "level3", "operator", "target", "unit", "actual", "explanation",
                "scoring_rule", "score", "points", "remark")


def _field_order(name: str) -> tuple[int, str]:
    return (_FIELD_ORDER.index(name) if name in _FIELD_ORDER else len(_FIELD_ORDER), name)


def render_inspection(found: dict[str, Any], console) -> None:
    """Print an inspection (:func:`inspect_file`) step by step for a person."""
    from rich.markup import escape

    console.print(f"[bold]{escape(found['source'])}[/bold]  extractor {found.get('extractor', '-')}, "
                  f"route {found.get('route', '-')}")
    for k, grid in enumerate(found.get("grids", []), start=1):
        _render_grid(k, grid, console)
    if "failed" in found:
        failed = found["failed"]
        console.print(f"[red]{failed['step']} failed[/red] ({failed['code']}): {escape(str(failed['message']))}")
        return
    report = found.get("report")
    if report is not None:
        for k, table in enumerate(report["tables"], start=1):
            _render_table(k, table, console)
        for skipped in report["skipped"]:
            console.print(f"skipped {escape(skipped['name'] or 'a grid')} ({skipped['form']}): "
                          f"{escape(skipped['reason'])}")
    console.print(f"header block: {escape(str(found['header_block']))}")
    console.print(f"rows read: {found['rows_read']}")
    for row in found["first_rows"]:
        console.print("  " + escape(" | ".join(f"{name}={text}" for name, text in row.items())))
    for error in found["errors"]:
        console.print(f"[yellow]{error['severity']}[/yellow] {error['code']}: {escape(error['message'])}")


def _render_grid(k: int, grid: dict[str, Any], console) -> None:
    from rich.markup import escape

    size = f"{grid['rows']} rows" + (f" × {grid['columns']} columns" if grid["columns"] else "")
    flags = ", ".join(flag for flag in ("positional", "tokenised", "glued") if grid[flag])
    fragment = f" fragment {grid['fragment']}" if grid.get("fragment") else ""
    console.print(f"[bold]grid {k}[/bold] {escape(grid['name'] or '')} form {grid['form']}{fragment}: {size} "
                  f"({flags or 'rows of cells'})")
    if grid["form_scores"]:
        console.print("  form scores: " + ", ".join(f"{name} {score}" for name, score in grid["form_scores"].items()))
    for row in grid["first_rows"]:
        console.print("  | " + escape(" | ".join(row)))


def _render_table(k: int, table: dict[str, Any], console) -> None:
    from rich.markup import escape
    from rich.table import Table

    where = "no header printed" if not table["header"] else "header " + escape(" | ".join(table["header"])) + (
        f" (line {table['header_line']})" if table["header_line"] is not None else "")
    console.print(f"[bold]table {k}[/bold] ({table['form']}, {where}): {table['rows_read']} rows read, "
                  f"{table['empty_rows']} empty, {len(table['rows_dropped'])} dropped; ended: {table['end']}"
                  + (f" at line {table['end_line']}" if table["end_line"] else "")
                  + (f"; row fit min {table['fit_min']} mean {table['fit_mean']}" if table["fit_min"] is not None else ""))
    columns = Table("col", "header", "role", "decided by", "score", "note")
    for column in table["columns"]:
        columns.add_row(str(column["index"]), escape(column["header"] or ""), column["role"] or "-",
                        column["decided_by"], f"{column['score']:.2f}", escape(column["note"] or ""))
    console.print(columns)
    for dropped in table["rows_dropped"]:
        console.print(f"  [red]dropped[/red] line {dropped['line']} ({dropped['reason']}): {escape(dropped['text'])}")


def run_inspect_steps(path: str, task: TaskSettings, *, as_json: bool, rows: int) -> int:
    """CLI helper for ``jixiao inspect FILE``: print the steps; 0 when the input was read, else 1."""
    from rich.console import Console

    found = inspect_file(path, task, rows=rows)
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        render_inspection(found, Console(highlight=False, soft_wrap=True))
    return 1 if "failed" in found else 0
