"""Task timings: where each task ran, when, with how much memory, and (for sphinx-build)
its phases and slowest documents. Made in the worker, merged in the build's process."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from giza.sphinx.phases import DocTime, Phase, document_times, phases
from giza.watchdog import Watch, self_rss


@dataclass(frozen=True)
class TaskTiming:
    worker: str  # "pid 4242" or a dask worker's address
    started: float  # time.time() in the worker
    ended: float
    peak_rss: int  # bytes: the most the task's children held at once (else the worker's)
    phases: tuple[Phase, ...] = ()
    slowest: tuple[DocTime, ...] = ()
    timers: tuple[tuple[str, float], ...] = ()  # timed parts: (category, seconds)

    @property
    def seconds(self) -> float:
        return max(0.0, self.ended - self.started)

    def data(self, origin: float) -> dict[str, Any]:
        """JSON for records and reports, times in seconds from ``origin`` (the build's
        start)."""
        return {
            "worker": self.worker,
            "start": round(self.started - origin, 3),
            "end": round(self.ended - origin, 3),
            "peak_rss": self.peak_rss,
            "phases": [{"name": p.name, "start": round(p.started - origin, 3),
                        "end": round(p.ended - origin, 3), "documents": p.documents}
                       for p in self.phases],
            "slowest": [dict(asdict(d), seconds=round(d.seconds, 3)) for d in self.slowest],
            "timers": {name: round(seconds, 3) for name, seconds in self.timers},
        }


def worker_name() -> str:
    """This process as a timeline lane: its dask worker address, else its pid."""
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            return str(get_worker().address)
        except ValueError:  # not inside a dask worker
            pass
    return f"pid {os.getpid()}"


def measure(watch: Watch, started: float, ended: float) -> TaskTiming:
    worker = worker_name()
    if watch.elsewhere is not None:  # the timeline shows the build where and when it ran
        worker, started, ended = watch.elsewhere
    return TaskTiming(
        worker=worker,
        started=started,
        ended=ended,
        peak_rss=watch.peak_rss or self_rss(),
        phases=phases(watch.lines, watch.child_ended or ended, watch.child_started),
        slowest=document_times(watch.lines, watch.child_ended or ended),
        timers=tuple(sorted(watch.timers.items())),
    )


# Timer categories, in the manner of a merged worker-timer record.
def category(kind: str, name: str) -> str:
    if kind == "prepare":
        return "prepare/mirror"
    if kind == "post":
        return "post"
    return kind


def merged_timers(tasks: Iterable[tuple[str, str, Mapping[str, Any]]]) -> dict[str, float]:
    """Seconds by category over every task: (name, kind, timing data) triples. Sphinx tasks
    count per phase ("sphinx read", "sphinx write", ...); a task's timed parts count under
    their own categories ("generate steps", "post html"), the rest of it by its kind."""
    timers: dict[str, float] = {}
    for name, kind, data in tasks:
        spans = data.get("phases") or []
        if kind == "sphinx" and spans:
            for span in spans:
                key = f"sphinx {span['name']}"
                timers[key] = timers.get(key, 0.0) + span["end"] - span["start"]
            continue
        parts = data.get("timers") or {}
        for key, seconds in parts.items():
            timers[key] = timers.get(key, 0.0) + seconds
        rest = max(0.0, data["end"] - data["start"] - sum(parts.values()))
        key = category(kind, name)
        if rest or not parts:
            timers[key] = timers.get(key, 0.0) + rest
    return {key: round(value, 3) for key, value in sorted(timers.items())}
