"""Write the layout families' generated filings (samples/families/): every planned filing in
every form, each with its truth file, and the manifest.

    PYTHONPATH=tools python -m samplegen.families --out samples/families
    PYTHONPATH=tools python -m samplegen.families --out samples/families --forms html,xlsx --families project

Forms, in the order the manifest and the eval list them. A form's file is
``<family>-<spec>-<form>.<ext>`` (the ruled PDF alone is ``<family>-<spec>.pdf``) and its
truth is the same name ending in ``.truth.json``:

- ``spaced``, ``pipe``, ``cell_lines``: text dumps shaped like the real ones (render_family_text);
- ``pipe_merged``: a crawler's dump of the saved page's table, a merged cell printed once and
  the rows it covers printing it empty;
- ``pdftotext``: ``pdftotext -layout -enc UTF-8`` of the ruled PDF;
- ``pdftotext_wrapped``: the same of the wrapped PDF, where cells wrap over several lines;
- ``pdf``: the ruled text-layer PDF, landscape A4, merged cells drawn merged;
- ``pdf_wrapped``: the same table on portrait A4 in 10 pt: 一级/二级 names, long 三级 names and
  explanations wrap (one department per family, WRAPPED);
- ``html``: a saved government page, GB2312 for a family's first department, UTF-8 for its
  second (render_family_formats); ``xlsx``, ``xls``, ``docx``: workbooks and a Word document;
- ``scan``: an image-only PDF of the drawn pages, turned and speckled (one department per
  family, families.SCANS).

Only generating needs poppler-utils (the pdftotext forms; ``apt-get install poppler-utils``)
and fonts-wqy-zenhei (the scans): the files are committed and the tests read those. Each
pdftotext truth records the command, the PDF it read and poppler's version (the committed
ones: poppler 22.12.0, Debian 12). Every file is the same bytes on every run, given the same
reportlab, openpyxl, python-docx, xlwt and poppler. Writing some forms only (``--forms``)
keeps the manifest's entries for the others.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .families import FAMILIES, PLAN, SCANS, FamilyTable, build, truth

FORMS = ("spaced", "pipe", "pipe_merged", "cell_lines", "pdftotext", "pdftotext_wrapped", "pdf", "pdf_wrapped",
         "html", "xlsx", "xls", "docx", "scan")
TEXT_DUMPS = ("spaced", "pipe", "pipe_merged", "cell_lines")
EXTENSIONS = {"pdftotext": "txt", "pdftotext_wrapped": "txt", "pdf": "pdf", "pdf_wrapped": "pdf", "scan": "pdf",
              "html": "html", "xlsx": "xlsx", "xls": "xls", "docx": "docx", **{f: "txt" for f in TEXT_DUMPS}}
# the department of each family drawn wrapped (the one that is not scanned)
WRAPPED = {"budget_export": "beihu-shijian-2023", "merged_cell": "yueyang-weijian-2023",
           "project": "hengyang-yingji-2023", "single_table": "yongzhou-minzheng-2023",
           "self_evaluation": "yueyang-weijian-2022"}


@dataclass(frozen=True)
class Job:
    """One file to write: a family's table of one department in one form."""

    family: str
    spec: dict
    table: FamilyTable
    form: str
    path: Path

    @property
    def department(self) -> int:
        """0 for the family's first department in PLAN, 1 for its second."""
        return PLAN[self.family].index(self.spec["id"])


def file_name(family: str, spec_id: str, form: str) -> str:
    """The file a form of a filing is written to."""
    if form == "pdf":
        return f"{family}-{spec_id}.pdf"
    return f"{family}-{spec_id}-{form}.{EXTENSIONS[form]}"


def made_for(family: str, form: str) -> tuple[str, ...]:
    """The spec ids a form is written for in a family: both departments, or the one chosen."""
    if form == "scan":
        return (SCANS[family][0],)
    if form in ("pdf_wrapped", "pdftotext_wrapped"):
        return (WRAPPED[family],)
    return PLAN[family]


# ------------------------------------------------------------------ writers: (job) -> extras
# Each writes job.path and returns {"case": manifest keys, "truth": truth keys} (None: not written).

def _text(job: Job) -> Optional[dict]:
    from .render_family_text import render_text

    job.path.write_text(render_text(job.table, job.form), encoding="utf-8")
    return {}


def _pdf(job: Job) -> Optional[dict]:
    from .render_family_pdf import render_pdf

    return {"case": {"pages": render_pdf(job.table, job.path)}}


def _pdf_wrapped(job: Job) -> Optional[dict]:
    from .render_family_pdf import WRAPPED_FONT_SIZE, render_wrapped_pdf

    return {"case": {"pages": render_wrapped_pdf(job.table, job.path)},
            "truth": {"page": {"size": "A4 portrait", "font_size": WRAPPED_FONT_SIZE}}}


