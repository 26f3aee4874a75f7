"""A real git repository with three published branches, made in the test."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import write_tree

BRANCHES = ("master", "v2", "v1")  # newest first, as published_branches.yaml lists them

CONF = '''source_suffix = {".txt": "restructuredtext"}
root_doc = "index"
html_theme = "basic"
rst_epilog = ".. |flavour| replace:: FLAVOUR"
'''


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def files_of(branch: str, extra: str = "") -> dict[str, str]:
    return {
        "conf.py": CONF.replace("FLAVOUR", f"flavour-of-{branch}") + extra,
        "source/index.txt": "Home\n====\n\nThis is |flavour|.\n",
        f"source/only-{branch}.txt": f":orphan:\n\nOnly {branch}\n================\n\nText.\n",
    }


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def make_repo(root: Path, published: tuple[str, ...] = BRANCHES, version: str = "") -> Path:
    """master (checked out), v2 and v1: each its own conf.py value and its own page."""
    write_tree(root, {
        ".gitignore": "build/\n",
        "config/build_conf.yaml": "project: {name: demo, branched: true, url: "
                                  "'https://docs.example.com'}\n",
        "config/published_branches.yaml": (f"git:\n  branches:\n    published: "
                                           f"[{', '.join(published)}]\n" + version),
    })
    git(root, "init", "-q", "-b", "v1")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")
    for branch in ("v1", "v2", "master"):
        if branch != "v1":
            git(root, "checkout", "-q", "-b", branch)
        for old in (root / "source").glob("only-*.txt"):
            old.unlink()
        write_tree(root, files_of(branch))
        commit_all(root, f"{branch} docs")
    return root


def edit_branch(root: Path, branch: str, files: dict[str, str]) -> None:
    """Commit ``files`` on ``branch`` from the main checkout, then go back to master."""
    git(root, "checkout", "-q", branch)
    write_tree(root, files)
    commit_all(root, f"edit {branch}")
    git(root, "checkout", "-q", "master")
