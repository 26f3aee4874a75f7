from __future__ import annotations

import os
from pathlib import Path

from giza.proxy import mirror, mirrored, release_owned

from helpers import write_tree


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_first_mirror_copies_and_keeps_mtimes(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"index.txt": "a\n", "sub/page.txt": "b\n"})
    os.utime(src / "index.txt", ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    result = mirror(src, tmp_path / "proxy")
    assert sorted(result.copied) == ["index.txt", "sub/page.txt"]
    assert tree(tmp_path / "proxy") == ["index.txt", "sub/page.txt"]
    assert (tmp_path / "proxy/index.txt").stat().st_mtime_ns == 1_000_000_000_000_000_000


def test_second_mirror_touches_nothing(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"index.txt": "a\n", "sub/page.txt": "b\n"})
    proxy = tmp_path / "proxy"
    mirror(src, proxy)
    before = {p: (proxy / p).stat().st_mtime_ns for p in tree(proxy)}
    inode = (proxy / "index.txt").stat().st_ino
    result = mirror(src, proxy)
    assert (result.copied, result.removed, result.unchanged) == ([], [], 2)
    assert {p: (proxy / p).stat().st_mtime_ns for p in tree(proxy)} == before
    assert (proxy / "index.txt").stat().st_ino == inode


def test_changed_file_is_copied_with_its_new_mtime(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"index.txt": "a\n", "other.txt": "o\n"})
    proxy = tmp_path / "proxy"
    mirror(src, proxy)
    (src / "index.txt").write_text("changed\n")
    os.utime(src / "index.txt", (2_000_000_000, 2_000_000_000))
    result = mirror(src, proxy)
    assert result.copied == ["index.txt"]
    assert (proxy / "index.txt").read_text() == "changed\n"
    assert (proxy / "index.txt").stat().st_mtime == 2_000_000_000


def test_vanished_files_and_dirs_are_removed(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"index.txt": "a\n", "old/page.txt": "b\n",
                                           "gone.txt": "c\n"})
    proxy = tmp_path / "proxy"
    mirror(src, proxy)
    (src / "gone.txt").unlink()
    (src / "old/page.txt").unlink()
    (src / "old").rmdir()
    result = mirror(src, proxy)
    assert sorted(result.removed) == ["gone.txt", "old/"]
    assert tree(proxy) == ["index.txt"]


def test_protected_generated_dirs_survive(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"index.txt": "a\n", "includes/steps-x.yaml": "x\n"})
    proxy = tmp_path / "proxy"
    mirror(src, proxy)
    write_tree(proxy, {"includes/steps/x.rst": "generated\n", "includes/hash.rst": "h\n",
                       "stray.txt": "s\n"})
    result = mirror(src, proxy, protect=["includes/steps", "includes/hash.rst"])
    assert result.removed == ["stray.txt"]
    assert (proxy / "includes/steps/x.rst").read_text() == "generated\n"
    assert (proxy / "includes/hash.rst").exists()


def test_protected_dir_survives_when_source_has_no_includes(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"index.txt": "a\n"})
    proxy = tmp_path / "proxy"
    write_tree(proxy, {"includes/toc/x.rst": "generated\n"})
    mirror(src, proxy, protect=["includes/toc"])
    assert (proxy / "includes/toc/x.rst").exists()


def test_ignored_names_are_not_copied(tmp_path: Path):
    src = write_tree(tmp_path / "source", {
        "index.txt": "a\n", ".gitignore": "x\n", "page.txt~": "backup\n", "#page.txt#": "e\n",
        ".#lock": "l\n", ".DS_Store": "d\n", "drafts/wip.txt": "w\n", "notes.tmp": "t\n",
        "sub/keep.txt": "k\n",
    })
    mirror(src, tmp_path / "proxy", ignore=["drafts/*", "/\\.tmp$/"])
    assert tree(tmp_path / "proxy") == ["index.txt", "sub/keep.txt"]


def test_excluded_pages_are_removed(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"index.txt": "a\n", "meta/print.txt": "p\n",
                                           "tutorial/x.txt": "x\n"})
    proxy = tmp_path / "proxy"
    mirror(src, proxy)
    result = mirror(src, proxy, exclude=["/meta/print", "/tutorial"])
    assert sorted(result.removed) == ["meta/print.txt", "tutorial/"]
    assert tree(proxy) == ["index.txt"]


def test_file_replacing_a_directory(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"thing/x.txt": "a\n"})
    proxy = tmp_path / "proxy"
    mirror(src, proxy)
    (src / "thing/x.txt").unlink()
    (src / "thing").rmdir()
    (src / "thing").write_text("now a file\n")
    mirror(src, proxy)
    assert (proxy / "thing").read_text() == "now a file\n"


def test_kept_generated_files_beside_mirrored_ones(tmp_path: Path):
    src = write_tree(tmp_path / "source", {"images/logo.svg": "<svg/>\n"})
    proxy = tmp_path / "proxy"
    mirror(src, proxy)
    write_tree(proxy, {"images/logo.rst": "figure\n", "images/logo.png": "png",
                       "images/old.txt": "stale\n"})
    result = mirror(src, proxy, keep=["images/*.rst", "images/*.png"])
    assert result.removed == ["images/old.txt"]
    assert tree(proxy) == ["images/logo.png", "images/logo.rst", "images/logo.svg"]


def test_owned_files_are_neither_copied_nor_pruned(tmp_path: Path) -> None:
    source, proxy = tmp_path / "source", tmp_path / "proxy"
    source.mkdir()
    (source / "page.txt").write_text("from source\n")
    proxy.mkdir()
    (proxy / "page.txt").write_text("rewritten by a later step\n")
    (proxy / "moved.txt").write_text("a migration target\n")
    result = mirror(source, proxy, owned=["page.txt", "/moved.txt"])
    assert (result.copied, result.removed) == ([], [])
    assert (proxy / "page.txt").read_text() == "rewritten by a later step\n"
    assert (proxy / "moved.txt").is_file()
    # Released: the source's copy comes back, and a file with no source goes.
    assert release_owned(source, proxy, {"page.txt", "moved.txt"}) == ["moved.txt", "page.txt"]
    assert (proxy / "page.txt").read_text() == "from source\n"
    assert not (proxy / "moved.txt").exists()


def test_mirrored_answers_like_mirror() -> None:
    assert mirrored("ref/a.txt")
    assert not mirrored("ref/a.txt", exclude=["/ref"])
    assert not mirrored("ref/a.txt", exclude=["/ref/a"])
    assert not mirrored("drafts/a.txt", ignore=["drafts"])
    assert not mirrored(".git/config")


def test_any_glob_matches_as_fnmatchcase_does() -> None:
    import fnmatch
    import random

    from giza.proxy import DEFAULT_IGNORE, any_glob

    globs = [*DEFAULT_IGNORE, "*.rst", "images/*.png", "a?c", "[!x]y*", "x[a-c]z", "*.[Pp]df"]
    rng = random.Random(1)
    texts = ["".join(rng.choice("abcxyz.#~/-_Ppdfrstg\n") for _ in range(rng.randint(0, 9)))
             for _ in range(3000)]
    texts += [".git", "Thumbs.db", "a~", "#x#", ".#x", "images/b/c.png", "x.rst\n"]
    for count in range(len(globs) + 1):
        matches = any_glob(globs[:count])
        for text in texts:
            assert matches(text) == any(fnmatch.fnmatchcase(text, g) for g in globs[:count])
