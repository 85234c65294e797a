"""Write the held-out PDFs and their truth files.

    PYTHONPATH=tools .venv/bin/python -m heldout.make --out DIR [--count 8] [--garble]

Each ``<name>.pdf`` has a ``<name>.json`` beside it in the shape tests/real_scoring.py reads
(``file``, ``indicators`` …), plus how it was written (``writer``, ``fonts``). With ``--garble``
the free-text cells are drawn garbled (:mod:`.garble`: collapsed runs, cut cells) while the
truth stays clean, so that reading them takes the repair.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import rawpdf, rl
from .garble import garble
from .layout import Geometry

SEED = 2020  # samplegen.synth seed: no sample uses it
# (writer, its options, the fonts it leaves out or embeds, the page geometry), taken in turn
VARIANTS = (
    ("raw", {}, "SimSun CIDFontType2, not embedded", Geometry(font_size=10.5)),
    ("raw", {"type3": True}, "SimSun not embedded; numbers and operators in a Type 3 font",
     Geometry(font_size=9.5, leading=1.6, pad_x=5.0)),
    ("reportlab", {}, "STSong-Light, not embedded", Geometry(font_size=12.0, leading=1.35, label_width=132.0)),
    ("reportlab", {"vera": True}, "STSong-Light not embedded; Latin and digits in an embedded Vera subset",
     Geometry(width=842.0, height=595.0, font_size=11.0, margin=48.0)),
)


def specs(count: int) -> list[dict]:
    from samplegen.generate import load_specs
    from samplegen.synth import synthesize

    return synthesize(load_specs(), count, seed=SEED)


def make(out: Path, count: int = 8, *, garbled: bool = False) -> list[dict]:
    """Write ``count`` held-out PDFs into ``out``; their truths. ``garbled``: cells drawn garbled."""
    out.mkdir(parents=True, exist_ok=True)
    truths = []
    for k, spec in enumerate(specs(count)):
        writer, options, fonts, geometry = VARIANTS[k % len(VARIANTS)]
        name = (f"heldout-{k:02d}-{writer}{''.join('-' + o for o in options)}{'-garbled' if garbled else ''}"
                f"-{spec['year']}")
        path = out / f"{name}.pdf"
        drawn = garble(spec, k) if garbled else spec
        pages = (rawpdf.write if writer == "raw" else rl.write)(drawn, path, geometry, **options)
        truth = {"file": path.name, "writer": writer, "fonts": fonts, "pages": pages, "garbled": garbled,
                 "department": spec["department"], "year": spec["year"], "indicators": spec["indicators"]}
        (out / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        truths.append(truth)
    return truths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--garble", action="store_true", help="draw the free-text cells garbled (heldout.garble)")
    args = parser.parse_args(argv)
    for truth in make(args.out, args.count, garbled=args.garble):
        print(f"{truth['file']}: {truth['pages']} pages, {len(truth['indicators'])} indicators ({truth['fonts']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
