"""The batch cache holds data, not code (issue 23, item 1), and outlives no change that shapes the
output (issue 20, item 2): JSON entries signed with a key only this user can read, a 0700 folder
whatever the umask, and a key that hashes the code, the vocabulary and every option."""

from __future__ import annotations

import os
import pickle
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers import SAMPLES, SEED, read_jsonl
from jixiao.pipeline import cache as cache_module
from jixiao.pipeline import convert
from jixiao.pipeline.cache import Cache, decode, encode, load_secret, open_cache, package_digest
from jixiao.extractors.limits import ExtractionLimits
from jixiao.reader.settings import ReaderSettings
from jixiao.pipeline.options import ConvertOptions
from jixiao.pipeline.runner import extract_source, repair_and_join, build_index

ROOT = Path(__file__).resolve().parent.parent
GENERATED = SAMPLES / "generated"


def entries(out: Path, kind: str = "extract") -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (out / ".cache" / kind).rglob("*.json")}


def test_a_filing_and_an_outcome_come_back_equal_from_json():
    filing = extract_source(str(SEED))
    assert encode(filing).lstrip().startswith(b"{")  # JSON: nothing in it can run
    assert decode(encode(filing)) == filing
    outcome = repair_and_join(filing, build_index([filing]))
    entry, result = decode(encode((outcome.entry, outcome.result)))
    assert entry == outcome.entry and result == outcome.result
    assert result.records == outcome.result.records and len(result.records) == 14


def test_a_value_that_is_not_a_filing_or_outcome_is_refused():
    with pytest.raises(TypeError):
        encode(os.system)


@pytest.mark.parametrize("umask", [0o002, 0o022, 0o077, 0o000])
def test_the_cache_folder_is_0700_whatever_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        convert([str(SEED)], tmp_path / "out", memory=None)
    finally:
        os.umask(old)
    folders = [tmp_path / "out" / ".cache", *[p for p in (tmp_path / "out" / ".cache").rglob("*") if p.is_dir()]]
    assert len(folders) >= 5
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}
    files = [p for p in (tmp_path / "out" / ".cache").rglob("*") if p.is_file()]
    assert files and {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}


def test_an_open_cache_folder_of_an_earlier_version_is_closed_again(tmp_path):
    out = tmp_path / "out"
    convert([str(SEED)], out, memory=None)
    for folder in [out / ".cache", *(p for p in (out / ".cache").rglob("*") if p.is_dir())]:
        folder.chmod(0o777)
    convert([str(SEED)], out, memory=None)
    assert {stat.S_IMODE(p.stat().st_mode) for p in [out / ".cache", *(out / ".cache").rglob("*")]
            if p.is_dir()} == {0o700}


def test_an_entry_with_a_wrong_hmac_is_ignored_with_a_warning_and_redone(tmp_path):
    out = tmp_path / "out"
    first = convert([str(SEED)], out, memory=None)
    (entry,) = entries(out)
    header, _, payload = entry.read_bytes().partition(b"\n")
    forged = payload.replace("衡阳市应急管理局".encode(), "某某局".encode())
    assert forged != payload
    entry.write_bytes(header + b"\n" + forged)  # the old HMAC over new data
    second = convert([str(SEED)], out, memory=None)
    assert any("HMAC does not match" in w for w in second.summary["warnings"])
    assert [r.department for r in second.records] == [r.department for r in first.records]
    assert "某某局" not in entry.read_text(encoding="utf-8")  # recomputed and written anew


def test_an_entry_signed_with_another_key_is_refused(tmp_path):
    """Another user's jixiao signs with another key: its entries are not this user's."""
    mine, theirs = Cache(tmp_path / "c", os.urandom(32)), Cache(tmp_path / "c", os.urandom(32))
    theirs.put("extract", "ab" * 32, extract_source(str(SEED)))
    assert mine.get("extract", "ab" * 32) is None and mine.rejected == 1
    assert theirs.get("extract", "ab" * 32) is not None


def test_an_old_pickle_entry_is_never_read_and_is_pruned(tmp_path):
    out = tmp_path / "out"
    convert([str(SEED)], out, memory=None)
    (entry,) = entries(out)
    marker = tmp_path / "ran"
    planted = entry.with_suffix(".pkl")
    planted.write_bytes(_payload(marker))
    result = convert([str(SEED)], out, memory=None)
    assert not marker.exists() and result.summary["ok"] == 1
    assert not planted.exists()  # pruned with the entries this run did not use


