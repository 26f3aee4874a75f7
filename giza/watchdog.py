"""The watchdog: no task hangs silently.

``execute`` (giza.graph.task) opens a ``Watch`` for the task it runs, in whichever process
runs it; the child-process runner (giza.proc) reads it and stops a child whose task
ran past ``--task-timeout`` or that made no progress for ``--stall-timeout`` seconds.
Progress is a line of output or a change in the CPU time of the child's process group.
The same Watch collects what the timeline report needs: every output line with its time,
and the peak resident memory of the task's children.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from giza.errors import BuildError
from giza.sphinx.phases import Progress, ProgressTracker

DEFAULT_STALL = 600.0
TAIL_LINES = 20
MAX_LINES = 200_000  # lines kept per task for phases and tails; a runaway child stays bounded
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
CPU_SHARE = 0.05  # CPU use below 5% of a core (a poll loop) is not progress


@dataclass(frozen=True)
class Limits:
    """How long a task may run (wall seconds) and go without progress; None = no limit."""

    task_timeout: float | None = None
    stall_timeout: float | None = DEFAULT_STALL


@dataclass(frozen=True)
class Stopped:
    """Why the watchdog stopped a task's child, and what the child said last."""

    task: str
    reason: str  # "no progress for 600 s"
    last: str  # the child's last line of output ("" when it wrote none)
    tail: tuple[str, ...]  # its last TAIL_LINES lines

    def headline(self) -> str:
        return f"{self.task}: {self.reason} (last: {self.last or 'no output'}) — it might " \
               "be stuck; stopping it"


class TaskTimedOut(BuildError):
    """Raised by the runner after it stopped a child; the task's status is "timed out"."""

    def __init__(self, stopped: Stopped, value: object = None) -> None:
        super().__init__(stopped.reason)
        self.stopped = stopped
        self.value = value


@dataclass
class Watch:
    """One task's watch, in the process that runs it (mutable: the runner updates it)."""

    task: str
    limits: Limits
    started: float = field(default_factory=time.monotonic)
    peak_rss: int = 0  # bytes, the most the task's children held at once
    child_started: float | None = None  # time.time() its first child started
    # time.time() its sphinx-build ended, when that was before the task's end (a read-once
    # reader's task then waits for its writers)
    child_ended: float | None = None
    # (worker, started, ended) of a build that ran in another process, which this task only
    # collects (a read-once writer, run in a lane of its reader's process)
    elsewhere: tuple[str, float, float] | None = None
    lines: list[tuple[float, str]] = field(default_factory=list)  # (time.time(), line)
    tracker: ProgressTracker = field(default_factory=ProgressTracker)
    # seconds by category of the timed parts (giza.watchdog.timed): "generate steps", ...
    timers: dict[str, float] = field(default_factory=dict)
    _sent: tuple[float, Progress | None] = (0.0, None)  # the last live progress sent

    def remaining(self, now: float) -> float | None:
        if self.limits.task_timeout is None:
            return None
        return self.started + self.limits.task_timeout - now

    def add_line(self, when: float, line: str) -> None:
        if len(self.lines) < MAX_LINES:
            self.lines.append((when, line))
        sink = _SINK
        progress = self.tracker.feed(line) if sink is not None else None
        if progress is None or sink is None:
            return
        last_time, last = self._sent
        # At most a few updates a second, but every change of phase at once.
        if last is None or progress.phase != last.phase or when - last_time >= PROGRESS_EVERY:
            self._sent = (when, progress)
            sink(self.task, progress)


_CURRENT: ContextVar[Watch | None] = ContextVar("giza_watch", default=None)
PROGRESS_EVERY = 0.25  # seconds between live progress updates of one task
# Where live progress goes in this process: the pool worker's queue to the build's process,
# or (serial executor) the console itself. None: nobody shows it.
_SINK: Callable[[str, Progress], None] | None = None


def set_progress_sink(sink: Callable[[str, Progress], None] | None) -> None:
    global _SINK
    _SINK = sink


@contextmanager
def watching(task: str, limits: Limits | None) -> Iterator[Watch]:
    """The Watch of ``task`` for the children started inside the block."""
    watch = Watch(task, limits or Limits(stall_timeout=None))
    token = _CURRENT.set(watch)
    try:
        yield watch
    finally:
        _CURRENT.reset(token)


def current_watch() -> Watch | None:
    return _CURRENT.get()


@contextmanager
def timed(category: str) -> Iterator[None]:
    """Add the block's seconds to ``category`` of the running task's timers (merged across
    workers in the build record); outside a task it only runs the block."""
    watch = _CURRENT.get()
    started = time.perf_counter()
    try:
        yield
    finally:
        if watch is not None:
            watch.timers[category] = (watch.timers.get(category, 0.0)
                                      + time.perf_counter() - started)


class Monitor:
    """Decides, sample by sample, whether a child must be stopped and why."""

    def __init__(self, watch: Watch | None) -> None:
        self.watch = watch
        self.last_progress = time.monotonic()
        self.cpu = -1  # the group's CPU ticks at the last progress

    def output(self) -> None:
        self.last_progress = time.monotonic()

    def sample(self, cpu_ticks: int, rss: int) -> str | None:
        """Record one sample of the child's process group; the reason to stop it, if any."""
        now = time.monotonic()
        # CPU time is progress when it is real work: at least CPU_SHARE of a core since the
        # last progress. A parent polling its stuck workers (sphinx-build -j) uses far less.
        used = (cpu_ticks - self.cpu) / _TICKS
        if self.cpu < 0 or (used > 0 and used >= CPU_SHARE * (now - self.last_progress)):
            self.cpu, self.last_progress = cpu_ticks, now
        watch = self.watch
        if watch is None:
            return None
        watch.peak_rss = max(watch.peak_rss, rss)
        remaining = watch.remaining(now)
        if remaining is not None and remaining <= 0:
            return f"ran longer than the task timeout of {_secs(watch.limits.task_timeout)}"
        stall = watch.limits.stall_timeout
        if stall is not None and now - self.last_progress >= stall:
            return f"no progress for {_secs(stall)}"
        return None

    def interval(self) -> float:
        """How often to sample: often enough to honour the smallest limit closely."""
        limits = self.watch.limits if self.watch else Limits(stall_timeout=None)
        given = [x for x in (limits.task_timeout, limits.stall_timeout) if x]
        return max(0.05, min([0.5, *(x / 10 for x in given)]))


def _secs(value: float | None) -> str:
    return f"{value:g} s"


def group_usage(pgid: int) -> tuple[int, int]:
    """(CPU clock ticks, resident bytes) of the child ``pgid`` and its descendants, from
    /proc.

    Ticks include reaped children's (cutime, cstime), so work done by short-lived
    grandchildren (sphinx -j workers, pdflatex runs) counts as progress. (0, 0) where
    /proc is not there: then only output counts as progress.
    """
    ticks = rss = 0
    for pid in _tree(pgid):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) < 22:
            continue
        ticks += sum(int(x) for x in fields[11:15])
        rss += int(fields[21]) * _PAGE
    return ticks, rss


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from each thread's ``children`` list (cheap: only the
    tree is read); the members of process group ``root`` where the kernel lacks them."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in threads:
            try:
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as handle:
                    todo.extend(int(child) for child in handle.read().split())
            except FileNotFoundError:
                return _group_members(root)
            except OSError:
                continue
    return found


def _group_members(pgid: int) -> list[int]:
    members = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


def self_rss() -> int:
    """Resident bytes of this process now (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0
