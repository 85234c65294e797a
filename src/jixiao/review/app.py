"""The review server: a Flask Blueprint over one batch folder and the shared SQLite store.

Access (``access.py``): loopback only unless asked, the Host must be the bound
address, and every route needs the clerk's cookie (the terminal's token URL
sets it) or the token header. Bodies are capped (413) and checked
(``bodies.py``: 400 with a JSON error). Static files come from the package
only; sources are served only for inputs the batch's manifest names, and a
text dump is read once (``sources.TextCache``).

``create_app`` builds a Flask app around :data:`review`, the Blueprint; the
per-run state (batch, log, store, access) is a :class:`Review` kept in
``app.extensions["jixiao_review"]``.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from .. import __version__
from ..model import GAP, ReviewItem
from ..model.errors import ErrorCategory, ErrorCode, JixiaoError
from ..model.decision import SETTLING_VALUE, ReviewAction
from ..repair.memory import RepairMemory
from . import bodies
from .access import TOKEN_HEADER, Access, Refused, host_names
from .actions import ActionError, current, decide, replay_decisions
from .batch import Batch
from .log import Conflict, DecisionLog, ItemState, field_kind
from .sources import SourceError, TextCache, kind_of, render_crop, resolve, text_context
from .teach import Teacher

__all__ = ["TOKEN_HEADER", "Review", "char_diff", "create_app", "review"]

review = Blueprint("review", __name__, static_folder="static", static_url_path="/static",
                   template_folder="templates")


@dataclass
class Review:
    """Everything one review server holds for its batch."""

    batch: Batch
    store: RepairMemory
    log: DecisionLog
    reviewer: str
    access: Access
    roots: list[Path]
    witness: dict[str, dict[str, Any]]
    teacher: Teacher
    texts: TextCache = field(default_factory=TextCache)
    lock: threading.Lock = field(default_factory=threading.Lock)  # one SQLite connection, many threads

    def states(self) -> dict[str, ItemState]:
        with self.lock:
            return self.log.states()


def create_app(out_dir, *, memory: Optional[Path] = None, reviewer: str = "clerk", token: Optional[str] = None,
               source_roots: Sequence[Path] = (), allowed_hosts: Sequence[str] = (),
               bind_host: str = "127.0.0.1", max_body: int = bodies.MAX_BODY_BYTES) -> Flask:
    """The review app for the batch in ``out_dir``; decisions go to the store at ``memory``.

    ``bind_host`` is the address the server listens on: requests must name it
    in their Host header (``allowed_hosts`` adds names). ``token`` (random by
    default) is what ``Access.url`` puts in the terminal's URL.
    """
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = max_body
    batch = Batch(Path(out_dir))
    if memory is None:  # $JIXIAO_MEMORY or the default path: the settings are read in one place
        from ..pipeline.options import default_memory

        memory = default_memory()
    store = RepairMemory(Path(memory))
    access = Access(hosts=host_names(bind_host, allowed_hosts))
    if token:
        access.token = token
    roots = [*(Path(r) for r in source_roots), Path.cwd(), batch.out_dir.parent]
    state = Review(
        batch=batch, store=store, log=DecisionLog(store.conn, batch.key), reviewer=reviewer, access=access,
        roots=roots, teacher=Teacher(batch.manifest, roots, store.layouts()),
        witness={f.filing: {"department": f.department, "year": f.year, "source": f.source}
                 for f in batch.filings})
    app.extensions["jixiao_review"] = state
    app.config.update(JIXIAO_TOKEN=access.token, JIXIAO_BATCH=batch, JIXIAO_LOG=state.log, JIXIAO_STORE=store)
    app.register_blueprint(review)
    from .teach_routes import teach  # the queue of tables not understood (guarded like every route)

    app.register_blueprint(teach)
    return app


def _state() -> Review:
    state: Review = current_app.extensions["jixiao_review"]
    return state


@review.before_app_request
def guard() -> Optional[BaseResponse]:
    try:
        return _state().access.check(request)
    except Refused as refused:
        return _error(refused.status, str(refused), refused.code)


@review.after_app_request
def harden(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
    return response


# The code of an HTTP error raised with abort(): what a client routes on (the message is for the clerk).
_STATUS_CODES = {400: ErrorCode.BAD_REQUEST, 403: ErrorCode.REQUEST_REFUSED, 404: ErrorCode.NOT_FOUND,
                 405: ErrorCode.BAD_REQUEST, 409: ErrorCode.DECISION_CONFLICT, 413: ErrorCode.BAD_REQUEST}


@review.app_errorhandler(HTTPException)
def as_json(error: HTTPException) -> Response:
    status = error.code or 500
    return _error(status, error.description or error.name, _STATUS_CODES.get(status, ErrorCode.INTERNAL))


@review.app_errorhandler(JixiaoError)
def coded(error: JixiaoError) -> Response:
    """An error of jixiao's: its code, and the HTTP status it means (a bad body is the client's)."""
    status = getattr(error, "status", 400 if error.category is ErrorCategory.REVIEW else 500)
    return _error(status, str(error), error.code)


def _error(status: int, message: str, code: ErrorCode) -> Response:
    response = jsonify(error=message, code=code.value)
    response.status_code = status
    return response


def _body() -> dict[str, Any]:
    """The request's JSON object: a body that is not JSON, or not an object, is a 400."""
    if not request.get_data(cache=True):
        return {}
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # a body nested 100,000 deep: the JSON parser's own limit (issue 23: a 500)
        raise bodies.BadBody(f"the body nests more than {bodies.MAX_DEPTH} levels deep") from None
    if payload is None:
        raise bodies.BadBody("the body is not JSON (send Content-Type: application/json)", code=ErrorCode.NOT_JSON)
    return bodies.json_object(payload)


