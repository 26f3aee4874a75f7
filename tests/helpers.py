"""Helpers tests import by name (tests/ is on sys.path through pyproject)."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text is dedented)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def python_hang(seconds: float) -> float:
    """A task stuck in Python code rather than in a command (tests of the watchdog)."""
    import time

    time.sleep(seconds)
    return seconds


SERIAL = ("--executor", "serial")


def build(giza, *args):
    """``giza sphinx -b html ARGS`` in one process (the tests of incremental builds)."""
    return giza(*SERIAL, "sphinx", "-b", "html", *args)


def first_lines(result, n=1):
    return result.out.splitlines()[:n]


def imported(name: str) -> bool:
    """Whether module ``name`` is imported in this process (a task for pool workers: the
    tests' own modules are not importable there, this one is)."""
    import sys

    return name in sys.modules
