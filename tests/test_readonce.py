"""Read once per (edition, language): real sphinx-build runs, compared file by file."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from giza.config import load
from giza.pipeline.plan import trees
from giza.readonce import ReadPlan, read_plan, reread, seeded_argv, shares
from giza.variants import Variant

FORMATS = ["html", "dirhtml", "singlehtml", "json", "epub", "latex", "man", "text"]
# Output that legitimately differs between two builds of the same sources, and why.
BUILD_TIME = re.compile(r"<(dc:date|meta property=\"dcterms:modified\")>[^<]*<")
DIFFERING = {
    # the epub's build time (dc:date, dcterms:modified); masked, the rest must be equal
    "epub/content.opf": "build time stamps",
    # the zip of the files above (their time stamps too): compared member by member
    "epub/FormatsProject.epub": "a zip: member times; members compared instead",
    # the json builder copies Sphinx's pickled environment: the one of the run that read
    # the sources (its doctree directory, the time each page was read, that run's config)
    "json/environment.pickle": "the reading run's pickled environment",
}


def read_counts(output: str) -> dict[str, str]:
    """Per sphinx task, what giza's debug line says it read ("read 4 documents" or "")."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"\s+sphinx:(\S+): on pid .*?, (read[^,]*) in ", line)
        if match:
            found[match[1]] = match[2]
    return found


def masked(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name == "content.opf":
        return BUILD_TIME.sub("<stamp<", data.decode("utf-8")).encode("utf-8")
    return data


def epub_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: (BUILD_TIME.sub("<stamp<", archive.read(name).decode("utf-8")).encode()
                       if name.endswith(".opf") else archive.read(name))
                for name in archive.namelist()}


def outputs(build: Path) -> dict[str, Path]:
    return {path.relative_to(build).as_posix(): path
            for builder in FORMATS for path in sorted((build / builder).rglob("*"))
            if path.is_file()}


def test_every_format_written_from_one_read_equals_each_format_built_alone(copy_project,
                                                                           giza):
    root = copy_project("formats")
    once = giza("--level", "debug", "sphinx", "-b", *FORMATS)
    assert once.code == 0, once.out + once.err
    counts = read_counts(once.out)
    assert counts == {"html": "read 4 documents", **{b: "read" for b in FORMATS[1:]}}
    shutil.move(root / "build", root / "build-once")
    for builder in FORMATS:  # each alone: it reads the sources itself
        alone = giza("--level", "debug", "sphinx", "-b", builder)
        assert alone.code == 0, alone.out + alone.err
        assert read_counts(alone.out) == {builder: "read 4 documents"}
    first, second = outputs(root / "build-once/3.0"), outputs(root / "build/3.0")
    assert sorted(first) == sorted(second)
    assert len(first) > 60
    differ = sorted(rel for rel in first if masked(first[rel]) != masked(second[rel]))
    assert differ == ["epub/FormatsProject.epub", "json/environment.pickle"]
    assert epub_members(first["epub/FormatsProject.epub"]) == epub_members(
        second["epub/FormatsProject.epub"])
    assert set(DIFFERING) >= set(differ)
    # the build time is all that differs in content.opf
    assert first["epub/content.opf"].read_bytes() != second["epub/content.opf"].read_bytes()


def test_gettext_and_builders_with_other_tags_read_on_their_own(project, giza):
    project({
        "config/build_conf.yaml": "project: {name: d}\n",
        "config/sphinx.yaml": "latex: {tags: [offset]}\nman: {tags: [offset]}\n",
        "source/index.txt": "T\n=\n",
    })
    explain = giza("sphinx", "-b", "html", "dirhtml", "gettext", "latex", "man", "text",
                   "--explain")
    assert explain.code == 0, explain.err
    assert explain.out.splitlines()[6:] == [
        "dirhtml: writes from html's environment (reads nothing)",
        "gettext: reads its own sources: versioning",
        "latex: reads its own sources: sphinx.yaml tags differ from html's (its tags: offset)",
        "man: writes from latex's environment (reads nothing)",
        "text: writes from html's environment (reads nothing)",
    ]
    # one builder of a pair: nothing to say about reading
    assert giza("sphinx", "-b", "gettext", "--explain").out == (
        "gettext: would rebuild: no previous record\n")


