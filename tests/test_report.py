from __future__ import annotations

import io
import json
from pathlib import Path

from giza.graph import Graph, Outcome, Task
from giza.pipeline.results import SphinxResult
from giza.report import (
    ConsoleReporter,
    JsonReport,
    MultiReporter,
    SummaryRow,
    finished_line,
    summary_rows,
)
from giza.sphinx.output import Message, Processed, SphinxLog


def noop() -> None:
    return None


def _graph() -> Graph:
    return Graph([
        Task("proxy:main", noop, {}, kind="proxy"),
        Task("sphinx:html", noop, {}, ("proxy:main",), kind="sphinx", variant="html"),
        Task("post:html", noop, {}, ("sphinx:html",), kind="post", variant="html"),
        Task("sphinx:html-saas", noop, {}, ("proxy:main",), kind="sphinx", variant="html-saas"),
        Task("post:html-saas", noop, {}, ("sphinx:html-saas",), kind="post",
             variant="html-saas"),
        Task("sphinx:epub", noop, {}, ("proxy:main",), kind="sphinx", variant="epub"),
    ])


OUTCOMES = {
    "proxy:main": Outcome("proxy:main", "ok", seconds=0.5),
    "sphinx:html": Outcome("sphinx:html", "ok", seconds=4.2, value=SphinxResult(
        "html", ("sphinx-build",), 1, 0, "", 4.2,
        SphinxLog([Message("a.txt", n, "WARNING", "w") for n in (1, 2, 3)],
                  ["read"] * 3, Processed()))),
    "post:html": Outcome("post:html", "ok", seconds=0.3),
    "sphinx:html-saas": Outcome("sphinx:html-saas", "failed", "sphinx-build exited with 2",
                                seconds=2.0, value=None),
    "post:html-saas": Outcome("post:html-saas", "skipped",
                              "skipped: dependency 'sphinx:html-saas' failed"),
    "sphinx:epub": Outcome("sphinx:epub", "skipped", "skipped: interrupted"),
}


def test_finished_lines() -> None:
    assert finished_line(3, 8, Outcome("sphinx:html-saas", "ok", seconds=4.21)) == (
        "[3/8] ok      sphinx:html-saas (4.2 s)")
    assert finished_line(4, 8, Outcome("sphinx:html", "failed", "exited with 2", seconds=1)) == (
        "[4/8] failed  sphinx:html (1.0 s): exited with 2")
    assert finished_line(5, 8, OUTCOMES["post:html-saas"]) == (
        "[5/8] skipped post:html-saas: dependency 'sphinx:html-saas' failed")


def test_summary_rows_reads_warnings_and_errors_of_the_sphinx_task() -> None:
    assert summary_rows(_graph(), OUTCOMES) == [
        SummaryRow("html", "ok", 3, 0, 4.5),
        SummaryRow("html-saas", "failed", None, None, 2.0),
        SummaryRow("epub", "skipped", None, None, 0.0),
    ]
    # A task with no outcome (never ran) makes its variant "skipped".
    partial = {k: v for k, v in OUTCOMES.items() if k != "post:html"}
    assert summary_rows(_graph(), partial)[0].status == "skipped"


def test_a_sphinx_task_counts_its_own_sphinx_build_seconds() -> None:
    # a read-once reader's task also waited 5 s for its writers: html's row says 1.5 s
    graph = Graph([Task("sphinx:html", noop, {}, kind="sphinx", variant="html")])
    waited = Outcome("sphinx:html", "ok", seconds=6.5, value=SphinxResult(
        "html", ("sphinx-build",), 1, 0, "", 1.5))
    assert summary_rows(graph, {"sphinx:html": waited}) == [
        SummaryRow("html", "ok", 0, 0, 1.5)]


