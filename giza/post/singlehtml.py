"""singlehtml: the whole book as ``single/index.html``, kept out of search engines."""

from __future__ import annotations

import re
from pathlib import Path

from giza.config.model import Config
from giza.errors import BuildError, shown
from giza.post import Finalized
from giza.post.staging import clone_tree, write_new_file
from giza.variants import Variant

_ROBOTS = re.compile(r'(<meta\s+name="robots"\s+content=")index', re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
NOINDEX = '<meta name="robots" content="noindex" />'


def rewrite(page: str) -> str:
    """Links as they must read from single/ beside the dirhtml site."""
    page = page.replace('href="contents.html', 'href="index.html')
    page = re.sub(r'href="genindex\.html', 'href="../genindex/', page)
    if re.search(r'<meta\s+name="robots"', page, re.IGNORECASE):
        page = _ROBOTS.sub(r"\1noindex", page)
    else:
        page = _HEAD.sub(lambda m: f"{m.group(0)}\n    {NOINDEX}", page, count=1)
    return page


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    source = next((out / name for name in ("contents.html", "index.html")
                   if (out / name).is_file()), None)
    if source is None:
        raise BuildError(f"{variant.name}: neither contents.html nor index.html in "
                         f"{shown(out)}")
    single = fragment / "single"
    write_new_file(single / "index.html", rewrite(source.read_text(encoding="utf-8")))
    for extra in ("_static", "_images"):
        if (out / extra).is_dir():
            clone_tree(out / extra, single / extra, link=False)
    if (out / "objects.inv").is_file():
        write_new_file(single / "objects.inv", (out / "objects.inv").read_bytes())
    return Finalized(owns=["single/"], notes=[f"single/index.html from {source.name}"])
