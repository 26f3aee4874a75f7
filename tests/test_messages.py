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
    assert carried_line("dirhtml", [warning, warning, error]) == \
        "dirhtml: 2 warnings, 1 error carried over from the previous build"


def test_written_pages_names_docs_written_since(tmp_path: Path) -> None:
    for name in ("old.html", "new.html", "guide/index.html", "_static/x.js"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    os.utime(tmp_path / "old.html", ns=(1_000, 1_000))
    since = (tmp_path / "new.html").stat().st_mtime_ns
    assert written_pages(tmp_path, since) == {"new", "guide/index", "guide"}
