from pathlib import Path

import pytest

from giza.errors import ConfigError
from giza.site.robots import load_robots, render_robots


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "robots.yaml"
    path.write_text(text)
    return path


def test_branches_published_and_plain(tmp_path):
    units = load_robots(write(tmp_path, """\
file: /internal
branches: [v2.4, '{{ published }}']
---
file: meta/drafts
---
file: /saas-only
edition: saas
"""))
    assert render_robots(units, ["master", "v2.4"], None) == (
        "User-agent: *\n"
        "Disallow: /v2.4/internal\n"
        "Disallow: /master/internal\n"
        "Disallow: /meta/drafts\n"
        "Disallow: /saas-only\n")
    assert render_robots(units, [], "hosted") == (
        "User-agent: *\nDisallow: /v2.4/internal\nDisallow: /meta/drafts\n")


def test_none_when_everything_filtered(tmp_path):
    units = load_robots(write(tmp_path, "file: /a\nedition: [saas, cloud]\n"))
    assert render_robots(units, ["master"], "hosted") is None
    assert render_robots(units, ["master"], "cloud") == "User-agent: *\nDisallow: /a\n"
    assert render_robots([], ["master"], None) is None


def test_plain_dicts_work():
    assert render_robots([{"file": "/x", "branches": ["{{published}}"]}], ["b"], None) == \
        "User-agent: *\nDisallow: /b/x\n"


def test_missing_file_key(tmp_path):
    path = write(tmp_path, "branches: [v1]\n")
    with pytest.raises(ConfigError) as exc:
        load_robots(path)
    assert str(exc.value) == f"{path}:1: file: required key is missing"


def test_bad_branches(tmp_path):
    path = write(tmp_path, "file: /a\nbranches: v1\n")
    with pytest.raises(ConfigError) as exc:
        load_robots(path)
    assert str(exc.value) == f"{path}:2: branches: must be a list of branch names, not 'v1'"


def test_not_a_mapping(tmp_path):
    path = write(tmp_path, "just text\n")
    with pytest.raises(ConfigError) as exc:
        load_robots(path)
    assert str(exc.value) == f"{path}:1: must be a mapping with 'file', not a string"
