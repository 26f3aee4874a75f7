"""dirhtml: the website itself. Owns everything in the site no other builder owns."""

from __future__ import annotations

from pathlib import Path

from giza.config.model import Config
from giza.post import Finalized
from giza.post.staging import clone_tree
from giza.variants import Variant

# Sphinx bookkeeping, not site content.
EXCLUDED = {".buildinfo", ".buildinfo.bak", ".doctrees"}


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    # A real copy, not hard links: Sphinx rewrites its output files in place, which
    # would reach through links into the staged site.
    count = clone_tree(out, fragment, link=False, skip=lambda rel: rel in EXCLUDED)
    return Finalized(owns=[""], notes=[f"{count} files"])
