"""Sample generator: render ground-truth specs into garbled filings plus their truth.

    PYTHONPATH=tools python -m samplegen.generate --out samples/generated
    PYTHONPATH=tools python -m samplegen.generate --out /tmp/bench --count 1000 --forms txt

For every filing ``<id>``: ``<id>.txt`` (the seed's text-dump layout), ``<id>.pdf``
(ruled lattice table, one fragment per page) and ``<id>.truth.json`` (the spec,
the garbling parameters and the exact garbled strings), plus ``manifest.json``.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from .garble import choose_garble, garble_cell, garble_spec
from .render_pdf import choose_pdf_layout, render_pdf
from .render_text import indicator_line, render_text_dump, scoring_line
from .synth import synthesize

__all__ = ["garble_cell", "render_text_dump", "render_pdf", "load_specs", "generate",
           "make_garble", "garble_spec", "SPECS_DIR"]

SPECS_DIR = Path(__file__).resolve().parent / "specs"
FORMS = ("txt", "pdf")
# synthetic filings in the default (committed) set: other cities' versions of the
# hand departments, so passages also have witnesses in other filings of the batch
DEFAULT_EXTRA = 8


def load_specs(directory=SPECS_DIR) -> list[dict]:
    """All spec JSON files of a directory, sorted by file name."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(directory).glob("*.json"))]


def make_garble(spec: dict, *, seed: int = 0, index: int | None = None) -> dict:
    """All per-filing choices: garbling, encoding, PDF variants and geometry.

    ``index`` is the position among the hand specs; it spreads the variants
    evenly over them (synthetic filings, index None, draw them at random)."""
    rng = random.Random(f"{seed}:{spec['id']}")
    # every hand department gets one year with a wide duties cell (sorted ids pair up by year)
    wide = None if index is None else index % 4 in (0, 3)
    g = {"seed": seed, **choose_garble(spec, rng, wide_duties=wide)}
    n_rows = len(spec["indicators"])
    if index is None:
        enc = rng.choices(["utf-8", "gb18030", "utf-8-sig"], [85, 10, 5])[0]
        before = rng.choice([0, 2, 3, 4, 5, 6, 7, 8])
        v = {"merged_level1": rng.random() < 0.5, "score_column": rng.random() < 0.6,
             "rows_first_page": rng.randint(4, n_rows - 2) if rng.random() < 0.15 else None}
    else:
        enc = {2: "gb18030", 9: "gb18030", 5: "utf-8-sig"}.get(index, "utf-8")
        g["fullwidth_operators"] = index % 3 == 2
        before = 0 if index % 4 == 3 else rng.randint(2, 8)
        v = {"merged_level1": index % 2 == 0, "score_column": index % 3 != 1,
             "rows_first_page": rng.randint(5, 9) if index in (1, 6, 12) else None}
    v["filler_pages_before"] = before
    v["filler_pages_after"] = rng.randint(0, 2) if before else 0
    g["encoding"] = enc
    g["variants"] = v
    g["pdf"] = choose_pdf_layout(rng)
    return g


def _truth_garbled(garbled: dict, garble: dict) -> dict:
    """The garbled strings, plus each row's exact dump lines (fragments 1 and 3)."""
    out = {k: garbled[k] for k in ("department", "duties", "goals")}
    out["rows"] = []
    for row, tail in zip(garbled["rows"], garble["empty_tail"]):
        r = dict(row)
        r["indicator_line"] = indicator_line(row, tail)
        r["scoring_line"] = scoring_line(row)
        out["rows"].append(r)
    return out


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def generate(out_dir, *, seed: int = 0, count: int | None = None, forms=FORMS,
             specs_dir=SPECS_DIR) -> list[dict]:
    """Generate filings into out_dir; returns the manifest entries.

    count None: the hand specs plus DEFAULT_EXTRA synthetic filings (the committed
    set).  count > number of hand specs: the rest is synthesised
    (``synth.synthesize``); a smaller count takes the first hand specs."""
    forms = tuple(forms)
    bad = set(forms) - set(FORMS)
    if bad:
        raise ValueError(f"unknown form(s) {sorted(bad)}; choose from {FORMS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hand = load_specs(specs_dir)
    specs = [(s, i) for i, s in enumerate(hand)]
    if count is None:
        count = len(hand) + DEFAULT_EXTRA
    if count is not None:
        specs = specs[:count]
        if count > len(hand):
            specs += [(s, None) for s in synthesize(hand, count - len(hand), seed=seed)]
    manifest = []
    for spec, index in specs:
        garble = make_garble(spec, seed=seed, index=index)
        garbled = garble_spec(spec, garble)
        files = {}
        if "txt" in forms:
            text = render_text_dump(spec, garble, garbled)
            (out / f"{spec['id']}.txt").write_bytes(text.encode(garble["encoding"]))
            files["txt"] = f"{spec['id']}.txt"
        layout = None
        if "pdf" in forms:
            layout = render_pdf(spec, garble, out / f"{spec['id']}.pdf", garbled)
            files["pdf"] = f"{spec['id']}.pdf"
        truth = {**spec, "garble": garble, "garbled": _truth_garbled(garbled, garble)}
        if layout:
            truth["pdf_layout"] = layout
        _write_json(out / f"{spec['id']}.truth.json", truth)
        files["truth"] = f"{spec['id']}.truth.json"
        manifest.append({"id": spec["id"], "department": spec["department"], "year": spec["year"],
                         "source": "hand" if index is not None else "synthetic",
                         "rows": len(spec["indicators"]), "encoding": garble["encoding"],
                         "variants": garble["variants"],
                         "fullwidth_operators": garble["fullwidth_operators"],
                         "pdf_pages": len(layout["pages"]) if layout else None,
                         "files": files})
    _write_json(out / "manifest.json", {"seed": seed, "count": len(manifest), "forms": list(forms),
                                        "cases": manifest})
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    ap.add_argument("--count", type=int, default=None,
                    help="number of filings (default: the hand specs + %d synthetic)" % DEFAULT_EXTRA)
    ap.add_argument("--forms", default="txt,pdf", help="comma-separated subset of txt,pdf")
    ap.add_argument("--specs", default=str(SPECS_DIR), help="spec directory")
    a = ap.parse_args(argv)
    forms = [f.strip() for f in a.forms.split(",") if f.strip()]
    m = generate(a.out, seed=a.seed, count=a.count, forms=forms, specs_dir=a.specs)
    print(f"wrote {len(m)} filings ({', '.join(forms)}) to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