def test_the_cache_key_file_is_private_and_a_readable_one_is_not_trusted(tmp_path):
    path = tmp_path / "keys" / "cache.key"
    secret, problem = load_secret(path)
    assert problem is None and len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_secret(path) == (secret, None)  # the same key on every run
    path.chmod(0o644)
    other, problem = load_secret(path)
    assert other != secret and "others may read it" in problem


def test_a_readable_key_makes_the_cache_serve_one_run_only(tmp_path, monkeypatch):
    key = tmp_path / "cache.key"
    monkeypatch.setenv("JIXIAO_CACHE_KEY", str(key))
    convert([str(SEED)], tmp_path / "out", memory=None)
    key.chmod(0o640)
    before = entries(tmp_path / "out")
    result = convert([str(SEED)], tmp_path / "out", memory=None)
    assert any("serves this run only" in w for w in result.summary["warnings"])
    assert entries(tmp_path / "out") != before  # redone: the old entries' HMACs do not match a new key


def test_a_cache_folder_that_is_not_a_folder_gives_a_temporary_cache(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("not a folder")
    cache = open_cache(out / ".cache", tmp_path / "cache.key")
    try:
        assert cache.temporary and cache.root != out / ".cache"
        assert "cannot be used" in cache.warnings[0]
    finally:
        shutil.rmtree(cache.root)
    result = convert([str(SEED)], out, memory=None)
    assert result.summary["ok"] == 1 and (out / ".cache").read_text() == "not a folder"


# ---------------------------------------------------------------- a second user plants code

def _payload(marker: Path) -> bytes:
    """A pickle that runs ``touch marker`` when loaded."""
    class Planted:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)
    return pickle.dumps(Planted())


def _can_switch_user() -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        return False
    return True


def as_nobody(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "sh", "-c", script],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not _can_switch_user(), reason="needs root, setpriv and the user nobody")
def test_a_pickle_planted_by_another_user_runs_no_code():
    """Issue 23, item 1, as it happened: the output folder is shared with a group (umask 002), another
    user replaces the cache entries with pickles of os.system; the next convert must run none."""
    work = Path(tempfile.mkdtemp(prefix="jixiao-plant-", dir="/tmp"))
    try:
        work.chmod(0o777)
        out, marker, control = work / "out", work / "ran", work / "control"
        (work / "payload").write_bytes(_payload(marker))
        pickle.loads(_payload(control))  # the payload is live: loading it does run the command
        assert control.exists()

        old = os.umask(0o002)
        try:
            first = cli("convert", str(SEED), "-o", str(out), "--no-memory", "-q", "--engine", "serial")
        finally:
            os.umask(old)
        assert first.returncode == 0, first.stderr
        assert stat.S_IMODE((out / ".cache").stat().st_mode) == 0o700
        planted = sorted((out / ".cache").rglob("*.json"))
        assert len(planted) == 2  # the extraction and the repair of the one input

        # the private folder stops the other user outright
        refused = as_nobody(f"cp {work / 'payload'} {planted[0].parent}/x.pkl")
        assert refused.returncode != 0 and "Permission denied" in refused.stderr
        assert as_nobody(f"cat {cli_env()['JIXIAO_CACHE_KEY']}").returncode != 0  # nor can it read the key

        # an earlier version left the folder open to the group: now the other user can plant
        for folder in [out / ".cache", *(p for p in (out / ".cache").rglob("*") if p.is_dir())]:
            folder.chmod(0o777)
        script = "; ".join(f"rm -f {p} && cp {work / 'payload'} {p} && cp {work / 'payload'} {p.with_suffix('.pkl')}"
                           for p in planted)
        done = as_nobody(script)
        assert done.returncode == 0, done.stderr
        assert {p.stat().st_uid for p in planted} == {pwd.getpwnam("nobody").pw_uid}

        second = cli("convert", str(SEED), "-o", str(out), "--no-memory", "-q", "--engine", "serial")
        assert second.returncode == 0, second.stderr
        assert not marker.exists(), "a planted pickle ran"
        assert "not to this user" in second.stderr  # the entries were refused, with a warning
        assert read_jsonl(out / "manifest.jsonl")[0]["records"] == 14  # and the work redone
        assert stat.S_IMODE((out / ".cache").stat().st_mode) == 0o700
        assert {p.stat().st_uid for p in (out / ".cache").rglob("*")} == {0}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cli_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao.pipeline.cli", *args], capture_output=True, text=True,
                          env=cli_env(), timeout=300)


