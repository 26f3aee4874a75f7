"""Read once per (edition, language): real sphinx-build runs, compared file by file."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from giza.config import load
from giza.pipeline.plan import trees
from giza.readonce import (
    ReadPlan,
    lanes,
    makespan,
    read_plan,
    reread,
    seeded_argv,
    shares,
    writers_of,
)
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


def test_writers_split_the_cores_of_their_reader_by_lane():
    html, dirhtml, latex = Variant("html"), Variant("dirhtml"), Variant("latex")
    plan = ReadPlan(seeds={dirhtml: html, latex: html})
    # three builds to write on 4 cores: three lanes of one core
    assert shares(plan, [html, dirhtml, latex], 4) == {html: 4, dirhtml: 1, latex: 1}
    assert shares(plan, [html, dirhtml, latex], 2) == {html: 2, dirhtml: 1, latex: 1}
    # two builds on 8 cores: two lanes of 4; latex writes one document set, so -j 1
    two = ReadPlan(seeds={dirhtml: html})
    assert shares(two, [html, dirhtml], 8) == {html: 8, dirhtml: 4}
    assert shares(ReadPlan(seeds={latex: html}), [html, latex], 8) == {html: 8, latex: 1}
    assert shares(ReadPlan(), [html, latex], 4) == {html: 2, latex: 2}
    assert lanes(8, "html", ["dirhtml"]) == 2
    assert lanes(1, "html", ["dirhtml", "json"]) == 1  # one core: sharing it gains nothing


def test_more_lanes_than_cores_when_that_ends_the_writes_sooner():
    five = ["epub", "dirhtml", "singlehtml", "json"]
    # two lanes: html | epub, then dirhtml | singlehtml, then json written alone (14);
    # three lanes share the two cores and finish together (12 = all the work / 2 cores)
    assert makespan(2, 2, "html", five) == 14.0
    assert makespan(2, 3, "html", five) == 12.0
    assert lanes(2, "html", five) == 3
    # four equal writes on two cores: two lanes, no sharing needed
    assert lanes(2, "json", ["json", "json", "json"]) == 2


def test_the_lanes_take_the_longest_writes_first():
    html, text, epub, json = Variant("html"), Variant("text"), Variant("epub"), Variant("json")
    plan = ReadPlan(seeds={text: html, json: html, epub: html})
    assert writers_of(plan, html) == [epub, json, text]
    assert writers_of(plan, epub) == []


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


def test_a_writer_whose_lane_died_is_built_by_its_own_task(copy_project, giza):
    root = copy_project("basic")
    conf = root / "conf.py"
    # dirhtml's conf.py kills its process the first time (as a crash would): its task then
    # finds no result and builds dirhtml on its own; html and text are not disturbed
    conf.write_text(conf.read_text() + "import os\nif tags.has('dirhtml') and "
                    "os.path.exists('crash-once'):\n    os.remove('crash-once')\n"
                    "    os._exit(3)\n")
    (root / "crash-once").write_text("")
    built = giza("--level", "debug", "sphinx", "-b", "html", "dirhtml", "text")
    assert built.code == 0, built.out + built.err
    assert not (root / "crash-once").exists()
    assert read_counts(built.out) == {"html": "read 2 documents", "dirhtml": "read",
                                      "text": "read"}
    assert "Install" in (root / "build/2.1/dirhtml/install/index.html").read_text()
    assert (root / "build/2.1/text/install.txt").is_file()
    assert not list((root / "build/2.1/.giza/read-once").glob("*-*.json"))

