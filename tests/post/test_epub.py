"""epub finalizer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from giza.post import post_variant
from giza.variants import Variant


def test_epub_is_renamed_with_branch_and_linked(built: Any) -> None:
    result = post_variant(built.config, Variant("epub"))
    fragment = Path(result["fragment"])
    assert result["owns"] == ["demo-manual-3.0.epub", "demo-manual.epub"]
    book = fragment / "demo-manual-3.0.epub"
    assert book.read_bytes()[:2] == b"PK"  # a zip container
    assert os.readlink(fragment / "demo-manual.epub") == "demo-manual-3.0.epub"
