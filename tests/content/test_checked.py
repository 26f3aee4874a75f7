"""generate(checked=...): the check's in-memory rendering is written instead of rendering
the same files again, only when rendering now would give the same (giza.prepare_ahead)."""

from __future__ import annotations

import os
from pathlib import Path

from giza.content import ContentContext, generate
from giza.content.api import render_all


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _checked(project, tmp_path: Path) -> object:
    """What the check renders: the same context, into a scratch dir."""
    ctx = ContentContext(project.includes, migrated_dir=tmp_path / "scratch/includes")
    return render_all(ctx, str(tmp_path / "scratch/includes"))


def _context(project) -> ContentContext:
    return ContentContext(project.includes, migrated_dir=project.proxy / "includes")


def _write(project) -> None:
    project.write("steps-a.yaml", "ref: s\ntitle: S\n---\nref: t\ntitle: T\n")
    project.write("extracts-a.yaml", "ref: e\ncontent: E\n")


def test_the_checked_rendering_is_written_as_rendering_would_write_it(project, tmp_path):
    _write(project)
    reference = generate(_context(project), project.proxy)
    expected = _files(project.proxy)
    for path in (project.proxy / "includes").rglob("*"):
        if path.is_file():
            path.unlink()
    record = project.proxy.parent / ".giza/content-source.json"
    record.unlink()
    result = generate(_context(project), project.proxy, checked=_checked(project, tmp_path))
    assert _files(project.proxy) == expected
    assert record.is_file()
    assert result.origins == reference.origins and result.edits == reference.edits
    assert sorted(result.written) == sorted(reference.written)
    # the record it wrote is that of a rendering: the next run has nothing to do
    assert generate(_context(project), project.proxy).written == []


def test_it_is_used_as_is_and_not_rendered_again(project, tmp_path):
    _write(project)
    checked = _checked(project, tmp_path)
    target = next(t for t in checked.rendered if t.endswith("steps/a.rst"))
    checked.rendered[target] = b"as the check rendered it\n"
    generate(_context(project), project.proxy, checked=checked)
    assert project.output("steps/a.rst") == "as the check rendered it\n"


def test_an_input_changed_since_the_check_is_rendered_again(project, tmp_path):
    _write(project)
    checked = _checked(project, tmp_path)
    next(iter(checked.rendered.values()))  # rendered, and then the author saves a file:
    source = project.write("extracts-a.yaml", "ref: e\ncontent: Changed\n")
    os.utime(source, ns=(1, 1))
    generate(_context(project), project.proxy, checked=checked)
    assert "Changed" in project.output("extracts/e.rst")


def test_a_yaml_file_only_in_the_proxy_tree_is_rendered_again(project, tmp_path):
    # a file migrations (or an earlier run) left in the proxy's includes/: generation
    # reads it, the check's rendering did not
    _write(project)
    checked = _checked(project, tmp_path)
    extra = project.proxy / "includes/extracts-moved.yaml"
    extra.parent.mkdir(parents=True)
    extra.write_text("ref: moved\ncontent: M\n")
    generate(_context(project), project.proxy, checked=checked)
    assert project.output("extracts/moved.rst").strip().endswith("M")


def test_an_inheritance_base_only_in_the_proxy_tree_is_rendered_again(project, tmp_path):
    _write(project)
    project.write("steps-b.yaml", "ref: b\ninherit: {file: base/steps-base.yaml, ref: x}\n")
    project.write("base/steps-base.yaml", "ref: x\ntitle: From source\n")
    checked = _checked(project, tmp_path)
    # the proxy's includes/ has a file the source has not: inheritance may find it there
    (project.proxy / "includes/other").mkdir(parents=True)
    (project.proxy / "includes/other/steps-base.yaml").write_text("ref: x\ntitle: Other\n")
    checked.rendered[next(t for t in checked.rendered if t.endswith("steps/b.rst"))] = b"x"
    generate(_context(project), project.proxy, checked=checked)
    assert project.output("steps/b.rst") != "x"


def test_only_every_kind_at_once_uses_it(project, tmp_path):
    _write(project)
    checked = _checked(project, tmp_path)
    target = next(t for t in checked.rendered if t.endswith("steps/a.rst"))
    checked.rendered[target] = b"as the check rendered it\n"
    generate(_context(project), project.proxy, ["steps"], checked=checked)
    assert project.output("steps/a.rst") != "as the check rendered it\n"
