"""Global command-line options, shared by every command of one invocation."""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass

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
    no_wait: bool = False  # another build holds the project's lock: exit 1, do not wait
    command: str = "giza"  # the command line, as the build lock names its holder
    # The watchdog's limits in seconds, as given (None: not given; 0: no limit).
    task_timeout: float | None = None
    stall_timeout: float | None = None

    @property
    def cores(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


_current: ContextVar[Options | None] = ContextVar("giza_options", default=None)


def current() -> Options:
    return _current.get() or Options()


def use(options: Options) -> None:
    _current.set(options)
