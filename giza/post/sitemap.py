"""sitemap.xml per staged site and sitemap-index.xml (with hreflang alternates) across sites."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

from giza.config.model import Config
from giza.fileio import write_if_changed

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Pages that are navigation aids, not content worth indexing.
SKIPPED_PAGES = {"genindex", "search", "py-modindex", "404"}
_NOINDEX = re.compile(rb"<meta[^>]+name=[\"']robots[\"'][^>]+noindex", re.IGNORECASE)


# Not xml.sax.saxutils: it imports urllib.request and http.client, ~30 ms that every
# giza run (a no-op rebuild included) would pay for two one-line functions.
def escape(text: str) -> str:
    """``text`` as XML character data."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """``text`` as a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;") + '"'


def _is_noindex(path: Path) -> bool:
    with open(path, "rb") as handle:
        return bool(_NOINDEX.search(handle.read(16384)))


def site_pages(root: Path, exclude: set[str] | None = None) -> list[str]:
    """Site-relative page URLs (``""``, ``"install/"``, ``"a.html"``) of the HTML pages
    under ``root``, sorted; ``exclude`` holds relative paths to leave out (nested sites)."""
    exclude = exclude or set()
    pages: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(("_", ".")) and not d.endswith((".giza-new",
                                                                             ".giza-old"))
                       and prefix + d not in exclude]
        for name in filenames:
            if not name.endswith(".html") or prefix + name in exclude:
                continue
            stem = name[:-5]
            page_dir = prefix.rstrip("/").rsplit("/", 1)[-1]
            if stem in SKIPPED_PAGES or (stem == "index" and page_dir in SKIPPED_PAGES):
                continue
            if _is_noindex(Path(dirpath) / name):
                continue
            pages.append(prefix if stem == "index" else prefix + name)
    return sorted(pages)


def _loc(url: str, page: str) -> str:
    return url + quote(page, safe="/")


def render_urlset(url: str, pages: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    lines += [f"  <url><loc>{escape(_loc(url, page))}</loc></url>" for page in pages]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write_site_sitemap(root: Path, url: str, exclude: set[str]) -> int:
    """(Re)write ``root/sitemap.xml`` in an assembling site; returns the page count.
    The file is unlinked first: it may be a hard link shared with the live site."""
    target = root / "sitemap.xml"
    if os.path.lexists(target):
        target.unlink()
    pages = site_pages(root, exclude)
    if pages and url:
        write_if_changed(target, render_urlset(url, pages))
    return len(pages)


def read_sitemap(path: Path) -> list[str]:
    """The <loc> URLs of a urlset sitemap ([] when missing)."""
    try:
        tree = ElementTree.parse(path)
    except (FileNotFoundError, ElementTree.ParseError):
        return []
    return [el.text.strip() for el in tree.iter(f"{{{SITEMAP_NS}}}loc") if el.text]


def _hreflang(language: str | None) -> str:
    return language if language not in (None, "") else "en"


def write_sitemap_index(config: Config, public: Path,
                        sites: list[tuple[str | None, str | None, str, Path]]) -> Path:
    """Write <public>/sitemap-index.xml listing every site's sitemap.xml, plus
    <public>/sitemap-alternates.xml with ``xhtml:link`` hreflang alternates for
    pages that exist in several languages (a sitemap index may only list sitemaps, so
    the alternates live in a sitemap of their own that the index lists). ``sites`` are
    (edition, language, site url, site dir): the caller knows the layout."""
    from giza.post.staging import stage_lock  # lazy: only the sitemap task needs it

    entries, groups = _index_entries(sites)
    root_url = (config.project.url or "").rstrip("/") + "/"
    alternates = _alternates(groups)
    with stage_lock(config.paths.output):
        alt_path = public / "sitemap-alternates.xml"
        if alternates and root_url != "/":
            text = "\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                              f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
                              *alternates, "</urlset>"]) + "\n"
            write_if_changed(alt_path, text)
            entries.append(root_url + "sitemap-alternates.xml")
        elif alt_path.exists():
            alt_path.unlink()
        index = public / "sitemap-index.xml"
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 f'<sitemapindex xmlns="{SITEMAP_NS}">']
        lines += [f"  <sitemap><loc>{escape(e)}</loc></sitemap>" for e in entries]
        lines.append("</sitemapindex>")
        write_if_changed(index, "\n".join(lines) + "\n")
    return index


_Groups = dict[tuple[str | None, str], dict[str | None, str]]


def _index_entries(sites: list[tuple[str | None, str | None, str, Path]]
                   ) -> tuple[list[str], _Groups]:
    """The sitemap URLs of the sites that have one, and their pages grouped by
    (edition, page) -> {language: absolute url}."""
    entries: list[str] = []
    groups: _Groups = {}
    for edition, language, url, path in sites:
        sitemap = Path(path) / "sitemap.xml"
        if not url or not sitemap.is_file():
            continue
        entries.append(_loc(url, "sitemap.xml"))
        for loc in read_sitemap(sitemap):
            if loc.startswith(url):
                groups.setdefault((edition, loc[len(url):]), {})[language or None] = loc
    return entries, groups


def _alternates(groups: _Groups) -> list[str]:
    """One <url> entry per page in each of its languages, with links to all of them."""
    alternates: list[str] = []
    for key in sorted(groups, key=lambda k: (k[0] or "", k[1])):
        langs = groups[key]
        if len(langs) < 2:
            continue
        links = []
        for lang in sorted(langs, key=lambda x: x or ""):
            links.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(_hreflang(lang))}'
                         f' href={quoteattr(langs[lang])}/>')
            if lang is None:
                links.append(f'    <xhtml:link rel="alternate" hreflang="x-default"'
                             f' href={quoteattr(langs[lang])}/>')
        for lang in sorted(langs, key=lambda x: x or ""):
            alternates.append(f"  <url>\n    <loc>{escape(langs[lang])}</loc>\n"
                              + "\n".join(links) + "\n  </url>")
    return alternates
