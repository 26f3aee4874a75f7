"""run_process / run_command with real subprocesses, and Ctrl-C stopping every child for real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import giza
from giza.errors import BuildError
from giza.proc import active_children, run_command, run_process

PY = sys.executable
ROOT = Path(giza.__file__).resolve().parents[1]


def test_run_process_collects_stdout_and_stderr_in_order(tmp_path: Path) -> None:
    code = "import sys; print('out', flush=True); print('err', file=sys.stderr, flush=True); " \
           "print('out2', flush=True); sys.exit(2)"
    result = run_process([PY, "-c", code], cwd=tmp_path)
    assert result.returncode == 2
    assert result.output.splitlines() == ["out", "err", "out2"]
    assert result.argv == [PY, "-c", code]
    assert result.seconds > 0
    assert active_children() == []


def test_run_process_passes_cwd_and_env(tmp_path: Path) -> None:
    code = "import os; print(os.getcwd()); print(os.environ['GIZA_TEST'])"
    result = run_process([PY, "-c", code], cwd=tmp_path, env={**os.environ, "GIZA_TEST": "yes"})
    assert result.output.splitlines() == [str(tmp_path), "yes"]


def test_run_process_asks_for_english_messages(tmp_path: Path) -> None:
    # giza reads sphinx-build's progress lines, which it would translate otherwise.
    code = ("import os; print([os.environ.get(k) for k in "
            "('LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'LANGUAGE', 'LANG')])")
    env = {**os.environ, "LC_ALL": "fr_FR.UTF-8", "LANGUAGE": "fr:de", "LANG": "fr_FR.UTF-8",
           "PYTHONCOERCECLOCALE": "0"}  # this machine may lack the locale: keep it as given
    env.pop("LC_CTYPE", None)
    result = run_process([PY, "-c", code], cwd=tmp_path, env=env)
    assert result.output.strip() == "[None, 'fr_FR.UTF-8', 'C', None, 'fr_FR.UTF-8']"


def test_run_process_refuses_shell_strings() -> None:
    with pytest.raises(TypeError):
        run_process("echo hi")  # type: ignore[arg-type]


def test_run_process_builds_a_real_project(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("project = 't'\n")
    (src / "index.rst").write_text("Title\n=====\n\nSee :ref:`nowhere`.\n")
    sphinx_build = Path(sys.executable).with_name("sphinx-build")
    result = run_process([str(sphinx_build), "-q", "-b", "html", str(src), str(tmp_path / "out")])
    assert result.returncode == 0
    assert f"{src / 'index.rst'}:4: WARNING: undefined label: 'nowhere'" in result.output
    assert (tmp_path / "out" / "index.html").is_file()


def test_run_command_raises_build_error_on_failure() -> None:
    with pytest.raises(BuildError, match=r"exited with 3: boom"):
        run_command([PY, "-c", "print('boom'); raise SystemExit(3)"])
    value = run_command([PY, "-c", "raise SystemExit(3)"], check=False)
    assert value["returncode"] == 3


DRIVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from giza.graph import Graph, GraphInterrupted, Task, make_executor, run_graph
    from giza.proc import run_command

    # Each task runs a child that starts a grandchild (as sphinx-build -j does), records both
    # pids, then sleeps; neither may survive Ctrl-C of this driver.
    CHILD = '''
    import os, subprocess, sys, time
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with open(sys.argv[1], "w") as f:
        f.write(f"{os.getpid()} {grandchild.pid}")
    time.sleep(60)
    '''

    if __name__ == "__main__":
        pids = Path(sys.argv[1])
        executor_name = sys.argv[2]
        graph = Graph()
        for i in range(3):
            argv = [sys.executable, "-c", CHILD, str(pids / f"{i}.pid")]
            graph.add(Task(f"sleep{i}", run_command, {"argv": argv}, kind="sphinx"))
        graph.add(Task("after", run_command, {"argv": ["true"]}, deps=("sleep0",)))
        try:
            with make_executor(executor_name, 3) as executor:
                run_graph(graph, executor)
        except GraphInterrupted as exc:
            for name, outcome in exc.outcomes.items():
                print(name, outcome.status, outcome.message, flush=True)
            sys.exit(130)
    """
)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped running


