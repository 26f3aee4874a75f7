import os
import shutil
import subprocess
from pathlib import Path

import pytest

from giza.site.hashfile import (
    commit_hash,
    render_hash_rst,
    render_release_txt,
    write_hash_rst,
    write_release_txt,
)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@needs_git
def test_commit_hash_of_a_real_repo(tmp_path):
    git(tmp_path, "init", "-q")
    assert commit_hash(tmp_path) is None  # no commit yet
    (tmp_path / "a.txt").write_text("a")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "one")
    sha = git(tmp_path, "rev-parse", "HEAD")
    assert len(sha) == 40 and commit_hash(tmp_path) == sha


def test_commit_hash_without_repo(tmp_path, monkeypatch):
    # keep git from finding a repository above tmp_path
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert commit_hash(tmp_path) is None
    assert commit_hash(tmp_path / "missing-dir") is None


def test_commit_hash_without_git(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git executable on PATH
    assert commit_hash(tmp_path) is None


def test_render():
    assert render_hash_rst("abc123") == ".. |commit| replace:: ``abc123``\n"
    assert render_hash_rst(None) == ".. |commit| replace:: unknown\n"
    assert render_release_txt("abc123") == "abc123\n"


def test_written_only_when_bytes_change(tmp_path):
    assert write_hash_rst(tmp_path, "abc") is True
    target = tmp_path / "includes" / "hash.rst"
    assert target.read_text() == ".. |commit| replace:: ``abc``\n"
    os.utime(target, (1_000_000, 1_000_000))
    assert write_hash_rst(tmp_path, "abc") is False
    assert target.stat().st_mtime == 1_000_000
    assert write_hash_rst(tmp_path, "def") is True
    assert write_release_txt(tmp_path / "public", "def") is True
    assert (tmp_path / "public" / "release.txt").read_text() == "def\n"
    assert write_release_txt(tmp_path / "public", "def") is False
