"""The commit giza records (includes/hash.rst, release.txt): giza.config.git."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from giza.config.git import current_commit

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@needs_git
def test_commit_hash_of_a_real_repo(tmp_path):
    git(tmp_path, "init", "-q")
    assert current_commit(tmp_path) is None  # no commit yet
    (tmp_path / "a.txt").write_text("a")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "one")
    sha = git(tmp_path, "rev-parse", "HEAD")
    assert len(sha) == 40 and current_commit(tmp_path) == sha


def test_commit_hash_without_repo(tmp_path, monkeypatch):
    # keep git from finding a repository above tmp_path
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert current_commit(tmp_path) is None
    assert current_commit(tmp_path / "missing-dir") is None


def test_commit_hash_without_git(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git executable on PATH
    assert current_commit(tmp_path) is None