def item_or_404(item_id: str) -> ReviewItem:
    item = _state().batch.by_id.get(item_id)
    if item is None:
        abort(404, description=f"no item {item_id} in this batch")
    return item


def summary(item: ReviewItem, states: dict[str, ItemState]) -> dict[str, Any]:
    state = states.get(item.id)
    value, status = current(item, state) if state else (item.value, item.status.value)
    return {"id": item.id, "filing": item.filing, "department": item.department, "year": item.year,
            "field": item.field, "kind": field_kind(item.field), "row": item.row, "raw": item.raw,
            "value": value, "status": status, "confidence": item.confidence, "flags": item.flags,
            "decided": bool(state and state.decided), "flagged": bool(state and state.flagged),
            "version": state.version if state else 0}


def matches(row: dict[str, Any], args: Any) -> bool:
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


def filtered(args: Any) -> list[dict[str, Any]]:
    states = _state().states()
    return [row for row in (summary(item, states) for item in _state().batch.items) if matches(row, args)]


@review.get("/")
def index() -> str:
    return render_template("index.html", reviewer=_state().reviewer, version=__version__,
                           batch=_state().batch.out_dir.name)


@review.get("/api/items")
def items() -> Response:
    batch = _state().batch
    rows = filtered(request.args)
    everything = filtered({"status": "all"})
    return jsonify(items=rows, progress={
        "shown": len(rows), "done_shown": sum(1 for r in rows if r["decided"]),
        "total": len(everything), "done": sum(1 for r in everything if r["decided"]),
        "flagged": sum(1 for r in everything if r["flagged"])},
        facets={"departments": sorted({i.department for i in batch.items if i.department}),
                "kinds": sorted({field_kind(i.field) for i in batch.items}),
                "statuses": sorted({i.status.value for i in batch.items})})


def _source_of(item: ReviewItem, view: str) -> Path:
    """The source file to show for ``item``: only an input the manifest names, under the roots."""
    prov, state = item.provenance, _state()
    if prov is None or kind_of(prov) != view:
        abort(404, description=f"{item.id}: no {'page position' if view == 'crop' else 'line'} recorded")
    if not (state.batch.serves(prov.file) and state.batch.serves(item.source)):
        abort(404, description=f"{item.id}: {prov.file} is not an input of this batch")
    try:
        return resolve(prov.file, state.roots)
    except SourceError as error:
        abort(404, description=str(error))


@review.get("/api/items/<path:item_id>/crop.png")
def crop(item_id: str) -> Response:
    item = item_or_404(item_id)
    path = _source_of(item, "crop")
    prov = item.provenance
    assert prov is not None and prov.page is not None and prov.bbox is not None
    try:
        png = render_crop(path, prov.page, prov.bbox)
    except SourceError as error:
        abort(404, description=str(error))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})


@review.get("/api/items/<path:item_id>/context")
def context(item_id: str) -> Response:
    item = item_or_404(item_id)
    path = _source_of(item, "text")
    assert item.provenance is not None and item.provenance.line is not None
    try:
        return jsonify(text_context(path, item.provenance.line, cache=_state().texts))
    except SourceError as error:
        abort(404, description=str(error))


@review.get("/api/items/<path:item_id>")
def item_detail(item_id: str) -> Response:
    item, state = item_or_404(item_id), _state()
    states = state.states()
    record = state.batch.record_of(item)
    identical = [i for i in state.batch.identical(item) if not (states.get(i.id) and states[i.id].decided)]
    witness = state.witness
    return jsonify({
        **summary(item, states), "proposed": item.value, "original_status": item.status.value,
        "source": item.source, "provenance": item.provenance.model_dump() if item.provenance else None,
        "view": kind_of(item.provenance),
        "diff": char_diff(item.raw or "", item.value or ""),
        "evidence": [{**e.model_dump(), "witness": witness.get(e.filing or "")} for e in item.evidence],
        "candidates": [{"rank": k, "text": c.text, "score": c.score,
                        "diff": char_diff(item.raw or "", c.text)[1],
                        "evidence": [{**e.model_dump(), "witness": witness.get(e.filing or "")}
                                     for e in c.evidence]}
                       for k, c in enumerate(item.candidates[:9], start=1)],
        "row_context": record.model_dump(mode="json", exclude={"fields"}) if record else None,
        "identical": len(identical),
        "state": states[item.id].to_json() if item.id in states else None,
    })


