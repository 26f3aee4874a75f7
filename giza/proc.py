"""The one way giza runs a child process (sphinx-build, latexmk, rsync, git): an argv list,
never a shell string, so that Ctrl-C never leaves orphans and the watchdog sees it.

Each child starts in its own session (and so its own process group): a terminal's Ctrl-C does
not reach it directly, and we can stop the child *and everything it started* (sphinx-build
-j N forks workers) with one ``killpg``. Live children are recorded in a module-level table;
``kill_active_children`` stops them all. It is called

* by ``run_command`` itself when the calling thread is interrupted (serial executor),
* from the SIGTERM handler that process-pool workers install (``install_worker_signals``),
* on dask workers, through ``Client.run``, when the driver is interrupted.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giza import forked
from giza.errors import BuildError
from giza.watchdog import (
    TAIL_LINES,
    Monitor,
    Stopped,
    TaskTimedOut,
    Watch,
    current_watch,
    group_usage,
)

# pid -> Popen of children started by this process and not yet reaped. Plain dict operations
# are atomic under the GIL; no lock, because a signal handler must be able to read it.
_ACTIVE: dict[int, subprocess.Popen[bytes]] = {}

GRACE_SECONDS = 1.5  # SIGTERM first (lets sphinx-build exit cleanly), then SIGKILL


@dataclass
class SphinxRun:
    argv: list[str]
    returncode: int
    output: str  # stdout and stderr, interleaved as the child wrote them
    seconds: float


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    # Runs in the child between fork and exec: no imports, no allocation-heavy work.
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)


def run_process(
    argv: list[str], cwd: Path | None = None, env: Mapping[str, str] | None = None,
    warm: Callable[[], int] | None = None,
) -> SphinxRun:
    """Run sphinx-build (or any argv) to completion and return its combined output.

    A non-zero exit is *not* an exception here: the caller decides what it means. ``env``
    replaces the environment (pass ``{**os.environ, ...}`` to extend it). ``warm``: the
    same command as a function of this process, which a fork of it runs instead of
    exec'ing ``argv`` where that is safe (giza.forked).
    """
    if isinstance(argv, (str, bytes)):
        raise TypeError("argv must be a list of arguments, never a shell string")
    argv = [os.fspath(a) for a in argv]
    child_env = _child_env(env)
    start = time.perf_counter()
    # The child dies with this process even on kill -9, where no handler can run. Only from
    # the main thread: Linux ties the signal to the creating thread, and pool threads end.
    on_parent_death = die_with_parent if threading.current_thread() is threading.main_thread() \
        else None
    proc: Any
    if warm is not None and forked.can_fork():
        proc = forked.start(warm, cwd, child_env, on_start=on_parent_death)
    else:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: see the module docstring
            preexec_fn=on_parent_death,
        )
    _ACTIVE[proc.pid] = proc
    try:
        lines, stopped = _follow(proc)
    except BaseException:
        # KeyboardInterrupt in the serial executor, SystemExit, ...: never leave the child.
        _stop_group(proc)
        _reap(proc)
        raise
    finally:
        _ACTIVE.pop(proc.pid, None)
    output = lines.text()
    seconds = time.perf_counter() - start
    if stopped is not None:
        raise TaskTimedOut(stopped, {"returncode": proc.returncode, "output": output,
                                     "seconds": seconds})
    return SphinxRun(argv, proc.returncode, output, seconds)


class _Output:
    """The child's output as it arrives: whole lines, each stamped with the time its first
    character came (Sphinx writes a document's progress line, then works on the document,
    then ends the line), and the line still being written."""

    def __init__(self, watch: Watch | None) -> None:
        self.watch = watch
        self.lines: list[str] = []  # complete lines, "\n" included
        self.partial = ""
        self._since = 0.0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._cr = False

    def feed(self, data: bytes, final: bool = False) -> None:
        text = ("\r" if self._cr else "") + self._decoder.decode(data, final)
        self._cr = text.endswith("\r") and not final  # maybe half of a "\r\n"
        if self._cr:
            text = text[:-1]
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as universal newlines
        now = time.time()
        while text:
            if not self.partial:
                self._since = now
            head, newline, text = text.partition("\n")
            self.partial += head
            if newline:
                self.lines.append(self.partial + "\n")
                if self.watch is not None:
                    self.watch.add_line(self._since, self.partial)
                self.partial = ""

    def text(self) -> str:
        return "".join(self.lines) + self.partial

    def tail(self, count: int) -> tuple[str, ...]:
        last = [line.rstrip("\n") for line in self.lines[-count:]]
        if self.partial:
            last.append(self.partial)
        return tuple(last[-count:])


def _stop_stuck(proc: subprocess.Popen[bytes], task: str, reason: str,
                tail: tuple[str, ...]) -> Stopped:
    """Stop a child the watchdog gave up on (its whole group); what it knew about it."""
    _stop_group(proc)
    try:
        proc.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        pass
    return Stopped(task, reason, tail[-1].strip() if tail else "", tail)


def _child_env(env: Mapping[str, str] | None) -> dict[str, str]:
    # Output is parsed, never shown raw: ask for plain text even when the caller's
    # environment sets FORCE_COLOR (as CI systems do); NO_COLOR wins over it in Sphinx.
    child_env = {**(os.environ if env is None else env), "NO_COLOR": "1"}
    # ... and in English: sphinx-build translates its progress lines into the user's
    # language, and giza reads them. Only the messages category changes.
    language = child_env.pop("LC_ALL", None)
    if language:
        child_env.setdefault("LC_CTYPE", language)
    child_env.pop("LANGUAGE", None)
    child_env["LC_MESSAGES"] = "C"
    return child_env


def _follow(proc: subprocess.Popen[bytes]) -> tuple[_Output, Stopped | None]:
    """Collect the child's output until it exits, under the task's watchdog.

    A reader thread takes the output (any of it is progress); this thread samples the
    child's process group (CPU time is progress too; peak memory for the report) and stops
    the group when the task's Watch says so. Returns the output and, if stopped, why."""
    watch = current_watch()
    if watch is not None and watch.child_started is None:
        watch.child_started = time.time()
    monitor = Monitor(watch)
    output = _Output(watch)

    def read() -> None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        try:
            while data := os.read(fd, 65536):
                output.feed(data)
                monitor.output()
        except (ValueError, OSError):
            pass  # closed under us by an interrupted caller's cleanup
        output.feed(b"", final=True)

    reader = threading.Thread(target=read, name=f"giza-read-{proc.pid}", daemon=True)
    reader.start()
    interval = monitor.interval()
    stopped = None
    while True:
        try:
            proc.wait(timeout=interval)
            break
        except subprocess.TimeoutExpired:
            pass
        if watch is None:
            continue  # not a task's child (e.g. git for assets): nothing to enforce
        reason = monitor.sample(*group_usage(proc.pid))
        if reason is not None:
            stopped = _stop_stuck(proc, watch.task, reason, output.tail(TAIL_LINES))
            break
    # A grandchild in another session may hold the pipe open: do not wait on it forever.
    reader.join(timeout=5.0 if stopped is None else GRACE_SECONDS)
    if proc.stdout is not None and not reader.is_alive():
        proc.stdout.close()
    return output, stopped


