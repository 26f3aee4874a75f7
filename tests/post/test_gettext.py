"""gettext finalizer: .pot catalogs copied into locale/pot when they change."""

from __future__ import annotations

from typing import Any

from giza.post import post_variant
from giza.variants import Variant


def test_pot_files_are_copied_only_when_changed(built: Any) -> None:
    result = post_variant(built.config, Variant("gettext"))
    assert result["owns"] == [] and result["skipped"] is False
    pot_dir = built.config.paths.locale / "pot"
    assert pot_dir == built.root / "locale" / "pot"
    catalogs = sorted(p.relative_to(pot_dir).as_posix() for p in pot_dir.rglob("*.pot"))
    assert catalogs == ["index.pot", "install.pot", "reference.pot"]  # gettext_compact
    out = built.variant_out("gettext")
    assert (pot_dir / "install.pot").read_bytes() == (out / "install.pot").read_bytes()
    mtimes = {p: p.stat().st_mtime_ns for p in pot_dir.rglob("*.pot")}
    again = post_variant(built.config, Variant("gettext"))
    assert again["notes"][0].startswith("0 .pot files updated")
    assert {p: p.stat().st_mtime_ns for p in pot_dir.rglob("*.pot")} == mtimes
