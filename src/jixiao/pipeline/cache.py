"""The batch cache: what each input turned into, so a re-run or a resumed run redoes only what changed.

``OUT/.cache/`` holds one file per finished unit of work, each written to a
temporary name and renamed into place, so a run killed at any instant leaves
either a whole entry or none:

- ``extract/<key>.json``: the :class:`Filing` (or the failed manifest entry) of
  one input. The key hashes the input's bytes, its path as given (it is
  written into every record), :data:`CACHE_FORMAT`, the code (:func:`code_digest`:
  jixiao's own files and the versions of the readers it uses), the extraction
  limits of the options (not the environment) and the layout vocabulary's
  fingerprint (a header name added reads the columns anew).
- ``repair/<key>.json``: the finished ``(ManifestEntry, FilingResult)``. Repair
  depends on the whole batch, so this key also hashes the batch digest (every
  extraction key and filing id of the batch, in input order: the passage index
  is a function of exactly that) and digests of the repair memory and of the
  reference documents. Change one input and every filing is repaired again
  (its evidence may have changed) but only the changed one is re-extracted.

The cache holds data, never code (issue 23: a pickle planted by another member
of the output folder's group ran as the converting user). An entry is JSON of
the data model, and it carries an HMAC-SHA256 under a key only this user can
read (:func:`load_secret`, a 0600 file beside the repair memory): an entry
that is not this user's (another owner, a wrong HMAC, a damaged file) is ignored
with a warning and its work redone. The folder is created 0700 whatever the
umask, and anything in it that belongs to another user is removed before use.
Failures caused by the machine rather than the input (timeouts, dead workers)
are not cached, so a re-run retries them.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
import shutil
import sqlite3
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

from .. import __version__
from ..model.errors import ErrorCode, JixiaoError
from ..layout import vocabulary
from ..model import Filing, FilingResult, ManifestEntry, Record
from ..repair.memory import connect_read_only

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

CACHE_FORMAT = 4  # 2: pickles of schema 2; 3: JSON entries with an HMAC; 4: Filing.route, error codes, reading reports
"""Bump when what is cached changes meaning, so old entries are ignored."""

KINDS = ("extract", "repair")
SUFFIX = ".json"
MAGIC = b"jixiao-cache"
SECRET_BYTES = 32

READERS = ("pypdfium2", "pdfplumber", "openpyxl", "xlrd", "lxml", "python-docx", "rapidocr-onnxruntime",
           "opencc", "jieba", "pydantic")
"""Libraries whose version changes what an input reads as: part of :func:`code_digest`."""


def digest(*parts: Union[str, bytes]) -> str:
    """A hex sha256 over the parts, each length-prefixed so that no two lists collide."""
    hasher = hashlib.sha256()
    for part in parts:
        # surrogatepass: a file name that is not UTF-8 (a lone surrogate in Python) is data too
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@functools.lru_cache(maxsize=None)
def code_digest() -> str:
    """A digest of the code that shapes every output: each file of the jixiao package (sources and the
    data files shipped with it) and the versions of the readers it uses. Computed once per process
    (~10 ms): an upgraded or edited jixiao never serves results of the old code (issue 20, item 2)."""
    return package_digest(Path(__file__).resolve().parent.parent)


def package_digest(root: Path) -> str:
    """:func:`code_digest` of the package at ``root`` (its files' relative names and bytes)."""
    from importlib import metadata

    parts: list[Union[str, bytes]] = ["code", __version__]
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo") or not path.is_file():
            continue
        parts += [path.relative_to(root).as_posix(), hashlib.sha256(path.read_bytes()).digest()]
    for name in READERS:
        try:
            parts += [name, metadata.version(name)]
        except metadata.PackageNotFoundError:
            parts += [name, "-"]
    return digest(*parts)


def extraction_key(source: str, data: bytes, task: Optional[Any] = None) -> str:
    """The extraction cache key of ``data`` read as ``source`` under ``task`` (a
    :class:`~.task.TaskSettings`, or bare ExtractionLimits; None: the settings in force)."""
    return extraction_key_of(source, hashlib.sha256(data).digest(), task)


def extraction_key_of(source: str, content_sha256: bytes, task: Optional[Any] = None) -> str:
    """:func:`extraction_key` from the sha256 of the input's bytes (hashed in pieces by the caller): the
    code, the input's name and bytes, and everything the task runs under (limits, vocabulary, reader
    settings, text form, learned layouts), hashed from the options the batch runs with, never from the
    environment."""
    from .task import TaskSettings

    task = task if task is not None else TaskSettings()
    return digest("extract", str(CACHE_FORMAT), code_digest(), vocabulary.fingerprint(), source,
                  content_sha256, *task.cache_parts())


def memory_digest(path: Optional[Union[str, os.PathLike]]) -> str:
    """A digest that changes whenever passages or their trust change in the repair memory."""
    if path is None:
        return "none"
    try:
        conn = connect_read_only(Path(path))
        try:
            row = conn.execute("SELECT count(*), coalesce(max(id), 0), total(trust), total(seen) "
                               "FROM passages").fetchone()
            tables = [name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            others = []
            for name in tables:  # e.g. the review app's decision log
                if name not in ("passages", "grams", "gram_df"):
                    try:
                        others.append(conn.execute(f'SELECT count(*), max(rowid) FROM "{name}"').fetchone())
                    except sqlite3.Error:
                        others.append(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone())
        finally:
            conn.close()
    except sqlite3.Error as error:
        return f"unreadable:{error}"
    return digest("memory", str(Path(path).resolve()), repr(row), repr(others))


def files_digest(paths: Iterable[Union[str, os.PathLike]]) -> str:
    """A digest of files' names and bytes (the reference documents)."""
    parts: list[Union[str, bytes]] = ["files"]
    for path in paths:
        parts += [str(path), _file_sha256(path)]
    return digest(*parts)


def _file_sha256(path: Union[str, os.PathLike]) -> bytes:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for piece in iter(functools.partial(handle.read, 1 << 20), b""):
            hasher.update(piece)
    return hasher.digest()


# ---------------------------------------------------------------- the key only this user can read

def load_secret(path: Path) -> tuple[bytes, Optional[str]]:
    """This user's cache key, created (0600, in a 0700 folder) on first use: ``(key, None)``.

    When the file cannot be made or is not private (another owner, readable by
    others, not a regular file), a key for this process alone is returned with
    the problem: entries of earlier runs then fail their HMAC and are redone.
    """
    try:
        secret = _read_secret(path)
        if secret is None:
            secret = _create_secret(path)
        return secret, None
    except (OSError, ValueError) as error:
        problem = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return os.urandom(SECRET_BYTES), f"the cache key {path} cannot be used ({problem})"


def _read_secret(path: Path) -> Optional[bytes]:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise ValueError(f"it belongs to uid {info.st_uid}")
        if info.st_mode & 0o077:
            raise ValueError(f"mode {stat.S_IMODE(info.st_mode):04o}: others may read it; chmod 600 it")
        secret = handle.read(SECRET_BYTES + 1)
    if len(secret) != SECRET_BYTES:
        raise ValueError(f"it holds {len(secret)} bytes, not {SECRET_BYTES}")
    return secret


def _create_secret(path: Path) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cache-key-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(SECRET_BYTES))
        try:
            os.link(tmp, path)  # atomic, and never over a key another process just made
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    secret = _read_secret(path)
    if secret is None:  # pragma: no cover - removed between link and read
        raise ValueError("it vanished while being created")
    return secret


# ---------------------------------------------------------------- entries: JSON of the data model

def encode(value: Any) -> bytes:
    """An extraction result (Filing or ManifestEntry) or a repair result ((ManifestEntry, FilingResult
    or None)) as JSON bytes; :func:`decode` gives it back equal."""
    if isinstance(value, Filing):
        document: dict[str, Any] = {"kind": "filing", "filing": value.model_dump(mode="json")}
    elif isinstance(value, ManifestEntry):
        document = {"kind": "entry", "entry": value.model_dump(mode="json")}
    elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], ManifestEntry):
        entry, result = value
        document = {"kind": "outcome", "entry": entry.model_dump(mode="json"),
                    "result": result.model_dump(mode="json") if result is not None else None,
                    # records are excluded from a FilingResult's dump (they are their own lines)
                    "records": [r.model_dump(mode="json") for r in result.records] if result is not None else []}
    else:
        raise TypeError(f"the cache holds filings and outcomes, not {type(value).__name__}")
    # NaN stays NaN (allow_nan); a lone surrogate in a cell stays itself (surrogatepass)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def decode(payload: bytes) -> Any:
    """The value :func:`encode` wrote; raises ValueError on anything else."""
    document = json.loads(payload.decode("utf-8", "surrogatepass"))
    kind = document.get("kind") if isinstance(document, dict) else None
    if kind == "filing":
        return Filing.model_validate(document["filing"])
    if kind == "entry":
        return ManifestEntry.model_validate(document["entry"])
    if kind == "outcome":
        entry = ManifestEntry.model_validate(document["entry"])
        if document["result"] is None:
            return entry, None
        result = FilingResult.model_validate(document["result"])
        result.records = [Record.model_validate(r) for r in document["records"]]
        return entry, result
    raise ValueError(f"not a jixiao cache entry (kind {kind!r})")


