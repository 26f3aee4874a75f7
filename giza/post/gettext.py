"""gettext: copy changed ``.pot`` catalogs into ``<locale>/pot/`` (outside build/ by
design: translators work from the repository). Nothing is staged."""

from __future__ import annotations

from pathlib import Path

from giza.config.model import Config
from giza.errors import shown
from giza.fileio import write_if_changed
from giza.post import Finalized
from giza.variants import Variant


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    target = config.paths.locale / "pot"
    updated = added = 0
    for pot in sorted(out.rglob("*.pot")):
        dest = target / pot.relative_to(out)
        existed = dest.exists()
        if write_if_changed(dest, pot.read_bytes()):
            updated += 1
            added += not existed
    notes = [f"{updated} .pot files updated in {shown(target)}"]
    if added:
        notes.append(f"{added} new catalogs; run 'sphinx-intl update' to start translations")
    return Finalized(owns=[], notes=notes)
