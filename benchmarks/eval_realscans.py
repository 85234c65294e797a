"""Scans of the real filings' truth, made apart from the project's generator: how a county office's scan reads.

    PYTHONPATH=src:tools:tests python benchmarks/eval_realscans.py [--split tune|holdout|all] [--only NAME]
        [--scans build/realscans] [--no-cid] [--misses]

The scans are drawn from samples/realscans/ (each real truth of samples/real/ laid out in its family's
printed form, drawn with PIL in AR PL UMing, sealed, signed, scanned or photographed: tools/realscans)
into build/realscans/ when missing, which needs fonts-arphic-uming and fonts-arphic-ukai. Every scan
(and the (cid:N) PDF of one filing in three) is read as `jixiao convert` reads it, with no repair
memory, and scored (tests/realscan_scoring.py): structured fields right, rows found, files whose rows
are exact, text precision, junk records, seal or signature words in any cell or record, and the goals'
recall as OCR read them and after repair. The tuning set and the holdout (a third of each family,
never tuned on) are reported apart, and so are the (cid:N) PDFs, beside the scans of the same filings.

Goals (issue 21), per family: fields >= 97 %, rows exact, text precision >= 0.98, no junk record, no
leak; header recall after repair >= the raw OCR's; (cid:N) PDFs read at least as well as their scans.
The last line is a JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import realscan_scoring as rs

ROOT = Path(__file__).resolve().parent.parent
TRUTHS = ROOT / "samples" / "realscans"
SCANS = ROOT / "build" / "realscans"
GOALS = {"fields_right": 0.97, "text_precision": 0.98}


def ensure_scans(truths: list[dict], scans: Path) -> None:
    """Draw the scans that are missing (all of them: drawing is deterministic and takes a minute)."""
    missing = [t for t in truths if not (scans / t["file"]).exists()
               or (t.get("cid_pdf") and not (scans / t["cid_pdf"]).exists())]
    if missing:
        from realscans.make import make

        print(f"drawing {len(missing)} missing scan(s) into {scans} …", flush=True)
        make(TRUTHS, scans)


def met(fig: dict) -> bool:
    return (fig["fields_right"] >= GOALS["fields_right"] and fig["exact"] == fig["files"]
            and fig["text_precision"] >= GOALS["text_precision"] and fig["junk"] == 0 and fig["leaks"] == 0)


def line(label: str, fig: dict, goal: bool = True) -> str:
    mark = ("goal met" if met(fig) else "GOAL NOT MET") if goal else ""
    return (f"  {label:<34} {fig['files']:>2} files  fields {fig['fields_right']:6.1%}  rows found "
            f"{fig['rows_found']:6.1%}  exact {fig['exact']:>2}/{fig['files']:<2}  text prec "
            f"{fig['text_precision']:.3f}  junk {fig['junk']:>2}  leaks {fig['leaks']}  failed {fig['failed']}  "
            f"goals raw {fig['header_raw']:.3f} → {fig['header_repaired']:.3f}  {mark}")


def report(label: str, rows: list[dict]) -> dict:
    """Per family, then all; returns the figures."""
    print(f"\n{label}:")
    out = {}
    for family in sorted({r["family"] for r in rows}):
        out[family] = rs.totals([r for r in rows if r["family"] == family])
        print(line(family, out[family]))
    out["all"] = rs.totals(rows)
    print(line("all", out["all"]))
    return out


def print_files(rows: list[dict], misses: bool) -> None:
    for r in rows:
        note = f"  {r['error'][:200]}" if r["status"] != "ok" and r["error"] else ""
        print(f"  {r['input']:<46} {r['split']:<7} {r['status']:<7} {r['records']:>2}/{r['rows']:<2} rows, "
              f"{r['fields_right']}/{r['fields']} fields, junk {r['junk']}, text {r['text_matched']}/"
              f"{r['text_total']}, {r['pages']} p {r['seconds']:.1f} s{note}")
        for leak in r["leaks"]:
            print(f"      LEAK {leak}")
        for miss in r.get("misses", []) if misses else []:
            print(f"      {miss}")


def field_misses(truth: dict, records: list[dict]) -> list[str]:
    import real_scoring

    out = []
    for k, (row, m) in enumerate(zip(truth["indicators"], real_scoring.match_rows(truth, records))):
        if m is None:
            out.append(f"row {k + 1} not found ({row.get('level3')!r})")
            continue
        for name in real_scoring.FIELDS:
            if name not in (row.get("uncertain") or []) and \
                    real_scoring._value(records[m].get(name)) != real_scoring._value(row.get(name)):
                out.append(f"row {k + 1} {name}: got {records[m].get(name)!r}, want {row.get(name)!r}")
    return out


def evaluate(truths: list[dict], scans: Path, key: str) -> list[dict]:
    """Read and score the inputs named by each truth's ``key`` ("file" the scan, "cid_pdf")."""
    chosen = [t for t in truths if t.get(key)]
    reads = rs.read_all([scans / t[key] for t in chosen])
    rows = []
    for truth, read in zip(chosen, reads):
        row = rs.score(truth, read)
        row.update(input=truth[key], family=truth["family"], split=truth["split"], name=truth["name"],
                   routes=sorted(set(read.routes)), misses=field_misses(truth, read.records))
        rows.append(row)
    return rows


