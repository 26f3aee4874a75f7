"""The one way giza writes a file: beside the target, then renamed over it.

A reader (or a crash, or a full disk) never leaves half a file behind, and a failed
write is a :class:`~giza.errors.BuildError` naming the path and the reason
(``cannot write build/master/.giza/record.json: no space left on device``), not a
traceback. Unchanged files are not rewritten, so they keep their mtime for Sphinx.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from giza.errors import BuildError, shown


def write_failed(path: Path | str, exc: OSError) -> BuildError:
    """``cannot write <path>: no space left on device`` (the error's own words)."""
    reason = os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))
    return BuildError(f"cannot write {shown(path)}: {reason[:1].lower()}{reason[1:]}")


def write_if_changed(path: Path | str, data: str | bytes,
                     made_dirs: set[str] | None = None) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds those bytes.

    Returns True when the file was written. Unchanged files keep their mtime so
    Sphinx's incremental machinery does not re-read them. ``made_dirs`` remembers
    the directories already created during one run (it saves a mkdir per file).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    name = os.fspath(path)
    try:
        if os.stat(name).st_size == len(payload):
            with open(name, "rb") as existing:
                if existing.read() == payload:
                    return False
    except OSError:
        pass
    atomic_write(Path(name), payload, made_dirs=made_dirs)
    return True


def _write_all(tmp: str, payload: bytes) -> None:
    # os.open with the final mode: no mkstemp name search, no chmod, no file object
    # (a content run writes thousands of small files).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW,
                 0o644)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def atomic_write(path: Path, payload: bytes, *, durable: bool = False,
                 before_swap: Callable[[], None] | None = None,
                 made_dirs: set[str] | None = None) -> None:
    """Write ``payload`` via a temporary file in the same directory, then rename it over
    ``path``. ``durable``: fsync before the rename. ``before_swap`` runs once the new
    content is safely written, just before the rename (records rotate there)."""
    _replace(Path(path), lambda tmp: _write_all(tmp, payload), durable, before_swap,
             made_dirs)


def atomic_copy(src: Path | str, dst: Path | str) -> None:
    """Copy ``src`` to ``dst`` (bytes, mode and mtime) the same way."""
    def fill(tmp: str) -> None:
        shutil.copyfile(src, tmp)
        shutil.copystat(src, tmp)

    _replace(Path(dst), fill, False, None, None)


def _replace(path: Path, fill: Callable[[str], None], durable: bool,
             before_swap: Callable[[], None] | None, made_dirs: set[str] | None) -> None:
    parent = os.fspath(path.parent)
    # Unique per process and thread; a leftover of a crashed run is simply overwritten.
    tmp = os.path.join(parent, f".{path.name}.{os.getpid()}-{threading.get_native_id()}.tmp")
    try:
        if made_dirs is None or parent not in made_dirs:
            os.makedirs(parent, exist_ok=True)
            if made_dirs is not None:
                made_dirs.add(parent)
        fill(tmp)
        if durable:
            fd = os.open(tmp, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if before_swap is not None:
            before_swap()
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise write_failed(path, exc) from exc
        raise
