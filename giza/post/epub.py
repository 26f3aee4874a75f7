"""epub: ``<slug>-<branch>.epub`` plus a stable ``<slug>.epub`` link."""

from __future__ import annotations

from pathlib import Path

from giza.config.model import Config
from giza.errors import BuildError, shown
from giza.layout import edition_of
from giza.post import Finalized, slug, stable_link
from giza.post.staging import _place_file
from giza.variants import Variant


def book_title(config: Config, edition: str | None) -> str:
    ed = edition_of(config, edition)
    if ed is not None and ed.title:
        return str(ed.title)
    return config.project.title or config.project.name


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    name = slug(book_title(config, variant.edition))
    books = sorted(out.glob("*.epub"))
    if not books:
        raise BuildError(f"{variant.name}: no .epub file in {shown(out)}")
    # Sphinx names the file after epub_basename; prefer the one matching the title.
    book = next((b for b in books if slug(b.stem) == name), books[0])
    target = f"{name}-{config.branch}.epub"
    _place_file(str(book), str(fragment / target), link=False)
    stable_link(fragment, f"{name}.epub", target)
    notes = [f"{target} from {book.name}"]
    if len(books) > 1:
        notes.append(f"{len(books)} .epub files in {shown(out)}; staged {book.name}")
    return Finalized(owns=[target, f"{name}.epub"], notes=notes)
