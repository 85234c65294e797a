"""The review server's teaching routes: the queue of tables not understood (a Blueprint of its own).

The app's guard (sign-in cookie or token header, the Host and Origin checks) and its response
headers are registered app-wide by :mod:`.app`, so they cover these routes too; bodies are checked
by :mod:`.bodies` (400 naming the field). What the routes do is :class:`.teach.Teacher`'s.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, Response, abort, current_app, jsonify, render_template

from .. import __version__
from ..repair.layouts import LayoutConflict
from . import bodies
from .teach import Candidate, TeachError, Teacher

teach = Blueprint("teach", __name__)


def _state():
    return current_app.extensions["jixiao_review"]


def _teacher() -> Teacher:
    teacher: Teacher = _state().teacher
    return teacher


def _guarded(work: Callable[[], Any]) -> Any:
    """Run ``work`` on the shared store (one SQLite connection for the server: one writer at a time);
    an input that is not queued is a 404, one that cannot be read again a 422 naming the file."""
    with _state().lock:
        try:
            return work()
        except KeyError as error:
            abort(404, description=str(error.args[0]) if error.args else "not found")
        except TeachError as error:
            abort(422, description=str(error))


def _candidate(body: dict[str, Any]) -> Candidate:
    grid, roles = bodies.grid_roles(body)
    return Candidate(grid=grid, roles=roles)


@teach.get("/teach")
def page() -> str:
    state = _state()
    return render_template("teach.html", reviewer=state.reviewer, version=__version__,
                           batch=state.batch.out_dir.name)


@teach.get("/api/tables")
def tables() -> Response:
    """The queue: every failed or partial input, with the number of layouts the memory holds."""
    teacher = _teacher()
    layouts = _guarded(lambda: len(teacher.store.in_force()))
    return jsonify(tables=teacher.queued, layouts=layouts)


@teach.get("/api/tables/<item>")
def table(item: str) -> Response:
    teacher = _teacher()
    return jsonify(_guarded(lambda: teacher.view(item)))


@teach.post("/api/tables/<item>/preview")
def preview(item: str) -> Response:
    candidate = _candidate(bodies.json_object(_json()))
    teacher = _teacher()
    return jsonify(_guarded(lambda: teacher.preview(item, candidate)))


@teach.post("/api/tables/<item>/save")
def save(item: str) -> Response | tuple[Response, int]:
    body = bodies.json_object(_json())
    candidate = _candidate(body)
    version = bodies.optional(body, "version", int)
    name = bodies.optional(body, "name", str)
    teacher, state = _teacher(), _state()
    try:
        layout = _guarded(lambda: teacher.save(item, candidate, state.reviewer, version=version, name=name))
    except LayoutConflict as conflict:
        return jsonify(error="a colleague saved a layout for this header since; look again",
                       version=conflict.version), 409
    version_now = _guarded(lambda: teacher.store.version(layout.signature))
    return jsonify(layout=layout.model_dump(mode="json"), version=version_now)


@teach.post("/api/layouts/undo")
def undo() -> Response | tuple[Response, int]:
    _json()
    teacher, state = _teacher(), _state()
    try:
        entry = _guarded(lambda: teacher.store.undo(state.reviewer))
    except LayoutConflict as conflict:
        return jsonify(error="a colleague changed this layout since; it cannot be undone",
                       signature=conflict.signature), 409
    return jsonify(undone=entry.to_json() if entry else None)


def _json() -> Any:
    """The request's JSON body (a body that is not JSON is a 400, like the review routes')."""
    from flask import request

    if not request.get_data(cache=True):
        return {}
    payload = request.get_json(silent=True)
    if payload is None:
        raise bodies.BadBody("the body is not JSON (send Content-Type: application/json)")
    return payload


__all__ = ["teach"]
