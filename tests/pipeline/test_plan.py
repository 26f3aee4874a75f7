"""Planning: proxy trees per builder exclusions, the cores each sphinx-build gets."""

from __future__ import annotations

from giza.config import load
from giza.pipeline.plan import trees
from giza.readonce import core_share
from giza.variants import Variant


def test_per_builder_exclusions_get_their_own_tree(project):
    project({
        "config/build_conf.yaml": "project: {name: d}\n",
        "config/sphinx.yaml": """
            web-base: {excluded: [/print]}
            html: {inherit: web-base}
            dirhtml: {inherit: web-base}
            latex: {tags: [offset]}
            """,
        "source/index.txt": "T\n=\n",
    })
    config = load()
    variants = [Variant("html"), Variant("dirhtml"), Variant("latex")]
    found, tree_of = trees(config, variants)
    assert {n: t.excluded for n, t in found.items()} == {"source": ("/print",),
                                                         "source-latex": ()}
    assert [tree_of[v] for v in variants] == ["source", "source", "source-latex"]


def test_core_share():
    assert [core_share(n, 4) for n in (1, 2, 3, 4, 8)] == [4, 2, 1, 1, 1]
    assert core_share(1, 1) == 1
