"""One options object (issue 11, item 6): ConvertOptions validated, JIXIAO_* settings read in one place,
and the options travel to the workers as data (never through os.environ)."""

from __future__ import annotations

import os
import pickle

import pytest

from jixiao.extractors.limits import ExtractionLimits
from jixiao.model import ErrorCode
from jixiao.pipeline import convert
from jixiao.pipeline.cache import extraction_key
from jixiao.pipeline.cli import main
from jixiao.pipeline.options import ConvertOptions, OptionsError, Settings, settings

from helpers import SAMPLES, codes, read_jsonl

PDF = SAMPLES / "generated" / "hengyang-yingji-2022.pdf"  # 5 pages, the table on pages 3-5
LIMIT_VARIABLES = tuple(f"JIXIAO_{name.upper()}" for name in ExtractionLimits.model_fields)


@pytest.fixture
def clean_env(monkeypatch):
    for name in LIMIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_every_option_and_setting_is_described():
    for model in (ConvertOptions, Settings, ExtractionLimits):
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"


def test_every_limit_is_an_option_and_a_setting_with_the_same_range():
    """A limit added to ExtractionLimits reaches ConvertOptions, JIXIAO_<LIMIT> and every worker."""
    for name, info in ExtractionLimits.model_fields.items():
        for model in (ConvertOptions, Settings):
            assert name in model.model_fields, f"{model.__name__} lacks the limit {name}"
            assert model.model_fields[name].metadata == info.metadata, name
    changed = {name: getattr(ExtractionLimits(), name) + 1 for name in ExtractionLimits.model_fields}
    assert ConvertOptions(**changed).limits() == ExtractionLimits(**changed)


def test_settings_come_from_jixiao_variables(monkeypatch, clean_env):
    monkeypatch.setenv("JIXIAO_MAX_PAGES", "7")
    monkeypatch.setenv("JIXIAO_MEMORY", "/tmp/somewhere/m.sqlite")
    assert settings().max_pages == 7 and str(settings().memory) == "/tmp/somewhere/m.sqlite"
    assert ConvertOptions().max_pages == 7  # the default follows the setting
    assert ConvertOptions(max_pages=9).max_pages == 9  # an explicit value wins
    assert ConvertOptions().limits() == ExtractionLimits(max_pages=7)


@pytest.mark.parametrize("changes, named, allowed", [
    ({"max_pages": 0}, "max_pages", "≥ 1 and ≤ 1000000"),
    ({"max_ocr_pages": -3}, "max_ocr_pages", "≥ 1 and ≤ 100000"),
    ({"max_inflated_mb": 1 << 30}, "max_inflated_mb", "≥ 1 and ≤ 16777216"),
    ({"workers": 0}, "workers", "≥ 1 and ≤ 4096"),
    ({"timeout": -1}, "timeout", "> 0 and ≤ 604800"),
    ({"engine": "spark"}, "engine", "serial, local, dask"),
    ({"formats": ("jsonl", "pdf")}, "formats", "jsonl, csv, parquet, xlsx"),
])
def test_a_bad_value_names_the_option_and_what_is_allowed(changes, named, allowed, tmp_path):
    with pytest.raises(OptionsError) as caught:
        convert([str(PDF)], tmp_path / "out", **changes)
    assert caught.value.code is ErrorCode.BAD_OPTION
    (bad,) = caught.value.bad
    assert (bad.name, bad.allowed, bad.unknown) == (named, allowed, False)
    assert bad.value == next(iter(changes.values())) or list(bad.value) == list(changes["formats"])
    assert not (tmp_path / "out").exists()


def test_an_unknown_option_is_refused_by_name():
    with pytest.raises(OptionsError) as caught:
        ConvertOptions.build(max_page=3)
    (bad,) = caught.value.bad
    assert (bad.name, bad.unknown) == ("max_page", True) and "max_pages" in bad.allowed.split(", ")


def test_a_bad_setting_names_its_variable(monkeypatch, clean_env):
    monkeypatch.setenv("JIXIAO_MAX_OCR_PAGES", "0")
    with pytest.raises(OptionsError) as caught:
        ConvertOptions()
    assert [(bad.name, bad.allowed) for bad in caught.value.bad] == [("JIXIAO_MAX_OCR_PAGES", "≥ 1 and ≤ 100000")]


def test_cli_reports_a_bad_option_as_a_usage_error(tmp_path, capsys):
    assert main(["convert", str(PDF), "-o", str(tmp_path / "out"), "--max-pages", "0", "--quiet"]) == 2
    assert capsys.readouterr().err  # said on stderr (the API's OptionsError says it as data: above)
    assert not (tmp_path / "out").exists()


def test_options_are_data_and_the_cache_key_hashes_them_not_the_environment(monkeypatch, clean_env):
    options = ConvertOptions(max_pages=4, engine="local")
    assert pickle.loads(pickle.dumps(options)) == options
    data = PDF.read_bytes()
    plain = extraction_key(str(PDF), data, ExtractionLimits())
    monkeypatch.setenv("JIXIAO_MAX_PAGES", "4")
    assert extraction_key(str(PDF), data, ExtractionLimits()) == plain  # the environment is not hashed
    assert extraction_key(str(PDF), data, options.limits()) != plain
    assert extraction_key(str(PDF), data, ExtractionLimits(ocr_threads=3)) == plain  # threads read nothing


def _pages_searched(out) -> int:
    """How many pages the batch's one PDF was searched on: its pages were capped, and said so."""
    (entry,) = read_jsonl(out / "manifest.jsonl")
    assert entry["status"] == "partial", entry  # the scoring fragment is on page 5
    assert "pages_capped" in codes(entry)
    return len(entry["pages"])


def test_worker_processes_get_max_pages_with_their_tasks(tmp_path, clean_env):
    """The local pool's workers are started without JIXIAO_MAX_PAGES in any environment: the limit
    reaches them only with the tasks, as it reaches a remote Dask worker."""
    out = tmp_path / "api"
    convert([str(PDF)], out, engine="local", workers=1, max_pages=4, memory=None)
    assert _pages_searched(out) == 4
    assert "JIXIAO_MAX_PAGES" not in os.environ

    cli_out = tmp_path / "cli"
    assert main(["convert", str(PDF), "-o", str(cli_out), "--engine", "local", "--workers", "1",
                 "--max-pages", "4", "--no-memory", "--quiet"]) == 0
    assert _pages_searched(cli_out) == 4
    assert "JIXIAO_MAX_PAGES" not in os.environ  # cli.py no longer writes the environment


def test_dask_workers_get_max_pages_with_their_tasks(tmp_path, clean_env):
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    convert([str(PDF)], out, engine="dask", workers=1, max_pages=4, timeout=120)
    assert _pages_searched(out) == 4
