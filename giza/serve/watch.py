"""Watch the project's inputs with watchfiles; drop what a build writes and editor litter.

Two watches feed one sink: a recursive one over source/, config/ and the asset checkouts,
and a flat one over the project root for conf.py (a recursive watch of the root would
register every directory under build/, which a build fills with thousands of events).
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from giza.config.model import Config
from giza.proxy import Ignore

# Files editors write beside the one being saved (vim's swap and its "4913" probe, emacs
# lock and autosave files, backup copies, JetBrains' safe-write files, GNOME's temporary
# streams) and giza's own atomic-write temporaries.
EDITOR_TEMP = ("*~", "#*#", ".#*", "*.swp", "*.swo", "*.swx", "*.swpx", "4913", "*.tmp",
               "*.bak", "*___jb_tmp___", "*___jb_old___", ".goutputstream-*", "*.kate-swp",
               "*.giza-tmp", ".DS_Store")
SKIPPED_DIRS = (".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules")


def missing_extra() -> str | None:
    """The message to show when watchfiles (the `serve` extra) is not installed."""
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        return ("giza serve needs the 'watchfiles' package: pip install 'giza[serve]'")
    return None


class WatchFilter:
    """watchfiles' filter: True for a change that may need a rebuild."""

    def __init__(self, config: Config) -> None:
        self.source = config.paths.source.resolve()
        self.output = config.paths.output.resolve()
        self.conf = config.root.resolve() / "conf.py"
        self.config_dir = config.conf_file.parent.resolve()
        self.assets = [asset.path.resolve() for asset in config.assets]
        self.ignore = Ignore(config.paths.ignore)

    def __call__(self, change: Any, path: str) -> bool:
        target = Path(path)
        name = target.name
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in EDITOR_TEMP):
            return False
        if any(part in SKIPPED_DIRS for part in target.parts):
            return False
        if target == self.conf:
            return True
        if _inside(target, self.source):
            rel = target.relative_to(self.source).as_posix()
            parts = rel.split("/")
            return not any(self.ignore("/".join(parts[:n + 1]), parts[n])
                           for n in range(len(parts)))
        if any(_inside(target, asset) for asset in self.assets):
            return True  # asset checkouts may live under build/
        if _inside(target, self.output):
            return False  # what builds write never triggers a build
        return _inside(target, self.config_dir)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def watched_roots(config: Config) -> tuple[list[Path], Path]:
    """(recursive watch roots, the folder holding conf.py)."""
    roots = [config.paths.source, config.conf_file.parent]
    roots += [asset.path for asset in config.assets if asset.path.exists()]
    unique = list(dict.fromkeys(p.resolve() for p in roots if p.exists()))
    return unique, config.root.resolve()


class Watcher:
    """Threads running watchfiles.watch until stop(); each batch of changed paths goes to
    ``sink`` (from a watcher thread)."""

    def __init__(self, config: Config, sink: Callable[[set[Path]], None]) -> None:
        self.filter = WatchFilter(config)
        self.sink = sink
        self._stop = threading.Event()
        roots, flat = watched_roots(config)
        self._threads = [threading.Thread(target=self._run, args=(roots, True), daemon=True,
                                          name="giza-serve-watch")]
        if not any(_inside(flat, root) for root in roots):
            self._threads.append(threading.Thread(target=self._run, args=([flat], False),
                                                  daemon=True, name="giza-serve-watch-conf"))

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def _run(self, roots: Sequence[Path], recursive: bool) -> None:
        import watchfiles  # optional extra (giza[serve])

        for changes in watchfiles.watch(*roots, watch_filter=self.filter, recursive=recursive,
                                        stop_event=self._stop, step=30, debounce=800,
                                        raise_interrupt=False):
            self.sink({Path(path) for _, path in changes})

    def stop(self, timeout: float = 1.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
