"""The layout vocabulary as data: the built-in file, a user's file that adds to it, and the one in force.

Everything jixiao knows about how a table is worded (header names, level names, units, operators,
header-block labels) is in ``vocabulary.toml`` beside this module. A user's file of the same form
(``jixiao convert --vocabulary FILE``, ``JIXIAO_VOCABULARY``) adds to it: each list it gives is
appended to the built-in list of the same key. A file is validated as a whole before any work
(:func:`load_file`): an unknown section or key, a value of the wrong type or a file that is not TOML
raises :class:`VocabularyError` naming the file, the line and the problem.

The vocabulary in force is a :class:`Vocabulary` (frozen, picklable, with a digest): the batch sends
it with every task, so the serial, local and Dask engines read with the same words, and the cache
key holds its digest. Code asks :func:`current` for it; :func:`using` sets it for a block.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Union

from ..model.errors import ErrorCode, JixiaoError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with tomli, tomllib's origin
    import tomli as tomllib

BUILTIN_PATH = Path(__file__).with_name("vocabulary.toml")

FIELD_KEYS: tuple[str, ...] = (
    "level1", "level2", "level3", "operator", "target", "unit", "explanation", "scoring_rule", "score",
    "weight", "remark", "direction", "project", "likelihood", "standard", "actual", "points", "deviation", "unrecorded")
"""The fields a ``[headers]`` entry may name (``weight`` is 权重, read into ``score`` too)."""

LABEL_KEYS: tuple[str, ...] = ("department", "project", "goals", "period", "budget")
OPERATORS: tuple[str, ...] = ("=", "≥", "≤", ">", "<", "定性", "定量")

# section → the keys it allows (None: any key, each a name of the vocabulary itself)
_SECTIONS: dict[str, Optional[tuple[str, ...]]] = {
    "headers": FIELD_KEYS,
    "row_labels": ("names",),
    "taxonomy": None,
    "levels": ("level1", "level2", "category"),
    "operators": None,
    "units": ("names",),
    "labels": LABEL_KEYS,
    "targets": ("qualitative", "not_applicable"),
}


class VocabularyError(JixiaoError):
    """A vocabulary file cannot be used; the message names the file, the line and the problem."""

    default_code = ErrorCode.BAD_VOCABULARY

    def __init__(self, path: str, problem: str, line: Optional[int] = None):
        where = f"{path}, line {line}" if line else path
        super().__init__(f"vocabulary file {where}: {problem}")
        self.path, self.problem, self.line = path, problem, line


@dataclass(frozen=True)
class Vocabulary:
    """The words of the table, as data. Lists keep their order (most usual or most specific first)."""

    headers: Mapping[str, tuple[str, ...]]
    row_labels: tuple[str, ...]
    taxonomy: Mapping[str, tuple[str, ...]]
    level1: tuple[str, ...]
    level2: tuple[str, ...]
    categories: Mapping[str, str]
    operators: Mapping[str, str]
    units: tuple[str, ...]
    labels: Mapping[str, tuple[str, ...]]
    qualitative: tuple[str, ...]
    not_applicable: tuple[str, ...]
    files: tuple[tuple[str, str], ...] = ()  # (path, sha256) of each user file added
    digest: str = field(default="", compare=False)

    def data(self) -> dict[str, Any]:
        """The vocabulary in the file's own form (what its digest is taken over)."""
        return {
            "headers": {k: list(v) for k, v in self.headers.items()},
            "row_labels": {"names": list(self.row_labels)},
            "taxonomy": {k: list(v) for k, v in self.taxonomy.items()},
            "levels": {"level1": list(self.level1), "level2": list(self.level2), "category": dict(self.categories)},
            "operators": dict(self.operators),
            "units": {"names": list(self.units)},
            "labels": {k: list(v) for k, v in self.labels.items()},
            "targets": {"qualitative": list(self.qualitative), "not_applicable": list(self.not_applicable)},
        }

    def extended(self, raw: Mapping[str, Any], files: tuple[tuple[str, str], ...] = ()) -> "Vocabulary":
        """This vocabulary with a validated file's lists appended (names already held are not repeated)."""
        data = self.data()
        for section, entries in raw.items():
            for key, value in entries.items():
                target = data[section]
                if isinstance(value, dict):  # levels.category
                    target.setdefault(key, {}).update(value)
                elif isinstance(value, str):  # operators: spelling → canonical
                    target[key] = value
                else:
                    target[key] = list(dict.fromkeys([*target.get(key, []), *value]))
        return _build(data, (*self.files, *files))


def _build(data: Mapping[str, Any], files: tuple[tuple[str, str], ...]) -> Vocabulary:
    levels = data.get("levels", {})
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Vocabulary(
        headers={k: tuple(data["headers"].get(k, ())) for k in FIELD_KEYS},
        row_labels=tuple(data["row_labels"].get("names", ())),
        taxonomy={k: tuple(v) for k, v in data["taxonomy"].items()},
        level1=tuple(levels.get("level1", ())),
        level2=tuple(levels.get("level2", ())),
        categories=dict(levels.get("category", {})),
        operators=dict(data["operators"]),
        units=tuple(data["units"].get("names", ())),
        labels={k: tuple(data["labels"].get(k, ())) for k in LABEL_KEYS},
        qualitative=tuple(data.get("targets", {}).get("qualitative", ())),
        not_applicable=tuple(data.get("targets", {}).get("not_applicable", ())),
        files=files,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )


