from __future__ import annotations

import json


def test_includes_graph_and_unused(project, giza):
    project({
        "config/build_conf.yaml": "project: {name: d}\n",
        "source/index.txt": "T\n=\n\n.. include:: /includes/intro.rst\n",
        "source/includes/intro.rst": "Intro.\n",
        "source/includes/orphan.rst": "Nobody.\n",
    })
    graph = giza("includes", "graph")
    assert graph.code == 0
    assert json.loads(graph.out) == {"/includes/intro.rst": ["/index.txt"]}
    unused = giza("includes", "unused")
    assert json.loads(unused.out) == ["/includes/orphan.rst"]


def test_includes_bad_report(project, giza):
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    result = giza("includes", "everything")
    assert result.code == 2
    assert "invalid choice: 'everything'" in result.err
