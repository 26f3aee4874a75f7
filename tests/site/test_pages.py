"""Extract includes in pages of the build copy (extracts append/prepend)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from giza.config import load
from giza.content.api import PageEdit
from giza.errors import ContentError
from giza.pipeline.tasks import prepare_tree
from giza.problems import collecting
from giza.site.pages import apply_page_edits, page_text

YAML = Path("/p/source/includes/extracts-a.yaml")


def edit(mode: str, page: str, ref: str = "x", line: int = 1) -> PageEdit:
    return PageEdit(mode, page, f"/includes/extracts/{ref}.rst", (YAML, line))


def test_page_text_places_includes_around_the_text() -> None:
    edits = [edit("append", "/a.txt", "one"), edit("prepend", "/a.txt", "two"),
             edit("append", "/a.txt", "three")]
    assert page_text("Title\n=====\n\nBody", edits) == (
        ".. include:: /includes/extracts/two.rst\n\n"
        "Title\n=====\n\nBody\n"
        "\n.. include:: /includes/extracts/one.rst\n"
        "\n.. include:: /includes/extracts/three.rst\n")


def test_pages_are_rewritten_only_when_their_bytes_change(tmp_path: Path) -> None:
    source, proxy = tmp_path / "source", tmp_path / "proxy"
    (source / "ref").mkdir(parents=True)
    (source / "ref" / "a.txt").write_text("A\n=\n")
    (source / "skip.txt").write_text("S\n=\n")
    edits = [edit("append", "/ref/a.txt"), edit("append", "skip.txt")]
    owned, written = apply_page_edits(edits, source, proxy, exclude=["/skip"])
    assert owned == {"ref/a.txt"} and written == ["ref/a.txt"]
    assert (proxy / "ref" / "a.txt").read_text() == \
        "A\n=\n\n.. include:: /includes/extracts/x.rst\n"
    assert not (proxy / "skip.txt").exists()  # excluded from this variant: not recreated
    os.utime(proxy / "ref" / "a.txt", (1_000_000, 1_000_000))
    assert apply_page_edits(edits, source, proxy, exclude=["/skip"]) == ({"ref/a.txt"}, [])
    assert (proxy / "ref" / "a.txt").stat().st_mtime == 1_000_000
    assert (source / "ref" / "a.txt").read_text() == "A\n=\n"  # source/ is never edited


def test_missing_pages_warn_and_outside_pages_are_errors(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    with collecting() as found:
        done = apply_page_edits([edit("prepend", "/ref/a", line=7)], source, tmp_path / "proxy")
    # the original skipped a page it could not find
    assert done == (set(), [])
    assert [p.text for p in found] == [
        f"{YAML}:7: prepend: page '/ref/a' does not exist in {source}, so nothing is added "
        "to it; name the page file with its suffix, for example /tutorial/install.txt"]
    with pytest.raises(ContentError) as exc:
        apply_page_edits([edit("append", "../conf.py")], source, tmp_path / "proxy")
    assert str(exc.value) == (f"{YAML}:1: append: '../conf.py' is not a page path inside "
                              "the source directory (for example /tutorial/install.txt)")


def test_prepare_tree_owns_edited_pages_and_migration_targets(project) -> None:
    root = project({
        "config/build_conf.yaml": "project: {name: d}\nsystem: {files: [migrations.yaml]}\n",
        "config/migrations.yaml": "source: notes.txt\ntarget: moved/notes.txt\n",
        "notes.txt": "Notes\n=====\n",
        "source/index.txt": "T\n=\n",
        "source/install.txt": "Install\n=======\n",
        "source/includes/extracts-a.yaml": "ref: warn\ncontent: Careful.\n"
                                           "append: /install.txt\n",
    })
    config = load()
    proxy = root / "build" / "main" / "source"
    prepare_tree(config, None, None, str(proxy))
    page, moved = proxy / "install.txt", proxy / "moved" / "notes.txt"
    assert page.read_text() == "Install\n=======\n\n.. include:: /includes/extracts/warn.rst\n"
    assert moved.read_text() == "Notes\n=====\n"
    for path in (page, moved):
        os.utime(path, (1_000_000, 1_000_000))
    result = prepare_tree(config, None, None, str(proxy))
    assert (result.copied, result.removed, result.generated) == (0, 0, 0)
    assert page.stat().st_mtime == moved.stat().st_mtime == 1_000_000
    # The unit no longer appends: the page is the source's copy again.
    (root / "source/includes/extracts-a.yaml").write_text("ref: warn\ncontent: Careful.\n")
    prepare_tree(config, None, None, str(proxy))
    assert page.read_text() == "Install\n=======\n"
    assert page.stat().st_mtime == (root / "source/install.txt").stat().st_mtime


def test_built_page_shows_the_appended_extract(project, giza) -> None:
    root = project({
        "config/build_conf.yaml": "project: {name: d}\n",
        "source/index.txt": "T\n=\n\n.. toctree::\n\n   install\n",
        "source/install.txt": "Install\n=======\n\nFirst.\n",
        "source/includes/extracts-a.yaml": "ref: warn\ncontent: Careful now.\n"
                                           "prepend: [/install.txt]\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.out + result.err
    html = (root / "build/main/html/install.html").read_text()
    assert html.index("Careful now.") < html.index("First.")


def test_migrated_yaml_is_generated_and_site_root_targets_are_staged(project, giza) -> None:
    """Migrations run before content generation, so a generator file a migration brings
    into includes/ is rendered; a `{root}/build/public/<file>` target lands at the root of
    the staged site (the GPG keys push.yaml's static list deploys), not in the tree."""
    root = project({
        "config/build_conf.yaml": "project: {name: d}\nsystem: {files: [migrations.yaml]}\n",
        "config/migrations.yaml": "source: shared/steps-moved.yaml\n"
                                  "target: includes/steps-moved.yaml\n---\n"
                                  "source: shared/server.asc\n"
                                  "target: '{root}/build/public/server.asc'\n",
        "shared/steps-moved.yaml": "title: Moved step\nref: moved\ncontent: From elsewhere.\n",
        "shared/server.asc": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n",
        "source/index.txt": "T\n=\n\n.. include:: /includes/steps/moved.rst\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.err
    assert "Moved step" in (root / "build/main/html/index.html").read_text()
    assert (root / "build/public/server.asc").read_text() == (
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
    assert not list((root / "build/main").rglob("server.asc"))
