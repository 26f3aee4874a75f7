"""End-to-end: real sphinx-build runs on tiny projects in tests/projects/."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import write_tree


def test_html_build_of_basic_project(copy_project, giza):
    root = copy_project("basic")
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.out + result.err
    index = root / "build/2.1/html/index.html"
    assert "Release 2.1.0." in index.read_text()
    assert (root / "build/2.1/source/install.txt").is_file()
    assert (root / "build/2.1/doctrees-html").is_dir()
    lines = result.out.splitlines()
    assert lines[0] == "html: building: no previous record"
    assert lines[1].startswith("[1/5] ok      prepare:source (")
    assert lines[2].startswith("[2/5] ok      sphinx:html (")
    assert lines[3].startswith("[3/5] ok      post:html (")
    assert any(line.split()[:4] == ["html", "ok", "0", "0"] for line in lines)


def test_second_build_copies_nothing(copy_project, giza):
    root = copy_project("basic")
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    proxy = root / "build/2.1/source/index.txt"
    before = proxy.stat().st_mtime_ns
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    assert proxy.stat().st_mtime_ns == before


def test_failed_variant_does_not_stop_the_other(copy_project, giza):
    root = copy_project("basic")
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\nif tags.has('dirhtml'):\n    raise RuntimeError('no')\n")
    result = giza("--jobs", "2", "sphinx", "-b", "html", "dirhtml")
    assert result.code == 1
    assert (root / "build/2.1/html/index.html").is_file()
    assert not (root / "build/2.1/dirhtml/index.html").exists()
    summary = {line.split()[0]: line.split()[1] for line in result.out.splitlines()
               if line.startswith(("html ", "dirhtml "))}
    assert summary == {"html": "ok", "dirhtml": "failed"}


def test_editions_build_separate_trees(project, giza):
    root = project({
        "config/build_conf.yaml": """
            project:
              name: ed
              editions: [{name: saas}, {name: onprem}]
            """,
        "source/index.txt": """
            Title
            =====

            .. only:: saas

               Hosted only.

            .. only:: onprem

               Self-managed only.
            """,
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.out + result.err
    saas = (root / "build/main/html-saas/index.html").read_text()
    onprem = (root / "build/main/html-onprem/index.html").read_text()
    assert "Hosted only." in saas and "Self-managed only." not in saas
    assert "Self-managed only." in onprem and "Hosted only." not in onprem
    assert (root / "build/main/source-saas/index.txt").is_file()
    assert (root / "build/main/source-onprem/index.txt").is_file()


def test_excluded_page_is_not_built(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: d}\n",
        "config/sphinx.yaml": "html: {excluded: [/print-only]}\ndirhtml: {}\n",
        "source/index.txt": "T\n=\n\n.. toctree::\n   :glob:\n\n   *\n",
        "source/print-only.txt": "Print\n=====\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html", "dirhtml")
    assert result.code == 0, result.out + result.err
    assert not (root / "build/main/html/print-only.html").exists()
    assert (root / "build/main/dirhtml/print-only/index.html").exists()
    assert not (root / "build/main/source/print-only.txt").exists()
    assert (root / "build/main/source-dirhtml/print-only.txt").exists()


def test_dry_run_prints_the_plan(copy_project, giza):
    root = copy_project("basic")
    result = giza("--jobs", "4", "sphinx", "-b", "html", "dirhtml", "latex", "--dry-run")
    assert result.code == 0
    lines = result.out.splitlines()
    # a first build: html reads with every core; its process then writes html, dirhtml
    # and latex side by side (three lanes of one core: 4 // 3)
    assert lines[1] == ("  2. sphinx:html  sphinx-build -b html -j 4 build/2.1/source -> "
                        "build/2.1/html, then dirhtml, latex from what it read (3 lanes)  "
                        "[4 cores]  (after prepare:source)")
    assert lines[2] == ("  3. sphinx:dirhtml  sphinx-build -b dirhtml build/2.1/source -> "
                        "build/2.1/dirhtml, in sphinx:html's process  (after prepare:source)  "
                        "(reuses sphinx:html)")
    assert lines[3] == ("  4. sphinx:latex  sphinx-build -b latex build/2.1/source -> "
                        "build/2.1/latex, in sphinx:html's process  (after prepare:source)  "
                        "(reuses sphinx:html)")
    assert not (root / "build").exists()


def test_sibling_builders_reuse_doctrees_on_a_first_build(copy_project, giza):
    root = copy_project("basic")
    result = giza("--executor", "serial", "sphinx", "-b", "html", "dirhtml", "singlehtml",
                  "--report", "r.json")
    assert result.code == 0, result.out
    import json
    assert (root / "build/2.1/doctrees-dirhtml/environment.pickle").is_file()
    assert (root / "build/2.1/dirhtml/install/index.html").is_file()
    assert (root / "build/2.1/singlehtml/index.html").is_file()
    # later builds are independent again: nothing reuses anything
    (root / "source/install.txt").write_text("Install\n=======\n\nChanged.\n")
    plan = giza("sphinx", "-b", "html", "dirhtml", "singlehtml", "--dry-run").out
    assert "reuses" not in plan
    assert json.loads((root / "r.json").read_text())["status"] == "ok"




def test_quickstart_project_builds_without_warnings(tmp_path: Path, giza, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert giza("quickstart", "q").code == 0
    monkeypatch.chdir(tmp_path / "q")
    subprocess.run(["git", "init", "-q", "-b", "trunk"], check=True)
    result = giza("--executor", "serial", "sphinx", "-b", "html", "--fail-on-warning")
    assert result.code == 0, result.out + result.err
    assert "WARNING" not in result.out + result.err
    assert (tmp_path / "q/build/trunk/html/index.html").is_file()


def test_project_without_conf_py_uses_defaults(project, giza):
    root = project({"config/build_conf.yaml": "project: {name: bare, title: Bare Docs}\n",
                    "source/index.txt": "Home\n====\n"})
    write_tree(root, {"source/includes/fragment.rst": "Included text.\n"})
    result = giza("--executor", "serial", "sphinx", "-b", "html", "--fail-on-warning")
    assert result.code == 0, result.out + result.err
    assert "Bare Docs" in (root / "build/main/html/index.html").read_text()


def test_publish_stages_a_site_with_site_files(project, giza):
    root = project({
        "config/build_conf.yaml": """
            project: {name: site, url: https://docs.example.org, branched: true}
            system:
              files: [integration.yaml, robots.yaml, {htaccess: [htaccess.yaml]}]
            """,
        "config/integration.yaml": "base: {targets: [dirhtml, json]}\n",
        "config/robots.yaml": "file: /drafts\n",
        "config/htaccess.yaml": "from: /old\nto: /new\ncode: 301\n",
        "config/published_branches.yaml": "git:\n  branches:\n    published: [main]\n",
        "source/index.txt": "Home\n====\n\n.. toctree::\n\n   new\n",
        "source/new.txt": "New\n===\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "publish")
    assert result.code == 0, result.out + result.err
    public = root / "build/public"
    assert (public / "main/new/index.html").is_file()
    assert (public / "main/json/new.json").is_file()
    assert (public / "main/sitemap.xml").is_file()
    assert (public / "main/versions.json").is_file()
    assert (public / "main/release.txt").read_text() == "unknown\n"
    assert (public / "robots.txt").read_text() == "User-agent: *\nDisallow: /drafts\n"
    assert (public / ".htaccess").read_text().startswith(
        "Redirect 301 /old https://docs.example.org/new\n")
    assert (public / "redirects.nginx.conf").is_file()
    assert (public / "sitemap-index.xml").is_file()
    assert not list(public.rglob("*.giza-new")) and not list(public.rglob("*.giza-old"))


def test_failed_build_leaves_previous_site_intact(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: s}\nsystem: {files: [integration.yaml]}\n",
        "config/integration.yaml": "base: {targets: [dirhtml]}\n",
        "source/index.txt": "Home\n====\n\nFirst release.\n",
    })
    assert giza("--executor", "serial", "sphinx", "-b", "publish").code == 0
    site = root / "build/public"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (root / "source/index.txt").write_text("Home\n====\n\n.. nonexistent-directive::\n")
    (root / "conf.py").write_text("raise RuntimeError('broken')\n")
    assert giza("--executor", "serial", "sphinx", "-b", "publish").code == 1
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_json_report(copy_project, giza, tmp_path: Path):
    root = copy_project("basic")
    (root / "source/install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    report = tmp_path / "report.json"
    result = giza("--executor", "serial", "sphinx", "-b", "html", "--report", str(report))
    assert result.code == 0, result.out + result.err
    assert ("source/install.txt:4: WARNING: undefined label: 'nowhere' [ref.ref]"
            in result.out.splitlines())
    import json
    data = json.loads(report.read_text())
    assert data["status"] == "ok"
    assert [row["variant"] for row in data["variants"]] == ["html"]
    assert data["variants"][0]["warnings"] == 1
    assert data["messages"] == [{"path": "source/install.txt", "line": 4, "level": "WARNING",
                                 "text": "undefined label: 'nowhere' [ref.ref]",
                                 "variants": ["html"], "carried": []}]
    assert {t["name"] for t in data["tasks"]} >= {"prepare:source", "sphinx:html"}


# docutils errors do not fail sphinx-build; like -W, --fail-on-warning fails on them too.
@pytest.mark.parametrize(("body", "counted"), [("See :ref:`nowhere`.", "1 warning"),
                                               (".. nosuch:: x", "1 error")])
def test_fail_on_warning(copy_project, giza, body: str, counted: str):
    root = copy_project("basic")
    (root / "source/install.txt").write_text(f"Install\n=======\n\n{body}\n")
    result = giza("--executor", "serial", "sphinx", "-b", "html", "--fail-on-warning")
    assert result.code == 1
    assert result.out.splitlines()[-1] == (f"giza: {counted} and --fail-on-warning: "
                                           "failing the build")


def test_dask_executor_builds(copy_project, giza):
    root = copy_project("basic")
    result = giza("--executor", "dask", "--jobs", "2", "sphinx", "-b", "html", "dirhtml")
    assert result.code == 0, result.out + result.err
    assert (root / "build/2.1/html/index.html").is_file()
    assert (root / "build/2.1/dirhtml/install/index.html").is_file()


def test_generated_content_end_to_end(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: gen}\nversion: {release: 3.1.4}\n",
        "config/replacement.yaml": "product: Acme\n",
        "source/index.txt": """
            Home
            ====

            .. include:: /includes/steps/install.rst

            .. include:: /includes/extracts/note.rst
            """,
        "source/includes/steps-install.yaml": """
            title: Download {{product}}
            ref: download
            action:
              language: sh
              code: curl -O https://example.org/acme-{{version}}.tgz
            ---
            title: Unpack it
            ref: unpack
            """,
        "source/includes/extracts-notes.yaml": "ref: note\ncontent: A note on {{product}}.\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html", "--fail-on-warning")
    assert result.code == 0, result.out + result.err
    html = (root / "build/main/html/index.html").read_text()
    assert "Download Acme" in html and "acme-3.1.4.tgz" in html and "A note on Acme." in html
    assert (root / "build/main/source/includes/steps/install.rst").is_file()


def test_every_problem_is_reported_in_one_run_and_nothing_is_built(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: bad}\nsystem: {files: [htaccess.yaml]}\n",
        "config/htaccess.yaml": "from: /a\nto: ''\n",
        "source/index.txt": "Home\n====\n",
        "source/includes/steps-x.yaml": "title: One\nref: one\ninherit: {file: steps-x.yaml, "
                                        "ref: gone}\n",
        "source/includes/extracts-a.yaml": "ref: a\ncontent: '{{missing}}'\nbogus: 1\n",
        "source/includes/extracts-b.yaml": "ref: b\ninherit: {file: extracts-zz.yaml, ref: b}\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 2
    assert result.err == (
        "giza: warning: config/htaccess.yaml:2: to: is empty; it redirects to the site root "
        "'/', as the original giza did\n"
        "giza: warning: source/includes/extracts-a.yaml:2: unit 'a' field 'content': "
        "placeholder '{{missing}}' has no value; rendered as an empty string\n"
        "giza: warning: source/includes/extracts-a.yaml:3: document 1: bogus: unknown key "
        "in extracts unit 'a' is ignored; valid keys: append, code, content, copyable, "
        "edition, heading, inherit, language, only, post, pre, prepend, ref, replacement, "
        "source, style, title\n"
        "giza: error: source/includes/extracts-b.yaml:2: unit 'b' inherits from "
        "'extracts-zz.yaml', which does not exist under source/includes; did you mean "
        "'extracts-a.yaml'?\n"
        "giza: error: source/includes/steps-x.yaml:3: unit 'one' inherits from ref 'gone' in "
        "source/includes/steps-x.yaml, which has no such unit (refs there: one)\n"
        "giza: 5 problems (2 errors, 3 warnings) in 4 files\n"
        "giza: error: the checks above failed; nothing was built\n")
    assert not (root / "build/main/html").exists()
    assert giza("--executor", "serial", "check").err == result.err.rsplit("giza: error:", 1)[0]


def test_strict_makes_compatibility_warnings_errors(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: lax}\n",
        "source/index.txt": "Home\n====\n\n.. include:: /includes/extracts/a.rst\n",
        "source/includes/extracts-a.yaml": "ref: a\ncontent: 'Use {{tool}} now.'\n",
    })
    lax = giza("--executor", "serial", "sphinx", "-b", "html")
    assert lax.code == 0, lax.err
    # what the original published: the placeholder rendered as an empty string
    assert "Use  now." in (root / "build/main/source/includes/extracts/a.rst").read_text()
    strict = giza("--strict", "--executor", "serial", "sphinx", "-b", "html")
    assert strict.code == 2
    assert strict.err == (
        "giza: error: source/includes/extracts-a.yaml:2: unit 'a' field 'content': placeholder "
        "'{{tool}}' has no value; rendered as an empty string\n"
        "giza: 1 problem (1 error, 0 warnings) in 1 file\n"
        "(--strict makes warnings errors)\n"
        "giza: error: the checks above failed; nothing was built\n")
    assert giza("--strict", "check").code == 2
    assert giza("check").code == 0


def test_generate_command(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: gen}\n",
        "source/index.txt": "Home\n====\n",
        "source/includes/extracts-a.yaml": "ref: a\ncontent: A.\n",
        "source/includes/steps-b.yaml": "title: B\nref: b\n",
    })
    result = giza("generate", "extracts")
    assert result.code == 0, result.err
    assert result.out == ("build/main/source: 1 file(s) written, 3 source file(s) copied, "
                          "0 removed\n")
    assert (root / "build/main/source/includes/extracts/a.rst").is_file()
    assert not (root / "build/main/source/includes/steps").exists()
    bad = giza("generate", "stpes")
    assert bad.code == 2
    assert bad.err.startswith("giza: error: unknown content kind 'stpes'; valid kinds: all, ")


def test_missing_source_dir_is_a_config_error(project, giza):
    project({"config/build_conf.yaml": "project: {name: d}\npaths:\n  source: docs\n"})
    result = giza("sphinx", "-b", "html")
    assert result.code == 2
    assert result.err == ("giza: error: config/build_conf.yaml:3: 'paths.source' is docs, "
                          "which is not a directory\n")
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    result = giza("generate", "all")
    assert result.err == ("giza: error: config/build_conf.yaml:1: 'paths.source' is source, "
                          "which is not a directory\n")


def test_level_warning_prints_only_messages_and_summary(copy_project, giza):
    root = copy_project("basic")
    (root / "source/install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    result = giza("--level", "warning", "--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "source/install.txt:4: WARNING: undefined label: 'nowhere' [ref.ref]"
    assert lines[1] == ""
    assert lines[2].split() == ["variant", "status", "warnings", "errors", "seconds"]
    assert not any(line.startswith(("[", "html: building")) for line in lines)


def test_default_conf_treats_figure_files_as_fragments(project, giza):
    # Without a conf.py, images/<name>.rst (generated figures) are never pages of their own.
    project({
        "config/build_conf.yaml": "project: {name: d}\n",
        "source/index.txt": "T\n=\n",
        "source/images/figure.rst": ".. figure:: /images/figure.svg\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html", "--fail-on-warning")
    assert result.code == 0, result.out


def test_a_warning_in_generated_rst_points_at_its_unit(project, giza):
    """A steps file renders several units into one rST file: a Sphinx warning about a line of
    it names the YAML line of the unit that wrote that line, not the file's first unit."""
    project({
        "config/build_conf.yaml": "project: {name: lines}\n",
        "source/index.txt": "Home\n====\n\n.. include:: /includes/steps/a.rst\n",
        "source/includes/steps-a.yaml": "title: One\nref: one\ncontent: fine\n---\n"
                                        "title: Two\nref: two\ncontent: fine too\n---\n"
                                        "title: Three\nref: three\n"
                                        "content: 'see :nosuchrole:`x`'\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.err
    assert ('source/includes/steps-a.yaml:9: ERROR: Unknown interpreted text role "nosuchrole".'
            in result.out + result.err)
def test_a_dask_worker_elsewhere_shows_paths_relative_to_the_project(project, giza,
                                                                      tmp_path: Path,
                                                                      monkeypatch):
    distributed = pytest.importorskip("distributed")
    # The cluster starts in the project's parent, so its worker's working directory is not
    # the project: like a worker on another machine, or started from another directory.
    monkeypatch.chdir(tmp_path)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    try:
        root = project({
            "config/build_conf.yaml": "project: {name: bad}\n",
            "source/index.txt": "Home\n====\n",
            "source/includes/steps-x.yaml": "title: One\nref: one\n"
                                            "inherit: {file: steps-x.yaml, ref: gone}\n",
        })
        with distributed.Client(cluster) as client:
            assert set(client.run(os.getcwd).values()) == {str(tmp_path)}
        result = giza("--scheduler", cluster.scheduler_address, "sphinx", "-b", "html")
    finally:
        cluster.close()
    assert result.code == 2, result.out + result.err
    assert result.err.startswith("giza: error: source/includes/steps-x.yaml:3: unit 'one' "
                                 "inherits from ref 'gone'")
    assert str(root) not in result.err and "proj/source" not in result.err


GENERATED_WARNING = {
    "config/build_conf.yaml": "project: {name: gen}\n",
    "source/index.txt": "Home\n====\n\n.. include:: /includes/steps/install.rst\n",
    "source/includes/steps-install.yaml": "title: One\nref: one\ncontent: |\n"
                                          "  See :ref:`nowhere`.\n",
}


def _generated_warning(out: str) -> list[str]:
    return [line for line in out.splitlines() if "WARNING: undefined label: 'nowhere'" in line]


def test_generated_rst_warnings_point_at_the_yaml_from_anywhere(project, giza, tmp_path: Path,
                                                                monkeypatch):
    distributed = pytest.importorskip("distributed")
    root = project(GENERATED_WARNING)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root / "source")  # run from a subdirectory of the project
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.out + result.err
    [line] = _generated_warning(result.out)
    assert line.startswith("source/includes/steps-install.yaml:")
    # A dask worker started in the project's parent: it reports the YAML origins of
    # generated files, the main process maps Sphinx's messages onto them.
    monkeypatch.chdir(tmp_path)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    try:
        monkeypatch.chdir(root)
        result = giza("--force", "--scheduler", cluster.scheduler_address, "sphinx", "-b",
                      "html")
    finally:
        cluster.close()
    assert result.code == 0, result.out + result.err
    assert _generated_warning(result.out) == [line]


def test_messages_name_paths_relative_to_the_project_from_a_subdirectory(project, giza,
                                                                          monkeypatch):
    root = project({
        "config/build_conf.yaml": "project: {name: bad}\n",
        "source/index.txt": "Home\n====\n",
        "source/includes/steps-x.yaml": "title: One\nref: one\nbogus: 1\n",
    })
    monkeypatch.chdir(root / "source" / "includes")
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0
    assert result.err.startswith("giza: warning: source/includes/steps-x.yaml:3: document 1: "
                                 "bogus: unknown key in steps unit 'one' is ignored; ")


def test_web_pages_are_staged_without_waiting_for_pdfs(copy_project, giza):
    """A site with PDFs is staged twice: its web pages as soon as their finalizers are
    done (keeping the PDFs staged last time), and again once latex's finalizer is."""
    copy_project("basic")
    plan = giza("sphinx", "-b", "html", "latex", "--dry-run").out.rstrip("\n").splitlines()
    assert plan[-4:] == [
        "  5. stage:public  assemble build/public without waiting for latex, and swap it in "
        "atomically  (after post:html)",
        "  6. post:latex  latex finalizer for latex  (after sphinx:latex)  (waits for "
        "stage:public)",
        "  7. stage-pdf:public  assemble build/public again with the new PDFs  (after "
        "stage:public, post:latex)",
        "  8. sitemap-index  write public/sitemap-index.xml  (after stage:public, "
        "stage-pdf:public)"]
    built = giza("--executor", "serial", "sphinx", "-b", "html", "latex")
    assert built.code == 0, built.err
    done = [line.split()[2] for line in built.out.splitlines() if line.startswith("[")]
    assert done.index("stage:public") < done.index("post:latex") < done.index(
        "stage-pdf:public")
    again = giza("--force", "sphinx", "-b", "html", "latex", "--dry-run").out
    assert ("stage:public  assemble build/public without waiting for latex, with the latex "
            "staged last time, and swap it in atomically") in again


def _relocate(root: Path, to: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The checkout with its build/ (a CI cache restore), at another path; cwd moves there."""
    import shutil

    shutil.copytree(root, to, symlinks=True)  # copy2: file times come along
    monkeypatch.chdir(to)
    return to


def test_relocated_build_directory_is_a_no_op(copy_project, giza, tmp_path, monkeypatch):
    root = copy_project("basic")
    built = giza("--executor", "serial", "sphinx", "-b", "html", "dirhtml")
    assert built.code == 0, built.out + built.err
    moved = _relocate(root, tmp_path / "elsewhere" / "checkout", monkeypatch)
    # Records and fragment manifests name paths relative to the project root; only
    # built_under keeps where Sphinx's environment was saved.
    stored = [moved / "build/2.1/.giza/record.json",
              *sorted((moved / "build/2.1/.giza/fragments").glob("*.json"))]
    assert len(stored) == 3
    for path in stored:
        assert str(root) not in path.read_text().replace(f'"built_under": "{root}"', ""), path
    explain = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert explain.out.splitlines() == ["html: skip: up to date", "dirhtml: skip: up to date"]
    pickle = moved / "build/2.1/doctrees-html/environment.pickle"
    before = pickle.stat().st_mtime_ns
    again = giza("--executor", "serial", "sphinx", "-b", "html", "dirhtml")
    assert again.code == 0, again.out + again.err
    assert again.out.splitlines()[:2] == ["html: up to date", "dirhtml: up to date"]
    assert "sphinx:" not in again.out  # no sphinx-build started
    assert pickle.stat().st_mtime_ns == before


def test_relocated_build_rebuilds_only_the_edited_pages_variants(project, giza, tmp_path,
                                                                  monkeypatch):
    root = project({
        "config/build_conf.yaml": "project: {name: d}\n",
        "config/sphinx.yaml": "html: {excluded: [/print-only]}\ndirhtml: {}\n",
        "source/index.txt": "T\n=\n\n.. toctree::\n   :glob:\n\n   *\n",
        "source/print-only.txt": "Print\n=====\n\nFirst words.\n",
    })
    built = giza("--executor", "serial", "sphinx", "-b", "html", "dirhtml")
    assert built.code == 0, built.out + built.err
    moved = _relocate(root, tmp_path / "elsewhere", monkeypatch)
    (moved / "source/print-only.txt").write_text("Print\n=====\n\nSecond words.\n")
    note = (f"build/ was built under {root}: Sphinx re-reads every page of this variant "
            "once (its environment holds absolute paths)")
    explain = giza("sphinx", "-b", "html", "dirhtml", "--explain")
    assert explain.out.splitlines() == [
        "html: skip: up to date",
        f"dirhtml: would rebuild: 1 page changed: print-only.txt; {note}"]
    html_page = moved / "build/main/html/index.html"
    before = html_page.stat().st_mtime_ns
    again = giza("--executor", "serial", "sphinx", "-b", "html", "dirhtml")
    assert again.code == 0, again.out + again.err
    assert "sphinx:dirhtml" in again.out and "sphinx:html" not in again.out
    assert "Second words." in (moved / "build/main/dirhtml/print-only/index.html").read_text()
    assert html_page.stat().st_mtime_ns == before
    # Sphinx's environment now holds the new path: the next edit is incremental again.
    (moved / "source/print-only.txt").write_text("Print\n=====\n\nThird words.\n")
    assert giza("sphinx", "-b", "dirhtml", "--explain").out == (
        "dirhtml: would rebuild: 1 page changed: print-only.txt\n")
