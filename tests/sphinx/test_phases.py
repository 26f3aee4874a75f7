"""Phases and document times from sphinx-build's progress lines (real Sphinx 9 output)."""

from __future__ import annotations

from giza.sphinx.phases import DocTime, Phase, ProgressTracker, document_times, phases

OUTPUT = """\
Running Sphinx v9.0.4
loading translations [en]... done
building [html]: targets for 3 source files that are out of date
updating environment: [new config] 3 added, 0 changed, 0 removed
reading sources... [ 33%] a
reading sources... [ 67%] b
reading sources... [100%] index

looking for now-outdated files... none found
pickling environment... done
checking consistency... done
preparing documents... done
copying assets...
writing output... [ 33%] a
writing output... [ 67%] b
writing output... [100%] index

/tmp/ph/src/b.rst:4: WARNING: undefined label: 'nope' [ref.ref]
generating indices... genindex done
dumping search index in English (code: en)... done
build succeeded, 1 warning."""


def _timed(text: str) -> list[tuple[float, str]]:
    return [(float(i), line) for i, line in enumerate(text.splitlines())]


def test_phases_with_document_counts() -> None:
    lines = _timed(OUTPUT)
    assert phases(lines, 30.0) == (
        Phase("setup", 0.0, 3.0, 0),
        Phase("read", 3.0, 8.0, 3),
        Phase("check", 8.0, 11.0, 0),
        Phase("write", 11.0, 18.0, 3),
        Phase("finish", 18.0, 30.0, 0),
    )


def test_chunks_of_parallel_reading_count_by_the_environment_line() -> None:
    text = OUTPUT.replace("reading sources... [ 33%] a\nreading sources... [ 67%] b\n"
                          "reading sources... [100%] index",
                          "reading sources... [ 50%] a .. b\nreading sources... [100%] index")
    read = [p for p in phases(_timed(text), 30.0) if p.name == "read"]
    assert read[0].documents == 3


def test_no_progress_lines_no_phases() -> None:
    assert phases(_timed("rsync: connection refused\n"), 1.0) == ()


def test_document_times_slowest_first() -> None:
    lines = [(0.0, "reading sources... [ 50%] fast"), (0.5, "reading sources... [100%] slow"),
             (3.0, ""), (4.0, "looking for now-outdated files... none found"),
             (5.0, "writing output... [ 50%] a .. b"), (9.0, "build succeeded.")]
    assert document_times(lines, 10.0) == (DocTime("slow", "read", 3.5),
                                           DocTime("fast", "read", 0.5))
    assert document_times(lines, 10.0, limit=1) == (DocTime("slow", "read", 3.5),)


def test_setup_starts_with_the_process() -> None:
    lines = _timed(OUTPUT)
    assert phases(lines, 30.0, started=-2.0)[0] == Phase("setup", -2.0, 3.0, 0)


def test_progress_tracker_counts_documents_while_reading() -> None:
    tracker = ProgressTracker()
    seen = [tracker.feed(line) for line in OUTPUT.splitlines()]
    assert [p.describe() for p in seen if p is not None] == [
        "reading 1/3", "reading 2/3", "reading 3/3",
        "writing 33%", "writing 67%", "writing 100%"]
