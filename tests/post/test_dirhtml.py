"""dirhtml finalizer: the website fragment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from giza.post import post_variant
from giza.variants import Variant


def test_dirhtml_fragment_is_a_real_copy_without_bookkeeping(built: Any) -> None:
    result = post_variant(built.config, Variant("dirhtml"))
    fragment = Path(result["fragment"])
    assert fragment == built.config.branch_dir / ".giza" / "fragments" / "dirhtml"
    assert result["owns"] == [""]
    assert (fragment / "index.html").is_file()
    assert (fragment / "install" / "index.html").is_file()
    assert (fragment / "reference" / "index.html").is_file()
    assert (fragment / "_static").is_dir()
    assert not (fragment / ".buildinfo").exists()
    out = built.variant_out("dirhtml")
    # Sphinx rewrites its outputs in place; a hard link would reach into the site.
    assert os.stat(fragment / "index.html").st_ino != os.stat(out / "index.html").st_ino
    assert (fragment / "index.html").read_bytes() == (out / "index.html").read_bytes()
    manifest = fragment.with_name("dirhtml.json")
    assert manifest.is_file()


def test_post_variant_replaces_the_previous_fragment(built: Any) -> None:
    fragment = Path(post_variant(built.config, Variant("dirhtml"))["fragment"])
    (fragment / "stale.html").write_text("old")
    post_variant(built.config, Variant("dirhtml"))
    assert not (fragment / "stale.html").exists()
    assert not fragment.with_name("dirhtml.giza-new").exists()
