"""giza.post: registry, site paths and URLs, post_variant dispatch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from giza.config import load
from giza.errors import BuildError
from giza.layout import site_dir, site_url, versions_base_url
from giza.post import finalizers_for, post_variant
from giza.variants import Variant

EDITIONS = """
project:
  name: manual
  title: Manual
  url: https://docs.example.org
  branched: true
  editions:
    - {name: saas, tag: cloud, url: "https://cloud.example.org/", branched: false}
    - {name: onprem, branched: true}
version: {release: "1.0", branch: "v1.0"}
"""


def test_finalizers_for() -> None:
    assert finalizers_for("dirhtml") == ["dirhtml"]
    assert finalizers_for("json") == ["json_output"]
    assert finalizers_for("latex") == ["latex"]
    assert finalizers_for("text") == []
    assert finalizers_for("linkcheck") == []


def test_site_dir_and_url_follow_editions_languages_and_branched(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "build_conf.yaml").write_text(EDITIONS)
    config = load(start=tmp_path)
    public = tmp_path / "build" / "public"
    assert site_dir(config, None, None) == public / "v1.0"
    assert site_dir(config, None, "en") == public / "v1.0"
    assert site_dir(config, None, "fr") == public / "fr" / "v1.0"
    assert site_dir(config, "saas", None) == public / "cloud"
    assert site_dir(config, "saas", "ja") == public / "ja" / "cloud"
    assert site_dir(config, "onprem", None) == public / "onprem" / "v1.0"
    assert site_url(config, None, None) == "https://docs.example.org/v1.0/"
    assert site_url(config, "saas", "fr") == "https://cloud.example.org/fr/cloud/"
    assert site_url(config, "onprem", None) == "https://docs.example.org/onprem/v1.0/"
    # versions.json entries are <base>/<branch>/: the same edition and language, any branch
    assert versions_base_url(config, None, None) == "https://docs.example.org"
    assert versions_base_url(config, "onprem", "fr") == "https://docs.example.org/fr/onprem"
    assert versions_base_url(config, "saas", None) == "https://cloud.example.org/cloud"
    with pytest.raises(BuildError, match="unknown edition 'nope'; valid editions: saas, onprem"):
        site_dir(config, "nope", None)


def test_builders_without_finalizer_are_skipped_quickly(built: Any) -> None:
    result = post_variant(built.config, Variant("text"))
    assert result == {"variant": "text", "fragment": "", "owns": [], "notes": [],
                      "skipped": True}
    linkcheck = post_variant(built.config, Variant("linkcheck"))
    assert linkcheck["skipped"] and "linkcheck" in linkcheck["notes"][0]


def test_missing_output_names_the_variant(built: Any) -> None:
    with pytest.raises(BuildError, match=r"^singlehtml-nope: no sphinx output at "):
        post_variant(built.config, Variant("singlehtml", "nope"))


def test_finalizer_oserror_becomes_build_error(built: Any, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    import giza.post.epub as epub

    def broken(src: str, dst: str, link: bool) -> None:
        raise PermissionError(13, "Permission denied", src)

    monkeypatch.setattr(epub, "_place_file", broken)
    with pytest.raises(BuildError, match=r"^epub: post-processing failed on .*\.epub: "
                                         r"Permission denied"):
        post_variant(built.config, Variant("epub"))
    fragments = built.config.branch_dir / ".giza" / "fragments"
    assert not (fragments / "epub.giza-new").exists()
