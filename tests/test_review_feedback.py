"""Decisions improve the next batch; PDF crops render from the stored bbox."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest
from PIL import Image

from jixiao.review.app import create_app
from jixiao.review.sources import SourceError, render_crop
from jixiao.repair.index import Trust
from jixiao.repair.memory import RepairMemory

from helpers import read_jsonl
from review_helpers import ROOT, Clerk, convert_batch, records_by_item, url


def test_a_decision_improves_the_next_batch(tmp_path, in_root):
    memory = tmp_path / "memory.sqlite"
    first = tmp_path / "first"
    convert_batch(first, memory=memory)
    assert all(e["decisions_applied"] == 0 for e in read_jsonl(first / "manifest.jsonl"))
    clerk = Clerk(create_app(first, memory=memory, reviewer="anna", source_roots=[ROOT]))
    items = clerk.items(status="open")["items"]
    edited = next(i for i in items if i["row"] is not None and i["kind"] == "scoring_rule")
    accepted = next(i for i in items if i["row"] is None and i["raw"] != edited["raw"])
    assert clerk.decide(edited["id"], "edit", value="按时完成得5分，每延迟1个月扣1分").status_code == 200
    assert clerk.decide(accepted["id"], "accept").status_code == 200

    with RepairMemory(memory) as store:  # the clerk's text is now a trusted passage
        trust = store.conn.execute("SELECT trust FROM passages WHERE text = ?",
                                   ("按时完成得5分，每延迟1个月扣1分",)).fetchone()
    assert trust == (int(Trust.DECISION),)

    second = tmp_path / "second"
    convert_batch(second, memory=memory)
    field = records_by_item(second)[edited["id"]]
    assert field["value"] == "按时完成得5分，每延迟1个月扣1分" and field["status"] == "edited"
    assert field["evidence"][0]["kind"] == "decision" and field["evidence"][0]["source"] == "reviewer:anna"
    filing = next(f for f in read_jsonl(second / "filings.jsonl") if f["filing"] == accepted["filing"])
    header = filing[accepted["kind"]][int(accepted["field"].split("[")[1].rstrip("]")) - 1]
    assert header["status"] == "confirmed" and header["text"] == accepted["value"]
    manifest = read_jsonl(second / "manifest.jsonl")
    identical = sum(1 for i in items if (i["raw"], i["kind"]) in {(edited["raw"], edited["kind"]),
                                                                  (accepted["raw"], accepted["kind"])})
    assert sum(e["decisions_applied"] for e in manifest) == identical >= 2
    queued = {i["id"] for i in read_jsonl(second / "review.jsonl")}
    assert edited["id"] not in queued  # settled: no longer asks the clerk


def test_crop_of_a_pdf_cell_from_its_bbox(tmp_path):
    pdf_path = ROOT / "samples/generated/beihu-shijian-2022.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        page_number = next(n for n, p in enumerate(pdf.pages, start=1)
                           if any("一级指标" in w["text"] for w in p.extract_words()))
        word = next(w for w in pdf.pages[page_number - 1].extract_words() if "一级指标" in w["text"])
    bbox = (word["x0"], word["top"], word["x1"], word["bottom"])
    png = render_crop(pdf_path, page_number, bbox, margin=20, scale=2)
    image = Image.open(io.BytesIO(png))
    assert image.size == (round((bbox[2] - bbox[0] + 40) * 2), round((bbox[3] - bbox[1] + 40) * 2))
    pixels = image.convert("RGB")
    # the cell is outlined in red at exactly the bbox, 20 points (40 px) in from the crop's edges
    assert pixels.getpixel((40, round(image.size[1] / 2))) == (220, 38, 38)
    assert pixels.getpixel((2, 2)) != (220, 38, 38)
    with pytest.raises(SourceError):
        render_crop(pdf_path, 99, bbox)


def test_crop_endpoint_for_a_pdf_item(tmp_path, in_root):
    out = tmp_path / "out"
    convert_batch(out)
    pdf = "samples/generated/beihu-shijian-2022.pdf"
    lines = read_jsonl(out / "review.jsonl")
    lines[0]["source"] = pdf
    lines[0]["provenance"] = {"file": pdf, "page": 3, "bbox": [40.0, 60.0, 300.0, 90.0], "line": None}
    (out / "review.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                      encoding="utf-8")
    manifest = read_jsonl(out / "manifest.jsonl")
    manifest[0]["source"] = pdf  # only inputs the manifest names are served (issue 14)
    (out / "manifest.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in manifest),
                                        encoding="utf-8")
    clerk = Clerk(create_app(out, memory=tmp_path / "m.sqlite", source_roots=[ROOT]))
    assert clerk.item(lines[0]["id"])["view"] == "crop"
    response = clerk.get(url(lines[0]["id"], "/crop.png"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == ((260 + 72) * 2, (30 + 72) * 2)
