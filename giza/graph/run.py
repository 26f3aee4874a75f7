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
    priority = _priority(graph, expected)
    dependents = graph.dependents()
    waiting = {task.name: set(task.waits_for) for task in tasks}
    budget = max(1, executor.jobs)
    max_tasks = getattr(executor, "max_tasks", None)

    outcomes: dict[str, Outcome] = {}
    ready: list[str] = sorted((t.name for t in tasks if not waiting[t.name]), key=priority)
    running: dict[Any, Task] = {}
    busy = 0

    def emit(event: Callable[..., None] | None, *args: Any) -> None:
        if event is not None:
            event(*args)

    def finish(task: Task, outcome: Outcome) -> None:
        # Iterative: a long chain of skipped dependents must not hit the recursion limit.
        stack = [(task, outcome)]
        while stack:
            task, outcome = stack.pop(0)
            outcomes[task.name] = outcome
            emit(reporter and reporter.task_finished, task, outcome)
            for child in dict.fromkeys(dependents[task.name]):
                if child in outcomes or any(child == t.name for t, _ in stack):
                    continue
                if outcome.status != "ok" and task.name in graph[child].deps:
                    # A task with a failed dependency never runs; its dependents cascade.
                    reason = f"skipped: dependency {task.name!r} {_past(outcome.status)}"
                    stack.append((graph[child], Outcome(child, "skipped", reason)))
                    continue
                waiting[child].discard(task.name)
                if not waiting[child]:
                    ready.append(child)
        ready.sort(key=priority)

    emit(reporter and reporter.plan, tasks)
    _connect_progress(executor, reporter)
    restore = _sigterm_as_interrupt()
    try:
        while ready or running:
            # Start everything that fits. cores > budget counts as the whole budget: alone.
            for name in list(ready):
                if name in outcomes:  # skipped while it sat in the ready list
                    ready.remove(name)
                    continue
                if max_tasks is not None and len(running) >= max_tasks:
                    break
                cost = min(graph[name].cores, budget)
                if running and busy + cost > budget:
                    continue
                ready.remove(name)
                task = graph[name]
                emit(reporter and reporter.task_started, task)
                running[executor.submit(task)] = task
                busy += cost
            if not running:
                continue
            finished = executor.wait(list(running), timeout=POLL_SECONDS)
            for handle, outcome in finished.items():
                task = running.pop(handle)
                busy -= min(task.cores, budget)
                outcome.name = task.name
                finish(task, outcome)
    except KeyboardInterrupt:
        _stop(executor, running, outcomes, tasks, reporter)
        raise GraphInterrupted({t.name: outcomes[t.name] for t in tasks}) from None
    finally:
        restore()
    return {t.name: outcomes[t.name] for t in tasks}


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
            outcomes[task.name] = Outcome(task.name, "skipped", INTERRUPTED)
            if reporter is not None:
                reporter.task_finished(task, outcomes[task.name])
        not_run = [t for t in tasks if t.name not in outcomes]
        for task in not_run:
            outcomes[task.name] = Outcome(task.name, "skipped", INTERRUPTED)
        if reporter is not None:
            reporter.message(
                f"interrupted: stopped {len(running)} running task(s), "
                f"{len(not_run)} not started",
                "WARNING",
            )
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
