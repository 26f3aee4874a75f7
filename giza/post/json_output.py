"""json: one ``json/<page>.json`` per page for search indexers, and ``json/.file_list``.

Each document is Sphinx's ``.fjson`` plus ``text`` (the body as plain text),
a plain ``title`` and the page's public ``url``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from giza.config.model import Config
from giza.errors import BuildError, shown
from giza.layout import site_url
from giza.post import Finalized
from giza.post.staging import clone_tree, write_new_file
from giza.variants import Variant

_TAG = re.compile(r"<[^>]*>")
# Tags that separate words; inline tags (em, a, code) must not split "demo</em>.".
_BLOCK = re.compile(r"</?(?:p|div|section|h[1-6]|li|ul|ol|dl|dt|dd|br|hr|tr|td|th|table|pre|"
                    r"blockquote|figure|figcaption|caption|nav|aside)\b[^>]*>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# Sphinx's permalink marks: not text anyone searches for.
_HEADERLINK = re.compile(r"<a class=\"headerlink\"[^>]*>.*?</a>", re.DOTALL)


def plain_text(markup: str) -> str:
    """HTML to one line of text: permalinks and tags dropped, entities unescaped,
    whitespace folded."""
    text = _TAG.sub("", _BLOCK.sub(" ", _HEADERLINK.sub("", markup)))
    text = html.unescape(text).replace("\u00b6", " ")
    return _SPACE.sub(" ", text).strip()


def page_url(base: str, page: str) -> str:
    """dirhtml URL of a page: ``index`` is the site root, ``a/index`` is ``a/``."""
    if page == "index":
        return base
    if page.endswith("/index"):
        return f"{base}{page[:-len('index')]}"
    return f"{base}{page}/"


def _skip(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in (".buildinfo", ".doctrees", "last_build") or name.endswith((".fjson", ".pickle"))


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    base = site_url(config, variant.edition, variant.language)
    target = fragment / "json"
    # Copy everything else the builder wrote (searchindex, images, static files).
    clone_tree(out, target, link=False, skip=_skip)
    listing: list[str] = []
    count = 0
    for source in sorted(out.rglob("*.fjson")):
        page = source.relative_to(out).with_suffix("").as_posix()
        try:
            doc: Any = json.loads(source.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise BuildError(f"{variant.name}: {shown(source)} is not valid JSON: "
                             f"{exc}") from exc
        if not isinstance(doc, dict) or "body" not in doc:
            continue  # genindex, search: no page body to index
        doc["text"] = plain_text(str(doc.get("body") or ""))
        doc["title"] = plain_text(str(doc.get("title") or ""))
        doc["url"] = page_url(base, page) if base else f"/{page}/"
        rel = f"{page}.json"
        write_new_file(target / rel, json.dumps(doc, indent=1, sort_keys=True) + "\n")
        listing.append(f"{base}json/{rel}" if base else f"/json/{rel}")
        count += 1
    write_new_file(target / ".file_list", "".join(f"{line}\n" for line in listing))
    notes = [f"{count} pages"]
    if not base:
        notes.append("project.url is not set; json urls are site-relative")
    return Finalized(owns=["json/"], notes=notes)
