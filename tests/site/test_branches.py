import json
from pathlib import Path

import pytest

from giza.errors import ConfigError
from giza.site.branches import (
    PublishedBranches,
    branch_label,
    load_published_branches,
    versions_json,
)

SAMPLE = """\
version:
  published: ['7.0 (Upcoming)', '6.3', '6.0']
  active: ['6.3', '6.0']
  stable: 6.0
  upcoming: '7.0'
git:
  branches:
    manual: v6.0
    published: [master, v6.3, v6.0]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "published_branches.yaml"
    path.write_text(text)
    return path


def test_load_full_file(tmp_path):
    pb = load_published_branches(write(tmp_path, SAMPLE))
    assert pb == PublishedBranches(
        published=("master", "v6.3", "v6.0"), manual="v6.0",
        version_published=("7.0 (Upcoming)", "6.3", "6.0"), version_active=("6.3", "6.0"),
        stable="6.0", upcoming="7.0")


def test_missing_and_empty_file_give_defaults(tmp_path):
    assert load_published_branches(tmp_path / "nope.yaml") == PublishedBranches()
    assert load_published_branches(write(tmp_path, "")) == PublishedBranches()


def test_master_need_not_come_first(tmp_path):
    pb = load_published_branches(write(tmp_path, "git: {branches: {published: [v2, v1]}}\n"))
    assert pb.published == ("v2", "v1")
    assert pb.manual is None and pb.stable is None


def test_published_must_be_a_list(tmp_path):
    path = write(tmp_path, "git:\n  branches:\n    published: master\n")
    with pytest.raises(ConfigError) as exc:
        load_published_branches(path)
    assert str(exc.value) == (f"{path}:3: git.branches.published: must be a list of strings, "
                              "not a string")


def test_bad_item_names_index_and_line(tmp_path):
    path = write(tmp_path, "git:\n  branches:\n    published:\n      - master\n      - {a: 1}\n")
    with pytest.raises(ConfigError) as exc:
        load_published_branches(path)
    assert str(exc.value) == (f"{path}:5: git.branches.published[1]: must be a non-empty "
                              "string, not {'a': 1}")


def test_duplicate_branch(tmp_path):
    path = write(tmp_path, "git: {branches: {published: [v1, v1]}}\n")
    with pytest.raises(ConfigError, match=r":1: git.branches.published: branch 'v1' is listed "
                                          "twice$"):
        load_published_branches(path)


def test_wrong_section_type(tmp_path):
    path = write(tmp_path, "version: [1, 2]\n")
    with pytest.raises(ConfigError) as exc:
        load_published_branches(path)
    assert str(exc.value) == f"{path}:1: version: must be a mapping, not a list"


def test_top_level_must_be_mapping(tmp_path):
    path = write(tmp_path, "- a\n")
    with pytest.raises(ConfigError) as exc:
        load_published_branches(path)
    assert str(exc.value) == (f"{path}:1: must be a mapping with 'git' and 'version', "
                              "not a list")


def test_versions_json_pairs_labels_by_position(tmp_path):
    pb = load_published_branches(write(tmp_path, SAMPLE))
    data = json.loads(versions_json(pb, "https://docs.example.com/", "v6.3"))
    assert data == [
        {"branch": "master", "version": "7.0 (Upcoming)",
         "url": "https://docs.example.com/master/", "current": False, "stable": False,
         "active": False, "manual": False},
        {"branch": "v6.3", "version": "6.3", "url": "https://docs.example.com/v6.3/",
         "current": True, "stable": False, "active": True, "manual": False},
        {"branch": "v6.0", "version": "6.0", "url": "https://docs.example.com/v6.0/",
         "current": False, "stable": True, "active": True, "manual": True},
    ]


def test_versions_json_derives_labels_and_is_stable_text():
    pb = PublishedBranches(published=("main", "v2.1"), upcoming="3.0")
    text = versions_json(pb, "https://x.org", "main")
    assert text.endswith("\n") and text == versions_json(pb, "https://x.org", "main")
    data = json.loads(text)
    assert [(d["branch"], d["version"], d["active"]) for d in data] == [
        ("main", "3.0 (Upcoming)", True), ("v2.1", "2.1", True)]
    assert branch_label(PublishedBranches(published=("trunk",)), "trunk") == "trunk"


def test_versions_json_empty():
    assert versions_json(PublishedBranches(), "https://x.org", "main") == "[]\n"


def test_the_build_system_checkout_comes_first(project):
    """With paths.buildsystem, <buildsystem>/data/<project>-published-branches.yaml is read
    first, as the original did; config/published_branches.yaml is the fallback."""
    from giza.config import load
    from giza.site.branches import for_config, published_branches_path

    root = project({
        "config/build_conf.yaml": "project: {name: connector}\npaths: {buildsystem: "
                                  "build/docs-tools}\n",
        "config/published_branches.yaml": "git: {branches: {published: [master]}}\n",
        "source/index.txt": "T\n=\n",
    })
    assert for_config(load()).published == ("master",)
    shared = root / "build/docs-tools/data/connector-published-branches.yaml"
    shared.parent.mkdir(parents=True)
    shared.write_text("git: {branches: {published: [master, v2.1, v2.0]}}\n")
    config = load()
    assert published_branches_path(config) == shared
    assert for_config(config).published == ("master", "v2.1", "v2.0")
