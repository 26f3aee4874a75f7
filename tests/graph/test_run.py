"""run_graph: readiness, failures as values, skipping, the core budget, reporter events."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from giza.errors import BuildError
from giza.graph import Graph, Outcome, ProcessExecutor, SerialExecutor, Task, run_graph
from giza.proc import run_command
from giza.report import ConsoleReporter

PY = sys.executable


def record(log: list[str], item: str) -> str:
    log.append(item)
    return item


def fail(message: str) -> None:
    raise BuildError(message)


def crash() -> None:
    raise KeyError("x")


def test_dependents_of_a_failure_are_skipped_and_the_rest_runs() -> None:
    log: list[str] = []
    graph = Graph([
        Task("proxy", record, {"log": log, "item": "proxy"}),
        Task("generate", fail, {"message": "steps.yaml:3: missing key 'title'"}, ("proxy",)),
        Task("sphinx", record, {"log": log, "item": "sphinx"}, ("generate",)),
        Task("post", record, {"log": log, "item": "post"}, ("sphinx",)),
        Task("other", record, {"log": log, "item": "other"}, ("proxy",)),
        Task("boom", crash, {}),
    ])
    outcomes = run_graph(graph, SerialExecutor())
    assert list(outcomes) == ["proxy", "generate", "sphinx", "post", "other", "boom"]
    assert log == ["proxy", "other"]
    assert {n: o.status for n, o in outcomes.items()} == {
        "proxy": "ok", "generate": "failed", "sphinx": "skipped", "post": "skipped",
        "other": "ok", "boom": "failed",
    }
    assert outcomes["generate"].message == "steps.yaml:3: missing key 'title'"
    assert outcomes["sphinx"].message == "skipped: dependency 'generate' failed"
    assert outcomes["post"].message == "skipped: dependency 'sphinx' was skipped"
    assert outcomes["boom"].message == "'x'"
    assert "KeyError: 'x'" in outcomes["boom"].traceback
    assert outcomes["proxy"].value == "proxy"


def test_invalid_graph_raises_before_running_anything() -> None:
    log: list[str] = []
    graph = Graph([Task("a", record, {"log": log, "item": "a"}, ("nope",))])
    with pytest.raises(ValueError, match="unknown dependency: 'a' -> 'nope'"):
        run_graph(graph, SerialExecutor())
    assert log == []


def test_plain_console_lines_during_a_run() -> None:
    log: list[str] = []
    graph = Graph([
        Task("proxy:main", record, {"log": log, "item": "p"}),
        Task("sphinx:html", fail, {"message": "sphinx-build exited with 2"}, ("proxy:main",),
             kind="sphinx", variant="html"),
        Task("post:html", record, {"log": log, "item": "x"}, ("sphinx:html",), variant="html"),
    ])
    stream = io.StringIO()
    run_graph(graph, SerialExecutor(), ConsoleReporter(stream, tty=False))
    lines = [re.sub(r"\(\d+\.\d s\)", "(T s)", line) for line in stream.getvalue().splitlines()]
    assert lines == [
        "[1/3] ok      proxy:main (T s)",
        "[2/3] failed  sphinx:html (T s): sphinx-build exited with 2",
        "[3/3] skipped post:html: dependency 'sphinx:html' failed",
    ]


def _timed(log: Path, name: str, seconds: float) -> list[str]:
    # A real child process that records when it ran: proves what overlapped, not what we hoped.
    code = (
        "import sys, time; log, name, s = sys.argv[1], sys.argv[2], float(sys.argv[3]); "
        "start = time.time(); time.sleep(s); "
        "open(log, 'a').write(f'{name} {start} {time.time()}\\n')"
    )
    return [PY, "-c", code, str(log), name, str(seconds)]


def _meeting(log: Path, name: str, other: str) -> list[str]:
    # A child that says it started, then waits for ``other`` to say so too: it finishes only
    # if both run at once (events, not sleeps, so a loaded machine cannot fake either way).
    code = (
        "import os, sys, time; log, name, other = sys.argv[1:4]; "
        "start = time.time(); open(f'{log}.{name}', 'w').close(); "
        "deadline = start + 60\n"
        "while not os.path.exists(f'{log}.{other}') and time.time() < deadline: "
        "time.sleep(0.01)\n"
        "met = os.path.exists(f'{log}.{other}'); "
        "open(log, 'a').write(f'{name} {start} {time.time()}\\n'); sys.exit(0 if met else 3)"
    )
    return [PY, "-c", code, str(log), name, other]


def _intervals(log: Path) -> dict[str, tuple[float, float]]:
    out = {}
    for line in log.read_text().splitlines():
        name, start, end = line.split()
        out[name] = (float(start), float(end))
    return out


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_core_budget_with_the_process_executor(tmp_path: Path) -> None:
    log = tmp_path / "log"

    def task(name: str, cores: int, *deps: str, argv: list[str] | None = None) -> Task:
        return Task(name, run_command, {"argv": argv or _timed(log, name, 0.4)}, deps,
                    cores=cores)

    graph = Graph([
        task("wide", 2),  # the whole budget: runs alone
        # two 1-core tasks share the 2-core budget: each waits to meet the other
        task("a", 1, argv=_meeting(log, "a", "b")),
        task("b", 1, argv=_meeting(log, "b", "a")),
        task("huge", 5),  # more than the budget: still runs, alone
        task("after", 1, "a"),
    ])
    with ProcessExecutor(2) as executor:
        outcomes = run_graph(graph, executor)
    assert all(o.status == "ok" for o in outcomes.values()), outcomes
    spans = _intervals(log)
    for alone in ("wide", "huge"):
        others = [n for n in spans if n != alone]
        assert not any(_overlap(spans[alone], spans[n]) for n in others), spans
    assert _overlap(spans["a"], spans["b"])  # they met: both ran at once
    assert spans["after"][0] >= spans["a"][1]


def test_ready_tasks_start_as_soon_as_their_dependencies_finish(tmp_path: Path) -> None:
    # next must not wait for the unrelated slow task: there is no phase barrier. slow only
    # finishes once next has started, so with a barrier it would give up (and fail).
    log = tmp_path / "log"
    graph = Graph([
        Task("slow", run_command, {"argv": _meeting(log, "slow", "next")}),
        Task("fast", run_command, {"argv": _meeting(log, "fast", "fast")}),  # meets itself
        Task("next", run_command, {"argv": _meeting(log, "next", "next")}, ("fast",)),
    ])
    with ProcessExecutor(2) as executor:
        outcomes = run_graph(graph, executor)
    assert all(o.status == "ok" for o in outcomes.values()), outcomes
    spans = _intervals(log)
    assert spans["next"][0] >= spans["fast"][1] and spans["next"][1] <= spans["slow"][1]


class Recorder:
    """Records reporter events (a real Reporter implementation, kept for assertions)."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def plan(self, tasks: list[Task]) -> None:
        self.events.append(("plan", [t.name for t in tasks]))

    def task_started(self, task: Task) -> None:
        self.events.append(("started", task.name))

    def task_finished(self, task: Task, outcome: Outcome) -> None:
        self.events.append(("finished", task.name, outcome.status))

    def message(self, text: str, level: str = "INFO") -> None:
        self.events.append(("message", text, level))

    def summary(self, rows: list[dict[str, Any]]) -> None:
        pass

    def close(self) -> None:
        pass


