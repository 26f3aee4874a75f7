"""run_graph: run every task whose dependencies succeeded, as soon as it is ready, within the
executor's core budget. Failures are values; dependents of a failed task are skipped."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from giza.graph.graph import Graph
from giza.graph.task import Outcome, Task

if TYPE_CHECKING:
    from giza.graph.executors import Executor
    from giza.report import Reporter

INTERRUPTED = "skipped: interrupted"
POLL_SECONDS = 0.5  # bounded waits keep the loop responsive to Ctrl-C on every platform


class GraphInterrupted(KeyboardInterrupt):
    """KeyboardInterrupt carrying the outcomes so far (finished tasks and the interrupted
    ones marked "skipped: interrupted"), for the CLI to print before exiting 130."""

    def __init__(self, outcomes: dict[str, Outcome]) -> None:
        super().__init__("interrupted")
        self.outcomes = outcomes


def run_graph(
    graph: Graph, executor: Executor, reporter: Reporter | None = None,
    expected: Mapping[str, float] | None = None,
) -> dict[str, Outcome]:
    """Run ``graph`` on ``executor``; return an Outcome for every task, in graph order.

    At most ``executor.jobs`` cores are busy (sum of ``task.cores`` of running tasks); a task
    needing more than ``jobs`` runs alone. Among ready tasks, graph insertion order wins, or,
    given ``expected`` seconds per task, the longest expected chain of work first (see
    Graph.ranks); a smaller task that fits the remaining budget is not held back by a larger
    one before it.
    On KeyboardInterrupt the executor is shut down (children killed), unfinished tasks become
    "skipped: interrupted" and GraphInterrupted (a KeyboardInterrupt) is raised.
    """
    graph.validate()
    tasks = graph.tasks
    run = _Run(graph, executor, reporter, _priority(graph, expected))
    _emit(reporter and reporter.plan, tasks)
    _connect_progress(executor, reporter)
    restore = _sigterm_as_interrupt()
    try:
        while run.ready or run.running:
            run.start_ready()
            if run.running:
                run.collect()
    except KeyboardInterrupt:
        _stop(executor, run.running, run.outcomes, tasks, reporter)
        raise GraphInterrupted({t.name: run.outcomes[t.name] for t in tasks}) from None
    finally:
        restore()
    return {t.name: run.outcomes[t.name] for t in tasks}


def _emit(event: Callable[..., None] | None, *args: Any) -> None:
    if event is not None:
        event(*args)


class _Run:
    """The state of one run_graph call: what waits, what is ready, what runs."""

    def __init__(self, graph: Graph, executor: Executor, reporter: Reporter | None,
                 priority: Callable[[str], Any]) -> None:
        self.graph, self.executor, self.reporter, self.priority = (
            graph, executor, reporter, priority)
        self.dependents = graph.dependents()
        self.waiting = {task.name: set(task.waits_for) for task in graph.tasks}
        self.budget = max(1, executor.jobs)
        self.max_tasks = getattr(executor, "max_tasks", None)
        self.outcomes: dict[str, Outcome] = {}
        self.ready: list[str] = sorted(
            (t.name for t in graph.tasks if not self.waiting[t.name]), key=priority)
        self.running: dict[Any, Task] = {}
        self.busy = 0

    def start_ready(self) -> None:
        """Start everything that fits. cores > budget counts as the whole budget: alone."""
        graph, reporter = self.graph, self.reporter
        for name in list(self.ready):
            if name in self.outcomes:  # skipped while it sat in the ready list
                self.ready.remove(name)
                continue
            if self.max_tasks is not None and len(self.running) >= self.max_tasks:
                break
            cost = min(graph[name].cores, self.budget)
            if self.running and self.busy + cost > self.budget:
                continue
            self.ready.remove(name)
            task = graph[name]
            _emit(reporter and reporter.task_started, task)
            self.running[self.executor.submit(task)] = task
            self.busy += cost

    def collect(self) -> None:
        """Wait a little for running tasks; record those that finished."""
        finished = self.executor.wait(list(self.running), timeout=POLL_SECONDS)
        for handle, outcome in finished.items():
            task = self.running.pop(handle)
            self.busy -= min(task.cores, self.budget)
            outcome.name = task.name
            self.finish(task, outcome)

    def finish(self, task: Task, outcome: Outcome) -> None:
        # Iterative: a long chain of skipped dependents must not hit the recursion limit.
        graph, reporter = self.graph, self.reporter
        stack = [(task, outcome)]
        while stack:
            task, outcome = stack.pop(0)
            outcome.kind = task.kind
            self.outcomes[task.name] = outcome
            _emit(reporter and reporter.task_finished, task, outcome)
            for child in dict.fromkeys(self.dependents[task.name]):
                if child in self.outcomes or any(child == t.name for t, _ in stack):
                    continue
                if outcome.status != "ok" and task.name in graph[child].deps:
                    # A task with a failed dependency never runs; its dependents cascade.
                    reason = f"skipped: dependency {task.name!r} {_past(outcome.status)}"
                    stack.append((graph[child], Outcome(child, "skipped", reason)))
                    continue
                self.waiting[child].discard(task.name)
                if not self.waiting[child]:
                    self.ready.append(child)
        self.ready.sort(key=self.priority)


def _priority(graph: Graph, expected: Mapping[str, float] | None
              ) -> Callable[[str], tuple[float, int]]:
    """Sort key of ready tasks: the longest expected chain of work first (with ``expected``),
    then graph insertion order."""
    index = {task.name: i for i, task in enumerate(graph)}
    rank = graph.ranks(expected) if expected else {}
    return lambda name: (-rank.get(name, 0.0), index[name])


def _connect_progress(executor: Executor, reporter: Reporter | None) -> None:
    # Live progress of running tasks goes to reporters that show it (the console).
    if hasattr(executor, "on_progress"):
        executor.on_progress = getattr(reporter, "task_progress", None)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _sigterm_as_interrupt() -> Callable[[], None]:
    """While the graph runs, SIGTERM (a CI job cancelled, ``kill``) stops it like Ctrl-C does,
    so children are cleaned up instead of orphaned. Only when nobody else handles SIGTERM."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return lambda: None
    signal.signal(signal.SIGTERM, _raise_interrupt)
    return lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _past(status: str) -> str:
    return status if status in ("failed", "timed out") else "was skipped"


def _stop(
    executor: Executor,
    running: dict[Any, Task],
    outcomes: dict[str, Outcome],
    tasks: list[Task],
    reporter: Reporter | None,
) -> None:
    # A second Ctrl-C must not abort the cleanup half-way (that is how orphans are made).
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        executor.shutdown(cancel=True)
        for task in running.values():
            outcomes[task.name] = Outcome(task.name, "skipped", INTERRUPTED, kind=task.kind)
            if reporter is not None:
                reporter.task_finished(task, outcomes[task.name])
        not_run = [t for t in tasks if t.name not in outcomes]
        for task in not_run:
            outcomes[task.name] = Outcome(task.name, "skipped", INTERRUPTED, kind=task.kind)
        if reporter is not None:
            reporter.message(
                f"interrupted: stopped {len(running)} running task(s), "
                f"{len(not_run)} not started",
                "WARNING",
            )
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
