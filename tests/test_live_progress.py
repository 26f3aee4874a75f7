"""Live progress: a running sphinx-build's phase and count reach the console, from the
serial executor, from process-pool workers and from dask workers."""

from __future__ import annotations

import io
import sys

import pytest

from giza.graph import DaskExecutor, Graph, ProcessExecutor, SerialExecutor, Task, run_graph
from giza.proc import run_command
from giza.report import ConsoleReporter
from giza.sphinx.phases import Progress
from giza.watchdog import Limits

# A stand-in for sphinx-build's progress lines, half a second apart.
SCRIPT = """
import time
for line in ["updating environment: [new config] 4 added, 0 changed, 0 removed",
             "reading sources... [ 25%] a", "reading sources... [ 50%] b",
             "writing output... [ 50%] a", "writing output... [100%] b"]:
    print(line, flush=True)
    time.sleep(0.3)
"""


class Collect(ConsoleReporter):
    def __init__(self) -> None:
        super().__init__(io.StringIO(), tty=False)
        self.seen: list[tuple[str, str]] = []

    def task_progress(self, name: str, progress: Progress) -> None:
        self.seen.append((name, progress.describe()))


@pytest.mark.parametrize("executor", [SerialExecutor, ProcessExecutor, DaskExecutor])
def test_progress_reaches_the_reporter(executor: type) -> None:
    graph = Graph([Task("sphinx:html-cloud", run_command, {"argv": [sys.executable, "-c",
                                                                    SCRIPT]},
                        variant="html-cloud", limits=Limits())])
    reporter = Collect()
    with executor(1) as running:
        outcomes = run_graph(graph, running, reporter)
    assert outcomes["sphinx:html-cloud"].ok
    # The first line of each phase always goes through; the others at most every 0.25 s.
    assert ("sphinx:html-cloud", "reading 1/4") in reporter.seen
    assert ("sphinx:html-cloud", "writing 50%") in reporter.seen
    assert [name for name, _ in reporter.seen] == ["sphinx:html-cloud"] * len(reporter.seen)


def test_console_shows_one_line_per_running_variant() -> None:
    console = ConsoleReporter(io.StringIO(), tty=True)
    console.expected, console.cores = {"sphinx:html-cloud": 30.0, "post:html-cloud": 2.0}, 2
    tasks = [Task("sphinx:html-cloud", dict, {}, variant="html-cloud"),
             Task("post:html-cloud", dict, {}, variant="html-cloud")]
    console.plan(tasks)
    try:
        console.task_started(tasks[0])
        console.task_progress("sphinx:html-cloud", Progress("reading", 412, 1178))
        progress = console._progress
        assert progress is not None
        descriptions = [task.description for task in progress.tasks]
        assert descriptions == ["tasks, about 16 s left", "html-cloud  reading 412/1178"]
        line = progress.tasks[1]
        assert (line.completed, line.total) == (412, 1178)
    finally:
        console.close()
