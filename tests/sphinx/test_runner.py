"""giza.sphinx.runner: one real reader, real writers in forked lanes, their results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from giza.sphinx.group import Build, Group, Written

CONF = "project = 'lanes'\nroot_doc = 'index'\nhtml_theme = 'basic'\n"
INDEX = ("Lanes\n=====\n\n.. toctree::\n\n   page\n\n.. code-block:: python\n\n"
         "   print('hello')\n")
PAGE = "Page\n====\n\nSee :doc:`index`.\n"


def make_project(root: Path) -> Path:
    source = root / "source"
    source.mkdir(parents=True)
    (source / "conf.py").write_text(CONF)
    (source / "index.rst").write_text(INDEX)
    (source / "page.rst").write_text(PAGE)
    return source


def argv(source: Path, builder: str, out: Path, *extra: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "sphinx", "-b", builder, "-d", str(out / f"d-{builder}"),
            *extra, str(source), str(out / builder))


def group(tmp_path: Path, writers: list[str], reader_source: Path | None = None,
          lanes: int = 2) -> tuple[Group, Path]:
    source = make_project(tmp_path)
    out = tmp_path / "out"
    reader = Build("html", argv(reader_source or source, "html", out), "")
    builds = tuple(Build(name, argv(source, name, out, "-a"), "", seed=str(out / "d-html"),
                         doctrees=str(out / f"d-{name}"), result=str(tmp_path / f"{name}.json"))
                   for name in writers)
    spec = Group(reader, builds, lanes, timing=str(tmp_path / "html.json"))
    spec.save(tmp_path / "group.json")
    return spec, out


def done_pid(tmp_path: Path) -> int:
    own = Written.load(tmp_path / "html.json")
    return own.pid if own else 0


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # plain text, as giza.proc asks for (CI systems set FORCE_COLOR)
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    return subprocess.run([sys.executable, "-m", "giza.sphinx.runner", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**env, "NO_COLOR": "1"})


def test_the_reader_reads_and_every_writer_writes_from_its_environment(tmp_path):
    _, out = group(tmp_path, ["dirhtml", "text", "json"])
    done = run(tmp_path, "group.json")
    assert done.returncode == 0, done.stdout + done.stderr
    # the reader's own output, as sphinx-build's; the writers' are in their results
    assert "build succeeded" in done.stdout and "reading sources... [" in done.stdout
    assert "text files are in" not in done.stdout
    for name in ("dirhtml", "text", "json"):
        written = Written.load(tmp_path / f"{name}.json")
        assert written is not None and written.returncode == 0, name
        assert written.seeded and written.argv[3:5] == ("-b", name)
        assert "updating environment: 0 added, 0 changed, 0 removed" in written.output
        assert "build succeeded" in written.output
        assert all(line.endswith("\n") for _, line in written.lines)
        assert written.pid not in (0, done_pid(tmp_path))  # a lane, not the reader's process
    assert "print('hello')" in (out / "text/index.txt").read_text()
    assert (out / "dirhtml/page/index.html").is_file()
    assert (out / "json/page.fjson").is_file()
    own = Written.load(tmp_path / "html.json")
    assert own is not None and own.returncode == 0 and own.seconds > 0


def test_one_lane_writes_everything_after_the_reader(tmp_path):
    _, out = group(tmp_path, ["text", "dirhtml"], lanes=1)
    done = run(tmp_path, "group.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "text/page.txt").is_file() and (out / "dirhtml/index.html").is_file()


def test_a_failing_writer_does_not_stop_the_others(tmp_path):
    _, out = group(tmp_path, ["nosuch", "text"])
    done = run(tmp_path, "group.json")
    assert done.returncode == 0, done.stdout + done.stderr  # the reader's status
    failed = Written.load(tmp_path / "nosuch.json")
    assert failed is not None and failed.returncode == 2
    assert "Builder name nosuch not registered" in failed.output
    text = Written.load(tmp_path / "text.json")
    assert text is not None and text.returncode == 0
    assert (out / "text/index.txt").is_file()


def test_a_reader_that_fails_before_reading_leaves_the_writers_to_their_tasks(tmp_path):
    group(tmp_path, ["text"], reader_source=tmp_path / "no-such-source")
    done = run(tmp_path, "group.json")
    assert done.returncode == 2
    assert "Cannot find source directory" in done.stdout + done.stderr
    assert Written.load(tmp_path / "text.json") is None  # its task builds it on its own


def test_bad_input_says_what_is_expected(tmp_path):
    usage = run(tmp_path)
    assert (usage.returncode, usage.stderr) == (
        2, "usage: python -m giza.sphinx.runner GROUP.json\n")
    missing = run(tmp_path, "missing.json")
    assert missing.returncode == 2
    assert missing.stderr == ("giza.sphinx.runner: missing.json: not a read-once group "
                              "([Errno 2] No such file or directory: 'missing.json')\n")
    (tmp_path / "torn.json").write_text('{"reader": {"variant": "html"}}')
    torn = run(tmp_path, "torn.json")
    assert torn.returncode == 2
    assert torn.stderr == ("giza.sphinx.runner: torn.json: not a read-once group "
                           "(missing key 'writers')\n")


def test_a_seed_that_cannot_be_copied_fails_that_writer_only(tmp_path):
    _, out = group(tmp_path, ["text", "dirhtml"])
    (out / "d-text").mkdir(parents=True)
    (out / "d-text" / "index.doctree").mkdir()  # a directory where a file must go
    done = run(tmp_path, "group.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr  # not in the reader's output
    text = Written.load(tmp_path / "text.json")
    assert text is not None and text.returncode == 1 and not text.seeded
    assert text.output == (f"ERROR: cannot start from the doctrees in {out / 'd-html'}: "
                           "cannot write out/d-text/index.doctree: is a directory\n")
    dirhtml = Written.load(tmp_path / "dirhtml.json")
    assert dirhtml is not None and dirhtml.returncode == 0
