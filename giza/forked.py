"""A child process that is a fork of this one, running a Python function: a warm start.

Every sphinx-build giza runs starts a Python interpreter and imports Sphinx (0.3 s or so
before it reads a file). A process-pool worker already has Sphinx imported (the pool's
forkserver preloads it, giza.sphinx.preload), so forking the worker and calling Sphinx's
``build_main`` in the child does the same build without that start. The child is set up
as giza.proc sets up an exec'd one: its own session, dying with its parent, stdin from
/dev/null, stdout and stderr into one pipe, the given working directory and environment,
no other file descriptors, default signal handlers. ``Forked`` offers the part of
subprocess.Popen's interface that giza.proc uses, so the watchdog, Ctrl-C and the output
parsing treat both alike.

Only a single-threaded process forks (a fork copies one thread, and another thread's
locks with it): elsewhere (a dask worker, the serial executor's live display) giza.proc
runs the argv as before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class Forked:
    """A forked child, seen as the part of subprocess.Popen that giza.proc uses."""

    def __init__(self, pid: int, stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: as Popen does, call it 0
                self.returncode = 0
                return 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
            time.sleep(0.02 if left is None else min(0.02, left))
        return code


def start(main: Callable[[], int], cwd: Path | None, env: Mapping[str, str],
          on_start: Callable[[], None] | None = None) -> Forked:
    """Fork; the child sets itself up as an exec'd child would be, runs ``main`` and
    exits with its status."""
    read, write = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            _as_a_new_child(write, cwd, env, on_start)
            code = main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - told in the output, like an interpreter would
            import traceback  # lazy: only a crashed child needs it

            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(code)
    os.close(write)
    return Forked(pid, os.fdopen(read, "rb"))


def _as_a_new_child(write: int, cwd: Path | None, env: Mapping[str, str],
                    on_start: Callable[[], None] | None) -> None:
    os.setsid()
    if on_start is not None:
        on_start()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(write, 1)
    os.dup2(write, 2)
    for fd in _open_fds():
        if fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    if cwd is not None:
        os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    # New standard streams, as a new interpreter would have (the old ones may hold the
    # parent's buffered text, or be a test runner's stand-ins).
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 256))
