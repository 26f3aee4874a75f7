"""giza.messages: carried-over lines and the -j written-pages scan (the end-to-end cases,
with real incremental sphinx-builds, are in test_records.py)."""

from __future__ import annotations

import os
from pathlib import Path

from giza.messages import carried_line, written_pages
from giza.sphinx.output import Message


def test_carried_line_counts_each_level() -> None:
    warning = Message("source/a.txt", 1, "WARNING", "w")
    error = Message("source/a.txt", 2, "ERROR", "e")
    assert carried_line("html", [warning]) == \
        "html: 1 warning carried over from the previous build"
    other = Message("source/b.txt", 1, "WARNING", "w")
    assert carried_line("dirhtml", [warning, other, error]) == \
        "dirhtml: 2 warnings, 1 error carried over from the previous build"
    # printed once, so counted once
    assert carried_line("dirhtml", [warning, warning, error]) == \
        "dirhtml: 1 warning, 1 error carried over from the previous build"


def test_written_pages_names_docs_written_since(tmp_path: Path) -> None:
    for name in ("old.html", "new.html", "guide/index.html", "_static/x.js"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    os.utime(tmp_path / "old.html", ns=(1_000, 1_000))
    since = (tmp_path / "new.html").stat().st_mtime_ns
    assert written_pages(tmp_path, since) == {"new", "guide/index", "guide"}


SHARED_MESSAGES = [
    'source/includes/shared.rst:5: ERROR: Unknown directive type "unknowndirective".',
    "",
    ".. unknowndirective:: [docutils]",
    "source/includes/shared.rst:3: WARNING: undefined label: 'nowhere' [ref.ref]",
]


def test_summary_counts_what_is_printed(copy_project, giza, tmp_path: Path) -> None:
    # Two pages include one file: sphinx-build reports its warning and its error twice,
    # word for word. giza prints each once, and the summary counts what it printed.
    root = copy_project("shared-include")
    report = tmp_path / "report.json"
    first = giza("--executor", "serial", "sphinx", "-b", "html", "--report", str(report))
    assert first.code == 0, first.out + first.err
    assert [line for line in first.out.splitlines() if "shared.rst" in line] == \
        [SHARED_MESSAGES[0], SHARED_MESSAGES[3]]
    assert "\n".join(SHARED_MESSAGES) in first.out
    assert "html      ok              1        1" in first.out
    import json

    row = json.loads(report.read_text())["variants"][0]
    assert (row["warnings"], row["errors"]) == (1, 1)
    # Up to date: the recorded messages, printed and counted once.
    again = giza("sphinx", "-b", "html")
    assert "html: 1 warning, 1 error carried over from the previous build" in again.out
    assert "\n".join(SHARED_MESSAGES) in again.out
    assert "html      up to date          1        1" in again.out
    # One of the two pages changed: one report anew, the other's identical one not repeated.
    with open(root / "source/install.txt", "a", encoding="utf-8") as handle:
        handle.write("\nMore text.\n")
    third = giza("--executor", "serial", "sphinx", "-b", "html", "--fail-on-warning")
    assert [line for line in third.out.splitlines() if "shared.rst" in line] == \
        [SHARED_MESSAGES[0], SHARED_MESSAGES[3]]
    assert "html      ok              1        1" in third.out
    assert third.out.endswith("giza: 1 warning, 1 error and --fail-on-warning: failing the "
                              "build\n")
