"""giza.pipeline.carry: which messages an incremental build carries over, with real
incremental sphinx-builds, and the carried-over lines and the -j written-pages scan."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from giza.config import load
from giza.pipeline.carry import carried_line, carry_messages, message_files, written_pages
from giza.sphinx.output import Message

from helpers import SERIAL, build


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


UNDEFINED = "source/install.txt:4: WARNING: undefined label: 'nowhere' [ref.ref]"


CARRIED = "html: 1 warning carried over from the previous build"


def summary_row(result, variant="html"):
    return next(line.split() for line in result.out.splitlines()
                if line.split()[:1] == [variant])


def test_warning_of_an_untouched_page_is_still_reported(copy_project, giza, tmp_path):
    root = copy_project("basic")
    (root / "source/install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    first = build(giza)
    assert UNDEFINED in first.out.splitlines() and CARRIED not in first.out
    # Another page changes: Sphinx re-reads index.txt only and says nothing about install.txt.
    index = root / "source/index.txt"
    index.write_text(index.read_text() + "\nMore text.\n")
    report = tmp_path / "report.json"
    again = build(giza, "--fail-on-warning", "--report", str(report))
    lines = again.out.splitlines()
    assert lines[0] == "html: building: 1 page changed: index.txt"
    at = lines.index(CARRIED)
    assert lines[at + 1] == UNDEFINED
    assert summary_row(again) == ["html", "ok", "1", "0", summary_row(again)[4]]
    assert again.code == 1
    assert lines[-1] == "giza: 1 warning and --fail-on-warning: failing the build"
    data = json.loads(report.read_text())
    assert data["variants"][0]["warnings"] == 1
    assert data["messages"] == [{"path": "source/install.txt", "line": 4, "level": "WARNING",
                                 "text": "undefined label: 'nowhere' [ref.ref]",
                                 "variants": ["html"], "carried": ["html"]}]
    # The record keeps carrying it while install.txt stays as it is...
    index.write_text(index.read_text() + "\nEven more.\n")
    assert CARRIED in build(giza).out.splitlines()
    # ... and drops it once the page is fixed.
    (root / "source/install.txt").write_text("Install\n=======\n\nFixed.\n")
    fixed = build(giza, "--fail-on-warning")
    assert fixed.code == 0, fixed.out
    assert "WARNING" not in fixed.out and "carried over" not in fixed.out
    assert summary_row(fixed)[:4] == ["html", "ok", "0", "0"]


def test_up_to_date_variant_reports_its_recorded_warnings(copy_project, giza, tmp_path):
    root = copy_project("basic")
    (root / "source/install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    build(giza)
    report = tmp_path / "report.json"
    again = build(giza, "--fail-on-warning", "--report", str(report))
    lines = again.out.splitlines()
    assert lines[:3] == ["html: up to date", CARRIED, UNDEFINED]
    assert summary_row(again) == ["html", "up", "to", "date", "1", "0", "0.0"]
    assert again.code == 1
    assert lines[-1] == "giza: 1 warning and --fail-on-warning: failing the build"
    # The report is written although nothing ran.
    data = json.loads(report.read_text())
    assert data["status"] == "ok" and data["tasks"] == []
    assert data["variants"] == [{"variant": "html", "status": "up to date", "warnings": 1,
                                 "errors": 0, "seconds": 0.0}]
    assert [(m["path"], m["carried"]) for m in data["messages"]] == [
        ("source/install.txt", ["html"])]
    assert build(giza).code == 0  # without --fail-on-warning a warning fails nothing


def test_force_carries_nothing(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    # A warning the record says index.txt has, which Sphinx would not report again.
    path = root / "build/2.1/.giza/record.json"
    data = json.loads(path.read_text())
    data["tasks"]["sphinx:html"]["messages"] = [
        {"path": "source/index.txt", "line": 1, "level": "WARNING", "text": "recorded",
         "phase": "read"}]
    path.write_text(json.dumps(data))
    (root / "source/install.txt").write_text("Install\n=======\n\nChanged.\n")
    lines = build(giza).out.splitlines()
    assert lines[lines.index(CARRIED) + 1] == "source/index.txt:1: WARNING: recorded"
    forced = giza(*SERIAL, "--force", "sphinx", "-b", "html")
    assert forced.out.splitlines()[0] == "html: building: --force"
    assert "recorded" not in forced.out and "carried over" not in forced.out
    assert summary_row(forced)[:4] == ["html", "ok", "0", "0"]
    # --force starts Sphinx from scratch: every page read again, so nothing is lost.
    (root / "source/install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    build(giza)
    again = giza(*SERIAL, "--force", "sphinx", "-b", "html")
    assert UNDEFINED in again.out.splitlines() and "carried over" not in again.out


def test_parse_errors_of_a_rewritten_page_are_kept(copy_project, giza):
    # Editing install.txt makes Sphinx write index.txt again (its toctree lists install)
    # without reading it: the parse error of index.txt is not reported again, yet it is
    # still in the page.
    root = copy_project("basic")
    index = root / "source/index.txt"
    index.write_text(index.read_text() + "\n.. bogus:: x\n")
    error = ['source/index.txt:11: ERROR: Unknown directive type "bogus".', "",
             ".. bogus:: x [docutils]"]
    first = build(giza)
    assert first.out.splitlines()[6:9] == error
    (root / "source/install.txt").write_text("Install\n=======\n\nChanged.\n")
    again = build(giza)
    lines = again.out.splitlines()
    at = lines.index("html: 1 error carried over from the previous build")
    assert lines[at + 1:at + 4] == error
    assert summary_row(again)[:4] == ["html", "ok", "0", "1"]


def test_consistency_warnings_are_checked_again(copy_project, giza):
    root = copy_project("basic")
    (root / "source/orphan.txt").write_text("Orphan\n======\n")
    orphan = "source/orphan.txt: WARNING: document isn't included in any toctree " \
             "[toc.not_included]"
    assert orphan in build(giza).out.splitlines()
    (root / "source/install.txt").write_text("Install\n=======\n\nChanged.\n")
    assert orphan in build(giza).out.splitlines()  # checked again, reported anew
    # index.txt now lists it: Sphinx's check (over every page) says nothing about it.
    index = root / "source/index.txt"
    index.write_text(index.read_text() + "   orphan\n")
    fixed = build(giza)
    assert "orphan.txt" not in fixed.out
    assert summary_row(fixed)[:4] == ["html", "ok", "0", "0"]


def test_sibling_started_from_doctrees_reports_their_messages(copy_project, giza):
    # dirhtml's first build starts from html's doctrees and reads nothing itself; the parse
    # error Sphinx reported while reading for html is in dirhtml's pages too.
    root = copy_project("basic")
    index = root / "source/index.txt"
    index.write_text(index.read_text() + "\n.. bogus:: x\n")
    result = giza(*SERIAL, "sphinx", "-b", "html", "dirhtml")
    lines = result.out.splitlines()
    assert 'source/index.txt:11: ERROR: Unknown directive type "bogus".' in lines  # no [html]
    assert summary_row(result, "dirhtml")[:4] == ["dirhtml", "ok", "0", "1"]
    (root / "source/install.txt").write_text("Install\n=======\n\nChanged.\n")
    again = giza(*SERIAL, "sphinx", "-b", "html", "dirhtml").out.splitlines()
    assert again[again.index("html: 1 error carried over from the previous build") + 1] == \
        "dirhtml: 1 error carried over from the previous build"


def test_record_without_messages_carries_nothing(copy_project, giza):
    root = copy_project("basic")
    (root / "source/install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    build(giza)
    path = root / "build/2.1/.giza/record.json"
    data = json.loads(path.read_text())
    del data["tasks"]["sphinx:html"]["messages"]  # as an older giza wrote it
    path.write_text(json.dumps(data))
    again = build(giza)
    assert again.out.splitlines()[0] == "html: up to date"
    assert "carried over" not in again.out
    assert summary_row(again)[:6] == ["html", "up", "to", "date", "0", "0"]


def test_carry_rules():
    from giza.sphinx.output import Message, Processed

    def msg(path, text, line=1):
        return Message(path, line, "WARNING", text)

    recorded = [
        (msg(None, "no file"), "write"),
        (msg("source/a.txt", "parse a"), "read"),
        (msg("source/a.txt", "ref a"), "write"),
        (msg("source/b.txt", "parse b"), "read"),
        (msg("source/b.txt", "ref b"), "write"),
        (msg("source/c.txt", "orphan c", None), "check"),
        (msg("source/includes/x.rst", "in include"), "read"),
        (msg("source/includes/y.rst", "in changed include"), "read"),
        (msg("source/d.txt", "again"), "read"),
    ]
    changed = {"source/includes/y.rst"}.__contains__

    def docname(path):
        return path.removeprefix("source/").rsplit(".", 1)[0]

    def carried(processed, new=(), reseeded=False):
        kept = carry_messages(recorded, new, processed, changed, docname, reseeded)
        return [m.text for m, _ in kept]

    # a.txt read (so written too), b.txt only written, nothing checked; d.txt's reported anew
    processed = Processed(seen=True, read={"a"}, written={"a", "b"})
    assert carried(processed, [msg("source/d.txt", "again")]) == [
        "parse b", "orphan c", "in include"]
    processed.checked = True
    assert carried(processed) == ["parse b", "in include", "again"]
    # Sphinx re-read everything (its configuration changed): nothing is carried
    assert carried(Processed(seen=True, read_all=True)) == []
    # a builder that writes everything: reading and checking messages only
    assert carried(Processed(seen=True, written_all=True)) == [
        "parse a", "parse b", "orphan c", "in include", "again"]
    # no progress lines: whatever names an unchanged file
    assert carried(Processed()) == [
        "parse a", "ref a", "parse b", "ref b", "orphan c", "in include", "again"]
    # started from a sibling's environment: its read and check messages replace these
    assert carried(Processed(seen=True), reseeded=True) == ["ref a", "ref b"]


def test_message_files(project):

    root = project({"config/build_conf.yaml": "project: {name: d}\n",
                    "source/a.txt": "A\n=\n", "module.py": "x = 1\n"})
    config = load()
    before = {"a.txt": [4, 1, "aaa"], "gone.txt": [4, 1, "ggg"],
              "locale/fr/LC_MESSAGES/a.po": [1, 1, "p"]}
    now = {"a.txt": [4, 2, "aaa"], "new.txt": [4, 1, "nnn"],
           "locale/fr/LC_MESSAGES/a.po": [2, 2, "q"]}
    changed, docname = message_files(config, before, now, since=time.time() + 60)
    assert not changed("source/a.txt")  # touched, same content
    assert changed("source/gone.txt") and changed("source/new.txt")
    assert changed("locale/fr/LC_MESSAGES/a.po")
    assert not changed(str(root / "source/a.txt"))
    # Files the fingerprint does not track: by modification time, and they must exist.
    assert not changed("module.py:docstring of module.f")
    assert changed("missing.py")
    changed, _ = message_files(config, before, now, since=time.time() - 60)
    assert changed("module.py")
    assert docname("source/sub/page.txt") == "sub/page"
    assert docname("source/includes/steps-x.yaml") == "includes/steps-x"
    assert docname("conf.py") is None


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_reference_fixed_elsewhere_is_not_carried(copy_project, giza, jobs):
    # Adding the label to install.txt makes Sphinx write index.txt again (its toctree lists
    # install), which resolves the reference. With -j 2 Sphinx writes index.txt first and
    # does not name it; its new output file does.
    root = copy_project("basic")
    index = root / "source/index.txt"
    index.write_text(index.read_text().replace("Release |release|.", "See :ref:`later`."))
    args = ("--executor", "serial", "--jobs", jobs, "sphinx", "-b", "html")
    first = giza(*args)
    assert "source/index.txt:5: WARNING: undefined label: 'later' [ref.ref]" in \
        first.out.splitlines()
    (root / "source/install.txt").write_text(".. _later:\n\nInstall\n=======\n\nRun.\n")
    again = giza(*args)
    assert "WARNING" not in again.out and "carried over" not in again.out
    assert summary_row(again)[:4] == ["html", "ok", "0", "0"]