def run_command(
    argv: list[str],
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> dict[str, object]:
    """A task function: run argv; return ``{"returncode", "output", "seconds"}``.

    With ``check`` a non-zero exit raises BuildError (so the task's Outcome is "failed").
    """
    result = run_process(list(argv), cwd=Path(cwd) if cwd is not None else None, env=env)
    if check and result.returncode != 0:
        last = result.output.strip().splitlines()[-1:] or [""]
        detail = f": {last[0]}" if last[0] else ""
        raise BuildError(f"{Path(argv[0]).name} exited with {result.returncode}{detail}")
    return {"returncode": result.returncode, "output": result.output, "seconds": result.seconds}


def active_children() -> list[int]:
    """Pids of the children this process is running now."""
    return list(_ACTIVE)


def kill_active_children(grace: float = GRACE_SECONDS, reap: bool = False) -> list[int]:
    """Stop every running child's process group (TERM, then KILL after ``grace``).

    Safe from a signal handler and from another thread than the one waiting on the child.
    ``reap`` collects dead leaders here; only for callers about to exit (a signal handler
    that interrupted the waiting thread), because stealing the exit status from a thread
    blocked in Popen.wait() would make it report returncode 0.
    Returns the pids it signalled.
    """
    pids = list(_ACTIVE)
    for pid in pids:
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if _group_alive(pid, reap)]
    for pid in alive:
        _signal_group(pid, signal.SIGKILL)
    return pids


def install_worker_signals() -> None:
    """Process-pool worker initializer.

    SIGINT is ignored (the driver alone decides to stop, so a terminal Ctrl-C does not
    produce a traceback per worker); on SIGTERM the worker stops its children, then exits.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(signum: int, frame: object) -> None:
    # The main thread may be inside Popen.wait() holding its lock: don't touch Popen here.
    kill_active_children(reap=True)
    os._exit(128 + signum)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # pgid == pid: the child leads its own session
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pid: int, reap: bool) -> bool:
    if reap:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
    try:
        os.killpg(pid, 0)  # any member left (an unreaped leader, sphinx -j workers)?
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_group(proc: subprocess.Popen[bytes], grace: float = GRACE_SECONDS) -> None:
    """Called by the thread that owns ``proc``: it may reap the leader itself."""
    _signal_group(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        proc.poll()
        if not _group_alive(proc.pid, reap=False):
            return
        time.sleep(0.05)
    _signal_group(proc.pid, signal.SIGKILL)


def _reap(proc: subprocess.Popen[bytes]) -> None:
    try:
        proc.wait(timeout=GRACE_SECONDS)
    except (subprocess.TimeoutExpired, ChildProcessError):
        pass
    for stream in (proc.stdout,):
        if stream is not None:
            stream.close()