@review.post("/api/items/<path:item_id>/decide")
def decide_item(item_id: str) -> Response | tuple[Response, int]:
    item, state = item_or_404(item_id), _state()
    body = _body()
    action = bodies.action(body)
    version = bodies.optional(body, "version", int, 0)
    value = bodies.optional(body, "value", str)
    rank = bodies.optional(body, "rank", int)
    identical = bodies.optional(body, "identical", bool, False)
    expected_count = bodies.optional(body, "expected_count", int)
    log = state.log
    with state.lock:
        targets = [item]
        versions: dict[str, Optional[int]] = {item.id: version}
        if identical:
            states = log.states()
            others = [i for i in state.batch.identical(item)
                      if i.id != item.id and not (states.get(i.id) and states[i.id].decided)]
            if expected_count != len(others) + 1:
                return jsonify(error="the number of identical items changed; look again",
                               code=ErrorCode.DECISION_CONFLICT.value, count=len(others) + 1), 409
            targets += others
            versions.update({i.id: states[i.id].version if i.id in states else 0 for i in others})
        try:
            outcome = decide(log, targets, action, state.reviewer, versions=versions, value=value,
                             rank=rank, skip_conflicts=len(targets) > 1, memory=state.store)
        except ActionError as error:
            return _error(400, str(error), error.code)
        except Conflict as conflict:
            return jsonify(error="a colleague changed this item", code=conflict.code.value, item=conflict.item,
                           state=conflict.state.to_json()), 409
        now = log.state(item.id)
    return jsonify(written=outcome.written, skipped=[c.item for c in outcome.conflicts], state=now.to_json())


@review.post("/api/bulk-accept")
def bulk_accept() -> Response:
    state = _state()
    body = _body()
    threshold = bodies.optional(body, "min_confidence", float)
    if threshold is None:
        abort(400, description="min_confidence is required")
    rows = [r for r in filtered({**bodies.string_filter(body, "filter"), "status": "open"})
            if r["confidence"] >= threshold and r["value"] is not None]
    if bodies.optional(body, "preview", bool, True):
        return jsonify(items=rows, count=len(rows))
    confirmed = bodies.confirm_list(body)
    targets = [state.batch.by_id[r["id"]] for r in rows if r["id"] in confirmed]
    with state.lock:  # only what the preview showed, at the versions it showed
        outcome = decide(state.log, targets, ReviewAction.ACCEPT.value, state.reviewer,
                         versions=dict(confirmed), skip_conflicts=True, memory=state.store)
    return jsonify(written=outcome.written, skipped=[c.item for c in outcome.conflicts])


@review.post("/api/undo")
def undo() -> Response | tuple[Response, int]:
    state = _state()
    _body()
    with state.lock:
        try:
            undone = state.log.undo(state.reviewer)
        except Conflict as conflict:
            return jsonify(error="a colleague decided this item since; it cannot be undone",
                           code=conflict.code.value, item=conflict.item, state=conflict.state.to_json()), 409
        # an undone accept or edit is no longer a trusted passage for the next batch,
        # unless another decision in force still gives the same text
        in_force = {d.new_value for d in state.log.in_force() if d.action in SETTLING_VALUE}
        for decision in undone:
            if (decision.action in SETTLING_VALUE and decision.new_value
                    and decision.new_value not in in_force):
                state.store.retract(decision.new_value)
    return jsonify(undone=[d.item for d in undone], action=undone[0].action if undone else None)


@review.get("/api/decisions")
def decisions() -> Response:
    state = _state()
    with state.lock:
        rows = state.log.entries() if request.args.get("all") else state.log.in_force()
    return jsonify(batch=state.batch.key, jixiao_version=__version__, decisions=[d.to_json() for d in rows])


@review.post("/api/decisions/replay")
def replay() -> Response:
    state = _state()
    body = _body()
    entries = [bodies.decision_entry(entry, f"decisions[{k}]")
               for k, entry in enumerate(bodies.object_list(body, "decisions"))]
    with state.lock:
        counts = replay_decisions(state.log, state.batch, entries, state.reviewer, memory=state.store)
    return jsonify(counts)


@review.post("/api/export")
def export() -> Response:
    state = _state()
    _body()
    with state.lock:
        counts = state.batch.export(state.log)
    return jsonify({**counts, "out": str(state.batch.out_dir)})


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
