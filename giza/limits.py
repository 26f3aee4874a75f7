"""Which watchdog limits each task gets: the command line first, then build_conf.yaml's
``timeouts`` for the task's kind, then the defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from giza.graph.task import Task
from giza.watchdog import DEFAULT_STALL, Limits


def timeout_key(task: Task) -> str:
    """The ``timeouts`` key of a task: its kind, or ``latex`` for a latex variant's
    sphinx-build and finalizer (the PDF runs)."""
    variant = task.kwargs.get("variant") if isinstance(task.kwargs, Mapping) else None
    if task.kind in ("sphinx", "post") and getattr(variant, "builder", None) == "latex":
        return "latex"
    return task.kind


def _seconds(value: float | None) -> float | None:
    return value or None  # 0 means no limit


def limits_for(options: Any, timeouts: Mapping[str, Any] | None) -> Callable[[Task], Limits]:
    """``task -> Limits`` for ``options`` (--task-timeout, --stall-timeout; None when not
    given) and a config's ``timeouts`` section."""
    configured = dict(timeouts or {})
    stall = options.stall_timeout if options.stall_timeout is not None else \
        configured.get("stall")
    stall_limit = DEFAULT_STALL if stall is None else _seconds(stall)

    def limits(task: Task) -> Limits:
        wall = options.task_timeout if options.task_timeout is not None else \
            configured.get(timeout_key(task))
        return Limits(_seconds(wall), stall_limit)

    return limits
