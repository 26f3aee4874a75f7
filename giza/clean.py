"""Removing build output. Only ever deletes inside the project's build directory."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from giza.config.model import Config
from giza.errors import UsageError, unknown_choice
from giza.variants import SPHINX_BUILDERS


def _inside(path: Path, parent: Path) -> bool:
    return path.resolve().is_relative_to(parent.resolve())


def targets(config: Config, builders: Sequence[str] = (), everything: bool = False) -> list[Path]:
    output = config.paths.output
    if everything:
        return [output] if output.exists() else []
    branch_dir = config.branch_dir
    if not builders:
        return [branch_dir] if branch_dir.exists() else []
    unknown = [b for b in builders if b not in SPHINX_BUILDERS]
    if unknown:
        raise UsageError(unknown_choice("builder", unknown[0], sorted(SPHINX_BUILDERS)))
    found: list[Path] = []
    if branch_dir.is_dir():
        for child in sorted(branch_dir.iterdir()):
            name = child.name.removeprefix("doctrees-")
            if any(name == b or name.startswith(f"{b}-") for b in builders):
                found.append(child)
    return found


def clean(config: Config, builders: Sequence[str] = (), everything: bool = False,
          dry_run: bool = False) -> list[Path]:
    paths = targets(config, builders, everything)
    for path in paths:
        # Never follow a misconfigured paths.output out of the project.
        if not _inside(path, config.root) or path.resolve() == config.root.resolve():
            raise UsageError(f"refusing to remove {path}: it is not inside the project's "
                             f"build directory")
        if not dry_run:
            shutil.rmtree(path)
    return paths