def test_a_builder_with_an_environment_reads_its_changed_pages_itself(copy_project, giza):
    copy_project("basic")
    assert giza("sphinx", "-b", "html", "latex").code == 0
    config = load()
    variants = [Variant("html"), Variant("latex"), Variant("text")]
    tree_of = trees(config, variants)[1]
    plan = read_plan(config, variants, tree_of)
    # latex has its own environment: it runs beside html, not after it; text has none
    assert plan == ReadPlan(seeds={Variant("text"): Variant("html")}, own={})
    fresh = read_plan(config, variants, tree_of, fresh=[Variant("latex")])
    assert fresh.seeds == {Variant("latex"): Variant("html"), Variant("text"): Variant("html")}


def test_a_seeded_run_that_reads_anyway_is_noted_and_not_seeded_again(copy_project, giza):
    root = copy_project("basic")
    conf = root / "conf.py"
    # an environment value that differs by builder: Sphinx re-reads when it differs
    conf.write_text(conf.read_text() + "if tags.has('print'):\n"
                    "    rst_prolog = '.. |x| replace:: p'\n")
    built = giza("--level", "debug", "sphinx", "-b", "html", "latex")
    assert built.code == 0, built.out + built.err
    assert read_counts(built.out) == {"html": "read 2 documents", "latex": "read 2 documents"}
    explain = giza("--force", "sphinx", "-b", "html", "latex", "--explain")
    assert explain.out.splitlines()[2:] == [
        "latex: reads its own sources: conf.py value 'rst_prolog' differs from html's"]
    # conf.py changed: the note may no longer hold, so latex is tried seeded again
    conf.write_text(conf.read_text().replace("replace:: p", "replace:: q"))
    again = giza("--force", "sphinx", "-b", "html", "latex", "--explain")
    assert again.out.splitlines()[2:] == [
        "latex: writes from html's environment (reads nothing)"]


def test_writers_split_the_cores_after_their_reader():
    html, dirhtml, latex = Variant("html"), Variant("dirhtml"), Variant("latex")
    plan = ReadPlan(seeds={dirhtml: html, latex: html})
    assert shares(plan, [html, dirhtml, latex], 4) == {html: 4, dirhtml: 2, latex: 1}
    assert shares(plan, [html, dirhtml, latex], 2) == {html: 2, dirhtml: 1, latex: 1}
    assert shares(ReadPlan(), [html, latex], 4) == {html: 2, latex: 2}


def test_seeded_runs_write_every_page_and_their_reads_are_counted():
    argv = ["python", "-m", "sphinx", "-b", "latex", "src", "out"]
    assert seeded_argv(argv) == ["python", "-m", "sphinx", "-b", "latex", "-a", "src", "out"]
    assert reread("updating environment: 0 added, 0 changed, 0 removed\n") == (0, "")
    assert reread("updating environment: [config changed ('rst_prolog')] 12 added, "
                  "0 changed, 0 removed\n") == (12, "config changed ('rst_prolog')")
    assert reread("no progress lines") == (0, "")


def test_a_moved_build_reads_once_for_the_siblings(copy_project, giza, tmp_path, monkeypatch):
    # Sphinx drops an environment read under another path: the variants start fresh, and
    # the sibling writes from the first one's reading instead of reading everything too.
    root = copy_project("basic")
    assert giza("sphinx", "-b", "html", "dirhtml").code == 0
    moved = tmp_path / "elsewhere"
    shutil.copytree(root, moved, symlinks=True)
    monkeypatch.chdir(moved)
    (moved / "source/install.txt").write_text("Install\n=======\n\nMoved and edited.\n")
    explain = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert explain.out.splitlines()[2:] == [
        "dirhtml: writes from html's environment (reads nothing)"]
    built = giza("--level", "debug", "sphinx", "-b", "html", "dirhtml")
    assert built.code == 0, built.out + built.err
    assert read_counts(built.out) == {"html": "read 2 documents", "dirhtml": "read"}
    assert "Moved and edited." in (moved / "build/2.1/dirhtml/install/index.html").read_text()