def test_reporter_events_in_order() -> None:
    log: list[str] = []
    graph = Graph([
        Task("a", record, {"log": log, "item": "a"}),
        Task("b", fail, {"message": "no"}, ("a",)),
        Task("c", record, {"log": log, "item": "c"}, ("b",)),
    ])
    recorder = Recorder()
    run_graph(graph, SerialExecutor(), recorder)
    assert recorder.events == [
        ("plan", ["a", "b", "c"]),
        ("started", "a"),
        ("finished", "a", "ok"),
        ("started", "b"),
        ("finished", "b", "failed"),
        ("finished", "c", "skipped"),
    ]


def test_a_long_chain_of_skipped_dependents() -> None:
    graph = Graph([Task("t0", fail, {"message": "first"})])
    for i in range(1, 3000):
        graph.add(Task(f"t{i}", fail, {"message": "never"}, (f"t{i - 1}",)))
    outcomes = run_graph(graph, SerialExecutor())
    assert outcomes["t0"].status == "failed"
    assert outcomes["t2999"].message == "skipped: dependency 't2998' was skipped"
    assert sum(o.status == "skipped" for o in outcomes.values()) == 2999


def test_ordering_only_dependencies_wait_but_never_skip() -> None:
    log: list[str] = []
    graph = Graph([
        Task("seed", fail, {"message": "html failed"}),
        Task("reuser", record, {"log": log, "item": "reuser"}, after=("seed",)),
        Task("first", record, {"log": log, "item": "first"}),
        Task("last", record, {"log": log, "item": "last"}, deps=("first",), after=("reuser",)),
    ])
    outcomes = run_graph(graph, SerialExecutor())
    assert {n: o.status for n, o in outcomes.items()} == {
        "seed": "failed", "reuser": "ok", "first": "ok", "last": "ok"}
    assert log == ["reuser", "first", "last"]
    assert [t.name for t in graph.order()] == ["seed", "reuser", "first", "last"]
    assert "reuser  (reuses seed)" in graph.dry_run()


def test_ordering_only_cycles_and_unknown_names_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"unknown dependency: 'a' -> 'nope'"):
        Graph([Task("a", record, {}, after=("nope",))]).validate()
    with pytest.raises(ValueError, match=r"dependency cycle: a -> b -> a"):
        Graph([Task("a", record, {}, deps=("b",)), Task("b", record, {}, after=("a",))]
              ).validate()
