from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from giza.content import kinds, output_dirs, registry


def test_builtin_kinds_and_output_dirs() -> None:
    assert kinds() == ["apiargs", "examples", "extracts", "glossary", "options", "release",
                       "steps", "table", "toc"]
    assert output_dirs() == ["includes/apiargs", "includes/examples", "includes/extracts",
                             "includes/glossary", "includes/option", "includes/release",
                             "includes/steps", "includes/table", "includes/toc"]


def test_match_ignores_non_yaml_and_unknown_prefixes() -> None:
    assert registry.match("steps-a.yaml")[0].kind == "steps"  # type: ignore[index]
    assert registry.match("steps-a.rst") is None
    assert registry.match("replacement.yaml") is None


def test_third_party_generator_through_an_entry_point(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project) -> None:
    package = tmp_path / "plugin"
    package.mkdir()
    (package / "giza_notes.py").write_text(textwrap.dedent("""
        from giza.content.registry import Generator, Output
        from giza.content.units import COMMON_FIELDS, TEXT, Schema

        def render(source, ctx):
            return [Output(f"{item.unit.key}.rst", f"NOTE: {item.data['text']}\\n",
                           (source.path, item.unit.line)) for item in source.items]

        GENERATOR = Generator("notes", ("notes-",), "notes",
                              Schema("notes", {**COMMON_FIELDS, "text": TEXT},
                                     key_required="ref"), render)
        """))
    dist = package / "giza_notes-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: giza-notes\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[giza.generators]\nnotes = giza_notes:GENERATOR\n")
    monkeypatch.syspath_prepend(str(package))
    registry.generators.cache_clear()
    try:
        assert "notes" in kinds()
        assert "includes/notes" in output_dirs()
        project.write("notes-a.yaml", "ref: hello\ntext: Hi {{version}}\n")
        project.generate(["notes"], version="1.2")
        assert project.output("notes/hello.rst") == "NOTE: Hi 1.2\n"
    finally:
        monkeypatch.delitem(sys.modules, "giza_notes", raising=False)
        registry.generators.cache_clear()
