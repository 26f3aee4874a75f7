"""Build records: rotation, `giza records`, crash safety (pending marks), kept entries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from giza.config import load
from giza.layout import record_path
from giza.pipeline.store import KEEP, load_records, write_record

from helpers import SERIAL, build, first_lines


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
