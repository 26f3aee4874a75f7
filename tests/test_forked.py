"""giza.forked and run_process(warm=...): a forked child runs like an exec'd one."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from giza import forked
from giza.proc import run_process
from giza.watchdog import Limits, TaskTimedOut, watching

EXEC = [sys.executable, "-c", "print('exec')"]


@pytest.fixture
def single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other tests of the session may leave an idle thread behind (a server's, a pool's):
    these tests fork anyway; can_fork's own rule is tested below with a thread of its own."""
    monkeypatch.setattr(forked, "can_fork", lambda: True)


def report() -> int:
    print(f"warm in {os.getcwd()} with {os.environ.get('GIZA_T')}; session leader: "
          f"{os.getsid(0) == os.getpid()}; stdin: {sys.stdin.read()!r}")
    print("to stderr", file=sys.stderr)
    return 3


@pytest.mark.usefixtures("single_threaded")
def test_a_forked_child_runs_the_function_as_an_execd_child_would(tmp_path: Path) -> None:
    run = run_process(EXEC, cwd=tmp_path, env={**os.environ, "GIZA_T": "set"}, warm=report)
    assert run.returncode == 3
    assert run.output == (f"warm in {tmp_path} with set; session leader: True; stdin: ''\n"
                          "to stderr\n")
    assert run.argv == EXEC  # what it stands for, as records show it


def crash() -> int:
    raise RuntimeError("boom")


def leave() -> int:
    raise SystemExit(4)


@pytest.mark.usefixtures("single_threaded")
def test_a_crash_is_told_in_the_output_and_exits_1(tmp_path: Path) -> None:
    run = run_process(EXEC, cwd=tmp_path, warm=crash)
    assert run.returncode == 1
    assert run.output.startswith("Traceback (most recent call last):")
    assert run.output.endswith("RuntimeError: boom\n")
    assert run_process(EXEC, cwd=tmp_path, warm=leave).returncode == 4


def test_with_another_thread_running_the_argv_is_run_instead(tmp_path: Path) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.can_fork()
        assert run_process(EXEC, cwd=tmp_path, warm=report).output == "exec\n"
    finally:
        stop.set()
        thread.join()


def hang() -> int:
    time.sleep(60)
    return 0


@pytest.mark.usefixtures("single_threaded")
def test_the_watchdog_stops_a_forked_child(tmp_path: Path) -> None:
    started = time.monotonic()
    with watching("sphinx:html", Limits(task_timeout=1.0, stall_timeout=None)), \
            pytest.raises(TaskTimedOut) as raised:
        run_process(EXEC, cwd=tmp_path, warm=hang)
    assert str(raised.value) == "ran longer than the task timeout of 1 s"
    assert time.monotonic() - started < 30  # stopped, not waited for


@pytest.mark.usefixtures("single_threaded")
def test_sphinx_build_in_a_fork_writes_what_python_m_sphinx_writes(tmp_path: Path) -> None:
    from giza.sphinx import inprocess

    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text("project = 'f'\n")
    (source / "index.rst").write_text("Forked\n======\n\n.. code-block:: python\n\n   x = 1\n")
    outputs = []
    for name, warm in (("exec", None), ("warm", lambda: inprocess.sphinx_build(
            ["-b", "text", "-d", str(tmp_path / "d-warm"), str(source),
             str(tmp_path / "warm")]))):
        argv = [sys.executable, "-m", "sphinx", "-b", "text", "-d", str(tmp_path / f"d-{name}"),
                str(source), str(tmp_path / name)]
        run = run_process(argv, cwd=tmp_path, warm=warm)
        assert run.returncode == 0, run.output
        assert "build succeeded" in run.output
        outputs.append((tmp_path / name / "index.txt").read_text())
    assert outputs[0] == outputs[1] == "Forked\n******\n\n   x = 1\n"
