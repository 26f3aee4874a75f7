"""Longest expected work first: ranks, start order, and expected durations."""

from __future__ import annotations

from giza.graph import Graph, SerialExecutor, Task, run_graph
from giza.graph.task import Outcome
from giza.schedule import STARTUP, expected_durations, recent_durations, recorded_durations
from giza.variants import Variant


def _graph() -> Graph:
    # short, then long -> post-long; insertion order would start "short" first.
    return Graph([
        Task("short", dict, {}),
        Task("long", dict, {}),
        Task("post-long", dict, {}, deps=("long",)),
        Task("tiny", dict, {}),
    ])


EXPECTED = {"short": 3.0, "long": 2.0, "post-long": 2.5, "tiny": 0.1}


def test_rank_is_the_longest_chain_of_work_a_task_starts() -> None:
    assert _graph().ranks(EXPECTED) == {"short": 3.0, "long": 4.5, "post-long": 2.5,
                                        "tiny": 0.1}


class Started:
    def __init__(self) -> None:
        self.names: list[str] = []

    def plan(self, tasks: object) -> None: ...

    def task_started(self, task: Task) -> None:
        self.names.append(task.name)

    def task_finished(self, task: Task, outcome: Outcome) -> None: ...


def test_the_longest_chain_starts_first() -> None:
    started = Started()
    run_graph(_graph(), SerialExecutor(1), started, EXPECTED)  # type: ignore[arg-type]
    assert started.names == ["long", "short", "post-long", "tiny"]
    without = Started()
    run_graph(_graph(), SerialExecutor(1), without)  # type: ignore[arg-type]
    assert without.names == ["short", "long", "post-long", "tiny"]


def test_expected_durations_from_the_record_else_pages() -> None:
    tasks = [Task("sphinx:html", dict, {}, kind="sphinx", variant="html"),
             Task("sphinx:latex", dict, {}, kind="sphinx", variant="latex"),
             Task("post:latex", dict, {"variant": Variant("latex")}, kind="post",
                  variant="latex"),
             # a name is only a name: a post task is slow by its variant's builder
             Task("post:pdf-guide", dict, {"variant": Variant("html", "pdf-guide")},
                  kind="post", variant="html-pdf-guide"),
             Task("stage:public", dict, {}, kind="stage")]
    record = {"timeline": {"tasks": [
        {"name": "sphinx:html", "timing": {"start": 1.0, "end": 31.0}},
        {"name": "broken", "timing": {}}]}}
    recorded = recorded_durations(record)
    assert recorded == {"sphinx:html": 30.0}
    assert expected_durations(tasks, recorded, {"html": 100, "latex": 100}) == {
        "sphinx:html": 30.0,
        "sphinx:latex": STARTUP + 4.0,
        "post:latex": 10.0,
        "post:pdf-guide": 0.5,
        "stage:public": 0.5,
    }
    assert expected_durations(tasks[:1], {}, {})["sphinx:html"] == STARTUP


def test_recent_durations_look_back_past_a_no_op_record(copy_project, giza) -> None:
    copy_project("basic")
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0  # up to date
    from giza.config import load

    found = recent_durations(load(None), ["sphinx:html", "prepare:source", "nothing"])
    assert set(found) == {"sphinx:html", "prepare:source", "post:html", "stage:public",
                          "sitemap-index"}
    assert all(seconds >= 0 for seconds in found.values())
