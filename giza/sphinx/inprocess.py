"""sphinx-build in this process: for a child forked from a process that imported Sphinx.

Importing this module imports Sphinx and its built-in extensions (what every sphinx-build
imports before it reads a file); the process pool's forkserver imports it once, so that
each sphinx task can fork its worker instead of starting an interpreter (giza.forked).
giza's own build process never imports it: a task checks ``sys.modules`` for it.
"""

from __future__ import annotations

import importlib
import os
import sys

import sphinx.application
from sphinx.cmd.build import build_main

for _name in getattr(sphinx.application, "builtin_extensions", ()):
    try:
        importlib.import_module(_name)
    except ImportError:  # the build itself reports it
        pass


def sphinx_build(args: list[str]) -> int:
    """``python -m sphinx ARGS``, in this (forked) process."""
    sys.argv = ["sphinx-build", *args]
    sys.path.insert(0, os.getcwd())  # as ``python -m`` puts the working directory first
    return int(build_main(args) or 0)


def loaded() -> bool:
    """Whether this process has Sphinx imported through this module (so a fork of it
    starts warm)."""
    return __name__ in sys.modules
