"""Each branch's own Config, read from its own tree, with its outputs in the main build/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from giza.branches.select import Branch
from giza.branches.worktrees import ensure_worktree
from giza.config.git import query
from giza.config.model import Config
from giza.errors import ConfigError, shown


def branch_tree(config: Config, branch: Branch) -> Path:
    """Where ``branch``'s files are: the main checkout, or its worktree (made or moved)."""
    if branch.current:
        return config.root
    toplevel = query(config.root, "rev-parse", "--show-toplevel")
    if toplevel is None:
        raise ConfigError(f"{shown(config.root)} is not in a git repository; --branches "
                          "needs one")
    worktree = ensure_worktree(Path(toplevel), config.paths.output, branch.name, branch.commit)
    # The project may sit in a subdirectory of the repository (docs/ in a code repository).
    return worktree / config.root.relative_to(Path(toplevel).resolve())


def branch_config(config: Config, branch: Branch, strict: bool = False) -> Config:
    """``branch``'s Config: its build_conf.yaml, side files, conf.py and source, with the
    branch name it is built under and build/ of the main checkout as its output."""
    from giza import config as configuration  # lazy: loading is the slow part

    if branch.current:
        return config
    root = branch_tree(config, branch)
    conf_file = root / config.conf_file.relative_to(config.root)
    if not conf_file.is_file():
        raise ConfigError(f"branch {branch.name} ({branch.commit[:8]}) has no "
                          f"{config.conf_file.relative_to(config.root).as_posix()}; it cannot "
                          "be built with giza")
    loaded = configuration.load(conf_file, strict=strict)
    # A worktree is detached: git cannot name its branch, and its build/ is not the site's.
    git = replace(loaded.git, branch=branch.name, branch_source="--branches",
                  commit=branch.commit)
    return replace(loaded, git=git, paths=replace(loaded.paths, output=config.paths.output))
