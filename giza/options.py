"""Global command-line options, shared by every command of one invocation."""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass

from giza.watchdog import Limits

LEVELS = ("debug", "info", "warning", "error", "critical")
EXECUTORS = ("serial", "process", "dask")


@dataclass(frozen=True)
class Options:
    level: str = "info"
    jobs: int = 0  # 0 = one per core
    executor: str = "process"
    scheduler: str | None = None
    force: bool = False
    strict: bool = False
    conf: str | None = None
    task_timeout: float | None = None  # seconds a task may run; None = no limit
    stall_timeout: float | None = 600.0  # seconds a task may go without progress; None = off

    @property
    def limits(self) -> Limits:
        """The watchdog's limits for every task of this invocation."""
        return Limits(self.task_timeout, self.stall_timeout)

    @property
    def cores(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


_current: ContextVar[Options | None] = ContextVar("giza_options", default=None)


def current() -> Options:
    return _current.get() or Options()


def use(options: Options) -> None:
    _current.set(options)