class Cache:
    """Atomic entries under ``root/<kind>/<key[:2]>/<key>.json``, each JSON with an HMAC.

    ``warnings`` says what was refused (entries of another user, a folder that
    is not this user's, a key that cannot be kept): the batch's summary repeats it.
    """

    def __init__(self, root: Union[str, os.PathLike], secret: Optional[bytes] = None):
        self.root = Path(root)
        self.used: set[tuple[str, str]] = set()
        self.warnings: list[str] = []
        self.rejected = 0
        self.temporary = False  # a private stand-in for a folder that was not ours: removed after the batch
        self._secret = secret if secret is not None else os.urandom(SECRET_BYTES)
        self._secure()

    # -- the folder

    def _secure(self) -> None:
        """Make ``root`` (and its kind folders) this user's and 0700, whatever the umask; remove what
        another user put there. Raises :class:`CacheFolderError` when ``root`` is not ours to use."""
        _private_dir(self.root)
        removed = 0
        for kind in KINDS:
            folder = self.root / kind
            if not _ours(folder, directory=True):
                removed += _remove(folder)
                continue
            _private_dir(folder)
            with os.scandir(folder) as listing:
                for entry in listing:
                    if not _ours(Path(entry.path), directory=True):
                        removed += _remove(Path(entry.path))
                    else:
                        _private_dir(Path(entry.path))
        if removed:
            self._reject(f"{removed} item(s) in {self.root} belonged to another user or were not "
                         "folders; removed")

    def _reject(self, message: str) -> None:
        self.rejected += 1
        if self.rejected <= 3:
            log.warning("%s", message)
        if len(self.warnings) < 3:
            self.warnings.append(message)
        elif len(self.warnings) == 3:
            self.warnings.append("more cache entries were refused (see the log)")

    def path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{SUFFIX}"

    def _mac(self, kind: str, key: str, payload: bytes) -> bytes:
        message = b"\0".join((MAGIC, str(CACHE_FORMAT).encode(), kind.encode(), key.encode(), payload))
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest().encode("ascii")

    # -- reading

    def get_payload(self, kind: str, key: str) -> Optional[bytes]:
        """The verified JSON of an entry, or None when absent or refused (then the work is redone)."""
        path = self.path(kind, key)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None  # absent (a link in its place is refused by O_NOFOLLOW: also redone)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                self._reject(f"cache entry {path} belongs to uid {info.st_uid}, not to this user: "
                             "ignored, and its input converted again")
                return None
            data = handle.read()
        header, _, payload = data.partition(b"\n")
        parts = header.split(b" ")
        if len(parts) != 3 or parts[0] != MAGIC or not hmac.compare_digest(parts[2], self._mac(kind, key, payload)):
            self._reject(f"cache entry {path} was not written by this user's jixiao (its HMAC does not "
                         "match) or is damaged: ignored, and its input converted again")
            return None
        self.used.add((kind, key))
        return payload

    def get(self, kind: str, key: str) -> Any:
        """The cached value, or None when absent, refused or unreadable (then the work is simply redone)."""
        payload = self.get_payload(kind, key)
        if payload is None:
            return None
        try:
            return decode(payload)
        except (ValueError, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
            self.used.discard((kind, key))
            return None

    # -- writing

    def put(self, kind: str, key: str, value: Any) -> bytes:
        """Store ``value``; returns its JSON. No fsync: a killed process loses nothing the kernel has;
        after a power cut a torn entry fails its HMAC and is redone."""
        payload = encode(value)
        path = self.path(kind, key)
        _private_dir(path.parent.parent)
        _private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(b" ".join((MAGIC, str(CACHE_FORMAT).encode(), self._mac(kind, key, payload))) + b"\n")
                handle.write(payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.used.add((kind, key))
        return payload

    def prune(self) -> int:
        """Drop every entry this run did not use (after a finished batch): the cache then
        holds exactly the last batch, and does not grow with every changed input. Files of
        earlier formats (``*.pkl``) go too."""
        removed = 0
        for kind in KINDS:
            for path in (self.root / kind).glob("*/*"):
                key = path.name[:-len(SUFFIX)] if path.name.endswith(SUFFIX) and not path.name.startswith(".") \
                    else None
                if key is None or (kind, key) not in self.used:
                    removed += _remove(path)
        return removed


class CacheFolderError(JixiaoError, OSError):
    """The cache folder exists but is not this user's (or not a folder): it must not be used."""

    default_code = ErrorCode.OUTPUT_FOLDER_UNUSABLE


def _ours(path: Path, *, directory: bool) -> bool:
    """Whether ``path`` is absent, or is (not through a link) a folder/file this user owns."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return True
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    return kind_ok and (not hasattr(os, "geteuid") or info.st_uid == os.geteuid())


def _private_dir(path: Path) -> None:
    """Create ``path`` as a folder of mode 0700 (chmod'ed: the umask cannot widen or narrow it)."""
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise CacheFolderError(f"{path} is not a folder")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise CacheFolderError(f"{path} belongs to uid {info.st_uid}, not to this user")
    if stat.S_IMODE(info.st_mode) != 0o700:
        path.chmod(0o700)


def _remove(path: Path) -> int:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return 0
    return 1


def open_cache(root: Path, secret_path: Path) -> Cache:
    """The cache at ``root`` keyed with this user's secret (:func:`load_secret`); when ``root`` is not
    this user's to use, a private temporary cache instead (``temporary`` set, its warning says so: the
    caller removes it after the batch)."""
    secret, problem = load_secret(secret_path)
    try:
        cache = Cache(root, secret)
    except OSError as error:
        cache = Cache(tempfile.mkdtemp(prefix="jixiao-cache-"), secret)
        cache.temporary = True
        cache.warnings.append(f"the cache folder {root} cannot be used ({error}); this run used a "
                              "private temporary cache")
    if problem:
        cache.warnings.append(f"{problem}; the cache serves this run only")
    return cache