def _pdftotext(job: Job) -> Optional[dict]:
    from .render_family_pdf import PDFTOTEXT, pdftotext_layout, poppler_version, render_pdf, render_wrapped_pdf

    wrapped = job.form == "pdftotext_wrapped"
    source = file_name(job.family, job.spec["id"], "pdf_wrapped" if wrapped else "pdf")
    with tempfile.TemporaryDirectory() as tmp:
        drawn = Path(tmp) / source  # drawn again here: the same bytes as the committed PDF
        (render_wrapped_pdf if wrapped else render_pdf)(job.table, drawn)
        job.path.write_bytes(pdftotext_layout(drawn))
    return {"truth": {"pdftotext": {"from": source, "command": " ".join((*PDFTOTEXT, source, job.path.name)),
                                    "poppler": poppler_version()}}}


def _native(job: Job) -> Optional[dict]:
    from .render_family_formats import CHARSETS, render_native

    charset = CHARSETS[job.department]
    if not render_native(job.table, job.form, job.path, charset=charset):
        return None  # xlwt is missing
    return {"truth": {"charset": charset}} if job.form == "html" else {}


def _scan(job: Job) -> Optional[dict]:
    from .render_family_pdf import render_scan

    _, dpi, angle = SCANS[job.family]
    pages = render_scan(job.table, job.path, dpi=dpi, angle=angle, seed=f"scan:{job.family}-{job.spec['id']}")
    return {"case": {"pages": pages},
            "truth": {"scan": {"dpi": dpi, "angle": angle, "format": "pdf", "font": "WenQuanYi Zen Hei"}}}


WRITERS: dict[str, Callable[[Job], Optional[dict]]] = {
    **{f: _text for f in TEXT_DUMPS}, "pdf": _pdf, "pdf_wrapped": _pdf_wrapped, "pdftotext": _pdftotext,
    "pdftotext_wrapped": _pdftotext, "scan": _scan, **{f: _native for f in ("html", "xlsx", "xls", "docx")}}


# ------------------------------------------------------------------ the run

def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_one(job: Job) -> Optional[dict]:
    """Write one file and its truth; returns its manifest case (None: its writer was missing)."""
    extras = WRITERS[job.form](job)
    if extras is None:
        return None
    name = job.path.name
    _write_json(job.path.with_name(name[: name.rindex(".")] + ".truth.json"),
                {**truth(job.spec, job.family, name, job.form), **extras.get("truth", {})})
    return {"file": name, "family": job.family, "form": job.form, "spec": job.spec["id"], **extras.get("case", {})}


def _order(case: dict) -> tuple[int, int, int]:
    return FAMILIES.index(case["family"]), PLAN[case["family"]].index(case["spec"]), FORMS.index(case["form"])


def write_manifest(out: Path, cases: list[dict], forms, families) -> list[dict]:
    """manifest.json: this run's cases plus the earlier manifest's cases of the forms and families
    not written in this run, in family, department and form order."""
    path = out / "manifest.json"
    kept = []
    if path.exists():
        kept = [c for c in json.loads(path.read_text(encoding="utf-8"))["cases"]
                if c["form"] not in forms or c["family"] not in families]
    every = sorted(cases + kept, key=_order)
    _write_json(path, {"families": [f for f in FAMILIES if any(c["family"] == f for c in every)], "cases": every})
    return every


def generate(out_dir, *, forms=FORMS, families=FAMILIES) -> list[dict]:
    """Render every planned filing of the families in the forms, each with its truth file; returns
    the cases written (the manifest lists these and the ones kept from before)."""
    from .generate import load_specs

    unknown = (set(forms) - set(FORMS)) | (set(families) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown form or family {sorted(unknown)}; forms: {FORMS}, families: {FAMILIES}")
    specs = {s["id"]: s for s in load_specs()}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for family in families:
        for spec_id in PLAN[family]:
            table = build(specs[spec_id], family)
            for form in [f for f in FORMS if f in forms and spec_id in made_for(family, f)]:
                job = Job(family, specs[spec_id], table, form, out / file_name(family, spec_id, form))
                case = write_one(job)
                cases += [case] if case else []
    write_manifest(out, cases, forms, families)
    return cases


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--forms", default=",".join(FORMS), help=f"comma-separated subset of {','.join(FORMS)}")
    ap.add_argument("--families", default=",".join(FAMILIES))
    a = ap.parse_args(argv)
    cases = generate(a.out, forms=[f for f in a.forms.split(",") if f],
                     families=[f for f in a.families.split(",") if f])
    print(f"wrote {len(cases)} filings to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
