"""json finalizer: documents for search indexers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from giza.post import post_variant
from giza.post.json_output import page_url, plain_text
from giza.variants import Variant


def test_json_documents_have_text_title_and_url(built: Any) -> None:
    result = post_variant(built.config, Variant("json"))
    target = Path(result["fragment"]) / "json"
    assert result["owns"] == ["json/"]
    index = json.loads((target / "index.json").read_text())
    assert index["title"] == "Demo Manual"
    assert index["url"] == "https://docs.example.org/"
    assert "Welcome & hello to the demo." in index["text"]
    assert "<" not in index["text"] and "\u00b6" not in index["text"]
    install = json.loads((target / "install.json").read_text())
    assert install["url"] == "https://docs.example.org/install/"
    assert "Run the installer. Then read the reference." in install["text"]
    ref = json.loads((target / "reference" / "index.json").read_text())
    assert ref["url"] == "https://docs.example.org/reference/"
    assert "body" in ref  # the fjson fields are kept for indexers that use them
    listing = (target / ".file_list").read_text().splitlines()
    assert listing == [
        "https://docs.example.org/json/index.json",
        "https://docs.example.org/json/install.json",
        "https://docs.example.org/json/reference/index.json",
    ]
    leftovers = [p.name for p in target.rglob("*")
                 if p.suffix in (".fjson", ".pickle") or p.name in (".buildinfo", "last_build")]
    assert leftovers == []
    assert not (target / "genindex.json").exists()
    assert (target / "searchindex.json").is_file()


def test_plain_text_and_page_url() -> None:
    markup = ('<h1>A &amp; B<a class="headerlink" href="#a" title="x">\u00b6</a></h1>\n'
              "<p>one\n   two&nbsp;three &lt;x&gt;</p>")
    assert plain_text(markup) == "A & B one two three <x>"
    assert page_url("https://x.org/", "index") == "https://x.org/"
    assert page_url("https://x.org/", "a/index") == "https://x.org/a/"
    assert page_url("https://x.org/", "a/b") == "https://x.org/a/b/"
