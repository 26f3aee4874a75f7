"""The watchdog with real children: hung, silent, spinning, chatty, and ones that kill their
worker; on the serial, process and dask executors."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from giza.graph import DaskExecutor, Graph, ProcessExecutor, SerialExecutor, Task, run_graph
from giza.graph.executors import died_message
from giza.graph.task import execute
from giza.proc import run_command
from giza.watchdog import Limits, Stopped

PY = sys.executable
SILENT = [PY, "-c", "print('started', flush=True); import time; time.sleep(60)"]
# Writes nothing but keeps a core busy: CPU time is progress, so only the wall limit stops it.
SPIN = [PY, "-c", "print('spinning', flush=True)\nwhile True: pass"]
CHATTY = [PY, "-c", "import time\nfor i in range(12):\n print(i, flush=True); time.sleep(0.1)"]
# Kills the worker process running its task (an OOM kill, as far as the worker can tell).
KILL_WORKER = [PY, "-c", "import os, signal; os.kill(os.getppid(), signal.SIGKILL)"]
QUICK = [PY, "-c", "print('done')"]


def _task(name: str, argv: list[str], limits: Limits, deps: tuple[str, ...] = ()) -> Task:
    return Task(name, run_command, {"argv": argv}, deps=deps, limits=limits)


def test_a_silent_child_is_stopped_with_its_last_lines() -> None:
    outcome = execute("sphinx:html-cloud", run_command, {"argv": SILENT},
                      Limits(stall_timeout=0.5))
    assert outcome.status == "timed out"
    assert outcome.message == "no progress for 0.5 s"
    assert outcome.stopped == Stopped("sphinx:html-cloud", "no progress for 0.5 s", "started",
                                      ("started",))
    assert outcome.stopped.headline() == (
        "sphinx:html-cloud: no progress for 0.5 s (last: started) — it might be stuck; "
        "stopping it")
    assert outcome.value["output"] == "started\n"
    assert outcome.timing is not None and outcome.timing.worker == f"pid {os.getpid()}"


def test_cpu_time_is_progress_but_the_task_timeout_still_stops_it() -> None:
    outcome = execute("spin", run_command, {"argv": SPIN},
                      Limits(task_timeout=3, stall_timeout=0.5))
    assert outcome.status == "timed out"
    assert outcome.message == "ran longer than the task timeout of 3 s"
    assert outcome.stopped is not None and outcome.stopped.last == "spinning"


def test_output_is_progress() -> None:
    outcome = execute("chatty", run_command, {"argv": CHATTY}, Limits(stall_timeout=0.5))
    assert outcome.status == "ok", outcome.message
    assert outcome.value["output"].split() == [str(i) for i in range(12)]


def test_the_whole_process_group_is_stopped(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    script = (f"import subprocess, sys\np = subprocess.Popen([sys.executable, '-c', "
              f"'import time; time.sleep(60)'])\nopen({str(pidfile)!r}, 'w').write(str(p.pid))"
              "\nprint('waiting', flush=True)\np.wait()")
    outcome = execute("tree", run_command, {"argv": [PY, "-c", script]},
                      Limits(stall_timeout=0.5))
    assert outcome.status == "timed out"
    assert not _running(int(pidfile.read_text()))


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for init to reap it (a moment, at most)."""
    for _ in range(100):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state == "Z":
            return False
        time.sleep(0.05)
    return True


def test_no_limits_outside_a_task() -> None:
    # git for assets runs in the driver, outside any task: never stopped by the watchdog.
    assert run_command(CHATTY)["returncode"] == 0


def test_died_message_names_the_signal() -> None:
    assert died_message(42, -9) == ("the worker process (pid 42) was killed by SIGKILL "
                                    "(signal 9) while running it — out of memory?")
    assert died_message(42, -11).endswith("SIGSEGV (signal 11) while running it — a crash "
                                          "in native code?")
    assert died_message(None, None) == "the worker process died while running it"
    assert died_message(7, 3) == "the worker process (pid 7) died while running it (exit status 3)"


