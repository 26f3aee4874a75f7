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


CONTENT = {
    "config/build_conf.yaml": "project: {name: once}\n",
    "source/index.txt": "Home\n====\n\n.. include:: /includes/steps/s.rst\n",
    "source/includes/steps-s.yaml": "ref: a\ntitle: A\n---\nref: b\ntitle: B\n",
    "source/includes/extracts-e.yaml": "ref: e\ncontent: E\nappend: /index.txt\n",
}


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_child_only_mirrors_when_the_check_renders(project):
    from giza.check import check_project

    project({**CONTENT, "config/build_conf.yaml": "project: {name: once}\n"
                                                  "system: {files: [migrations.yaml]}\n",
             "config/migrations.yaml": "source: source/includes/steps-s.yaml\n"
                                       "target: includes/steps-moved.yaml\n"})
    config = load()
    assert not prepare_ahead.reuses_check(config, None, [None])  # migrations bring YAML in
    root = project(CONTENT)
    config = load()
    assert prepare_ahead.reuses_check(config, None, [None])
    assert not prepare_ahead.reuses_check(config, ["steps"], [None])  # not every kind
    assert not prepare_ahead.reuses_check(config, None, None)  # no check
    check_project(config)
    assert not prepare_ahead.reuses_check(config, None, [None])  # the saved result is used
    (root / "build").rename(root / "checked-once")
    found = trees(config, [Variant("html")])[0]
    child = prepare_ahead.start(config, found, None, "process", 2, [None])
    prepare_ahead.finish(child)
    assert child.exitcode == 0
    proxy = root / "build/main/source"
    assert sorted(_tree(proxy)) == ["includes/extracts-e.yaml", "includes/steps-s.yaml",
                                    "index.txt"]


def test_the_content_the_check_rendered_is_written_once(project, copy_project):
    from giza.check import check_project
    from giza.pipeline.tasks import prepare_tree

    root = project(CONTENT)
    config = load()
    found = trees(config, [Variant("html")])[0]
    proxy = root / "build/main/source"
    prepare_ahead.finish(prepare_ahead.start(config, found, None, "process", 2, [None]))
    assert prepare_ahead.write_checked(config, found, check_project(config).renderings,
                                       None) == 1
    assert (proxy / "includes/steps/s.rst").is_file()
    # the graph's prepare task then finds the content up to date (writes only hash.rst and
    # the page the extract is appended to) and the tree is what preparing alone gives
    done = prepare_tree(config, None, None, str(proxy))
    assert done.generated == 2
    assert sorted(done.origins) == [str(proxy / "includes/extracts/e.rst"),
                                    str(proxy / "includes/steps/s.rst")]
    ahead = _tree(proxy)
    (root / "build").rename(root / "before")
    prepare_tree(config, None, None, str(proxy))
    assert _tree(proxy) == ahead
    # nothing to reuse: a subset of kinds, or no rendering of the tree's edition
    assert prepare_ahead.write_checked(config, found, {}, None) == 0
    assert prepare_ahead.write_checked(config, found, {None: object()}, ["steps"]) == 0


def test_a_tree_it_cannot_write_is_left_to_the_prepare_task(project, giza):
    from giza.check import check_project

    root = project(CONTENT)
    config = load()
    found = trees(config, [Variant("html")])[0]
    renderings = check_project(config, save=False).renderings
    blocker = root / "build/main/source/includes/steps"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where generated steps go\n")
    assert prepare_ahead.write_checked(config, found, renderings, None) == 0
    # a build (whose check renders, as above) reports it from the prepare task, as before
    result = giza("--jobs", "2", "sphinx", "-b", "html")
    assert result.code == 1
    assert "giza: error: prepare:source: cannot write build/main/source/includes/steps/s.rst: " \
        "file exists\n" in result.out
