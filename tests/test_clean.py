from __future__ import annotations

import pytest

from giza.clean import clean
from giza.config import load
from giza.errors import UsageError

FILES = {
    "config/build_conf.yaml": "project: {name: d}\n",
    "build/main/html/index.html": "x",
    "build/main/html-saas/index.html": "x",
    "build/main/htmlhelp/index.html": "x",
    "build/main/doctrees-html/x": "x",
    "build/main/dirhtml/index.html": "x",
    "build/main/source/index.txt": "x",
    "build/other/html/index.html": "x",
    "source/index.txt": "keep",
}


def test_one_builder(project):
    root = project(FILES)
    removed = clean(load(), builders=["html"])
    assert [p.name for p in removed] == ["doctrees-html", "html", "html-saas"]
    assert (root / "build/main/htmlhelp").exists()
    assert (root / "build/main/dirhtml").exists()
    assert (root / "build/other/html").exists()


def test_branch_and_everything(project):
    root = project(FILES)
    assert clean(load(), dry_run=True) == [root / "build/main"]
    assert (root / "build/main").exists()
    clean(load())
    assert not (root / "build/main").exists() and (root / "build/other").exists()
    clean(load(), everything=True)
    assert not (root / "build").exists()
    assert (root / "source/index.txt").read_text() == "keep"


def test_unknown_builder(project):
    project(FILES)
    with pytest.raises(UsageError) as err:
        clean(load(), builders=["htm"])
    assert str(err.value).startswith(
        "unknown builder 'htm' (did you mean 'html'?); valid builders: changes, ")


def test_refuses_output_outside_project(project):
    project({"config/build_conf.yaml": "project: {name: d}\npaths: {output: ..}\n"})
    with pytest.raises(UsageError) as err:
        clean(load(), everything=True)
    assert str(err.value).endswith("it is not inside the project's build directory")


def test_command(project, giza):
    project(FILES)
    result = giza("clean", "-b", "dirhtml")
    assert result.code == 0
    assert result.out.endswith("build/main/dirhtml\n")


def test_the_command_names_paths_relative_to_the_project(project, giza, monkeypatch):
    root = project(FILES)
    monkeypatch.chdir(root / "source")
    result = giza("clean", "-b", "html", "--dry-run")
    assert (result.code, result.out) == (0, "would remove build/main/doctrees-html\n"
                                            "would remove build/main/html\n"
                                            "would remove build/main/html-saas\n")
