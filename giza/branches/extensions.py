"""Sphinx extensions a branch's conf.py lists that this environment cannot import.

Read from the ``extensions = [...]`` literal without running conf.py; a conf.py that
computes its list is not checked here (sphinx-build reports it)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path


def listed_extensions(conf: Path) -> list[tuple[str, int]]:
    """(module, line) of each string in conf.py's top-level ``extensions`` list."""
    try:
        tree = ast.parse(conf.read_text(encoding="utf-8"), filename=str(conf))
    except (OSError, SyntaxError, ValueError):
        return []
    found: list[tuple[str, int]] = []
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, (ast.List, ast.Tuple)):
            continue
        if any(isinstance(t, ast.Name) and t.id == "extensions" for t in node.targets):
            found = [(item.value, item.lineno) for item in node.value.elts
                     if isinstance(item, ast.Constant) and isinstance(item.value, str)]
    return found


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False  # a missing parent package


def _local(module: str, conf_dir: Path) -> bool:
    """A project extension next to conf.py (conf.py usually puts its folder on sys.path)."""
    top = module.split(".")[0]
    places = [conf_dir, *(d for d in conf_dir.iterdir() if d.is_dir())]
    return any((d / f"{top}.py").is_file() or (d / top / "__init__.py").is_file()
               for d in places)


def missing_extensions(conf: Path) -> list[tuple[str, int]]:
    """The listed extensions that cannot be imported here, with their lines."""
    if not conf.is_file():
        return []
    return [(module, line) for module, line in listed_extensions(conf)
            if not _importable(module) and not _local(module, conf.parent)]
