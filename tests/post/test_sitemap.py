"""sitemap.xml per site, nested language sites, and sitemap-index.xml with hreflang."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from giza.layout import site_dir
from giza.post import post_variant, sitemap_index, stage_site
from giza.post.sitemap import SITEMAP_NS, XHTML_NS, read_sitemap, site_pages
from giza.variants import Variant


def test_site_pages_skip_aids_noindex_and_excluded(tmp_path: Path) -> None:
    files = {
        "index.html": "<head></head>",
        "a/index.html": "<head></head>",
        "b.html": "<head></head>",
        "genindex/index.html": "",
        "search/index.html": "",
        "_static/x.html": "",
        "single/index.html": '<head><meta name="robots" content="noindex" /></head>',
        "fr/index.html": "",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert site_pages(tmp_path, exclude={"fr"}) == ["", "a/", "b.html"]


def test_language_sites_nest_and_get_hreflang_alternates(fresh: Any) -> None:
    built = fresh()
    config = built.config
    post_variant(config, Variant("dirhtml"))
    post_variant(config, Variant("dirhtml", None, "fr"))
    stage_site(config, None, None, ["dirhtml"])
    fr = stage_site(config, None, "fr", ["dirhtml-fr"])
    public = site_dir(config, None, None)
    assert Path(fr["site"]) == public / "fr"
    assert fr["url"] == "https://docs.example.org/fr/"
    # Restaging the outer site must carry the nested French site over untouched.
    stage_site(config, None, None, ["dirhtml"])
    assert (public / "fr" / "install" / "index.html").is_file()
    assert read_sitemap(public / "sitemap.xml") == [
        "https://docs.example.org/", "https://docs.example.org/install/",
        "https://docs.example.org/reference/"]
    assert read_sitemap(public / "fr" / "sitemap.xml")[1] == \
        "https://docs.example.org/fr/install/"

    index = sitemap_index(config, [(None, None, public), (None, "fr", public / "fr")])
    assert index == public / "sitemap-index.xml"
    locs = [e.text for e in ElementTree.parse(index).iter(f"{{{SITEMAP_NS}}}loc")]
    assert locs == ["https://docs.example.org/sitemap.xml",
                    "https://docs.example.org/fr/sitemap.xml",
                    "https://docs.example.org/sitemap-alternates.xml"]
    tree = ElementTree.parse(public / "sitemap-alternates.xml")
    urls = tree.getroot().findall(f"{{{SITEMAP_NS}}}url")
    assert len(urls) == 6  # 3 pages x 2 languages
    install_fr = next(u for u in urls if u.findtext(f"{{{SITEMAP_NS}}}loc")
                      == "https://docs.example.org/fr/install/")
    links = {(link.get("hreflang"), link.get("href"))
             for link in install_fr.findall(f"{{{XHTML_NS}}}link")}
    assert links == {("en", "https://docs.example.org/install/"),
                     ("x-default", "https://docs.example.org/install/"),
                     ("fr", "https://docs.example.org/fr/install/")}
    # The index files at the public root survive a restage of the outer site.
    stage_site(config, None, None, ["dirhtml"])
    assert index.is_file() and (public / "sitemap-alternates.xml").is_file()
