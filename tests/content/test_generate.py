"""The public generate() API: selection, write-if-changed, stale removal, atomicity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from giza.errors import ContentError, UsageError


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_unknown_kind_lists_valid_kinds(project) -> None:
    with pytest.raises(UsageError) as caught:
        project.generate(["steps", "stpes"])
    assert str(caught.value) == (
        "unknown content kind 'stpes'; valid kinds: all, apiargs, examples, extracts, "
        "glossary, options, release, steps, table, toc")
    assert caught.value.exit_code == 2


def test_all_kinds_and_origins(project) -> None:
    project.write("steps-a.yaml", "ref: s\ntitle: S\n")
    project.write("extracts-a.yaml", "ref: _skip\n---\nref: e\ncontent: E\n")
    project.write("glossary-g.yaml", "term: t\ndefinition: d\n")
    project.write("notes.yaml", "not: a generator file\n")
    for kinds in (None, ["all"]):
        result = project.generate(kinds)
        out = project.proxy / "includes"
        assert sorted(result.origins) == [out / "extracts/e.rst", out / "glossary/g.rst",
                                          out / "steps/a.rst"]
        assert result.origins[out / "extracts/e.rst"] == (
            Path("source/includes/extracts-a.yaml"), 3)


def test_no_change_rerun_writes_nothing_with_or_without_the_record(project) -> None:
    project.write("steps-a.yaml", "ref: s\ntitle: S\n")
    project.write("extracts-a.yaml", "ref: e\ncontent: E\n")
    first = project.generate()
    assert len(first.written) == 2
    before = _mtimes(project.proxy)
    again = project.generate()
    assert (again.written, again.unchanged, again.removed) == ([], 2, [])
    assert again.origins == first.origins
    for record in (project.root / "build" / "main" / ".giza").glob("*.json"):
        record.unlink()  # the slow path compares bytes
    slow = project.generate()
    assert (slow.written, slow.unchanged, slow.removed) == ([], 2, [])
    assert _mtimes(project.proxy) == before


def test_record_notices_edits_and_tampered_outputs(project) -> None:
    source = project.write("extracts-a.yaml", "ref: e\ncontent: one\n")
    project.generate()
    source.write_text("ref: e\ncontent: two, longer\n")
    assert [p.name for p in project.generate().written] == ["e.rst"]
    assert project.output("extracts/e.rst") == "two, longer\n"
    output = project.proxy / "includes" / "extracts" / "e.rst"
    output.write_text("tampered\n")
    assert [p.name for p in project.generate().written] == ["e.rst"]
    output.unlink()
    assert [p.name for p in project.generate().written] == ["e.rst"]
    (project.proxy / "includes" / "extracts" / "stray.rst").write_text("x\n")
    assert [p.name for p in project.generate().removed] == ["stray.rst"]


def test_context_change_regenerates(project) -> None:
    project.write("extracts-a.yaml", "ref: e\ncontent: v{{version}}\n")
    project.generate(version="1")
    assert project.generate(version="2").written
    assert project.output("extracts/e.rst") == "v2\n"


def test_stale_outputs_are_removed_only_in_generated_kinds(project) -> None:
    path = project.write("extracts-a.yaml", "ref: a\ncontent: A\n---\nref: b\ncontent: B\n")
    project.write("steps-x.yaml", "ref: s\n")
    project.generate()
    keep = project.proxy / "includes" / "extracts" / "keep.txt"
    keep.write_text("not generated output\n")
    other = project.proxy / "includes" / "steps" / "hand-written.rst"
    other.write_text("left alone\n")
    path.write_text("ref: a\ncontent: A\n")
    result = project.generate(["extracts"])
    assert [p.name for p in result.removed] == ["b.rst"]
    assert keep.exists() and other.exists()
    assert project.outputs() == ["extracts/a.rst", "steps/hand-written.rst", "steps/x.rst"]


def test_an_error_leaves_the_proxy_untouched(project) -> None:
    project.write("extracts-a.yaml", "ref: a\ncontent: A\n")
    project.write("extracts-b.yaml", "ref: b\ncontent: B\n")
    project.generate()
    before = _mtimes(project.proxy)
    contents = {name: project.output(name) for name in project.outputs()}
    project.write("extracts-a.yaml", "ref: a\ncontent: changed\n---\nref: c\ncontent: new\n")
    project.write("extracts-b.yaml", "ref: b\ninherit: {file: extracts-a.yaml, ref: gone}\n")
    with pytest.raises(ContentError):
        project.generate()
    assert _mtimes(project.proxy) == before
    assert {name: project.output(name) for name in project.outputs()} == contents


def test_includes_dir_may_be_missing(project, tmp_path: Path) -> None:
    os.rmdir(project.includes)
    result = project.generate()
    assert (result.written, result.unchanged, result.removed) == ([], 0, [])
