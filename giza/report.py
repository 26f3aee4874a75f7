"""Reporters: progress and results go through these, never through print().

``ConsoleReporter`` draws a rich live display on a terminal (one line per running task of a
variant) and plain, greppable lines otherwise. ``JsonReport`` writes ``--report FILE.json``.
``summary_rows`` turns outcomes into the per-variant table both of them show.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol

from rich import box
from rich.console import Console
from rich.live import Live
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from giza.fileio import atomic_write
from giza.graph.graph import Graph
from giza.graph.task import Outcome, Task
from giza.pipeline.results import SphinxResult
from giza.sphinx.output import Message
from giza.sphinx.phases import Progress as SphinxProgress
from giza.watchdog import Stopped

REPORT_VERSION = 1


@dataclass(frozen=True)
class SummaryRow:
    """One variant's line of the summary table (and of the JSON report's "variants")."""

    variant: str
    status: str = "ok"  # ok | failed | timed out | skipped | up to date
    warnings: int | None = None  # None: not known (sphinx-build did not run)
    errors: int | None = None
    seconds: float = 0.0
    # Shown "skipped" but not a failure: its finalizer could not run (latex without
    # latexmk), so the record says "ok".
    finalizer_skipped: bool = False

    @property
    def fails(self) -> bool:
        return self.status in ("failed", "timed out") or (
            self.status == "skipped" and not self.finalizer_skipped)

    def data(self) -> dict[str, Any]:
        return {"variant": self.variant, "status": self.status, "warnings": self.warnings,
                "errors": self.errors, "seconds": round(self.seconds, 3)}


class Reporter(Protocol):
    def plan(self, tasks: Sequence[Task]) -> None: ...

    def task_started(self, task: Task) -> None: ...

    def task_finished(self, task: Task, outcome: Outcome) -> None: ...

    def message(self, text: str, level: str = "INFO") -> None: ...

    def summary(self, rows: list[SummaryRow]) -> None: ...

    def close(self) -> None: ...


def _seconds(value: float) -> str:
    return f"{value:.1f} s"


def finished_line(done: int, total: int, outcome: Outcome) -> str:
    """``[3/8] ok      sphinx:html-saas (4.2 s)``; failures and skips add their reason."""
    # Pad the count so the status column stays put past [9/26].
    count = f"[{done:>{len(str(total))}}/{total}]"
    head = f"{count} {outcome.status:<7} {outcome.name}"
    if outcome.status == "ok":
        return f"{head} ({_seconds(outcome.seconds)})"
    if outcome.status in ("failed", "timed out"):
        return f"{head} ({_seconds(outcome.seconds)}): {outcome.message}"
    reason = outcome.message.removeprefix("skipped: ")
    return f"{head}: {reason}" if reason else head


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def timed_scopes(outcome: Outcome) -> str:
    """``--level debug``: where a task ran and what its phases took, on one line."""
    timing = outcome.timing
    assert timing is not None
    parts = [f"on {timing.worker}", f"{timing.seconds:.2f} s"]
    if timing.peak_rss:
        parts.append(f"peak {timing.peak_rss / 2**20:.0f} MiB")
    for phase in timing.phases:
        docs = f" {phase.documents} document{_s(phase.documents)}" if phase.documents else ""
        parts.append(f"{phase.name}{docs} in {phase.seconds:.2f} s")
    return f"    {outcome.name}: " + ", ".join(parts)


def summary_rows(graph: Graph, outcomes: Mapping[str, Outcome]) -> list[SummaryRow]:
    """One row per variant, in graph order: variant, status, warnings, errors, seconds.

    status: "failed" if any of the variant's tasks failed, else "timed out" if the watchdog
    stopped one, else "skipped" if any was skipped or did not run, else "ok".
    warnings/errors: those of the output of the variant's "sphinx" task (None when it did
    not run).
    seconds: the sum over the variant's own tasks (shared proxy/generate tasks excluded).
    """
    rows: dict[str, SummaryRow] = {}
    for task in graph:
        if task.variant is not None:
            row = rows.get(task.variant) or SummaryRow(task.variant)
            rows[task.variant] = _with_task(row, task, outcomes.get(task.name))
    return list(rows.values())


def _with_task(row: SummaryRow, task: Task, outcome: Outcome | None) -> SummaryRow:
    """``row`` with one more of its variant's tasks counted."""
    status = row.status
    if outcome is None or outcome.status == "skipped":
        status = "skipped" if status == "ok" else status
    elif outcome.status == "failed":
        status = "failed"
    elif outcome.status == "timed out" and status != "failed":
        status = "timed out"
    if outcome is None:
        return replace(row, status=status)
    # A sphinx task's own sphinx-build: a read-once reader's task also waits for its
    # writers, a writer's task only collects what the reader's process wrote.
    sphinx = task.kind == "sphinx" and isinstance(outcome.value, SphinxResult)
    seconds = outcome.value.seconds if sphinx else outcome.seconds
    row = replace(row, status=status, seconds=row.seconds + seconds)
    if sphinx:
        warnings, errors = outcome.value.counts
        row = replace(row, warnings=(row.warnings or 0) + warnings,
                      errors=(row.errors or 0) + errors)
    return row


