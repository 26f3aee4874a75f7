"""One git worktree per branch under build/.worktrees/<branch>, created and moved by git.

The worktree is detached at the branch's commit, so the branch stays free to be checked
out (and committed to) in the main checkout; giza moves the worktree on the next build."""

from __future__ import annotations

from pathlib import Path

from giza.config.git import query
from giza.errors import BuildError, UsageError, shown
from giza.proc import run_process

WORKTREES = ".worktrees"


def worktree_path(output: Path, branch: str) -> Path:
    return output / WORKTREES / branch


def _git(root: Path, *args: str) -> None:
    """Run a git command that changes something; its output is the error text."""
    done = run_process(["git", *args], cwd=root)
    if done.returncode != 0:
        raise BuildError(f"git {' '.join(args)} failed (exit {done.returncode}): "
                         f"{done.output.strip()}")


def _is_worktree(path: Path) -> bool:
    return (path / ".git").is_file() and query(path, "rev-parse", "--show-toplevel") == str(path)


def ensure_worktree(root: Path, output: Path, branch: str, commit: str) -> Path:
    """The worktree of ``branch`` at ``commit``: added when missing, moved when behind.

    Local changes in it are refused (exit 2), not thrown away."""
    path = worktree_path(output, branch)
    if not _is_worktree(path.resolve() if path.exists() else path):
        _git(root, "worktree", "prune")  # a deleted directory leaves a stale entry behind
        if path.exists():
            raise UsageError(f"{shown(path)} exists but is not a git worktree of this "
                             "repository; remove it and build again")
        path.parent.mkdir(parents=True, exist_ok=True)
        _git(root, "worktree", "add", "--detach", "--quiet", str(path), commit)
        return path
    changed = query(path, "status", "--porcelain", "--untracked-files=no")
    if changed:
        first = changed.splitlines()[0].strip()
        raise UsageError(f"{shown(path)} (branch {branch}) has uncommitted changes "
                         f"({first}); commit them on the branch or discard them with "
                         f"`git -C {shown(path)} checkout -- .`: giza moves this worktree "
                         "to the branch's commit")
    if query(path, "rev-parse", "HEAD") != commit:
        _git(path, "checkout", "--detach", "--quiet", commit)
    return path
