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
                          "dirhtml: would rebuild: no previous record\n")
    assert not (root / "build/2.1/html").exists()
    build(giza)
    (root / "source/index.txt").write_text("Changed\n=======\n\n.. toctree::\n\n   install\n")
    result = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert result.out == ("html: would rebuild: 1 page changed: index.txt\n"
                          "dirhtml: would rebuild: no previous record\n")


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
