"""What a change touches: the rebuild rules of giza serve."""

from __future__ import annotations

import pytest

from giza import config as configuration
from giza.pipeline.plan import trees
from giza.serve.plan import Change, IncludesCache, describe, touched_by_source
from giza.variants import Variant


@pytest.fixture
def setup(project):
    root = project({
        "config/build_conf.yaml": "project:\n  name: p\n  editions: [{name: cloud}, "
                                  "{name: server}]\n",
        "config/sphinx.yaml": "html-server: {excluded: [/cloud-only]}\n",
        "conf.py": "",
        "source/index.txt": "Home\n====\n\n.. include:: /includes/shared.rst\n",
        "source/cloud-only.txt": "Cloud\n=====\n\n.. include:: /includes/cloud-note.rst\n",
        "source/includes/shared.rst": "Shared.\n",
        "source/includes/cloud-note.rst": "Cloud note.\n",
        "source/includes/unused.rst": "Nobody includes me.\n",
        "source/includes/steps-a.yaml": "title: A\nref: a\n",
        "source/images/logo.png": "png",
    })
    config = configuration.load(None)
    found, _ = trees(config, [Variant("html", "cloud"), Variant("html", "server")])
    return root, config, found


def touched(setup, rel):
    root, config, found = setup
    cache = IncludesCache(config.paths.source)
    return sorted(name for name, tree in found.items()
                  if touched_by_source(config, tree, [rel], cache))


@pytest.mark.parametrize("rel, trees_touched", [
    ("index.txt", ["source-cloud", "source-server"]),
    ("cloud-only.txt", ["source-cloud"]),  # excluded from the server edition
    ("includes/shared.rst", ["source-cloud", "source-server"]),
    ("includes/cloud-note.rst", ["source-cloud"]),  # only a cloud page includes it
    ("includes/unused.rst", ["source-cloud", "source-server"]),  # Sphinx decides
    ("images/logo.png", ["source-cloud", "source-server"]),
    ("includes/steps-a.yaml", []),  # decided by what regeneration writes
])
def test_rebuild_rules(setup, rel, trees_touched):
    assert touched(setup, rel) == trees_touched


def test_describe_names_the_change(setup):
    root, config, _ = setup
    source = root / "source"
    assert describe(config, [source / "index.txt"]) == Change("index.txt changed", "",
                                                              ("index.txt",))
    two = describe(config, [source / "index.txt", source / "cloud-only.txt"])
    assert two.trigger == "cloud-only.txt and 1 more changed" and not two.full
    conf = describe(config, [root / "conf.py", source / "index.txt"])
    assert (conf.trigger, conf.full) == ("conf.py and 1 more changed", "conf.py changed")
    config_file = describe(config, [root / "config/sphinx.yaml"])
    assert config_file.full == "config/sphinx.yaml changed"
    # a file that came and went (sed -i's temporary file) is no change at all
    assert describe(config, [source / "sedAbC123"]) == Change("nothing changed", "", ())
