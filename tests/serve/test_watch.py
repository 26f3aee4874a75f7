"""What the watcher lets through: sources and config, never builds or editor litter."""

from __future__ import annotations

import pytest

from giza import config as configuration
from giza.serve.watch import WatchFilter, missing_extra


@pytest.fixture
def watch_filter(project):
    root = project({
        "config/build_conf.yaml": "project: {name: w}\npaths:\n  ignore: ['drafts/*', "
                                  "'/\\.bak\\d$/']\n",
        "conf.py": "",
        "source/index.txt": "Home\n====\n",
    })
    return root, WatchFilter(configuration.load(None))


@pytest.mark.parametrize("rel", [
    "source/index.txt", "source/includes/steps-a.yaml", "source/images/a.svg",
    "conf.py", "config/build_conf.yaml", "config/sphinx.yaml"])
def test_sources_and_config_pass(watch_filter, rel):
    root, keep = watch_filter
    assert keep(None, str(root / rel)) is True


@pytest.mark.parametrize("rel", [
    "build/main/html/index.html", "build/main/source/index.txt",
    "source/.index.txt.swp", "source/index.txt~", "source/#index.txt#", "source/.#index.txt",
    "source/4913", "source/.index.txt.Xy12.tmp", "source/index.txt.giza-tmp",
    "source/.git/index", "source/drafts/new.txt", "source/page.bak1", "other.py",
    "README.md"])
def test_builds_editor_files_and_ignored_paths_do_not(watch_filter, rel):
    root, keep = watch_filter
    assert keep(None, str(root / rel)) is False


def test_missing_watchfiles_names_the_extra(monkeypatch):
    assert missing_extra() is None
    monkeypatch.setitem(__import__("sys").modules, "watchfiles", None)
    assert missing_extra() == ("giza serve needs the 'watchfiles' package: "
                               "pip install 'giza[serve]'")
