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

Status = Literal["ok", "failed", "skipped"]


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

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _one_line(exc: BaseException) -> str:
    # str(exc) as the spec says (a GizaError's message is written for people already);
    # the class name when the exception carries no text (e.g. a bare AssertionError).
    return str(exc).strip() or type(exc).__name__


def execute(name: str, func: Callable[..., Any], kwargs: Mapping[str, Any],
            root: str | None = None) -> Outcome:
    """Call ``func(**kwargs)`` and return its Outcome; runs in whichever process executes it.

    ``root``: the project root the submitting process had; paths in the task's messages
    are relative to it, whatever this process's working directory is.
    ``Exception`` becomes a failed Outcome. ``KeyboardInterrupt``/``SystemExit`` propagate:
    they mean "stop", not "this task failed".
    """
    start = time.perf_counter()
    try:
        with relative_to(root):
            value = func(**dict(kwargs))
    except Exception as exc:  # failures are values
        return Outcome(
            name,
            "failed",
            message=_one_line(exc),
            traceback="".join(traceback.format_exception(exc)),
            # A failure may still carry a result worth reporting (sphinx-build's output).
            value=getattr(exc, "value", None),
            seconds=time.perf_counter() - start,
            exit_code=int(getattr(exc, "exit_code", 1)),
        )
    return Outcome(name, "ok", value=value, seconds=time.perf_counter() - start)
