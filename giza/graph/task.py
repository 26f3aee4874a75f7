"""A Task is a plain function call with declared dependencies; an Outcome is its result as a value.

Failures never cross a process boundary as live exception objects: ``execute`` turns them into
an ``Outcome`` holding the message and the traceback *text*, so every executor (in-process,
process pool, dask worker) reports them the same way.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from giza.errors import relative_to
from giza.timing import TaskTiming, measure
from giza.watchdog import Limits, Stopped, TaskTimedOut, watching

Status = Literal["ok", "failed", "skipped", "timed out"]
TIMED_OUT = "timed out"


@dataclass(frozen=True)
class Task:
    name: str  # unique, e.g. "sphinx:html-saas"
    func: Callable[..., Any]  # module-level function: pickled by reference
    kwargs: Mapping[str, Any]  # plain data only
    deps: tuple[str, ...] = ()
    # Ordering only: start after these have finished, whatever their outcome (a failure
    # there does not skip this task). Used to let a build reuse another's work.
    after: tuple[str, ...] = ()
    kind: str = "task"  # "proxy" | "generate" | "sphinx" | "post" | "deploy" | ...
    variant: str | None = None  # the variant this task belongs to (for the summary)
    cores: int = 1  # cores the task keeps busy (sphinx-build -j N uses N)
    label: str = ""  # human description for --dry-run and progress
    limits: Limits | None = None  # the watchdog's limits for the children it runs

    def describe(self) -> str:
        return self.label or self.name

    @property
    def waits_for(self) -> tuple[str, ...]:
        """Every task this one starts after: dependencies, then ordering-only ones."""
        return tuple(dict.fromkeys((*self.deps, *self.after)))


@dataclass
class Outcome:
    name: str
    status: Status
    message: str = ""  # one line; for skipped: "skipped: dependency 'x' failed"
    traceback: str = ""  # text only
    value: Any = None  # the func's return value (plain data)
    seconds: float = 0.0
    exit_code: int = 0  # for a failure: the error's exit code (2 = bad config or content)
    timing: TaskTiming | None = None  # where and when it ran (None: it did not run)
    stopped: Stopped | None = None  # set when the watchdog stopped it ("timed out")
    kind: str = "task"  # its task's kind ("sphinx", "deploy", ...), set by run_graph

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _one_line(exc: BaseException) -> str:
    # str(exc) as the spec says (a GizaError's message is written for people already);
    # the class name when the exception carries no text (e.g. a bare AssertionError).
    return str(exc).strip() or type(exc).__name__


def execute(name: str, func: Callable[..., Any], kwargs: Mapping[str, Any],
            limits: Limits | None = None, root: str | None = None) -> Outcome:
    """Call ``func(**kwargs)`` and return its Outcome; runs in whichever process executes it.

    ``Exception`` becomes a failed Outcome; a child the watchdog stopped (``limits``) makes
    it "timed out". ``KeyboardInterrupt``/``SystemExit`` propagate: they mean "stop", not
    "this task failed". Every Outcome carries its TaskTiming. ``root``: the project root the
    submitting process had; paths in the task's messages are relative to it, whatever this
    process's working directory is.
    """
    start = time.perf_counter()
    started = time.time()
    with watching(name, limits) as watch, relative_to(root):
        try:
            value = func(**dict(kwargs))
        except Exception as exc:  # failures are values
            timed_out = isinstance(exc, TaskTimedOut)
            return Outcome(
                name,
                TIMED_OUT if timed_out else "failed",
                message=_one_line(exc),
                traceback="" if timed_out else "".join(traceback.format_exception(exc)),
                # A failure may still carry a result worth reporting (sphinx-build's output).
                value=getattr(exc, "value", None),
                seconds=time.perf_counter() - start,
                exit_code=int(getattr(exc, "exit_code", 1)),
                timing=measure(watch, started, time.time()),
                stopped=exc.stopped if timed_out else None,
            )
    return Outcome(name, "ok", value=value, seconds=time.perf_counter() - start,
                   timing=measure(watch, started, time.time()))