def summary_table(rows: list[SummaryRow]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("variant")
    table.add_column("status")
    table.add_column("warnings", justify="right")
    table.add_column("errors", justify="right")
    table.add_column("seconds", justify="right")
    for row in rows:
        table.add_row(
            row.variant,
            row.status,
            "-" if row.warnings is None else str(row.warnings),
            "-" if row.errors is None else str(row.errors),
            f"{row.seconds:.1f}",
        )
    return table


_STYLE = {"ok": "green", "failed": "bold red", "timed out": "bold red", "skipped": "yellow"}
_LEVEL_STYLE = {"WARNING": "yellow", "ERROR": "red", "SEVERE": "red", "CRITICAL": "bold red"}


class ConsoleReporter:
    """Human output. ``tty=None`` asks the stream. Plain mode writes only whole lines."""

    def __init__(self, stream: IO[str], tty: bool | None = None) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.total = 0
        self.done = 0
        # Plain mode: a fixed width and no colour or markup, so logs and tests are stable.
        self.console = Console(
            file=stream,
            width=None if self.tty else 100,
            force_terminal=self.tty,
            no_color=not self.tty,
            highlight=False,
            soft_wrap=not self.tty,
        )
        self._progress: Progress | None = None
        self._live: Live | None = None
        self._overall: TaskID | None = None
        self._lines: dict[str, TaskID] = {}
        self._variants: dict[str, str] = {}  # task name -> variant, for live progress lines
        # Expected seconds per task (set by the build) for the overall estimate.
        self.expected: Mapping[str, float] = {}
        self.cores = 1
        self._left: dict[str, float] = {}
        self._started: dict[str, float] = {}  # task name -> time.monotonic() it started
        self.debug = False  # --level debug: each task's timed scopes as it ends

    # -- events ---------------------------------------------------------------------------
    def plan(self, tasks: Sequence[Task]) -> None:
        self.total = len(tasks)
        self.done = 0
        self._left = {task.name: self.expected.get(task.name, 0.0) for task in tasks}
        if self.tty and self._live is None:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(bar_width=None),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._overall = self._progress.add_task(self._estimate(), total=self.total)
            self._live = Live(self._progress, console=self.console, refresh_per_second=8,
                              transient=True)
            self._live.start()

    def task_started(self, task: Task) -> None:
        # Only variant tasks get a line of their own: they are the long ones.
        if self._progress is not None and task.variant is not None:
            self._lines[task.name] = self._progress.add_task(task.describe(), total=None)
            self._variants[task.name] = task.variant
        self._started[task.name] = time.monotonic()

    def task_progress(self, name: str, progress: SphinxProgress) -> None:
        """A running sphinx-build's phase and count: ``html-cloud  reading 412/1178``."""
        line_id = self._lines.get(name)
        if self._progress is None or line_id is None:
            return
        total = progress.total or 100
        self._progress.update(line_id, description=f"{self._variants[name]}  "
                              f"{progress.describe()}", total=total, completed=progress.done)
        if self._overall is not None:
            self._progress.update(self._overall, description=self._estimate())

    def _estimate(self) -> str:
        """The expected work left, spread over the cores: a rough overall estimate."""
        now = time.monotonic()
        left = sum(max(0.0, seconds - (now - self._started[name]))
                   if name in self._started else seconds
                   for name, seconds in self._left.items()) / max(1, self.cores)
        return f"tasks, about {left:.0f} s left" if left >= 1 else "tasks"

    def task_finished(self, task: Task, outcome: Outcome) -> None:
        self.done += 1
        if outcome.stopped is not None:
            self._stopped(outcome.stopped)
        line = finished_line(self.done, self.total, outcome)
        if self.debug and outcome.timing is not None:
            line += "\n" + timed_scopes(outcome)
        if self._progress is None:
            self._write(line)
            return
        line_id = self._lines.pop(task.name, None)
        if line_id is not None:
            self._progress.remove_task(line_id)
        self._left.pop(task.name, None)
        if self._overall is not None:
            self._progress.update(self._overall, completed=self.done,
                                  description=self._estimate())
        style = _STYLE.get(outcome.status, "")
        self.console.print(line, style=style, markup=False, highlight=False)

    def message(self, text: str, level: str = "INFO") -> None:
        if self.tty:
            self.console.print(text, style=_LEVEL_STYLE.get(level, ""), markup=False)
        else:
            self._write(text)

    def summary(self, rows: list[SummaryRow]) -> None:
        self._stop_live()
        if rows:
            self.console.print(summary_table(rows))

    def close(self) -> None:
        self._stop_live()
        self.stream.flush()

    # -- helpers --------------------------------------------------------------------------
    def _stopped(self, stopped: Stopped) -> None:
        """What the watchdog knew when it stopped a task: its headline, the last lines."""
        lines = [stopped.headline()]
        if stopped.tail:
            lines.append(f"  last {len(stopped.tail)} line(s) of its output:")
            lines += [f"    {line}" for line in stopped.tail]
        for line in lines:
            if self._progress is None:
                self._write(line)
            else:
                self.console.print(line, markup=False, highlight=False)

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
            self._progress = None


class MultiReporter:
    """Fan one event stream out to several reporters (console + JSON)."""

    def __init__(self, *reporters: Reporter) -> None:
        self.reporters = reporters

    def plan(self, tasks: Sequence[Task]) -> None:
        for reporter in self.reporters:
            reporter.plan(tasks)

    def task_started(self, task: Task) -> None:
        for reporter in self.reporters:
            reporter.task_started(task)

    def task_finished(self, task: Task, outcome: Outcome) -> None:
        for reporter in self.reporters:
            reporter.task_finished(task, outcome)

    def message(self, text: str, level: str = "INFO") -> None:
        for reporter in self.reporters:
            reporter.message(text, level)

    def task_progress(self, name: str, progress: SphinxProgress) -> None:
        for reporter in self.reporters:
            forward = getattr(reporter, "task_progress", None)
            if forward is not None:
                forward(name, progress)

    def summary(self, rows: list[SummaryRow]) -> None:
        for reporter in self.reporters:
            reporter.summary(rows)

    def close(self) -> None:
        for reporter in self.reporters:
            reporter.close()


class JsonReport:
    """Collects events; ``close()`` writes the report atomically (temp file, then replace).

    Merged Sphinx messages are structured, so they are handed over with ``set_messages``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.tasks: dict[str, dict[str, Any]] = {}
        self.rows: list[dict[str, Any]] = []
        self.messages: list[tuple[Message, list[str]]] = []
        self.carried: Mapping[str, Collection[Message]] = {}
        self.interrupted = False
        self.origin: float | None = None  # the build's start (time.time()); set by plan()
        self.extra: dict[str, Any] = {}  # more top-level sections (timers)

    def plan(self, tasks: Sequence[Task]) -> None:
        if self.origin is None:
            self.origin = time.time()
        for task in tasks:
            self.tasks[task.name] = {
                "name": task.name, "kind": task.kind, "variant": task.variant,
                "status": "skipped", "seconds": 0.0, "message": "not run",
            }

    def task_started(self, task: Task) -> None:
        pass

    def task_finished(self, task: Task, outcome: Outcome) -> None:
        entry = self.tasks.setdefault(
            task.name, {"name": task.name, "kind": task.kind, "variant": task.variant}
        )
        entry.update(status=outcome.status, seconds=round(outcome.seconds, 3),
                     message=outcome.message)
        entry.update(task_data(outcome, self.origin or 0.0))
        if outcome.message == "skipped: interrupted":
            self.interrupted = True

    def message(self, text: str, level: str = "INFO") -> None:
        if text.startswith("interrupted"):
            self.interrupted = True

    def summary(self, rows: list[SummaryRow]) -> None:
        self.rows = [row.data() for row in rows]

    def set_messages(self, merged: Iterable[tuple[Message, list[str]]],
                     carried: Mapping[str, Collection[Message]] | None = None) -> None:
        """``merged``: each message once with its variants; ``carried``: per variant, the
        messages it carried over from its previous build rather than reported anew."""
        self.messages = list(merged)
        self.carried = carried or {}

    def data(self) -> dict[str, Any]:
        statuses = {entry["status"] for entry in self.tasks.values()}
        status = "interrupted" if self.interrupted else (
            "failed" if statuses & {"failed", "skipped", "timed out"} else "ok"
        )
        return {
            "version": REPORT_VERSION,
            "status": status,
            "variants": self.rows,
            "tasks": list(self.tasks.values()),
            "messages": [
                {"path": m.path, "line": m.line, "level": m.level, "text": m.text,
                 "variants": variants,
                 "carried": [v for v in variants if m in self.carried.get(v, ())]}
                for m, variants in self.messages
            ],
            **self.extra,
        }

    def close(self) -> None:
        write_json_atomic(self.path, self.data())


def task_data(outcome: Outcome, origin: float) -> dict[str, Any]:
    """The timing (and the watchdog's findings) of one task, as JSON for records and
    reports."""
    data: dict[str, Any] = {}
    if outcome.timing is not None:
        data["timing"] = outcome.timing.data(origin)
    if outcome.stopped is not None:
        data["stopped"] = {"reason": outcome.stopped.reason, "last": outcome.stopped.last,
                           "tail": list(outcome.stopped.tail)}
    return data


def write_json_atomic(path: Path, data: Any) -> None:
    """Readers never see a half-written report: write aside, then os.replace."""
    atomic_write(path, (json.dumps(data, indent=2, default=str) + "\n").encode("utf-8"))