def compare_cid(scan_rows: list[dict], cid_rows: list[dict]) -> bool:
    """Each (cid:N) PDF beside the scan of the same filing: fields right and rows found."""
    print("\n(cid:N) PDFs beside the scans of the same filings:")
    scans = {r["name"]: r for r in scan_rows}
    ok = True
    for cid in cid_rows:
        scan = scans.get(cid["name"])
        if scan is None:
            continue
        better = cid["fields_right"] >= scan["fields_right"] and cid["found"] >= scan["found"]
        ok &= better
        print(f"  {cid['name']:<40} cid {cid['fields_right']:>3}/{cid['fields']:<3} fields {cid['found']:>2} rows "
              f"{'+'.join(cid['routes']):<8} scan {scan['fields_right']:>3}/{scan['fields']:<3} fields "
              f"{scan['found']:>2} rows  {'as good or better' if better else 'WORSE'}")
    return ok


def throughput(rows: list[dict]) -> str:
    pages, seconds = sum(r["pages"] for r in rows), sum(r["seconds"] for r in rows)
    return f"{pages} pages in {seconds:.1f} s: {pages / max(seconds, 1e-9):.2f} pages/s (extraction, 1 process)"


def ceiling(truths: list[dict], misses: bool) -> dict:
    """The same tables as web pages (tools/realscans/html.py): what the reader gives with exact text."""
    import tempfile

    from realscans.html import write_html
    from realscans.make import committed, plan

    layouts = {filing.name: filing for _, filing, _, _ in plan(listed=committed())}
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for truth in truths:
            write_html(layouts[truth["name"]].sheets, Path(tmp) / f"{truth['name']}.html")
            pages.append({**truth, "page": f"{truth['name']}.html"})
        rows = evaluate(pages, Path(tmp), "page")
    print("\nThe same tables as web pages (the reader's ceiling), per file:")
    print_files([r for r in rows if r["fields_right"] < r["fields"] or r["junk"]], misses)
    return report("web pages of the same tables", rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="all")
    parser.add_argument("--only", default=None)
    parser.add_argument("--scans", type=Path, default=SCANS)
    parser.add_argument("--no-cid", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list every wrong structured field")
    parser.add_argument("--ceiling", action="store_true",
                        help="also read the same tables as web pages (exact text): what the reader gives without OCR")
    parser.add_argument("--ceiling-only", action="store_true", help="only the web pages (no OCR: seconds)")
    args = parser.parse_args(argv)
    truths = [t for t in rs.load_truths(TRUTHS) if args.split in ("all", t["split"])
              and (not args.only or args.only in t["name"])]
    if args.ceiling_only:
        print(json.dumps({"ceiling": ceiling(truths, args.misses)}, ensure_ascii=False, default=float))
        return 0
    ensure_scans(truths, args.scans)
    scan_rows = evaluate(truths, args.scans, "file")
    cid_rows = [] if args.no_cid else evaluate(truths, args.scans, "cid_pdf")
    if args.ceiling:
        figures_ceiling = ceiling(truths, args.misses)
    print("Real-truth scans (samples/realscans, drawn by tools/realscans), per file:")
    print_files(scan_rows + cid_rows, args.misses)
    figures = {}
    for split in ("tune", "holdout"):
        rows = [r for r in scan_rows if r["split"] == split]
        if rows:
            figures[f"scans/{split}"] = report(f"scans, {'tuning set' if split == 'tune' else 'HOLDOUT'}", rows)
    if cid_rows:
        figures["cid"] = report("(cid:N) PDFs (tuning set and holdout)", cid_rows)
        figures["cid_as_good"] = compare_cid(scan_rows, cid_rows)
    if args.ceiling:
        figures["ceiling"] = figures_ceiling
    print("\n" + throughput(scan_rows + cid_rows))
    print(json.dumps(figures, ensure_ascii=False, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
