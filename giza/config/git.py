"""What git says about the project: the branch that names build/<branch>, the commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

DEFAULT_BRANCH = "main"


def _git(root: Path, *args: str) -> str | None:
    # A quick query whose stdout alone is the answer, with a short timeout; giza.proc runs
    # the long work (builds, rsync, clones) and merges stderr into the output it follows.
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def query(root: Path, *args: str) -> str | None:
    """The stripped stdout of a quick read-only ``git ARGS`` in ``root``; None on failure."""
    return _git(root, *args)


def current_branch(root: Path) -> str | None:
    """The checked-out branch; None when detached, not a repository, or git is missing."""
    # symbolic-ref also works in a new repository without commits, unlike rev-parse.
    return _git(root, "symbolic-ref", "--short", "-q", "HEAD")


def current_commit(root: Path) -> str | None:
    return _git(root, "rev-parse", "--verify", "-q", "HEAD")


def resolve_branch(root: Path, version_branch: str) -> tuple[str, str]:
    """(branch, how it was found) following SPEC §2: git, then version.branch, then main."""
    branch = current_branch(root)
    if branch:
        return branch, "git"
    if version_branch:
        return version_branch, "version.branch"
    return DEFAULT_BRANCH, "default"
