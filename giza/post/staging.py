"""Atomic staging primitives: clone trees with hard links, swap directories, clean leftovers.

A staged site is never changed in place. A new tree is assembled beside it
(``<site>.giza-new``), then exchanged with the old one in a single rename. Files in
the new tree may be hard links to the old tree's files, so nothing here may ever
open an existing file for writing: paths are always unlinked and recreated.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from giza.fileio import atomic_copy, atomic_write

NEW_SUFFIX = ".giza-new"
OLD_SUFFIX = ".giza-old"
MANIFEST = ".giza-site.json"  # per staged site: who owns what (deploy may exclude it)
LOCK_NAME = ".giza-stage.lock"

Skip = Callable[[str], bool]  # gets a posix path relative to the tree root


def is_temp_name(name: str) -> bool:
    return name.endswith((NEW_SUFFIX, OLD_SUFFIX))


def remove_path(path: Path) -> None:
    """Remove a file, symlink or directory tree; missing is fine."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass


def _place_file(src: str, dst: str, link: bool) -> None:
    if link:
        try:
            os.link(src, dst, follow_symlinks=False)
            return
        except OSError:
            pass  # another filesystem, or links unsupported: fall back to a copy
    atomic_copy(src, dst)


def clone_tree(src: Path, dst: Path, *, link: bool = True, skip: Skip | None = None,
               on_file: Callable[[], None] | None = None) -> int:
    """Recreate ``src`` at ``dst`` (which may already exist): directories are made,
    symlinks recreated, files hard-linked (or copied). Existing destination entries in
    the way are replaced, never written through. Returns the number of files placed."""
    count = 0
    stack: list[tuple[str, str, str]] = [(os.fspath(src), os.fspath(dst), "")]
    while stack:
        sdir, ddir, rel = stack.pop()
        os.makedirs(ddir, exist_ok=True)
        with os.scandir(sdir) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                erel = f"{rel}{entry.name}"
                if skip is not None and skip(erel):
                    continue
                target = os.path.join(ddir, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    if os.path.lexists(target) and not os.path.isdir(target):
                        os.unlink(target)
                    stack.append((entry.path, target, erel + "/"))
                    continue
                if os.path.lexists(target):
                    remove_path(Path(target))
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), target)
                else:
                    _place_file(entry.path, target, link)
                count += 1
                if on_file is not None:
                    on_file()
    return count


def write_new_file(path: Path, data: str | bytes) -> None:
    """Write into an assembling tree. The old entry may be a hard link shared with the
    live site: the rename replaces the entry, it never writes through the link."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if os.path.isdir(path) and not os.path.islink(path):
        remove_path(path)
    atomic_write(path, raw)


def _load_renameat2() -> Callable[[str, str], bool] | None:
    """renameat2(RENAME_EXCHANGE) swaps two paths in one step (Linux >= 3.15)."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    at_fdcwd, exchange = -100, 2

    def swap(a: str, b: str) -> bool:
        if func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), exchange) == 0:
            return True
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            return False  # kernel or filesystem without exchange: use two renames
        raise OSError(err, os.strerror(err), a)

    return swap


_EXCHANGE = _load_renameat2()


def swap_into_place(new: Path, final: Path) -> None:
    """Make ``new`` the tree at ``final``; the previous tree ends up deleted.

    With an atomic exchange there is no instant at which ``final`` is missing. Without
    one the old tree goes to ``<final>.giza-old`` first; :func:`recover` undoes a crash
    between the two renames."""
    old = final.with_name(final.name + OLD_SUFFIX)
    remove_path(old)
    if not final.exists():
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(new, final)
        return
    if _EXCHANGE is not None and _EXCHANGE(os.fspath(new), os.fspath(final)):
        os.rename(new, old)  # `new` now names the previous tree
    else:
        os.rename(final, old)
        os.rename(new, final)
    remove_path(old)


def recover(final: Path) -> list[str]:
    """Clean what an interrupted staging of ``final`` left behind; returns notes."""
    notes: list[str] = []
    new = final.with_name(final.name + NEW_SUFFIX)
    old = final.with_name(final.name + OLD_SUFFIX)
    if old.exists() and not final.exists():
        # Interrupted between "final -> old" and "new -> final": the old site is whole.
        os.rename(old, final)
        notes.append(f"restored {final.name} from an interrupted swap")
    for leftover in (new, old):
        if os.path.lexists(leftover):
            remove_path(leftover)
            notes.append(f"removed leftover {leftover.name}")
    return notes


@contextlib.contextmanager
def stage_lock(output: Path) -> Iterator[None]:
    """Serialise stagings (and sitemap-index writes) across processes: nested sites
    (build/public and build/public/fr) copy each other's trees."""
    output.mkdir(parents=True, exist_ok=True)
    with open(output / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def replace_dir(new: Path, final: Path) -> None:
    """Swap a freshly built directory (e.g. a fragment) into place; used outside sites."""
    swap_into_place(new, final)
