"""Expected task durations, for starting the longest work first when cores are short.

From the last record's timeline when it has the task; otherwise a rough guess from the
number of pages a variant has (a first build, or a new variant)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from giza.builders import SLOW_FINALIZERS
from giza.layout import record_path

STARTUP = 1.5  # seconds: a sphinx-build's start-up, before it reads anything
PER_PAGE = {"sphinx": 0.04, "post-pdf": 0.1}  # seconds per page, roughly
OTHER = 0.5  # any other task without a record


LOOK_BACK = 3  # records read at most for tasks the newest one did not time


def recent_durations(config: Any, names: Iterable[str]) -> dict[str, float]:
    """task name -> seconds, from the newest record that timed it (a no-op run times
    nothing, and a variant that was up to date is not in that run's timeline)."""
    wanted = set(names)
    found: dict[str, float] = {}
    for index in range(LOOK_BACK):
        try:
            data = json.loads(record_path(config, index).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for name, seconds in recorded_durations(data if isinstance(data, dict) else None
                                                ).items():
            found.setdefault(name, seconds)
        if wanted <= found.keys():
            break
    return found


def recorded_durations(record: Mapping[str, Any] | None) -> dict[str, float]:
    """task name -> seconds it took in ``record`` (as records.load_records returns it)."""
    timeline = (record or {}).get("timeline")
    if not isinstance(timeline, Mapping):
        return {}
    found = {}
    for row in timeline.get("tasks") or ():
        try:
            found[str(row["name"])] = float(row["timing"]["end"]) - float(row["timing"]["start"])
        except (KeyError, TypeError, ValueError):
            continue
    return found


def expected_durations(tasks: Iterable[Any], recorded: Mapping[str, float],
                       pages: Mapping[str, int]) -> dict[str, float]:
    """Expected seconds for each task: ``recorded``, else guessed from ``pages`` (variant
    name -> its page count) and the task's kind."""
    expected = {}
    for task in tasks:
        if task.name in recorded:
            expected[task.name] = recorded[task.name]
            continue
        count = pages.get(task.variant or "", 0)
        if task.kind == "sphinx":
            expected[task.name] = STARTUP + PER_PAGE["sphinx"] * count
        elif task.kind == "post" and _builder(task) in SLOW_FINALIZERS:
            expected[task.name] = PER_PAGE["post-pdf"] * count
        else:
            expected[task.name] = OTHER
    return expected


def _builder(task: Any) -> str | None:
    """The builder of a variant's task (its ``variant`` argument), None for other tasks."""
    return getattr(task.kwargs.get("variant"), "builder", None)