# ---------------------------------------------------------------- the key changes with what shapes the output

def test_a_code_change_makes_the_rerun_recompute(tmp_path, monkeypatch):
    out = tmp_path / "out"
    convert([str(SEED)], out, memory=None, engine="serial")
    before = entries(out)
    convert([str(SEED)], out, memory=None, engine="serial")
    assert entries(out) == before  # unchanged code: served from the cache
    monkeypatch.setattr(cache_module, "code_digest", lambda: "an upgraded jixiao")
    convert([str(SEED)], out, memory=None, engine="serial")
    after = entries(out)
    assert set(after).isdisjoint(before)  # new keys: extracted again, and the old entries pruned


def test_editing_a_reader_module_changes_the_code_digest(tmp_path):
    package = Path(cache_module.__file__).resolve().parent.parent
    copy = tmp_path / "jixiao"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert package_digest(copy) == package_digest(package) == cache_module.code_digest()
    reader = copy / "extractors" / "html.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert package_digest(copy) != package_digest(package)
    (copy / "extractors" / "html.py").unlink()
    shutil.copy(package / "extractors" / "html.py", copy / "extractors" / "html.py")
    (copy / "layout" / "extra.json").write_text("{}")  # a data file shipped in the package counts too
    assert package_digest(copy) != package_digest(package)


def test_a_vocabulary_change_makes_the_rerun_recompute(tmp_path, monkeypatch):
    from jixiao.layout import vocabulary

    out = tmp_path / "out"
    convert([str(SEED)], out, memory=None, engine="serial")
    before = entries(out)
    monkeypatch.setattr(vocabulary, "fingerprint", lambda: "a header name added")
    convert([str(SEED)], out, memory=None, engine="serial")
    assert set(entries(out)).isdisjoint(before)


SHAPES_CACHED_VALUES = {
    # extraction: every limit is hashed through ExtractionLimits.cache_parts (ocr_threads only sets speed)
    **{name: "extraction key (ExtractionLimits.cache_parts)" for name in ExtractionLimits.model_fields},
    "memory": "repair key (memory_digest of its contents); its learned layouts: extraction key (TaskSettings)",
    "references": "repair key (files_digest of the documents)",
    "vocabulary": "extraction key (TaskSettings.cache_parts: the vocabulary's digest)",
    "text_form": "extraction key (TaskSettings.cache_parts)",
    "reader": "extraction key (TaskSettings.cache_parts: the reader settings' digest)",
}
DOES_NOT_SHAPE_CACHED_VALUES = {
    "formats": "which files are written from the cached records, not the records",
    "validate_outputs": "checks lines as they are written",
    "learn": "whether the memory is taught after the batch",
    "engine": "engines give identical bytes (tests/test_batch.py)",
    "workers": "as engine",
    "scheduler": "as engine",
    "timeout": "a timed-out input is not cached",
    "memory_limit": "an input out of memory is not cached",
    "cache": "whether there is a cache",
    "keep_results": "what the Result keeps in memory",
}


def test_every_option_is_in_the_cache_key_or_said_not_to_shape_what_is_cached():
    """A new option must be placed in one list or the other: the cache key cannot forget it silently."""
    fields = set(ConvertOptions.model_fields)
    assert fields == set(SHAPES_CACHED_VALUES) | set(DOES_NOT_SHAPE_CACHED_VALUES)
    limits = ConvertOptions().limits()
    for name in ExtractionLimits.model_fields:
        if name == "ocr_threads":
            continue
        changed = limits.model_copy(update={name: getattr(limits, name) + 1})
        assert changed.cache_parts() != limits.cache_parts(), name
    task = ConvertOptions().task()
    for name, value in (("text_form", "pipe"), ("reader", ReaderSettings(low_fit=0.5))):
        assert ConvertOptions(**{name: value}).task().cache_parts() != task.cache_parts(), name


def test_a_changed_limit_makes_the_rerun_recompute(tmp_path):
    out = tmp_path / "out"
    convert([str(SEED)], out, memory=None, engine="serial")
    before = entries(out)
    convert([str(SEED)], out, memory=None, engine="serial", max_pages=7)
    assert set(entries(out)).isdisjoint(before)
