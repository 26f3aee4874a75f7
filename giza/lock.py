"""One build per project at a time.

Every command that writes under ``build/`` holds an advisory lock (``flock``) on
``build/<branch>/.giza/lock``: Sphinx's pickled environment, the proxy trees and
giza's records are not safe against two builds at once. A second giza waits (or,
with ``--no-wait``, exits 1 at once). The kernel drops the lock when its holder
dies, so a killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from giza import layout
from giza.config.model import Config
from giza.errors import BuildError
from giza.fileio import write_failed

# Locks this process holds (path -> fd): a command that runs another (make -> push ->
# sphinx) must not wait for itself.
_HELD: dict[str, int] = {}


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as the holder wrote it into the lock file."""

    pid: int
    command: str
    started: float

    def describe(self, now: float | None = None) -> str:
        ago = max(0, int((time.time() if now is None else now) - self.started))
        return f"pid {self.pid}, {self.command}, started {ago} s ago"


def lock_path(config: Config) -> Path:
    return layout.lock_path(config)


def read_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["command"]), float(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # the holder has not written it yet


def _missing_dirs(directory: Path) -> list[Path]:
    """``directory`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    while not directory.exists() and directory.parent != directory:
        missing.append(directory)
        directory = directory.parent
    return missing


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise write_failed(path, exc) from exc


def _tidy(path: Path, created: list[Path]) -> None:
    # A command that stopped before writing anything (a bad target name) leaves no
    # build/ behind: remove the lock and the directories made for it, if still empty.
    if not created or os.listdir(path.parent) != [path.name]:
        return
    with contextlib.suppress(OSError):
        path.unlink()  # a process waiting on it notices and locks a new file
        for directory in created:
            directory.rmdir()


def _same_file(fd: int, path: Path) -> bool:
    # `giza clean --all` may have removed the file we waited on: then lock the new one.
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except OSError:
        return False


def _announce(fd: int, command: str) -> None:
    # Written in place, not renamed over: the lock lives on this very inode. The note
    # only names the holder in messages; the lock holds without it (on a full disk the
    # build stops at its first real write, with that file's name).
    payload = json.dumps({"pid": os.getpid(), "command": command,
                          "started": time.time()}).encode("utf-8")
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, payload, 0)


def _acquire(path: Path, command: str, wait: bool, err: TextIO) -> int:
    announced = False
    while True:
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(path)
            about = f" ({holder.describe()})" if holder else ""
            if not wait:
                os.close(fd)
                raise BuildError(f"another giza build is running in this project{about}; "
                                 "not waiting (--no-wait)") from None
            if not announced:
                print(f"giza: waiting for another giza build in this project{about}",
                      file=err, flush=True)
                announced = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        if _same_file(fd, path):
            _announce(fd, command)
            return fd
        os.close(fd)


@contextlib.contextmanager
def holding(path: Path, command: str, wait: bool = True, err: TextIO | None = None
            ) -> Iterator[None]:
    """Hold the build lock at ``path`` for the block; wait for it (saying so on ``err``)
    or, when not ``wait``, raise BuildError at once if another process holds it."""
    key = os.fspath(path)
    if key in _HELD:
        yield
        return
    created = _missing_dirs(path.parent)
    fd = _acquire(path, command, wait, err or sys.stderr)
    _HELD[key] = fd
    try:
        yield
    finally:
        del _HELD[key]
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # no longer the holder: a waiter must not name us
        _tidy(path, created)
        os.close(fd)  # releases the lock


def build_lock(config: Config, read_only: bool = False) -> contextlib.AbstractContextManager:
    """The project's build lock for the running command (nothing for a read-only run:
    ``--dry-run``, ``--explain``)."""
    from giza.options import current  # lazy: start-up time

    if read_only:
        return contextlib.nullcontext()
    options = current()
    return holding(lock_path(config), options.command, wait=not options.no_wait)
