"""Request bodies of the review API, checked before anything acts on them.

Every bad body is a :class:`BadBody` (the app answers 400 with a JSON error
naming the field), never a traceback: a body that is an array or a string,
a field of the wrong type (``rank: "1"``), or a value longer than a field can
be. Bodies over the size cap never get here (413, ``MAX_BODY_BYTES``).
"""

from __future__ import annotations

from typing import Any, Optional, TypeVar

from ..model.decision import ACTIONS, ReviewAction
from ..model.errors import ErrorCode, JixiaoError

MAX_BODY_BYTES = 4 << 20
"""The largest request body the server reads (a bulk accept of a big batch, a decisions replay)."""
MAX_VALUE_CHARS = 10_000
"""The longest text a clerk may type into one field (a filing's longest cells are a few hundred)."""

T = TypeVar("T")


class BadBody(JixiaoError, ValueError):
    """The request body is not what the endpoint takes; the message says which field and why."""

    default_code = ErrorCode.BAD_REQUEST


MAX_DEPTH = 32
"""The deepest nesting a body may have (the API's bodies nest three levels at most)."""


def json_object(payload: Any) -> dict[str, Any]:
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise BadBody(f"the body must be a JSON object, not {_kind(payload)}")
    _check_text(payload)
    return payload


def _check_text(payload: Any) -> None:
    """Every string of the body is text (issue 23: a lone surrogate ``"\\ud800"`` in an edit gave a 500
    when it was stored), and the body nests at most :data:`MAX_DEPTH` levels. Iterative: the check
    itself must not recurse."""
    pending: list[tuple[Any, str, int]] = [(payload, "body", 0)]
    while pending:
        value, where, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise BadBody(f"the body nests more than {MAX_DEPTH} levels deep (at {where})")
        if isinstance(value, str):
            _text(value, where)
        elif isinstance(value, dict):
            for key, item in value.items():
                _text(key, f"{where} key")
                pending.append((item, f"{where}.{key}", depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{where}[{n}]", depth + 1) for n, item in enumerate(value))


def _text(value: str, where: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BadBody(f"{where} is not text: it holds a lone surrogate (U+{ord(value[error.start]):04X}) "
                      f"at character {error.start}") from None


def optional(body: dict[str, Any], name: str, kind: type[T], default: Optional[T] = None) -> Optional[T]:
    """``body[name]`` when it is of ``kind`` (or null/absent: ``default``); booleans are not numbers."""
    value = body.get(name)
    if value is None:
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # type: ignore[return-value]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise BadBody(f"{name} must be {_kind_name(kind)}, not {_kind(value)}")
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        raise BadBody(f"{name} is {len(value)} characters long; the limit is {MAX_VALUE_CHARS}",
                      code=ErrorCode.VALUE_TOO_LONG)
    return value


def action(body: dict[str, Any], *, allow_undo: bool = False) -> str:
    value = optional(body, "action", str)
    allowed = [a for a in ACTIONS if allow_undo or a != ReviewAction.UNDO]
    if value not in allowed:
        raise BadBody(f"action must be one of {', '.join(allowed)}, not {value!r}")
    return value


def object_list(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = optional(body, name, list, [])
    assert value is not None
    for position, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise BadBody(f"{name}[{position}] must be an object, not {_kind(entry)}")
    return value


def decision_entry(entry: dict[str, Any], where: str) -> dict[str, Any]:
    """One decision of a replay: its text fields are strings (or null) within the value cap."""
    for name in ("action", "item", "field", "raw", "new_value"):
        try:
            optional(entry, name, str)
        except BadBody as error:
            raise BadBody(f"{where}.{error}") from None
    return entry


def confirm_list(body: dict[str, Any]) -> dict[str, int]:
    """The bulk accept's ``confirm``: [{id, version}] as the preview showed them."""
    confirmed = {}
    for position, entry in enumerate(object_list(body, "confirm")):
        item = optional(entry, "id", str)
        version = optional(entry, "version", int, 0)
        if item is None:
            raise BadBody(f"confirm[{position}].id is required")
        assert version is not None
        confirmed[item] = version
    return confirmed


def string_filter(body: dict[str, Any], name: str) -> dict[str, str]:
    value = optional(body, name, dict, {})
    assert value is not None
    out = {}
    for key, entry in value.items():
        if entry is None:
            continue
        if not isinstance(entry, (str, int, float)) or isinstance(entry, bool):
            raise BadBody(f"{name}.{key} must be a string or a number, not {_kind(entry)}")
        out[str(key)] = str(entry)
    return out


MAX_COLUMNS = 200
"""The most columns a taught header may have (a real one has a dozen)."""


def grid_roles(body: dict[str, Any]) -> tuple[int, dict[int, Optional[str]]]:
    """A teaching body's ``grid`` (an index) and ``roles`` ({"column index": role or null}); a role must
    be one of the fields (``jixiao.repair.layouts.role_names``)."""
    from ..repair.layouts import role_names

    grid = optional(body, "grid", int, 0)
    assert grid is not None
    raw = optional(body, "roles", dict, {})
    assert raw is not None
    if len(raw) > MAX_COLUMNS:
        raise BadBody(f"roles names {len(raw)} columns; the limit is {MAX_COLUMNS}")
    known = role_names()
    roles: dict[int, Optional[str]] = {}
    for key, role in raw.items():
        if not (isinstance(key, str) and key.isdigit() and int(key) < MAX_COLUMNS):
            raise BadBody(f"roles: {key!r} is no column index (0–{MAX_COLUMNS - 1})")
        if role is not None and role not in known:
            raise BadBody(f"roles.{key}: {role!r} is no role; roles are {', '.join(known)} (or null: no field)")
        roles[int(key)] = role
    return grid, roles


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _kind_name(kind: type) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true or false", int: "an integer",
            float: "a number"}.get(kind, kind.__name__)
