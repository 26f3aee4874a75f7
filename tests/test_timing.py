"""Timers merged across workers: a task's timed parts (generation by generator kind,
post-processing by finalizer) count under their own categories, the rest by kind."""

from __future__ import annotations

import json

from giza.timing import merged_timers
from giza.watchdog import Limits, timed, watching


def test_timed_parts_count_apart_and_the_rest_by_kind():
    tasks = [
        ("prepare:source", "prepare", {"start": 0.0, "end": 1.0,
                                       "timers": {"generate steps": 0.3,
                                                  "generate extracts": 0.2}}),
        ("prepare:source-saas", "prepare", {"start": 0.0, "end": 0.5,
                                            "timers": {"generate steps": 0.1}}),
        ("post:html", "post", {"start": 2.0, "end": 2.5, "timers": {"post html": 0.5}}),
        ("stage:public", "stage", {"start": 3.0, "end": 3.25}),
    ]
    assert merged_timers(tasks) == {"generate extracts": 0.2, "generate steps": 0.4,
                                    "post html": 0.5, "prepare/mirror": 0.9, "stage": 0.25}


def test_timed_adds_to_the_running_task_only():
    with timed("generate steps"):
        pass  # outside a task: nothing to add to, nothing breaks
    with watching("prepare:source", Limits(stall_timeout=None)) as watch:
        for _ in range(2):
            with timed("generate steps"):
                pass
    assert list(watch.timers) == ["generate steps"]
    assert watch.timers["generate steps"] >= 0.0


def test_a_build_records_generation_by_kind_and_post_by_finalizer(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: timers}\n",
        "source/index.txt": "Home\n====\n\n.. include:: /includes/steps/a.rst\n\n"
                            ".. include:: /includes/extracts/b.rst\n",
        "source/includes/steps-a.yaml": "title: One\nref: one\ncontent: fine\n",
        "source/includes/extracts-b.yaml": "ref: b\ncontent: fine\n",
    })
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    record = json.loads((root / "build/main/.giza/record.json").read_text())
    timers = record["timeline"]["timers"]
    assert {"generate steps", "generate extracts", "post html", "prepare/mirror"} <= set(timers)
    shown = giza("records", "--timers").out
    assert "generate steps" in shown and "post html" in shown