def _graph(limits: Limits) -> Graph:
    return Graph([
        _task("silent", SILENT, limits),
        _task("after-silent", QUICK, limits, deps=("silent",)),
        _task("spin", SPIN, limits),
        _task("chatty", CHATTY, limits),
    ])


def _check_graph(outcomes: dict[str, Any]) -> None:
    statuses = {name: (o.status, o.message) for name, o in outcomes.items()}
    assert statuses == {
        "silent": ("timed out", "no progress for 0.5 s"),
        "after-silent": ("skipped", "skipped: dependency 'silent' timed out"),
        "spin": ("timed out", "ran longer than the task timeout of 4 s"),
        "chatty": ("ok", ""),
    }


LIMITS = Limits(task_timeout=4, stall_timeout=0.5)


def test_serial_executor_stops_stuck_tasks_and_goes_on() -> None:
    with SerialExecutor() as executor:
        _check_graph(run_graph(_graph(LIMITS), executor))


def test_process_executor_stops_stuck_tasks_and_goes_on() -> None:
    with ProcessExecutor(2) as executor:
        outcomes = run_graph(_graph(LIMITS), executor)
    _check_graph(outcomes)
    assert outcomes["chatty"].timing.worker.startswith("pid ")
    assert outcomes["chatty"].timing.worker != f"pid {os.getpid()}"


def test_process_executor_reports_a_killed_worker_and_goes_on() -> None:
    graph = Graph([
        _task("killer", KILL_WORKER, LIMITS),
        _task("chatty", CHATTY, LIMITS),  # in the other worker: the pool stops it too
        _task("later", QUICK, LIMITS, deps=("chatty",)),
    ])
    with ProcessExecutor(2) as executor:
        outcomes = run_graph(graph, executor)
    killer = outcomes["killer"]
    assert killer.status == "failed"
    assert killer.message.startswith("the worker process (pid ")
    assert killer.message.endswith(") was killed by SIGKILL (signal 9) while running it — "
                                   "out of memory?")
    # The task that shared the broken pool ran again in a new one.
    assert outcomes["chatty"].status == "ok"
    assert outcomes["later"].status == "ok"


def test_dask_executor_stops_stuck_tasks_and_goes_on(dask_executor: DaskExecutor) -> None:
    outcomes = run_graph(_graph(LIMITS), dask_executor)
    _check_graph(outcomes)
    assert outcomes["chatty"].timing.worker.startswith("tcp://127.0.0.1:")


def test_dask_executor_reports_a_killed_worker_and_goes_on(
        dask_executor: DaskExecutor) -> None:
    graph = Graph([
        _task("killer", KILL_WORKER, LIMITS),
        _task("chatty", CHATTY, LIMITS),
        _task("later", QUICK, LIMITS, deps=("chatty",)),
    ])
    outcomes = run_graph(graph, dask_executor)
    killer = outcomes["killer"]
    assert killer.status == "failed"
    assert "was killed by SIGKILL (signal 9) while running it — out of memory? (dask worker " \
           "tcp://127.0.0.1:" in killer.message
    assert outcomes["chatty"].status == "ok"
    assert outcomes["later"].status == "ok"
    # The nanny restarted the worker: the cluster still runs tasks.
    again = run_graph(Graph([_task("again", QUICK, LIMITS)]), dask_executor)
    assert again["again"].status == "ok"


def test_process_executor_stops_a_task_stuck_in_python() -> None:
    from helpers import python_hang

    graph = Graph([
        Task("stuck", python_hang, {"seconds": 120}, limits=Limits(task_timeout=1)),
        _task("chatty", CHATTY, LIMITS),
    ])
    with ProcessExecutor(2) as executor:
        outcomes = run_graph(graph, executor)
    stuck = outcomes["stuck"]
    assert (stuck.status, stuck.message) == ("timed out", "ran longer than the task timeout "
                                                          "of 1 s")
    assert stuck.stopped is not None and stuck.stopped.headline() == (
        "stuck: ran longer than the task timeout of 1 s (last: no output) — it might be "
        "stuck; stopping it")
    assert outcomes["chatty"].status == "ok"
