"""Includes of generated files added to pages of the build copy (extracts
``append``/``prepend``).

An extract unit may name pages that should include it, at their end (``append``) or
start (``prepend``). The page in ``source/`` is never touched: its copy in the proxy
tree is rewritten from the source text plus the include lines, and only when those
bytes change, so an unchanged rebuild leaves it (and Sphinx) alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from giza.content.api import PageEdit
from giza.errors import ContentError, shown
from giza.fileio import write_if_changed
from giza.problems import warn
from giza.proxy import mirrored

EXAMPLE = "/tutorial/install.txt"


def _page(edit: PageEdit, source: Path) -> str | None:
    where = f"{edit.origin[0]}:{edit.origin[1]}: {edit.mode}"
    rel = edit.page.strip().lstrip("/")
    if not rel or ".." in PurePosixPath(rel).parts or "\\" in rel:
        raise ContentError(f"{where}: {edit.page!r} is not a page path inside the source "
                           f"directory (for example {EXAMPLE})")
    if not (source / rel).is_file():
        # The original skipped pages it could not find; the extract is still generated.
        warn(f"{where}: page {edit.page!r} does not exist in {shown(source)}, so nothing is "
             f"added to it; name the page file with its suffix, for example {EXAMPLE}")
        return None
    return rel


def check_page_edits(edits: Sequence[PageEdit], source: Path) -> None:
    """Report every bad append/prepend page (errors raise, missing pages warn)."""
    for edit in edits:
        _page(edit, source)


def page_text(text: str, edits: Sequence[PageEdit]) -> str:
    """``text`` with the includes of ``edits`` before and after it."""
    before = "".join(f".. include:: {e.include}\n\n" for e in edits if e.mode == "prepend")
    after = "".join(f"\n.. include:: {e.include}\n" for e in edits if e.mode == "append")
    if after and text and not text.endswith("\n"):
        text += "\n"
    return before + text + after


def apply_page_edits(edits: Sequence[PageEdit], source: Path, proxy: Path,
                     ignore: Sequence[str] = (), exclude: Sequence[str] = ()
                     ) -> tuple[set[str], list[str]]:
    """Rewrite the proxy copies of the edited pages. Returns the proxy-relative pages
    now owned (so mirroring leaves them alone) and those whose bytes changed.

    A page this variant excludes (or ignores) is skipped: it is not in the tree."""
    by_page: dict[str, list[PageEdit]] = {}
    for edit in edits:
        page = _page(edit, source)
        if page is not None:
            by_page.setdefault(page, []).append(edit)
    owned: set[str] = set()
    written: list[str] = []
    for rel, page_edits in sorted(by_page.items()):
        if not mirrored(rel, ignore, exclude):
            continue
        try:
            text = (source / rel).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            first = page_edits[0]
            raise ContentError(f"{first.origin[0]}:{first.origin[1]}: {first.mode}: page "
                               f"{first.page!r} is not UTF-8 text") from None
        owned.add(rel)
        if write_if_changed(proxy / rel, page_text(text, page_edits)):
            written.append(rel)
    return owned, written
