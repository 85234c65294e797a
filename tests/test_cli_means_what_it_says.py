"""The command line means what it says (issue 20, part 2): option names, defaults and help texts."""

from __future__ import annotations

import sqlite3

import pytest

from jixiao.extractors.base import IMAGE_SUFFIXES
from jixiao.pipeline import cli, runner
from jixiao.pipeline.inputs import INPUT_SUFFIXES
from jixiao.pipeline.options import ConvertOptions, command_line_defaults
from jixiao.repair.memory import RepairMemory


def _options(*argv: str) -> ConvertOptions:
    return cli.convert_options(cli.build_parser().parse_args(["convert", "in.txt", "-o", "out", *argv]))


def test_worker_memory_sets_each_workers_address_space():
    assert _options("--worker-memory", "2G").memory_limit == 2 << 30
    assert _options("--worker-memory", "0").memory_limit is None
    assert _options().memory_limit == 4 << 30


def test_the_old_memory_limit_still_works_hidden_and_names_its_new_name(capsys):
    assert _options("--memory-limit", "512M").memory_limit == 512 << 20
    assert capsys.readouterr().err  # a deprecation warning on stderr
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["convert"].format_help()
    assert "--worker-memory" in help_text and "--memory-limit" not in help_text


def test_a_size_given_to_memory_is_a_usage_error(tmp_path, capsys):
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    status = cli.main(["convert", str(source), "-o", str(tmp_path / "out"), "--memory", "4G"])
    assert status == cli.EXIT_USAGE
    assert not (tmp_path / "out" / "manifest.jsonl").exists()


def test_command_line_and_api_defaults_differ_only_where_both_helps_say(monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_MEMORY", str(tmp_path / "m.sqlite"))
    api, command_line = ConvertOptions(), _options()
    differ = {name for name in ConvertOptions.model_fields if getattr(api, name) != getattr(command_line, name)}
    assert differ == set(command_line_defaults())
    assert all(getattr(command_line, name) == value for name, value in command_line_defaults().items())
    epilog = cli.build_parser()._subparsers._group_actions[0].choices["convert"].epilog
    for name in differ:
        assert name in epilog and name in runner.convert.__doc__


def test_convert_help_names_every_format_it_reads():
    help_text = " ".join(cli.build_parser()._subparsers._group_actions[0].choices["convert"].format_help().split())
    variants = {".jpeg", ".tiff", ".xhtml", ".xlsm", ".docm"}  # spellings of a format named there already
    for suffix in sorted(INPUT_SUFFIXES - variants) + sorted(IMAGE_SUFFIXES - variants):
        assert suffix in help_text, suffix


@pytest.fixture
def damaged(tmp_path):
    path = tmp_path / "memory.sqlite"
    with RepairMemory(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE broken(' WHERE name = 'passages'")
    conn.commit()
    conn.close()
    return path


def test_memory_check_reads_jixiao_memory_when_it_runs_not_when_jixiao_was_imported(monkeypatch, tmp_path):
    sound = tmp_path / "set-after-import.sqlite"
    with RepairMemory(sound):
        pass
    monkeypatch.setenv("JIXIAO_MEMORY", str(sound))
    assert cli.main(["memory", "check"]) == 0
    monkeypatch.setenv("JIXIAO_MEMORY", str(tmp_path / "missing.sqlite"))
    assert cli.main(["memory", "check"]) == cli.EXIT_USAGE


def test_memory_salvage_moves_a_damaged_file_aside(damaged, monkeypatch):
    monkeypatch.setenv("JIXIAO_MEMORY", str(damaged))
    assert cli.main(["memory", "check"]) == 1
    assert cli.main(["memory", "salvage"]) == 0
    assert cli.main(["memory", "check"]) == 0
    assert list(damaged.parent.glob("memory.sqlite.damaged-*"))


def test_memory_repair_is_the_old_name_of_salvage_hidden_and_named(damaged, capsys):
    assert cli.main(["memory", "repair", "--memory", str(damaged)]) == 0
    assert capsys.readouterr().err  # a deprecation warning on stderr
    assert cli.main(["memory", "check", "--memory", str(damaged)]) == 0
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["memory"].format_help()
    assert "salvage" in help_text and "repair " not in help_text.replace("repair memory", "")
