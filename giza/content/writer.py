"""Write a file only when its bytes change, so mtimes stay put for Sphinx."""

from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path: Path | str, data: bytes, made_dirs: set[str] | None = None
                     ) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if written.

    Written in place (no temporary file and rename, which costs twice the
    time): generation finishes before any sphinx-build reads the tree, and a
    file left truncated by a crash differs from its content, so the next run
    rewrites it. ``made_dirs`` remembers directories created during one run.
    """
    name = os.fspath(path)
    try:
        if os.stat(name).st_size == len(data):
            with open(name, "rb") as existing:
                if existing.read() == data:
                    return False
    except FileNotFoundError:
        pass
    parent = os.path.dirname(name)
    if made_dirs is None or parent not in made_dirs:
        os.makedirs(parent or ".", exist_ok=True)
        if made_dirs is not None:
            made_dirs.add(parent)
    with open(name, "wb") as handle:
        handle.write(data)
    return True
