"""Engines: a hung, dying or memory-hungry task fails alone and the pool goes on."""

from __future__ import annotations

import pytest

from jixiao.model import ErrorCode
from jixiao.pipeline.engines import ENGINES, LocalEngine, SerialEngine, make_engine

import batch_tasks


def test_registry_and_unknown_engine():
    assert set(ENGINES) == {"serial", "local", "dask"}
    with pytest.raises(ValueError) as raised:  # a ValueError, as it was, and coded
        make_engine("spark")
    assert raised.value.code is ErrorCode.BAD_OPTION


def test_local_engine_isolates_hang_death_and_memory():
    with LocalEngine(2, timeout=8, memory_limit=1 << 30) as engine:  # room for a loaded machine
        done = dict(engine.run(batch_tasks.misbehave, [(x, (x,)) for x in range(10)]))
    assert sorted(done) == list(range(10))
    assert done[3].code is ErrorCode.TIMED_OUT
    assert done[5].code is ErrorCode.WORKER_DIED  # killed by signal 9
    assert done[7].code is ErrorCode.OUT_OF_MEMORY
    for x in (0, 1, 2, 4, 6, 8, 9):  # the replacement workers carried on
        assert done[x].error is None and done[x].code is None and done[x].value == x * x


def test_setup_runs_once_per_worker_and_again_in_replacements():
    with LocalEngine(2, timeout=30) as engine:
        done = dict(engine.run(batch_tasks.seen, [(x, (x,)) for x in range(8)], setup=(batch_tasks.remember, "ctx")))
    assert {d.value[0] for d in done.values()} == {"ctx"}
    assert len({d.value[1] for d in done.values()}) <= 2  # two worker processes, none restarted


def test_serial_engine_runs_in_process():
    with SerialEngine() as engine:
        assert [d.value for _, d in engine.run(batch_tasks.square, [(i, (i,)) for i in range(4)])] == [0, 1, 4, 9]


def test_dask_engine_times_out_a_hung_task_and_goes_on():
    from jixiao.pipeline.dask_engine import DaskEngine

    # the clock starts at submission: on a loaded machine a fresh worker's first task alone took
    # over 4 s (a flaky failure), so the limit leaves room for that and still catches the hang
    with DaskEngine(2, timeout=15) as engine:
        done = dict(engine.run(batch_tasks.misbehave, [(x, (x,)) for x in (0, 1, 3, 4, 6)]))
    assert done[3].code is ErrorCode.TIMED_OUT
    assert {x: done[x].value for x in (0, 1, 4, 6)} == {0: 0, 1: 1, 4: 16, 6: 36}
