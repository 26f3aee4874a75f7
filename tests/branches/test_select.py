"""Bad --branches / --partial values, worktrees giza will not move, missing extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from branch_repo import edit_branch, git, make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "docs")
    monkeypatch.chdir(root)
    return root


def test_an_unknown_branch(repo, giza):
    result = giza("sphinx", "-b", "html", "--branches", "v1,v9")
    assert result.code == 2
    assert result.err == ("giza: error: --branches: unknown branch 'v9'; branches in this "
                          "repository: master, v1, v2\n")


def test_an_empty_name(repo, giza):
    result = giza("sphinx", "--branches", "v1,,v2")
    assert result.code == 2
    assert result.err == ("giza: error: --branches 'v1,,v2': expected 'current', 'published' "
                          "or BRANCH[,BRANCH...] without empty names\n")


def test_no_published_branches(repo, giza):
    (repo / "config/published_branches.yaml").write_text("git: {branches: {published: []}}\n")
    result = giza("sphinx", "--branches", "published")
    assert result.code == 2
    assert result.err == ("giza: error: --branches published: config/published_branches.yaml "
                          "lists no branches under git.branches.published\n")


def test_partial_names_a_branch_not_built(repo, giza):
    conf = repo / "config/build_conf.yaml"
    conf.write_text(conf.read_text() + "system:\n  files: [push.yaml]\n")
    (repo / "config/push.yaml").write_text(
        f"target: web\npaths: {{local: public, remote: {repo.parent / 'site'}}}\n"
        "hosts: [local]\n")
    result = giza("push", "-t", "web", "--branches", "v1,v2", "--partial", "master")
    assert result.code == 2
    assert result.err == ("giza: error: --partial: branch 'master' is not one of the "
                          "branches this run builds (v1, v2)\n")
    assert not (repo / "build").exists()


def test_an_unbranched_project(repo, giza):
    (repo / "config/build_conf.yaml").write_text("project: {name: demo}\n")
    result = giza("sphinx", "--branches", "published")
    assert result.code == 2
    assert result.err == ("giza: error: --branches published: config/build_conf.yaml sets "
                          "project.branched: false, so every branch would be staged in the "
                          "same place; set project.branched: true to build several branches\n")


def test_worktrees_are_made_and_moved_with_git(repo, giza):
    assert giza("sphinx", "-b", "html", "--branches", "v1").code == 0
    worktree = repo / "build/.worktrees/v1"
    listed = git(repo, "worktree", "list", "--porcelain")
    assert f"worktree {worktree}\nHEAD {git(repo, 'rev-parse', 'v1')}\ndetached" in listed
    edit_branch(repo, "v1", {"source/index.txt": "Home\n====\n\nMoved |flavour|.\n"})
    assert giza("sphinx", "-b", "html", "--branches", "v1").code == 0
    assert git(worktree, "rev-parse", "HEAD") == git(repo, "rev-parse", "v1")
    assert "Moved flavour-of-v1." in (repo / "build/v1/html/index.html").read_text()


def test_a_dirty_worktree_is_not_moved(repo, giza):
    assert giza("sphinx", "-b", "html", "--branches", "v1").code == 0
    worktree = repo / "build/.worktrees/v1"
    (worktree / "source/index.txt").write_text("Local edit\n==========\n")
    result = giza("sphinx", "-b", "html", "--branches", "v1")
    assert result.code == 2
    assert result.err == (
        "giza: error: build/.worktrees/v1 (branch v1) has uncommitted changes (M "
        "source/index.txt); commit them on the branch or discard them with `git -C "
        "build/.worktrees/v1 checkout -- .`: giza moves this worktree to the branch's commit\n")
    assert (worktree / "source/index.txt").read_text() == "Local edit\n==========\n"


def test_a_branch_needing_a_missing_extension(repo, giza):
    edit_branch(repo, "v1", {"conf.py": "extensions = ['sphinx.ext.todo',\n"
                                        "              'sphinxcontrib.nosuchthing']\n"})
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 1, result.out + result.err
    assert ("giza: error: branch v1 needs Sphinx extensions this environment lacks: "
            "sphinxcontrib.nosuchthing (line 2) in build/.worktrees/v1/conf.py; install them "
            "or leave the branch out (giza installs nothing)") in result.out.splitlines()
    assert (repo / "build/master/html/index.html").is_file()
    assert (repo / "build/v2/html/index.html").is_file()
    assert not (repo / "build/v1").exists()


def test_a_branch_with_a_broken_config(repo, giza):
    edit_branch(repo, "v2", {"config/build_conf.yaml": "project: [not, a, mapping]\n"})
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 2, result.out + result.err
    errors = [line for line in result.out.splitlines() if line.startswith("giza: error:")]
    assert errors == ["giza: error: branch v2: build/.worktrees/v2/config/build_conf.yaml:1: "
                      "project: must be a mapping, not a list"]
    assert (repo / "build/master/html/index.html").is_file()
    assert (repo / "build/v1/html/index.html").is_file()
