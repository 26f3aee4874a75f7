"""The proxy trees are prepared in a child process while the check runs."""

from __future__ import annotations

import multiprocessing

from giza import prepare_ahead
from giza.config import load
from giza.pipeline.plan import trees
from giza.variants import Variant


def test_trees_are_prepared_in_a_child_while_this_process_checks(copy_project):
    root = copy_project("basic")
    config = load()
    found = trees(config, [Variant("html")])[0]
    # no help from a child: one core, the serial or dask executor, nothing to build
    assert prepare_ahead.start(config, found, None, "process", 1) is None
    assert prepare_ahead.start(config, found, None, "serial", 2) is None
    assert prepare_ahead.start(config, found, None, "dask", 2) is None
    assert prepare_ahead.start(config, {}, None, "process", 2) is None
    child = prepare_ahead.start(config, found, None, "process", 2)
    assert child is not None and child.pid != multiprocessing.current_process().pid
    prepare_ahead.finish(child)
    assert child.exitcode == 0
    assert (root / "build/2.1/source/install.txt").read_text() == (
        root / "source/install.txt").read_text()
    assert (root / "build/2.1/source/includes/hash.rst").is_file()


def test_a_failed_check_stops_the_child_and_says_nothing_was_built(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: bad}\n",
        "source/index.txt": "Home\n====\n",
        "source/includes/steps-x.yaml": "ref: one\ninherit: {file: steps-x.yaml, ref: gone}\n",
    })
    result = giza("--jobs", "2", "sphinx", "-b", "html")
    assert result.code == 2
    assert result.err.endswith("giza: error: the checks above failed; nothing was built\n")
    assert multiprocessing.active_children() == []  # no child left preparing
    assert not (root / "build/main/html").exists()


def test_a_build_with_the_child_equals_one_without(copy_project, giza):
    root = copy_project("basic")
    assert giza("--jobs", "2", "sphinx", "-b", "html").code == 0
    ahead = (root / "build/2.1/html/install.html").read_text()
    assert giza("--executor", "serial", "--force", "sphinx", "-b", "html").code == 0
    assert (root / "build/2.1/html/install.html").read_text() == ahead
