from __future__ import annotations

from pathlib import Path

from giza.content.context import ContentContext


def test_builtin_tokens() -> None:
    ctx = ContentContext(Path("inc"), version="7.0.1", branch="v7.0")
    assert ctx.builtin_tokens() == {"version": "7.0.1", "branch": "v7.0"}
    stable = ContentContext(Path("inc"), stable="6.0")
    assert stable.builtin_tokens() == {"version": "", "branch": "", "stable": "6.0"}
    assert ctx.replacements == {} and ctx.edition is None
