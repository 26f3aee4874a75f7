"""The read-once group's files: what giza hands the runner and what the runner leaves."""

from __future__ import annotations

import json

import pytest

from giza.sphinx.group import Build, Group, Written, copy_seed


def test_a_group_survives_its_file(tmp_path):
    group = Group(Build("html", ("python", "-m", "sphinx", "-b", "html", "s", "o"), "c.json"),
                  (Build("text", ("python", "-m", "sphinx", "-b", "text", "-a", "s", "t"),
                         "t.json", seed="d-html", doctrees="d-text", result="r.json"),),
                  lanes=2, write_jobs=1, timing="own.json")
    group.save(tmp_path / "g.json")
    assert Group.load(tmp_path / "g.json") == group
    assert group.writers[0].sphinx_args() == ["-b", "text", "-a", "s", "t"]


def test_an_argv_that_is_not_python_m_sphinx_is_refused():
    build = Build("html", ("sphinx-build", "-b", "html", "s", "o"), "c.json")
    with pytest.raises(ValueError) as raised:
        build.sphinx_args()
    assert str(raised.value) == ("html: not a 'python -m sphinx' argv: "
                                 "('sphinx-build', '-b', 'html', 's', 'o')")


def test_a_written_result_keeps_its_lines_and_a_missing_one_is_none(tmp_path):
    written = Written("text", 0, 100.0, 1.5, ((100.1, "Running Sphinx\n"), (101.0, "done\n")),
                      ("python", "-m", "sphinx"), 1, True)
    written.save(tmp_path / "w.json")
    assert Written.load(tmp_path / "w.json") == written
    assert written.output == "Running Sphinx\ndone\n"
    assert Written.load(tmp_path / "missing.json") is None
    (tmp_path / "torn.json").write_text('{"variant": "te')
    assert Written.load(tmp_path / "torn.json") is None
    assert json.loads((tmp_path / "w.json").read_text())["seeded"] is True


def test_a_seed_is_copied_only_into_doctrees_without_an_environment(tmp_path):
    seed, own = tmp_path / "seed", tmp_path / "own"
    seed.mkdir()
    assert copy_seed(seed, own) is False  # the reader has no environment: nothing to copy
    (seed / "environment.pickle").write_bytes(b"env")
    (seed / "index.doctree").write_bytes(b"tree")
    assert copy_seed(seed, own) is True
    assert (own / "index.doctree").read_bytes() == b"tree"
    (seed / "environment.pickle").write_bytes(b"newer")
    assert copy_seed(seed, own) is False  # it has its own now
    assert (own / "environment.pickle").read_bytes() == b"env"
