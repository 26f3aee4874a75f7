"""Incremental builds: fingerprints, reasons, stale outputs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from giza import __version__
from giza.pipeline.incremental import moved_note, under_root

from helpers import SERIAL, build, first_lines, write_tree


def test_no_change_rebuild_is_skipped(copy_project, giza):
    root = copy_project("basic")
    assert first_lines(build(giza)) == ["html: building: no previous record"]
    page = root / "build/2.1/html/install.html"
    stamp = page.stat().st_mtime_ns
    again = build(giza)
    assert again.code == 0
    assert first_lines(again) == ["html: up to date"]
    assert "sphinx:html" not in again.out  # sphinx-build never started
    assert page.stat().st_mtime_ns == stamp


def test_reasons(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    (root / "source/install.txt").write_text("Install\n=======\n\nNew text.\n")
    assert first_lines(build(giza)) == ["html: building: 1 page changed: install.txt"]
    write_tree(root, {"source/a.txt": "A\n=\n", "source/b.txt": "B\n=\n",
                      "source/c.txt": "C\n=\n", "source/d.txt": "D\n=\n"})
    assert first_lines(build(giza)) == [
        "html: building: 4 pages added: a.txt, b.txt, c.txt, ..."]
    for name in "abcd":
        (root / f"source/{name}.txt").unlink()
    assert first_lines(build(giza)) == [
        "html: building: 4 pages removed: a.txt, b.txt, c.txt, ..."]
    (root / "conf.py").write_text((root / "conf.py").read_text() + "\n# tweak\n")
    assert first_lines(build(giza)) == ["html: building: conf.py changed"]
    conf = root / "config/build_conf.yaml"
    conf.write_text(conf.read_text().replace('release: "2.1.0"', 'release: "2.1.1"'))
    assert first_lines(build(giza)) == ["html: building: config changed: version.release"]
    assert first_lines(giza(*SERIAL, "--force", "sphinx", "-b", "html")) == [
        "html: building: --force"]
    assert first_lines(build(giza)) == ["html: up to date"]


def test_touched_but_unchanged_file_is_up_to_date(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    page = root / "source/install.txt"
    os.utime(page, (time.time() + 100, time.time() + 100))
    assert first_lines(build(giza)) == ["html: up to date"]


def test_missing_output_rebuilds(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    for path in sorted((root / "build/2.1/html").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert first_lines(build(giza)) == ["html: building: output missing: html"]


def test_explain_builds_nothing(copy_project, giza):
    root = copy_project("basic")
    result = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert result.out == ("html: would rebuild: no previous record\n"
                          "dirhtml: would rebuild: no previous record\n"
                          "dirhtml: writes from html's environment (reads nothing)\n")
    assert not (root / "build/2.1/html").exists()
    build(giza)
    (root / "source/index.txt").write_text("Changed\n=======\n\n.. toctree::\n\n   install\n")
    result = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert result.out == ("html: would rebuild: 1 page changed: index.txt\n"
                          "dirhtml: would rebuild: no previous record\n"
                          "dirhtml: writes from html's environment (reads nothing)\n")


def test_other_giza_version_or_unreadable_record_means_full_rebuild(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    path = root / "build/2.1/.giza/record.json"
    data = json.loads(path.read_text())
    data["giza"] = "0.0.1"
    path.write_text(json.dumps(data))
    assert first_lines(build(giza)) == [
        f"html: building: previous record written by giza 0.0.1, this is giza {__version__}: "
        "full rebuild"]
    path.write_text("{not json")
    assert first_lines(build(giza)) == [
        "html: building: previous record unreadable (JSONDecodeError): full rebuild"]


def test_deleted_page_disappears_from_output_and_site(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: s}\nsystem: {files: [integration.yaml]}\n",
        "config/integration.yaml": "base: {targets: [dirhtml, html]}\n",
        "source/index.txt": "Home\n====\n\n.. toctree::\n   :glob:\n\n   *\n",
        "source/gone.txt": "Gone\n====\n",
    })
    assert giza(*SERIAL, "sphinx", "-b", "publish").code == 0
    assert (root / "build/main/html/gone.html").is_file()
    assert (root / "build/public/gone/index.html").is_file()
    (root / "source/gone.txt").unlink()
    result = giza(*SERIAL, "sphinx", "-b", "publish")
    assert result.code == 0, result.out
    assert result.out.splitlines()[0] == "dirhtml: building: 1 page removed: gone.txt"
    assert not (root / "build/main/html/gone.html").exists()
    assert not (root / "build/main/html/_sources/gone.txt").exists()
    assert not (root / "build/main/dirhtml/gone/index.html").exists()
    assert not (root / "build/public/gone").exists()


def test_reasons_tell_pages_from_other_files(copy_project, giza):
    root = copy_project("basic")
    build(giza)
    write_tree(root, {"source/includes/extracts-x.yaml": "ref: x\ncontent: X.\n",
                      "source/faq.txt": "FAQ\n===\n"})
    assert first_lines(build(giza)) == [
        "html: building: 1 page added: faq.txt; 1 file added: includes/extracts-x.yaml"]


def test_under_root_makes_paths_under_the_project_root_relative():

    flat = {"paths.root": '"/w/proj"', "paths.source": '"/w/proj/source"',
            "side": '{"a": ["/w/proj/config/x.yaml", "/w/project/y"]}', "other": '"/opt/z"'}
    assert under_root(flat, Path("/w/proj")) == {
        "paths.root": '"."', "paths.source": '"source"',
        "side": '{"a": ["config/x.yaml", "/w/project/y"]}', "other": '"/opt/z"'}


def test_moved_note_names_where_the_environment_was_built():

    assert moved_note({"built_under": "/a/proj"}, Path("/a/proj")) is None
    assert moved_note({}, Path("/a/proj")) is None
    assert moved_note({"built_under": "/b/proj"}, Path("/a/proj")) == (
        "build/ was built under /b/proj: Sphinx re-reads every page of this variant once "
        "(its environment holds absolute paths)")


def test_decide_gives_structured_reasons_joined_only_for_display(tmp_path):
    from giza.pipeline.incremental import Reason, Why, decide
    from giza.pipeline.store import Previous

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("A\n=\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("x")
    inputs = {"files": {"a.txt": (4, 1)}, "roots": {"": tmp_path / "src"}, "conf": "c1",
              "config": {"version.release": '"1.0"'}}
    first = decide("sphinx:html", inputs, Previous({}), False, tmp_path / "out")
    assert first.reasons == (Reason(Why.NO_ENTRY),) and first.fresh
    entry = {"status": "ok", "fingerprint": first.fingerprint.data()}
    same = decide("sphinx:html", inputs, Previous({"sphinx:html": entry}), False,
                  tmp_path / "out")
    assert (same.run, same.reasons, same.reason) == (False, (Reason(Why.UP_TO_DATE),),
                                                     "up to date")
    changed = dict(inputs, conf="c2", config={"version.release": '"2.0"'})
    again = decide("sphinx:html", changed, Previous({"sphinx:html": entry}), False,
                   tmp_path / "out")
    assert again.reasons == (Reason(Why.CONF_CHANGED),
                             Reason(Why.CONFIG_CHANGED, "version.release"))
    assert again.reason == "conf.py changed; config changed: version.release"
    assert not again.fresh
    failed = decide("sphinx:html", inputs, Previous({"sphinx:html": dict(entry,
                                                                          status="failed")}),
                    False, tmp_path / "out")
    assert failed.reason == "failed last time" and not failed.fresh
