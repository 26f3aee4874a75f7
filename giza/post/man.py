"""man: a reproducible ``manpages-<branch>.tar.gz`` plus a stable ``manpages.tar.gz`` link.

References to documentation pages written in bold as absolute source paths
(``\\fB/reference/foo\\fP``) become absolute URLs of the published site.
"""

from __future__ import annotations

import re
from pathlib import Path

from giza.config.model import Config
from giza.layout import site_url
from giza.post import Finalized, stable_link
from giza.post.html import write_tarball
from giza.variants import Variant

# System paths that are what they say, not documentation pages.
SYSTEM_DIRS = ("bin", "boot", "dev", "etc", "home", "lib", "lib64", "mnt", "opt", "proc",
               "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var")
_BOLD_PATH = re.compile(rb"\\fB/([A-Za-z0-9][\w./-]*)\\f[PR]")
_MAN_FILE = re.compile(r"\.[1-9][a-z]*$")


def link_pages(data: bytes, base: str) -> bytes:
    def sub(match: re.Match[bytes]) -> bytes:
        path = match.group(1)
        if path.split(b"/", 1)[0].decode() in SYSTEM_DIRS:
            return match.group(0)
        return b"\\fB" + base.encode() + path + b"\\fP"

    return _BOLD_PATH.sub(sub, data)


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    base = site_url(config, variant.edition, variant.language)

    def transform(rel: str, data: bytes) -> bytes:
        return link_pages(data, base) if base and _MAN_FILE.search(rel) else data

    name = f"manpages-{config.branch}.tar.gz"
    count = write_tarball(out, fragment / name, prefix=f"{config.project.name}-manpages",
                          transform=transform)
    stable_link(fragment, "manpages.tar.gz", name)
    return Finalized(owns=[name, "manpages.tar.gz"], notes=[f"{name}: {count} entries"])
