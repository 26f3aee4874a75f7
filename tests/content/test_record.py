from __future__ import annotations

from pathlib import Path

from giza.content.context import ContentContext
from giza.content.record import record_path, run_key, save, unchanged
from giza.content.registry import generators


def test_record_lives_beside_the_proxy_tree(tmp_path: Path) -> None:
    proxy = tmp_path / "build" / "main" / "source-saas"
    assert record_path(proxy) == tmp_path / "build" / "main" / ".giza" / "content-source-saas.json"


def test_run_key_depends_on_context_and_kinds(tmp_path: Path) -> None:
    every = generators()
    base = ContentContext(tmp_path, version="1")
    assert run_key(base, every.values()) == run_key(ContentContext(tmp_path, version="1"),
                                                    every.values())
    assert run_key(base, every.values()) != run_key(ContentContext(tmp_path, version="2"),
                                                    every.values())
    assert run_key(base, every.values()) != run_key(base, [every["steps"]])
    assert run_key(base, every.values()) != run_key(
        ContentContext(tmp_path, version="1", replacements={"a": "b"}), every.values())


def test_unchanged_checks_inputs_outputs_and_listing(tmp_path: Path) -> None:
    source = tmp_path / "steps-a.yaml"
    source.write_text("ref: a\n")
    out_dir = tmp_path / "out" / "steps"
    out_dir.mkdir(parents=True)
    output = out_dir / "a.rst"
    output.write_text("x\n")
    record = tmp_path / "record.json"
    listing = [str(source)]
    save(record, "k", listing, [str(source)], {str(output): ("steps-a.yaml", 1)},
         [str(out_dir)])
    assert unchanged(record, "k", listing, [str(out_dir)]) == \
        ({str(output): ("steps-a.yaml", 1)}, [])
    assert unchanged(record, "other", listing, [str(out_dir)]) is None
    assert unchanged(record, "k", [], [str(out_dir)]) is None
    (out_dir / "extra.rst").write_text("y\n")
    assert unchanged(record, "k", listing, [str(out_dir)]) is None
    (out_dir / "extra.rst").unlink()
    source.write_text("ref: changed\n")
    assert unchanged(record, "k", listing, [str(out_dir)]) is None
    assert unchanged(tmp_path / "missing.json", "k", listing, [str(out_dir)]) is None


def test_a_record_copied_with_its_tree_to_another_path_still_matches(tmp_path: Path) -> None:
    import shutil

    def layout(root: Path) -> tuple[Path, Path, Path, list[str]]:
        source = root / "source/includes/steps-a.yaml"
        out_dir = root / "build/main/source/includes/steps"
        return (source, out_dir, root / "build/main/.giza/content-source.json",
                [str(source)])

    first = tmp_path / "first"
    source, out_dir, record, listing = layout(first)
    source.parent.mkdir(parents=True)
    source.write_text("ref: a\n")
    out_dir.mkdir(parents=True)
    (out_dir / "a.rst").write_text("x\n")
    save(record, "k", listing, listing, {str(out_dir / "a.rst"): ("steps-a.yaml", 1)},
         [str(out_dir)])
    assert str(first) not in record.read_text()
    shutil.copytree(first, tmp_path / "elsewhere/second")  # file times come along
    source, out_dir, record, listing = layout(tmp_path / "elsewhere/second")
    assert unchanged(record, "k", listing, [str(out_dir)]) == \
        ({str(out_dir / "a.rst"): ("steps-a.yaml", 1)}, [])


def test_paths_are_made_relative_and_back_as_relpath_and_normpath_would() -> None:
    import os

    from giza.content.record import _abs, _rel

    # one relpath per directory (cached) must give exactly what relpath per file gives
    names = ["/p/build/1.0/source/includes/steps/a.rst", "/p/source/includes/steps-a.yaml",
             "/p/build/1.0/.giza/x", "/x.rst", "/p/build/1.0/.giza/..", "/p/build/", "r/f.rst",
             "f.rst", "../x/y.rst", "./z.rst"]
    bases = [Path("/p/build/1.0/.giza"), Path("/"), Path("/p/build/1.0/.giza/s/.."),
             Path("rel"), Path("."), Path("..")]
    for base in bases:
        for name in names:
            assert _rel(name, base) == os.path.relpath(name, base)
            for stored in (os.path.relpath(name, base), name):
                assert _abs(stored, base) == os.path.normpath(os.path.join(base, stored))
