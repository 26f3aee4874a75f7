"""Frozen versions: giza archive, version.archived and version.keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from branch_repo import BRANCHES, edit_branch, git, make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "docs")
    monkeypatch.chdir(root)
    return root


def set_version(root: Path, text: str) -> None:
    path = root / "config/published_branches.yaml"
    path.write_text(path.read_text() + "version:\n" + text)


def built_at(root: Path, branch: str) -> float:
    record = json.loads((root / f"build/{branch}/.giza/record.json").read_text())
    return record["tasks"]["sphinx:html"]["built_at"]


def test_an_archived_branch_is_not_built_again_and_still_staged(repo, giza):
    assert giza("sphinx", "-b", "html", "--branches", "published").code == 0
    sha8 = git(repo, "rev-parse", "v1")[:8]
    result = giza("archive", "v1")
    assert (result.code, result.err) == (0, "")
    assert result.out == (f"archived branch v1: build/public/v1 -> build/archive/"
                          f"demo-v1-{sha8}.tar.gz; it is staged from this archive and not "
                          "built again while the archive exists\n")
    before = built_at(repo, "v1")
    staged = (repo / "build/public/v1/demo-v1.tar.gz").read_bytes()
    edit_branch(repo, "v1", {"source/index.txt": "Home\n====\n\nChanged |flavour|.\n"})
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[0] == "v1: frozen: staging its archive, not building it"
    assert "v1/sphinx:html" not in result.out
    assert built_at(repo, "v1") == before
    assert not (repo / "build/v1/html/index.html").read_text().count("Changed")
    # Whatever happens to the staged site, each build stages the archive again.
    (repo / "build/public/v1/demo-v1.tar.gz").unlink()
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 0, result.out + result.err
    assert (f"giza: note: v1 is frozen: staged build/public/v1 from build/archive/"
            f"demo-v1-{sha8}.tar.gz") in result.out.splitlines()
    assert (repo / "build/public/v1/demo-v1.tar.gz").read_bytes() == staged
    versions = json.loads((repo / "build/public/master/versions.json").read_text())
    assert [v["branch"] for v in versions] == list(BRANCHES)


def test_version_archived_packs_the_staged_site_once(repo, giza):
    assert giza("sphinx", "-b", "html", "--branches", "published").code == 0
    set_version(repo, "  archived: [v1]\n")
    result = giza("sphinx", "-b", "html", "--branches", "published", "--dry-run")
    assert result.out.splitlines()[0] == "v1: frozen: its archive is staged, it is not built"
    assert not (repo / "build/archive").exists()  # a dry run packs nothing
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[0] == "v1: frozen: staging its archive, not building it"
    archives = sorted(p.name for p in (repo / "build/archive").glob("*.tar.gz"))
    assert archives == [f"demo-v1-{git(repo, 'rev-parse', 'v1')[:8]}.tar.gz"]
    packed = (repo / "build/archive" / archives[0]).read_bytes()
    assert giza("sphinx", "-b", "html", "--branches", "published").code == 0
    assert (repo / "build/archive" / archives[0]).read_bytes() == packed


def test_version_archived_without_archive_or_staged_site(repo, giza):
    set_version(repo, "  archived: [v1]\n")
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 2
    assert result.err == (
        "giza: error: config/published_branches.yaml: version.archived lists 'v1', but there "
        "is no archive of it in build/archive and nothing staged at build/public/v1 to "
        "pack; restore the archive, or build the branch once before archiving it\n")


def test_version_archived_names_an_unpublished_branch(repo, giza):
    set_version(repo, "  archived: [v0]\n")
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 2
    assert result.err == ("giza: error: config/published_branches.yaml:5: version.archived[0]: "
                          "branch 'v0' is not in git.branches.published\n")


def test_keep_drops_older_branches_from_the_staged_site(repo, giza):
    assert giza("sphinx", "-b", "html", "--branches", "published").code == 0
    set_version(repo, "  keep: 2\n")
    result = giza("sphinx", "-b", "html", "--branches", "master,v2")
    assert result.code == 0, result.out + result.err
    assert ("giza: note: version.keep is 2: removed build/public/v1 (branch v1 is not one of "
            "the 2 newest published branches)") in result.out.splitlines()
    public = repo / "build/public"
    assert sorted(p.name for p in public.iterdir() if p.is_dir()) == ["master", "v2"]
    versions = json.loads((public / "master/versions.json").read_text())
    assert [v["branch"] for v in versions] == ["master", "v2"]


@pytest.mark.parametrize(("value", "problem"), [
    ("0", "must be 1 or more (branches)"),
    ("-1", "must be 1 or more (branches)"),
    ("two", "must be an integer, not a string"),
    ("true", "must be an integer, not a boolean"),
])
def test_a_bad_keep_value(repo, giza, value, problem):
    set_version(repo, f"  keep: {value}\n")
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 2
    assert result.err == f"giza: error: config/published_branches.yaml:5: version.keep: {problem}\n"


def test_archive_of_an_unpublished_branch(repo, giza):
    result = giza("archive", "feature")
    assert result.code == 2
    assert result.err == (
        "giza: error: giza archive: branch 'feature' is not published; "
        "config/published_branches.yaml lists under git.branches.published: master, v2, v1\n")


def test_archive_of_a_branch_never_staged(repo, giza):
    result = giza("archive", "v2")
    assert result.code == 2
    assert result.err == (
        "giza: error: giza archive: nothing is staged for branch 'v2' at build/public/v2; "
        "build it first: giza sphinx -b html --branches v2\n")