def test_plain_console_reporter_exact_output() -> None:
    stream = io.StringIO()
    reporter = ConsoleReporter(stream, tty=False)
    graph = _graph()
    reporter.plan(graph.tasks)
    for task in graph:
        reporter.task_started(task)
        reporter.task_finished(task, OUTCOMES[task.name])
    reporter.message("source/a.txt:3: WARNING: undefined label: 'x' [html]", "WARNING")
    reporter.summary(summary_rows(graph, OUTCOMES))
    reporter.close()
    assert stream.getvalue().splitlines() == [
        "[1/6] ok      proxy:main (0.5 s)",
        "[2/6] ok      sphinx:html (4.2 s)",
        "[3/6] ok      post:html (0.3 s)",
        "[4/6] failed  sphinx:html-saas (2.0 s): sphinx-build exited with 2",
        "[5/6] skipped post:html-saas: dependency 'sphinx:html-saas' failed",
        "[6/6] skipped sphinx:epub: interrupted",
        "source/a.txt:3: WARNING: undefined label: 'x' [html]",
        "variant     status    warnings   errors   seconds",
        "─────────────────────────────────────────────────",
        "html        ok               3        0       4.5",
        "html-saas   failed           -        -       2.0",
        "epub        skipped          -        -       0.0",
    ]


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_tty_console_reporter_draws_live_progress_and_keeps_the_lines() -> None:
    stream = FakeTTY()
    reporter = ConsoleReporter(stream)  # asks the stream: a terminal
    assert reporter.tty
    graph = _graph()
    reporter.plan(graph.tasks)
    task = graph["sphinx:html"]
    reporter.task_started(task)
    assert len(reporter._lines) == 1  # one live line for the running variant task
    reporter.task_finished(task, OUTCOMES["sphinx:html"])
    assert reporter._lines == {}
    reporter.summary(summary_rows(graph, OUTCOMES))
    reporter.close()
    text = stream.getvalue()
    assert "[1/6] ok      sphinx:html (4.2 s)" in text
    assert "html-saas" in text and "\x1b[" in text  # coloured, on a terminal


def test_json_report_is_written_atomically(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.json"
    report = JsonReport(path)
    console = ConsoleReporter(io.StringIO(), tty=False)
    both = MultiReporter(console, report)
    graph = _graph()
    both.plan(graph.tasks)
    for task in graph:
        if task.name != "sphinx:epub":  # never finished: stays "not run"
            both.task_finished(task, OUTCOMES[task.name])
    both.summary(summary_rows(graph, OUTCOMES))
    undefined = Message("source/a.txt", 3, "WARNING", "undefined label: 'x'")
    report.set_messages([(undefined, ["html", "html-saas"])],
                        carried={"html": set(), "html-saas": {undefined}})
    both.close()
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert data["status"] == "failed"
    assert data["variants"][0] == {"variant": "html", "status": "ok", "warnings": 3, "errors": 0,
                                   "seconds": 4.5}
    assert data["tasks"][3] == {"name": "sphinx:html-saas", "kind": "sphinx",
                                "variant": "html-saas", "status": "failed", "seconds": 2.0,
                                "message": "sphinx-build exited with 2"}
    assert data["tasks"][5] == {"name": "sphinx:epub", "kind": "sphinx", "variant": "epub",
                                "status": "skipped", "seconds": 0.0, "message": "not run"}
    assert data["messages"] == [{"path": "source/a.txt", "line": 3, "level": "WARNING",
                                 "text": "undefined label: 'x'", "variants": ["html", "html-saas"],
                                 "carried": ["html-saas"]}]
    assert [p.name for p in path.parent.iterdir()] == ["report.json"]  # no temp file left


def test_json_report_status_interrupted_and_ok(tmp_path: Path) -> None:
    report = JsonReport(tmp_path / "r.json")
    task = Task("a", noop, {})
    report.plan([task])
    report.task_finished(task, Outcome("a", "ok"))
    assert report.data()["status"] == "ok"
    report.task_finished(task, Outcome("a", "skipped", "skipped: interrupted"))
    assert report.data()["status"] == "interrupted"
