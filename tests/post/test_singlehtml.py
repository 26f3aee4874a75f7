"""singlehtml finalizer: single/index.html beside the site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from giza.post import post_variant
from giza.post.singlehtml import rewrite
from giza.variants import Variant


def test_singlehtml_fragment(built: Any) -> None:
    result = post_variant(built.config, Variant("singlehtml"))
    single = Path(result["fragment"]) / "single"
    assert result["owns"] == ["single/"]
    page = (single / "index.html").read_text()
    assert '<meta name="robots" content="noindex" />' in page
    assert 'href="../genindex/' in page and 'href="genindex.html' not in page
    assert "Run the installer." in page  # the whole book in one page
    assert (single / "_static" / "basic.css").is_file()
    assert (single / "objects.inv").is_file()


def test_rewrite_links_and_existing_robots_meta() -> None:
    page = ('<head>\n<meta name="robots" content="index, follow" />\n</head>'
            '<a href="contents.html#x">c</a><a href="genindex.html">g</a>')
    out = rewrite(page)
    assert '<meta name="robots" content="noindex, follow" />' in out
    assert 'href="index.html#x"' in out and 'href="../genindex/"' in out
    assert out.count("robots") == 1
