"""Every executor runs the same tasks the same way: values back, failures as values."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from giza.errors import UsageError
from giza.graph import (
    DaskExecutor,
    Graph,
    ProcessExecutor,
    SerialExecutor,
    Task,
    make_executor,
    run_graph,
)
from giza.graph.executors import PRELOAD, Executor, start_forkserver
from giza.proc import run_command

from helpers import imported

PY = sys.executable


def _run_all(executor: Executor, tasks: list[Task]) -> dict[str, Any]:
    handles = {executor.submit(task): task.name for task in tasks}
    outcomes = {}
    while handles:
        for handle, outcome in executor.wait(list(handles), timeout=5).items():
            assert outcome.name == handles.pop(handle)
            outcomes[outcome.name] = outcome
    return outcomes


TASKS = [
    Task("value", json.loads, {"s": '{"warnings": 2}'}),
    Task("raises", json.loads, {"s": "{"}),
    Task("build-error", run_command, {"argv": [PY, "-c", "print('no'); raise SystemExit(4)"]}),
    Task("command", run_command, {"argv": [PY, "-c", "print('hi')"]}),
]


def _check(outcomes: dict[str, Any]) -> None:
    assert outcomes["value"].status == "ok"
    assert outcomes["value"].value == {"warnings": 2}
    raised = outcomes["raises"]
    assert raised.status == "failed"
    assert raised.message == (
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")
    assert "Traceback (most recent call last)" in raised.traceback
    assert raised.traceback.rstrip().endswith(raised.message)
    # A GizaError's message is for people: used as is.
    assert outcomes["build-error"].status == "failed"
    assert outcomes["build-error"].message.endswith("exited with 4: no")
    assert outcomes["command"].value["output"] == "hi\n"
    assert all(o.seconds >= 0 for o in outcomes.values())


def test_serial_executor() -> None:
    with SerialExecutor() as executor:
        assert executor.max_tasks == 1
        _check(_run_all(executor, TASKS))


def record(log: list[str], item: str) -> str:
    log.append(item)
    return item


def test_serial_executor_runs_in_submission_order() -> None:
    order: list[str] = []  # in-process: the task may share a list with the test
    executor = SerialExecutor(4)
    first = executor.submit(Task("first", record, {"log": order, "item": "first"}))
    second = executor.submit(Task("second", record, {"log": order, "item": "second"}))
    assert order == []  # nothing runs until someone waits
    assert list(executor.wait([second, first])) == [first]
    assert list(executor.wait([second])) == [second]
    assert order == ["first", "second"]
    assert executor.jobs == 4


def test_process_executor() -> None:
    with ProcessExecutor(2) as executor:
        assert executor.jobs == 2
        _check(_run_all(executor, TASKS))


def test_the_pool_workers_start_with_the_task_modules_imported() -> None:
    # giza builds start the server early, while the check runs (giza.prepare_ahead)
    start_forkserver()
    start_forkserver()  # already running: nothing more
    with ProcessExecutor(1) as executor:
        outcomes = _run_all(executor, [Task(name, imported, {"name": name})
                                       for name in [*PRELOAD, "giza.linkcheck.run"]])
    assert {name: outcome.value for name, outcome in outcomes.items()} == {
        **{name: True for name in PRELOAD}, "giza.linkcheck.run": False}


def test_process_executor_reports_an_unpicklable_result_as_a_failure() -> None:
    # iter() returns an iterator object: fine in-process, not picklable back from a worker.
    with ProcessExecutor(1) as executor:
        outcome = _run_all(executor, [Task("iter", iter, {}), Task("ok", dict, {"a": 1})])
    assert outcome["ok"].value == {"a": 1}
    assert outcome["iter"].status == "failed"


def test_dask_executor_on_a_local_cluster(dask_executor: DaskExecutor) -> None:
    assert dask_executor.jobs == 2
    assert len(dask_executor._client.scheduler_info()["workers"]) == 2
    _check(_run_all(dask_executor, TASKS))
    # The same task name again (a second run on one cluster) is a new computation.
    again = _run_all(dask_executor, [TASKS[3]])
    assert again["command"].status == "ok"


def test_dask_executor_connects_to_a_scheduler_address(dask_executor: DaskExecutor) -> None:
    address = dask_executor._client.scheduler.address
    with make_executor("dask", None, address) as remote:
        assert remote.jobs == 2  # from the cluster's worker threads when --jobs not given
        outcomes = _run_all(remote, TASKS[:1])
    assert outcomes["value"].value == {"warnings": 2}
    # Closing the client must not close someone else's cluster.
    assert _run_all(dask_executor, TASKS[:1])["value"].status == "ok"


def test_run_graph_on_the_dask_executor(dask_executor: DaskExecutor) -> None:
    graph = Graph([
        Task("a", run_command, {"argv": [PY, "-c", "print('a')"]}),
        Task("b", json.loads, {"s": "["}, ("a",)),
        Task("c", run_command, {"argv": [PY, "-c", "print('c')"]}, ("b",)),
        Task("d", json.loads, {"s": "[1]"}, ("a",), cores=2),
    ])
    outcomes = run_graph(graph, dask_executor)
    assert [(o.name, o.status) for o in outcomes.values()] == [
        ("a", "ok"), ("b", "failed"), ("c", "skipped"), ("d", "ok"),
    ]
    assert outcomes["d"].value == [1]


def test_make_executor_choices() -> None:
    assert isinstance(make_executor("serial"), SerialExecutor)
    with make_executor("process", 3) as executor:
        assert isinstance(executor, ProcessExecutor) and executor.jobs == 3
    with pytest.raises(UsageError, match="'threads'; choose one of: serial, process, dask"):
        make_executor("threads")
    with pytest.raises(UsageError, match="--jobs must be at least 1"):
        make_executor("process", 0)
    with pytest.raises(UsageError, match="--scheduler only applies to --executor dask"):
        make_executor("process", 2, "tcp://localhost:8786")
