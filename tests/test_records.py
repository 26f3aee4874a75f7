"""Incremental builds: fingerprints, reasons, records, stale outputs, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from giza import __version__
from giza.config import load
from giza.records import KEEP, load_records, record_path, write_record

from helpers import write_tree

SERIAL = ("--executor", "serial")


def build(giza, *args):
    return giza(*SERIAL, "sphinx", "-b", "html", *args)


def first_lines(result, n=1):
    return result.out.splitlines()[:n]


def test_no_change_rebuild_is_skipped(copy_project, giza):
    root = copy_project("basic")
    assert first_lines(build(giza)) == ["html: building: no previous record"]
    page = root / "build/2.1/html/install.html"
    stamp = page.stat().st_mtime_ns
    again = build(giza)
    assert again.code == 0
    assert first_lines(again) == ["html: up to date"]
    assert "sphinx:html" not in again.out  # sphinx-build never started
    assert page.stat().st_mtime_ns == stamp


def test_reasons(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    (root / "source/install.txt").write_text("Install\n=======\n\nNew text.\n")
    assert first_lines(build(giza)) == ["html: building: 1 page changed: install.txt"]
    write_tree(root, {"source/a.txt": "A\n=\n", "source/b.txt": "B\n=\n",
                      "source/c.txt": "C\n=\n", "source/d.txt": "D\n=\n"})
    assert first_lines(build(giza)) == [
        "html: building: 4 pages added: a.txt, b.txt, c.txt, ..."]
    for name in "abcd":
        (root / f"source/{name}.txt").unlink()
    assert first_lines(build(giza)) == [
        "html: building: 4 pages removed: a.txt, b.txt, c.txt, ..."]
    (root / "conf.py").write_text((root / "conf.py").read_text() + "\n# tweak\n")
    assert first_lines(build(giza)) == ["html: building: conf.py changed"]
    conf = root / "config/build_conf.yaml"
    conf.write_text(conf.read_text().replace('release: "2.1.0"', 'release: "2.1.1"'))
    assert first_lines(build(giza)) == ["html: building: config changed: version.release"]
    assert first_lines(giza(*SERIAL, "--force", "sphinx", "-b", "html")) == [
        "html: building: --force"]
    assert first_lines(build(giza)) == ["html: up to date"]


def test_touched_but_unchanged_file_is_up_to_date(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    page = root / "source/install.txt"
    os.utime(page, (time.time() + 100, time.time() + 100))
    assert first_lines(build(giza)) == ["html: up to date"]


def test_missing_output_rebuilds(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    for path in sorted((root / "build/2.1/html").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert first_lines(build(giza)) == ["html: building: output missing: html"]


def test_explain_builds_nothing(copy_project, giza):
    root = copy_project("basic")
    result = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert result.out == ("html: would rebuild: no previous record\n"
                          "dirhtml: would rebuild: no previous record\n"
                          "dirhtml: writes from html's environment (reads nothing)\n")
    assert not (root / "build/2.1/html").exists()
    build(giza)
    (root / "source/index.txt").write_text("Changed\n=======\n\n.. toctree::\n\n   install\n")
    result = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert result.out == ("html: would rebuild: 1 page changed: index.txt\n"
                          "dirhtml: would rebuild: no previous record\n"
                          "dirhtml: writes from html's environment (reads nothing)\n")


def test_other_giza_version_or_unreadable_record_means_full_rebuild(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    path = root / "build/2.1/.giza/record.json"
    data = json.loads(path.read_text())
    data["giza"] = "0.0.1"
    path.write_text(json.dumps(data))
    assert first_lines(build(giza)) == [
        f"html: building: previous record written by giza 0.0.1, this is giza {__version__}: "
        "full rebuild"]
    path.write_text("{not json")
    assert first_lines(build(giza)) == [
        "html: building: previous record unreadable (JSONDecodeError): full rebuild"]


def test_records_rotate_and_keep_nine(project):
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    config = load()
    for n in range(12):
        write_record(config, {"sphinx:html": {"variant": "html", "status": "ok", "n": n}})
    assert json.loads(record_path(config).read_text())["tasks"]["sphinx:html"]["n"] == 11
    for index in range(1, KEEP + 1):
        data = json.loads(record_path(config, index).read_text())
        assert data["tasks"]["sphinx:html"]["n"] == 11 - index
    assert not record_path(config, KEEP + 1).exists()
    assert len(load_records(config, 20)) == KEEP + 1


def test_records_command(copy_project, giza):
    root = copy_project("basic")
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nif tags.has('dirhtml'):\n    raise RuntimeError('x')\n")
    giza(*SERIAL, "sphinx", "-b", "html", "dirhtml")
    lines = giza("records").out.splitlines()
    assert lines[0].startswith("record of ") and lines[0].endswith("(giza 0.1.0, branch 2.1)")
    assert lines[1].split()[:2] == ["dirhtml", "failed"]
    assert lines[1].endswith("warnings  no previous record")
    assert lines[2].split()[:2] == ["html", "ok"]
    fails = giza("records", "--fails").out.splitlines()
    assert [line.split()[0] for line in fails[1:]] == ["dirhtml"]
    only = giza("records", "--variant", "html").out.splitlines()
    assert [line.split()[0] for line in only[1:]] == ["html"]
    # the failed variant runs again; the good one is up to date
    assert first_lines(giza(*SERIAL, "sphinx", "-b", "html", "dirhtml"), 2) == [
        "html: up to date", "dirhtml: building: failed last time"]


def test_deleted_page_disappears_from_output_and_site(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: s}\nsystem: {files: [integration.yaml]}\n",
        "config/integration.yaml": "base: {targets: [dirhtml, html]}\n",
        "source/index.txt": "Home\n====\n\n.. toctree::\n   :glob:\n\n   *\n",
        "source/gone.txt": "Gone\n====\n",
    })
    assert giza(*SERIAL, "sphinx", "-b", "publish").code == 0
    assert (root / "build/main/html/gone.html").is_file()
    assert (root / "build/public/gone/index.html").is_file()
    (root / "source/gone.txt").unlink()
    result = giza(*SERIAL, "sphinx", "-b", "publish")
    assert result.code == 0, result.out
    assert result.out.splitlines()[0] == "dirhtml: building: 1 page removed: gone.txt"
    assert not (root / "build/main/html/gone.html").exists()
    assert not (root / "build/main/html/_sources/gone.txt").exists()
    assert not (root / "build/main/dirhtml/gone/index.html").exists()
    assert not (root / "build/public/gone").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc-free POSIX signals only")
def test_kill_9_mid_build_then_recover(copy_project, tmp_path: Path):
    root = copy_project("basic")
    conf = root / "conf.py"
    marker = tmp_path / "started"
    conf.write_text(conf.read_text() + f"\nimport pathlib, time\npathlib.Path({str(marker)!r})"
                    ".write_text('x')\ntime.sleep(60)\n")
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "giza", "--executor", "serial", "sphinx",
                             "-b", "html"], cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "sphinx-build never started"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (root / "build/2.1/.giza/pending.json").is_file()
    # sphinx-build runs in its own session, yet dies with giza (no orphan after kill -9)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(str(root)):
        time.sleep(0.1)
    assert not _running(str(root))
    conf.write_text(conf.read_text().split("\nimport pathlib, time")[0] + "\n")
    done = subprocess.run([sys.executable, "-m", "giza", "--executor", "serial", "sphinx",
                           "-b", "html"], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "html: building: conf.py changed" or \
        done.stdout.splitlines()[0].startswith("html: building: ")
    assert not (root / "build/2.1/.giza/pending.json").exists()
    assert (root / "build/2.1/html/index.html").is_file()


def _running(fragment: str) -> bool:
    found = subprocess.run(["pgrep", "-f", f"sphinx -b html .*{fragment}"],
                           capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def test_interrupted_run_is_not_recorded_done(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    # A record says html is done, but a later run was killed while rebuilding it.
    (root / "build/2.1/.giza/pending.json").write_text('{"tasks": ["sphinx:html"]}')
    assert first_lines(build(giza)) == [
        "html: building: the previous run was interrupted before recording it"]
    assert first_lines(build(giza)) == ["html: up to date"]


def test_reasons_tell_pages_from_other_files(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    write_tree(root, {"source/includes/extracts-x.yaml": "ref: x\ncontent: X.\n",
                      "source/faq.txt": "FAQ\n===\n"})
    assert first_lines(build(giza)) == [
        "html: building: 1 page added: faq.txt; 1 file added: includes/extracts-x.yaml"]


# -- messages of what Sphinx did not process again --------------------------------------------

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
    from giza.records import carry_messages
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
    from giza.records import message_files

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


def test_entries_of_variants_not_built_are_kept(copy_project, giza):
    root = copy_project("basic")
    giza(*SERIAL, "sphinx", "-b", "html", "dirhtml")
    assert first_lines(giza(*SERIAL, "sphinx", "-b", "dirhtml")) == ["dirhtml: up to date"]
    # html's entry survived a run that did not build it: still up to date, not rebuilt
    assert first_lines(build(giza)) == ["html: up to date"]
    lines = giza("records").out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["html"]  # only what that run built
    # An interrupted run's variant stays pending until a record settles it.
    (root / "build/2.1/.giza/pending.json").write_text('{"tasks": ["sphinx:dirhtml"]}')
    assert first_lines(build(giza)) == ["html: up to date"]
    assert first_lines(giza(*SERIAL, "sphinx", "-b", "dirhtml")) == [
        "dirhtml: building: the previous run was interrupted before recording it"]
    assert not (root / "build/2.1/.giza/pending.json").exists()


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


def test_under_root_makes_paths_under_the_project_root_relative():
    from giza.records import under_root

    flat = {"paths.root": '"/w/proj"', "paths.source": '"/w/proj/source"',
            "side": '{"a": ["/w/proj/config/x.yaml", "/w/project/y"]}', "other": '"/opt/z"'}
    assert under_root(flat, Path("/w/proj")) == {
        "paths.root": '"."', "paths.source": '"source"',
        "side": '{"a": ["config/x.yaml", "/w/project/y"]}', "other": '"/opt/z"'}


def test_moved_note_names_where_the_environment_was_built():
    from giza.records import moved_note

    assert moved_note({"built_under": "/a/proj"}, Path("/a/proj")) is None
    assert moved_note({}, Path("/a/proj")) is None
    assert moved_note({"built_under": "/b/proj"}, Path("/a/proj")) == (
        "build/ was built under /b/proj: Sphinx re-reads every page of this variant once "
        "(its environment holds absolute paths)")
