"""man finalizer: a reproducible manpages tarball with page references as URLs."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path
from typing import Any

from giza.post import post_variant
from giza.post.man import link_pages
from giza.variants import Variant


def test_manpages_tarball(built: Any) -> None:
    result = post_variant(built.config, Variant("man"))
    fragment = Path(result["fragment"])
    assert result["owns"] == ["manpages-3.0.tar.gz", "manpages.tar.gz"]
    assert os.readlink(fragment / "manpages.tar.gz") == "manpages-3.0.tar.gz"
    first = (fragment / "manpages-3.0.tar.gz").read_bytes()
    with tarfile.open(fragment / "manpages-3.0.tar.gz") as tar:
        names = tar.getnames()
        page = next(n for n in names if n.endswith(".1"))
        text = tar.extractfile(page).read()  # type: ignore[union-attr]
    assert names[0] == "demo-manpages"
    assert b"https://docs.example.org/reference/index" in text
    assert b"/usr/bin/demo" in text and b"docs.example.org/usr" not in text
    again = post_variant(built.config, Variant("man"))
    assert (Path(again["fragment"]) / "manpages-3.0.tar.gz").read_bytes() == first


def test_link_pages_leaves_system_paths() -> None:
    data = b"see \\fB/reference/a\\fP and \\fB/etc/hosts\\fP"
    assert link_pages(data, "https://x.org/") == \
        b"see \\fBhttps://x.org/reference/a\\fP and \\fB/etc/hosts\\fP"
