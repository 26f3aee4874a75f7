"""The watchdog end to end: a sphinx-build that hangs in an extension is stopped, reported
and recorded as "timed out"; the other variants and the exit code behave as for a failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HANG = """
import time


def _hang(app, docname, source):
    if docname == "stuck":
        time.sleep(120)  # a deadlocked extension, as far as anyone can tell


def setup(app):
    if tags.has("html"):
        app.connect("source-read", _hang)
"""


def _stuck_project(copy_project) -> Path:
    root = copy_project("basic")
    (root / "source/stuck.txt").write_text("Stuck\n=====\n\nNever read.\n")
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + HANG)
    return root


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_a_hung_sphinx_build_is_stopped_and_reported(copy_project, giza, tmp_path: Path,
                                                    executor: str):
    root = _stuck_project(copy_project)
    report = tmp_path / "report.json"
    result = giza("--executor", executor, "--jobs", "1", "--stall-timeout", "2", "sphinx",
                  "-b", "html", "dirhtml", "--report", str(report))
    assert result.code == 1, result.out + result.err
    lines = result.out.splitlines()
    headline = ("sphinx:html: no progress for 2 s (last: reading sources... [100%] stuck) — "
                "it might be stuck; stopping it")
    assert headline in lines, result.out
    tail = lines[lines.index(headline) + 1:]
    assert tail[0].startswith("  last ") and tail[0].endswith(" line(s) of its output:")
    assert "    reading sources... [100%] stuck" in tail
    summary = {line.split()[0]: line.split()[1:3] for line in lines
               if line.startswith(("html ", "dirhtml "))}
    assert summary["html"] == ["timed", "out"]
    assert summary["dirhtml"][0] == "ok"
    assert (root / "build/2.1/dirhtml/index.html").is_file()
    data = json.loads(report.read_text())
    assert data["status"] == "failed"
    task = next(t for t in data["tasks"] if t["name"] == "sphinx:html")
    assert task["status"] == "timed out"
    assert task["stopped"]["last"] == "reading sources... [100%] stuck"
    record = json.loads((root / "build/2.1/.giza/record.json").read_text())
    assert record["tasks"]["sphinx:html"]["status"] == "timed out"
    assert {t["name"]: t["status"] for t in record["timeline"]["tasks"]}["sphinx:html"] \
        == "timed out"
    again = giza("--executor", executor, "sphinx", "-b", "html", "--explain")
    assert again.out == "html: would rebuild: timed out last time\n"


@pytest.mark.parametrize("value", ["abc", "-1", "nan"])
def test_bad_timeouts_are_usage_errors(giza, value: str):
    for option in ("--stall-timeout", "--task-timeout"):
        result = giza(option, value, "sphinx")
        assert result.code == 2
        assert (f"giza: error: argument {option}: must be a number of seconds >= 0, "
                f"not '{value}'") in result.err


def test_build_conf_timeouts_set_the_limits(copy_project, giza):
    root = _stuck_project(copy_project)
    conf = root / "config/build_conf.yaml"
    conf.write_text(conf.read_text() + "timeouts:\n  sphinx: 3600\n  stall: 2\n")
    result = giza("--executor", "serial", "--jobs", "1", "sphinx", "-b", "html")
    assert result.code == 1
    assert ("sphinx:html: no progress for 2 s (last: reading sources... [100%] stuck) — "
            "it might be stuck; stopping it") in result.out.splitlines()


@pytest.mark.parametrize(("text", "error"), [
    ("timeouts:\n  sphinx: -1\n",
     "config/build_conf.yaml:{line}: timeouts.sphinx: must be 0 or more (seconds)"),
    ("timeouts:\n  stall: soon\n",
     "config/build_conf.yaml:{line}: timeouts.stall: must be an integer, not a string"),
])
def test_bad_build_conf_timeouts(copy_project, giza, text: str, error: str):
    root = copy_project("basic")
    conf = root / "config/build_conf.yaml"
    before = conf.read_text()
    conf.write_text(before + text)
    result = giza("sphinx", "-b", "html", "--dry-run")
    assert result.code == 2
    line = len(before.splitlines()) + 2
    assert result.err == (f"giza: error: {error.format(line=line)}\n"
                          "giza: 1 problem (1 error, 0 warnings) in 1 file\n")


def test_unknown_timeouts_key_is_a_warning(copy_project, giza):
    root = copy_project("basic")
    conf = root / "config/build_conf.yaml"
    conf.write_text(conf.read_text() + "timeouts:\n  pdf: 10\n")
    result = giza("sphinx", "-b", "html", "--dry-run")
    assert result.code == 0
    assert "timeouts.pdf: unknown key; valid keys: deploy, latex, post, prepare, sphinx, " \
           "stage, stall" in result.err