# ---------------------------------------------------------------------------- reading a file

def _line_of(text: str, section: str, key: Optional[str] = None) -> Optional[int]:
    """The line where a section (or a key inside it) is written, for the error message."""
    lines = text.splitlines()
    header = re.compile(rf"^\s*\[\s*{re.escape(section)}(?:\.[^\]]*)?\s*\]")
    start = next((k for k, line in enumerate(lines) if header.match(line)), None)
    if key is None:
        return start + 1 if start is not None else None
    quoted = rf"(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"
    pattern = re.compile(rf"^\s*{quoted}\s*=")
    for k in range(start + 1 if start is not None else 0, len(lines)):
        if pattern.match(lines[k]):
            return k + 1
        if start is not None and lines[k].lstrip().startswith("["):
            break
    return start + 1 if start is not None else None


def _check_value(path: str, text: str, section: str, key: str, value: Any) -> None:
    def fail(problem: str) -> None:
        raise VocabularyError(path, f"[{section}] {key}: {problem}", _line_of(text, section, key))

    if section == "operators":
        if not isinstance(value, str) or value not in OPERATORS:
            fail(f"must be one of {', '.join(OPERATORS)} (as a string), not {value!r}")
        return
    if section == "levels" and key == "category":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            fail("must be a table of name = \"national 一级 name\"")
        return
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(f"must be a list of names (strings), not {type(value).__name__} {value!r}"[:200])


def validate(raw: Mapping[str, Any], path: str, text: str) -> dict[str, dict[str, Any]]:
    """The file's sections, checked: unknown sections and keys and wrong types raise VocabularyError."""
    out: dict[str, dict[str, Any]] = {}
    for section, entries in raw.items():
        if section not in _SECTIONS:
            raise VocabularyError(path, f"unknown section [{section}]; sections are: {', '.join(_SECTIONS)}",
                                  _line_of(text, section))
        if not isinstance(entries, dict):
            raise VocabularyError(path, f"{section} must be a section ([{section}]), not a value",
                                  _line_of(text, section))
        allowed = _SECTIONS[section]
        for key, value in entries.items():
            if allowed is not None and key not in allowed:
                raise VocabularyError(path, f"unknown key {key!r} in [{section}]; keys allowed: "
                                      f"{', '.join(allowed)}", _line_of(text, section, key))
            _check_value(path, text, section, key, value)
        out[section] = dict(entries)
    return out


def parse(text: str, path: str) -> dict[str, dict[str, Any]]:
    """A vocabulary file's text → its validated sections; raises VocabularyError."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise VocabularyError(path, f"not valid TOML: {error}", int(line.group(1)) if line else None) from None
    return validate(raw, path, text)


def read_file(path: Union[str, Path]) -> tuple[dict[str, dict[str, Any]], tuple[str, str]]:
    """A user's vocabulary file, read and validated: (sections, (path, sha256))."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise VocabularyError(name, f"cannot be read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise VocabularyError(name, f"is not UTF-8 text ({error.reason} at byte {error.start})") from None
    return parse(text, name), (name, hashlib.sha256(data).hexdigest())


_BUILTIN: Optional[Vocabulary] = None


def builtin() -> Vocabulary:
    """The vocabulary shipped with jixiao (``vocabulary.toml``)."""
    global _BUILTIN
    if _BUILTIN is None:
        text = BUILTIN_PATH.read_text(encoding="utf-8")
        _BUILTIN = _build(parse(text, str(BUILTIN_PATH)), ())
    return _BUILTIN


def load_file(*paths: Union[str, Path], base: Optional[Vocabulary] = None) -> Vocabulary:
    """The built-in vocabulary (or ``base``) with each user file added, in order."""
    vocabulary = base if base is not None else builtin()
    for path in paths:
        raw, stamp = read_file(path)
        vocabulary = vocabulary.extended(raw, (stamp,))
    return vocabulary


# ---------------------------------------------------------------------------- the one in force

_DEFAULT: list[Optional[Vocabulary]] = [None]  # the process default: builtin() until set_default
_CURRENT: ContextVar[Optional[Vocabulary]] = ContextVar("jixiao_vocabulary", default=None)


def current() -> Vocabulary:
    """The vocabulary in force: the one a task runs under (:func:`using`), else the process default."""
    return _CURRENT.get() or _DEFAULT[0] or builtin()


def set_default(vocabulary: Optional[Vocabulary]) -> None:
    """Make ``vocabulary`` this process's default (None: the built-in one). A batch started after it
    sends it to every worker with the tasks."""
    _DEFAULT[0] = vocabulary


@contextlib.contextmanager
def using(vocabulary: Optional[Vocabulary]) -> Iterator[Vocabulary]:
    """Read with ``vocabulary`` inside the block (None: keep the one in force)."""
    if vocabulary is None:
        yield current()
        return
    token = _CURRENT.set(vocabulary)
    try:
        yield vocabulary
    finally:
        _CURRENT.reset(token)
