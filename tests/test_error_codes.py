"""Errors with codes (issue 20, part 3): one base, every class its code, facts in fields."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import re
from pathlib import Path

import pytest

import jixiao
from jixiao.model import ErrorCategory, ErrorCode, ErrorItem, JixiaoError
from jixiao.repair.memory import MemoryDamaged

from helpers import ROOT, codes

SRC = ROOT / "src" / "jixiao"


def _modules():
    for info in pkgutil.walk_packages(jixiao.__path__, "jixiao."):
        if info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


def _error_classes() -> list[type]:
    found = {}
    for module in _modules():
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("jixiao."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def test_every_error_jixiao_defines_is_a_jixiao_error_with_its_own_code():
    classes = _error_classes()
    assert len(classes) > 20  # the walk found them: extractors, options, output, memory, review, engines
    for cls in classes:
        if cls is JixiaoError:
            continue
        assert issubclass(cls, JixiaoError), f"{cls.__module__}.{cls.__qualname__} is not a JixiaoError"
        assert isinstance(cls.default_code, ErrorCode), cls
        if cls.__name__ != "InternalError":
            assert cls.default_code is not ErrorCode.INTERNAL, f"{cls.__qualname__} has no code of its own"


def test_every_code_has_a_category_and_is_raised_or_reported_somewhere():
    source = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    table = source[source.index("def _categories"):source.index("_CATEGORY = _categories()")]
    source = source.replace(table, "")  # the table of categories names codes without using them
    for code in ErrorCode:
        assert isinstance(code.category, ErrorCategory)
        assert re.search(rf"ErrorCode\.{code.name}\b", source), f"{code.value} is never used"


def test_the_first_codes_of_each_group_open_their_category():
    assert ErrorCode.ENCRYPTED.category is ErrorCategory.INPUT
    assert ErrorCode.NEEDS_OCR.category is ErrorCategory.EXTRACTION
    assert ErrorCode.UNKNOWN_LEVEL.category is ErrorCategory.LAYOUT
    assert ErrorCode.MEMORY_DAMAGED.category is ErrorCategory.MEMORY
    assert ErrorCode.TIMED_OUT.category is ErrorCategory.BATCH
    assert ErrorCode.NOT_SIGNED_IN.category is ErrorCategory.REVIEW


def test_an_error_item_takes_its_category_from_its_code_unless_told():
    assert ErrorItem(code=ErrorCode.NO_TABLE, component="extract", message="m").category is ErrorCategory.EXTRACTION
    told = ErrorItem(code=ErrorCode.TIMED_OUT, category=ErrorCategory.REPAIR, component="repair", message="m")
    assert told.category is ErrorCategory.REPAIR
    with pytest.raises(ValueError):
        ErrorItem(component="extract", message="no code")  # every item carries one


def test_an_error_crosses_processes_with_its_code_and_facts(tmp_path):
    damaged = MemoryDamaged(tmp_path / "m.sqlite", "not a database")
    again = pickle.loads(pickle.dumps(damaged))
    assert type(again) is MemoryDamaged and again.code is ErrorCode.MEMORY_DAMAGED
    assert (again.path, again.problem, again.damaged, str(again)) == (damaged.path, "not a database", True,
                                                                       str(damaged))


UNKNOWN_LEVELS = """2023年度部门整体支出绩效目标表
部门（单位）名称：湘潭市示例局
| 一级指标 | 二级指标 | 三级指标 | 指标值类型 | 指标值 | 计量单位 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | ≥ | 500 | 人次 | 10 |
| 工作任务 | 数量指标 | 验收次数 | = | 4 | 次 | 10 |
| 满意度指标 | 服务对象满意度指标 | 服务对象满意度 | ≥ | 95 | % | 10 |
| 另类指标 | 质量指标 | 验收合格率 | = | 100 | % | 10 |
"""


def test_rows_the_taxonomy_does_not_know_are_a_code_and_their_numbers_a_field(tmp_path):
    """The fact that was smuggled into the message as "(unknown_level)" is the code now, and the rows
    are data."""
    from jixiao.pipeline import convert

    path = tmp_path / "levels.txt"
    path.write_text(UNKNOWN_LEVELS, encoding="utf-8")
    result = convert([str(path)], tmp_path / "out", memory=None, cache=False)
    (filing,) = result.filings
    (item,) = [e for e in filing.errors if e.code is ErrorCode.UNKNOWN_LEVEL]
    assert item.rows == [2, 4] and item.category is ErrorCategory.LAYOUT
    assert "unknown_level" not in item.message
    assert "unknown_level" in codes(result.manifest[0])


def test_the_outputs_say_the_codes(tmp_path):
    from jixiao.pipeline import convert

    from helpers import read_jsonl

    missing = tmp_path / "missing.txt"
    convert([str(missing)], tmp_path / "out", memory=None, cache=False)
    (line,) = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    (error,) = line["errors"]
    assert (error["code"], error["category"]) == ("no_such_file", "input")
    assert Path(line["source"]) == missing
