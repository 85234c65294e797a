"""The review server: a Flask app over one batch folder and the shared SQLite store.

Reads are open to the local browser; every write needs the per-run token (in
the page, sent back in the ``X-Jixiao-Token`` header), and requests from
another Origin or Host are refused, so a web page elsewhere cannot drive it.
Static files come from the package only; sources are opened by item id, from
the paths the batch itself records.
"""

from __future__ import annotations

import difflib
import hmac
import secrets
import threading
from pathlib import Path
from typing import Optional, Sequence

from flask import Flask, Response, abort, jsonify, render_template, request

from ... import __version__
from ...model import GAP, ReviewItem
from ...repair.memory import RepairMemory

SETTLING_ACTIONS = ("accept", "edit", "candidate")  # the decisions whose text enters the memory
from .actions import ActionError, current, decide, replay_decisions
from .batch import Batch
from .log import Conflict, DecisionLog, field_kind
from .sources import SourceError, kind_of, render_crop, resolve, text_context

TOKEN_HEADER = "X-Jixiao-Token"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def create_app(out_dir, *, memory: Optional[Path] = None, reviewer: str = "clerk", token: Optional[str] = None,
               source_roots: Sequence[Path] = (), allowed_hosts: Sequence[str] = ()) -> Flask:
    """The review app for the batch in ``out_dir``; decisions go to the store at ``memory``."""
    package = Path(__file__).parent
    app = Flask(__name__, static_folder=str(package / "static"), template_folder=str(package / "templates"))
    batch = Batch(Path(out_dir))
    if memory is None:  # $JIXIAO_MEMORY or the default path: the settings are read in one place
        from ...pipeline.options import default_memory

        memory = default_memory()
    store = RepairMemory(Path(memory))
    log = DecisionLog(store.conn, batch.key)
    lock = threading.Lock()  # one SQLite connection, many request threads
    token = token or secrets.token_urlsafe(24)
    roots = [*(Path(r) for r in source_roots), Path.cwd(), batch.out_dir.parent]
    hosts = LOCAL_HOSTS | set(allowed_hosts)
    app.config.update(JIXIAO_TOKEN=token, JIXIAO_BATCH=batch, JIXIAO_LOG=log, JIXIAO_STORE=store)
    witness = {f.filing: {"department": f.department, "year": f.year, "source": f.source} for f in batch.filings}

    @app.before_request
    def guard():
        host = (request.host or "").rsplit(":", 1)[0].strip("[]")
        if host not in hosts:
            abort(403, description=f"host {request.host} is not allowed")  # DNS rebinding
        origin = request.headers.get("Origin")
        if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
            abort(403, description="requests from another origin are refused")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            sent = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(sent.encode(), token.encode()):
                abort(403, description=f"missing or wrong {TOKEN_HEADER}")

    @app.after_request
    def harden(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    def as_json(error):
        return jsonify(error=error.description), error.code

    def item_or_404(item_id: str) -> ReviewItem:
        item = batch.by_id.get(item_id)
        if item is None:
            abort(404, description=f"no item {item_id} in this batch")
        return item

    def summary(item: ReviewItem, states) -> dict:
        state = states.get(item.id)
        value, status = current(item, state) if state else (item.value, item.status.value)
        return {"id": item.id, "filing": item.filing, "department": item.department, "year": item.year, "field": item.field,
                "kind": field_kind(item.field), "row": item.row, "raw": item.raw, "value": value,
                "status": status, "confidence": item.confidence, "flags": item.flags,
                "decided": bool(state and state.decided), "flagged": bool(state and state.flagged),
                "version": state.version if state else 0}

    def matches(row: dict, args) -> bool:
        wanted = args.get("status", "")
        state = "decided" if row["decided"] else "flagged" if row["flagged"] else "open"
        if wanted in ("open", "decided", "flagged") and state != wanted:
            return False
        if wanted and wanted not in ("open", "decided", "flagged", "all") and row["status"] != wanted:
            return False
        if args.get("department") and row["department"] != args["department"]:
            return False
        if args.get("kind") and row["kind"] != args["kind"]:
            return False
        low, high = _float(args.get("min"), 0.0), _float(args.get("max"), 1.0)
        return low <= row["confidence"] <= high

    def filtered(args) -> list[dict]:
        with lock:
            states = log.states()
        return [row for row in (summary(item, states) for item in batch.items) if matches(row, args)]

    @app.get("/")
    def index():
        return render_template("index.html", token=token, reviewer=reviewer, version=__version__,
                               batch=batch.out_dir.name)

    @app.get("/api/items")
    def items():
        rows = filtered(request.args)
        everything = filtered({"status": "all"})
        return jsonify(items=rows, progress={
            "shown": len(rows), "done_shown": sum(1 for r in rows if r["decided"]),
            "total": len(everything), "done": sum(1 for r in everything if r["decided"]),
            "flagged": sum(1 for r in everything if r["flagged"])},
            facets={"departments": sorted({i.department for i in batch.items if i.department}),
                    "kinds": sorted({field_kind(i.field) for i in batch.items}),
                    "statuses": sorted({i.status.value for i in batch.items})})

    @app.get("/api/items/<path:item_id>/crop.png")
    def crop(item_id: str):
        item = item_or_404(item_id)
        prov = item.provenance
        if kind_of(prov) != "crop" or item.source not in batch.sources:
            abort(404, description=f"{item_id}: no page position recorded")
        try:
            png = render_crop(resolve(prov.file, roots), prov.page, prov.bbox)
        except SourceError as error:
            abort(404, description=str(error))
        return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/api/items/<path:item_id>/context")
    def context(item_id: str):
        item = item_or_404(item_id)
        prov = item.provenance
        if kind_of(prov) != "text" or item.source not in batch.sources:
            abort(404, description=f"{item_id}: no line recorded")
        try:
            return jsonify(text_context(resolve(prov.file, roots), prov.line))
        except SourceError as error:
            abort(404, description=str(error))

    @app.get("/api/items/<path:item_id>")
    def item_detail(item_id: str):
        item = item_or_404(item_id)
        with lock:
            states = log.states()
        record = batch.record_of(item)
        identical = [i for i in batch.identical(item) if not (states.get(i.id) and states[i.id].decided)]
        return jsonify({
            **summary(item, states), "proposed": item.value, "original_status": item.status.value,
            "source": item.source, "provenance": item.provenance.model_dump() if item.provenance else None,
            "view": kind_of(item.provenance),
            "diff": char_diff(item.raw or "", item.value or ""),
            "evidence": [{**e.model_dump(), "witness": witness.get(e.filing)} for e in item.evidence],
            "candidates": [{"rank": k, "text": c.text, "score": c.score,
                            "diff": char_diff(item.raw or "", c.text)[1],
                            "evidence": [{**e.model_dump(), "witness": witness.get(e.filing)} for e in c.evidence]}
                           for k, c in enumerate(item.candidates[:9], start=1)],
            "row_context": record.model_dump(mode="json", exclude={"fields"}) if record else None,
            "identical": len(identical),
            "state": states[item.id].to_json() if item.id in states else None,
        })

    @app.post("/api/items/<path:item_id>/decide")
    def decide_item(item_id: str):
        item = item_or_404(item_id)
        body = request.get_json(silent=True) or {}
        action = body.get("action")
        with lock:
            targets = [item]
            versions = {item.id: body.get("version", 0)}
            if body.get("identical"):
                states = log.states()
                others = [i for i in batch.identical(item)
                          if i.id != item.id and not (states.get(i.id) and states[i.id].decided)]
                if body.get("expected_count") != len(others) + 1:
                    return jsonify(error="the number of identical items changed; look again",
                                   count=len(others) + 1), 409
                targets += others
                versions.update({i.id: states[i.id].version if i.id in states else 0 for i in others})
            try:
                outcome = decide(log, targets, action, reviewer, versions=versions, value=body.get("value"),
                                 rank=body.get("rank"), skip_conflicts=len(targets) > 1, memory=store)
            except ActionError as error:
                abort(400, description=str(error))
            except Conflict as conflict:
                return jsonify(error="a colleague changed this item", item=conflict.item,
                               state=conflict.state.to_json()), 409
            state = log.state(item.id)
        return jsonify(written=outcome.written, skipped=[c.item for c in outcome.conflicts], state=state.to_json())

    @app.post("/api/bulk-accept")
    def bulk_accept():
        body = request.get_json(silent=True) or {}
        threshold = _float(body.get("min_confidence"), None)
        if threshold is None:
            abort(400, description="min_confidence is required")
        rows = [r for r in filtered({**(body.get("filter") or {}), "status": "open"})
                if r["confidence"] >= threshold and r["value"] is not None]
        if body.get("preview", True):
            return jsonify(items=rows, count=len(rows))
        confirmed = {entry["id"]: entry.get("version", 0) for entry in body.get("confirm") or []}
        targets = [batch.by_id[r["id"]] for r in rows if r["id"] in confirmed]
        with lock:  # only what the preview showed, at the versions it showed
            outcome = decide(log, targets, "accept", reviewer, versions=confirmed, skip_conflicts=True,
                             memory=store)
        return jsonify(written=outcome.written, skipped=[c.item for c in outcome.conflicts])

    @app.post("/api/undo")
    def undo():
        with lock:
            try:
                undone = log.undo(reviewer)
            except Conflict as conflict:
                return jsonify(error="a colleague decided this item since; it cannot be undone",
                               item=conflict.item, state=conflict.state.to_json()), 409
            # an undone accept or edit is no longer a trusted passage for the next batch,
            # unless another decision in force still gives the same text
            in_force = {d.new_value for d in log.in_force() if d.action in SETTLING_ACTIONS}
            for decision in undone:
                if (decision.action in SETTLING_ACTIONS and decision.new_value
                        and decision.new_value not in in_force):
                    store.retract(decision.new_value)
        return jsonify(undone=[d.item for d in undone], action=undone[0].action if undone else None)

    @app.get("/api/decisions")
    def decisions():
        with lock:
            rows = log.entries() if request.args.get("all") else log.in_force()
        return jsonify(batch=batch.key, jixiao_version=__version__, decisions=[d.to_json() for d in rows])

    @app.post("/api/decisions/replay")
    def replay():
        body = request.get_json(silent=True) or {}
        with lock:
            counts = replay_decisions(log, batch, body.get("decisions") or [], reviewer, memory=store)
        return jsonify(counts)

    @app.post("/api/export")
    def export():
        with lock:
            counts = batch.export(log)
        return jsonify({**counts, "out": str(batch.out_dir)})

    return app


def char_diff(raw: str, value: str) -> tuple[list, list]:
    """Raw and proposed text as runs: ``same``, ``gone`` (raw only), ``new`` (restored) and ``gap`` (□)."""
    raw_runs, value_runs = [], []
    matcher = difflib.SequenceMatcher(None, raw, value, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            raw_runs.append(["same", raw[a0:a1]])
            value_runs.extend(_gaps(value[b0:b1], "same"))
            continue
        if a1 > a0:
            raw_runs.append(["gone", raw[a0:a1]])
        if b1 > b0:
            value_runs.extend(_gaps(value[b0:b1], "new"))
    return raw_runs, value_runs


def _gaps(text: str, kind: str) -> list:
    runs, buffer = [], ""
    for char in text:
        if char == GAP:
            if buffer:
                runs.append([kind, buffer])
                buffer = ""
            runs.append(["gap", char])
        else:
            buffer += char
    if buffer:
        runs.append([kind, buffer])
    return runs


def _float(value, default):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
