"""A build's timeline: every task that ran, where and when, as the record and the reports
keep it (plain JSON: times in seconds from the build's start)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from giza.graph.task import Outcome, Task
from giza.report import task_data
from giza.timing import merged_timers


def timeline_data(tasks: Iterable[Task], outcomes: Mapping[str, Outcome], origin: float,
                  cores: int) -> dict[str, Any]:
    """``{"started", "cores", "tasks": [...], "timers": {...}}`` for a record."""
    rows = []
    for task in tasks:
        outcome = outcomes.get(task.name)
        if outcome is None or outcome.timing is None:
            continue  # skipped: it never ran
        rows.append({"name": task.name, "kind": task.kind, "variant": task.variant,
                     "label": task.label, "status": outcome.status,
                     "message": outcome.message, "deps": list(task.waits_for),
                     "cores": task.cores, **task_data(outcome, origin)})
    timers = merged_timers((row["name"], row["kind"], row["timing"]) for row in rows)
    return {"started": origin, "cores": cores, "tasks": rows, "timers": timers}


def format_timers(record: Mapping[str, Any]) -> list[str]:
    """`giza records --timers`: merged timers by category, then each task's numbers."""
    timeline = record.get("timeline")
    if not isinstance(timeline, Mapping) or not timeline.get("tasks"):
        return ["  no timings in this record (it was written before giza recorded them, "
                "or nothing ran)"]
    lines = ["  timers (seconds, summed over workers):"]
    for name, seconds in (timeline.get("timers") or {}).items():
        lines.append(f"    {name:<24} {seconds:>9.2f}")
    lines.append("  tasks (start/end in seconds from the build's start):")
    for row in timeline["tasks"]:
        timing = row.get("timing") or {}
        rss = timing.get("peak_rss") or 0
        lines.append(f"    {row['name']:<32} {row['status']:<9} {timing.get('start', 0):>7.2f} "
                     f"{timing.get('end', 0):>7.2f}  {rss / 2**20:>7.1f} MiB  "
                     f"{timing.get('worker', '?')}")
        for phase in timing.get("phases") or ():
            docs = phase["documents"]
            count = f" ({docs} document{'' if docs == 1 else 's'})" if docs else ""
            lines.append(f"      {phase['name']:<8} {phase['end'] - phase['start']:>7.2f} s"
                         + count)
    return lines