def _interrupt_driver(
    tmp_path: Path, executor: str, startup: float, terminal: bool = False,
    sig: int = signal.SIGINT,
) -> tuple[str, float, list[int]]:
    """Run DRIVER, wait for its children, Ctrl-C it. ``terminal``: like a real terminal,
    SIGINT goes to the driver's whole process group (its workers too), not just the driver."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    pythonpath = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": pythonpath}
    proc = subprocess.Popen(
        [PY, str(driver), str(pid_dir), executor],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=terminal,
    )
    pids: list[int] = []
    try:
        deadline = time.monotonic() + startup
        while time.monotonic() < deadline:
            files = list(pid_dir.glob("*.pid"))
            if len(files) == 3 and all(f.read_text().count(" ") == 1 for f in files):
                pids = [int(p) for f in files for p in f.read_text().split()]
                break
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.05)
        assert len(pids) == 6, "children did not start in time"
        assert all(_alive(pid) for pid in pids)
        start = time.monotonic()
        if terminal:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        output, _ = proc.communicate(timeout=15)
        elapsed = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
        deadline = time.monotonic() + 2
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [pid for pid in pids if _alive(pid)]
        for pid in survivors:  # don't leave them behind even when the test fails
            os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 130, output
    return output, elapsed, survivors


@pytest.mark.parametrize("terminal", [False, True], ids=["driver", "process-group"])
def test_ctrl_c_stops_every_child_of_the_process_executor(tmp_path: Path, terminal: bool) -> None:
    output, elapsed, survivors = _interrupt_driver(tmp_path, "process", 20, terminal)
    assert survivors == []
    assert elapsed < 6, f"driver took {elapsed:.1f} s to stop"
    lines = output.splitlines()
    assert "sleep0 skipped skipped: interrupted" in lines
    assert "after skipped skipped: interrupted" in lines


def test_sigterm_of_the_driver_stops_every_child_too(tmp_path: Path) -> None:
    # A cancelled CI job sends SIGTERM: same clean stop as Ctrl-C.
    output, elapsed, survivors = _interrupt_driver(tmp_path, "process", 20, sig=signal.SIGTERM)
    assert survivors == []
    assert elapsed < 6
    assert "sleep2 skipped skipped: interrupted" in output.splitlines()


def test_ctrl_c_stops_every_child_of_the_serial_executor(tmp_path: Path) -> None:
    # Serial runs in the driver itself: only one child ever starts, so wait for one.
    driver_out, elapsed, survivors = None, 0.0, []
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([PY, str(driver), str(pid_dir), "serial"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 20
    pids: list[int] = []
    while time.monotonic() < deadline and not pids:
        f = pid_dir / "0.pid"
        if f.exists() and f.read_text().count(" ") == 1:
            pids = [int(p) for p in f.read_text().split()]
        time.sleep(0.05)
    assert pids
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    driver_out, _ = proc.communicate(timeout=15)
    elapsed = time.monotonic() - start
    time.sleep(0.2)
    survivors = [pid for pid in pids if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 130, driver_out
    assert survivors == []
    assert elapsed < 6
    assert "sleep1 skipped skipped: interrupted" in driver_out.splitlines()


@pytest.mark.parametrize("terminal", [False, True], ids=["driver", "process-group"])
def test_ctrl_c_stops_every_child_on_a_local_dask_cluster(tmp_path: Path, terminal: bool) -> None:
    output, elapsed, survivors = _interrupt_driver(tmp_path, "dask", 60, terminal)
    assert survivors == []
    assert elapsed < 10, f"driver took {elapsed:.1f} s to stop"
