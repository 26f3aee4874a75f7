"""The original giza's conf.py API (giza.config.legacy and the modules that keep its names)."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from giza.config import load
from giza.config.helper import fetch_config, get_manual_path, get_versions, new_config
from giza.config.legacy import CONTEXT_VAR, View, fetch, legacy_view
from giza.config.project import get_current_path, get_path_prefix
from giza.config.runtime import RuntimeStateConfig
from giza.content.replacements import get_replacements
from giza.errors import ConfigError
from giza.pipeline.tasks import build_context
from giza.variants import Variant

PROJECT = {
    "config/build_conf.yaml": """
        project:
          name: acme
          title: Acme Manual
          url: https://docs.example.org
          branched: true
          editions:
            - {name: saas, tag: cloud, title: Acme Cloud, url: https://cloud.example.org,
               branched: false}
            - {name: onprem}
        version: {release: 3.2.1, branch: "3.2"}
        git:
          remote: {upstream: acme/docs}
        system:
          files: [sphinx_local.yaml, pdfs.yaml, replacement.yaml, intersphinx.yaml,
                  {missing: nowhere.yaml}, {htaccess: [htaccess.yaml, htaccess-more.yaml]}]
        """,
    "config/htaccess.yaml": "from: /a\nto: /b\n",
    "config/htaccess-more.yaml": "from: /c\nto: /d\n",
    "config/sphinx_local.yaml": """
        project: Acme
        master_doc: index
        theme:
          name: acme-theme
          nav_excluded: [/meta/a, /meta/b]
        sidebars:
          '**': [localtoc.html]
        """,
    "config/pdfs.yaml": """
        source: index
        output: acme.tex
        title: Acme
        author: Docs
        class: manual
        ---
        source: index
        output: acme-guide.tex
        title: Guide
        author: Docs
        """,
    "config/replacement.yaml": """
        edition: saas
        tokens: {product: Acme Cloud, short: cloud}
        ---
        edition: onprem
        tokens: {product: Acme Server, short: server}
        """,
    "config/intersphinx.yaml": "name: py\nurl: https://docs.python.org/3/\npath: py.inv\n",
    "config/published_branches.yaml": """
        git:
          branches:
            manual: "3.2"
            published: [main, "3.2", "3.0"]
        version:
          published: ["3.4", "3.2", "3.0"]
          stable: "3.2"
          upcoming: "3.4"
        """,
    "source/index.txt": "Home\n====\n",
}


@pytest.fixture
def no_context(monkeypatch):
    monkeypatch.delenv(CONTEXT_VAR, raising=False)


def in_giza(root: Path, monkeypatch, builder: str, edition: str | None,
            language: str | None = None, source_dir: str | None = None) -> dict:
    """Simulate a sphinx-build under giza: the context file giza writes, named in the env."""
    context = build_context(load(), Variant(builder, edition, language))
    if source_dir is not None:
        context["source_dir"] = source_dir
    path = root / "context.json"
    path.write_text(json.dumps(context))
    monkeypatch.setenv(CONTEXT_VAR, str(path))
    return context


def test_view_inside_a_giza_build(project, monkeypatch):
    root = project(PROJECT)
    in_giza(root, monkeypatch, "dirhtml", "saas")
    conf = fetch_config(RuntimeStateConfig())
    assert conf.paths.dict() == {
        "projectroot": str(root),
        "output": "build",
        "source": "source",
        "includes": "source/includes",
        "images": "source/images",
        "locale": "locale",
        "builddata": "config",
        "buildsystem": "build/docs-tools",
        "tools": "bin",
        "global_config": "build/docs-tools/data",
        "branch_output": "build/3.2",
        "branch_source": "build/3.2/source-saas",
        "branch_includes": "build/3.2/source-saas/includes",
        "branch_images": "build/3.2/source-saas/images",
        "public": "build/public",
        "public_site_output": "build/public/cloud",
    }
    assert conf.paths.includes[len(conf.paths.source):] == "/includes"
    assert conf.version.dict() == {"release": "3.2.1", "branch": "3.2",
                                   "published": ["3.4", "3.2", "3.0"], "active": [],
                                   "stable": "3.2", "upcoming": "3.4"}
    assert conf.git.branches.dict() == {"current": "3.2", "published": ["main", "3.2", "3.0"],
                                        "manual": "3.2"}
    assert conf.git.commit is None
    assert conf.git.remote.upstream == "acme/docs"
    assert conf.project.name == "acme"
    assert conf.project.edition == "saas"
    assert conf.project.tag == "cloud"
    assert conf.project.title == "Acme Cloud"
    assert conf.project.url == "https://cloud.example.org"
    assert conf.project.basepath == "cloud"
    assert conf.project.branched is False
    assert conf.project.siteroot is False
    assert conf.project.edition_list == ["saas", "onprem"]
    assert conf.project.editions[1].dict() == {
        "name": "onprem", "tag": "onprem", "url": "https://docs.example.org", "branched": True,
        "title": "Acme Manual"}
    assert conf.system.branched is False
    assert conf.runstate.dict() == {"edition": "saas", "language": "en", "builder": ["dirhtml"],
                                    "conf_path": str(root / "config/build_conf.yaml")}


def test_view_of_another_variant(project, monkeypatch):
    root = project(PROJECT)
    in_giza(root, monkeypatch, "html", "onprem", "fr")
    conf = fetch_config(RuntimeStateConfig())
    assert conf.project.edition == "onprem"
    assert conf.project.title == "Acme Manual"
    assert conf.project.basepath == "onprem"
    assert conf.project.branched is True
    assert conf.runstate.language == "fr"
    assert conf.runstate.builder == ["html"]
    assert conf.paths.branch_source == "build/3.2/source-onprem-fr"
    assert conf.paths.public_site_output == "build/public/fr/onprem/3.2"
    assert conf.system.files.data.replacement == {"product": "Acme Server", "short": "server"}


def test_branch_source_is_the_tree_giza_built_from(project, monkeypatch):
    # A builder with its own exclusions is built from its own tree.
    root = project(PROJECT)
    in_giza(root, monkeypatch, "latex", "saas",
            source_dir=str(root / "build/3.2/source-saas-latex"))
    conf = fetch_config(RuntimeStateConfig())
    assert conf.paths.branch_source == "build/3.2/source-saas-latex"
    assert conf.paths.branch_includes == "build/3.2/source-saas-latex/includes"


def test_view_outside_giza(project, no_context):
    root = project(PROJECT)
    conf = fetch_config(RuntimeStateConfig())
    assert conf.project.edition == "acme"  # no edition: the project name, as the original
    assert conf.project.tag == "acme"
    assert conf.project.title == "Acme Manual"
    assert conf.project.basepath == "acme"
    assert conf.project.branched is True
    assert conf.runstate.dict() == {"edition": None, "language": "en", "builder": [],
                                    "conf_path": str(root / "config/build_conf.yaml")}
    assert conf.paths.branch_source == "build/3.2/source"
    assert conf.paths.public_site_output == "build/public/3.2"
    # replacement.yaml with one document per edition and no edition: the first one
    assert conf.system.files.data.replacement == {"product": "Acme Cloud", "short": "cloud"}


def test_runstate_arguments_override_the_context(project, monkeypatch):
    root = project(PROJECT)
    in_giza(root, monkeypatch, "dirhtml", "saas")
    conf = fetch_config(RuntimeStateConfig(edition="onprem", builder="latex", force=True))
    assert (conf.project.edition, conf.runstate.builder) == ("onprem", ["latex"])
    assert new_config({"edition": "onprem"}).project.edition == "saas"  # not a runstate
    assert new_config().project.edition == "saas"


def test_unknown_edition(project, no_context):
    project(PROJECT)
    with pytest.raises(ConfigError) as err:
        fetch_config(RuntimeStateConfig(edition="nope"))
    assert str(err.value) == "unknown edition 'nope'; valid editions: saas, onprem"


def test_side_files(project, no_context):
    project(PROJECT)
    conf = fetch_config(RuntimeStateConfig())
    data = conf.system.files.data
    assert sorted(data) == ["htaccess", "intersphinx", "missing", "pdfs", "replacement",
                            "sphinx_local"]
    # {name: [file, file]}: the frozen config holds a tuple; the view takes it (5 of 6 real
    # repositories failed here) and merges both files' documents
    assert [(r["from"], r["to"]) for r in data.htaccess] == [("/a", "/b"), ("/c", "/d")]
    assert "replacement" in data and "robots" not in data
    sconf = data.sphinx_local
    assert sconf.theme.name == sconf["theme"]["name"] == "acme-theme"
    assert sconf.theme.nav_excluded == ["/meta/a", "/meta/b"]
    assert type(sconf.sidebars) is dict  # Sphinx's html_sidebars must be a real dict
    assert sconf.sidebars == {"**": ["localtoc.html"]}
    pdfs = data.pdfs
    assert [p.doc_class if "class" in p else None for p in pdfs] == ["manual", None]
    assert [p.output for p in pdfs] == ["acme.tex", "acme-guide.tex"]
    intersphinx = data.intersphinx  # always a list, even with one document
    assert [(i.name, i.url, i.path) for i in intersphinx] == [
        ("py", "https://docs.python.org/3/", "py.inv")]
    assert list(data.missing) == []
    assert conf.system.files.paths == ["sphinx_local.yaml", "pdfs.yaml", "replacement.yaml",
                                       "intersphinx.yaml", {"missing": "nowhere.yaml"},
                                       {"htaccess": ["htaccess.yaml", "htaccess-more.yaml"]}]


def test_missing_attributes_name_the_file_and_key(project, no_context):
    project(PROJECT)
    conf = fetch_config(RuntimeStateConfig())
    data = conf.system.files.data
    with pytest.raises(AttributeError) as err:
        data.sphinx_local.logo  # noqa: B018
    assert str(err.value) == ("config/sphinx_local.yaml has no 'logo' "
                              "(it has: master_doc, project, sidebars, theme)")
    with pytest.raises(AttributeError) as err:
        data.sphinx_local.theme.google_analytics  # noqa: B018
    assert str(err.value) == ("config/sphinx_local.yaml has no 'theme.google_analytics' "
                              "(it has: name, nav_excluded)")
    with pytest.raises(AttributeError) as err:
        data.pdfs[1].doc_class  # noqa: B018
    assert str(err.value) == ("config/pdfs.yaml (document 2, line 7) has no 'doc_class' "
                              "(it has: author, output, source, title)")
    with pytest.raises(AttributeError) as err:
        data.missing.theme  # noqa: B018
    assert str(err.value) == "config/nowhere.yaml is missing or empty, so it has no 'theme'"
    with pytest.raises(AttributeError) as err:
        data.robots  # noqa: B018
    assert str(err.value) == ("no side file 'robots': config/build_conf.yaml system.files "
                              "does not list it (it lists: htaccess, intersphinx, missing, "
                              "pdfs, replacement, sphinx_local)")
    with pytest.raises(AttributeError) as err:
        conf.paths.htaccess  # noqa: B018
    assert str(err.value).startswith("conf.paths has no 'htaccess' in giza's compatibility "
                                     "layer for the original giza API (it provides: "
                                     "branch_images, branch_includes, ")


def test_views_are_read_only_and_pickle(project, no_context):
    project(PROJECT)
    conf = fetch_config(RuntimeStateConfig())
    sconf = conf.system.files.data.sphinx_local
    with pytest.raises(TypeError) as err:
        sconf["project"] = "x"
    assert str(err.value) == ("config/sphinx_local.yaml is read-only; use .dict() for a copy "
                              "you can change")
    with pytest.raises(TypeError):
        conf.project.name = "x"
    with pytest.raises(TypeError):
        sconf.theme.update(name="x")
    changed = sconf.dict()
    changed["theme"]["name"] = "other"
    assert type(changed["theme"]) is dict and sconf.theme.name == "acme-theme"
    again = pickle.loads(pickle.dumps(conf))
    assert again == conf and isinstance(again.system.files.data.sphinx_local, View)
    assert again.system.files.data.sphinx_local.theme.name == "acme-theme"
    assert copy.deepcopy(conf) is conf


def test_no_build_conf_names_where_it_looked(tmp_path, monkeypatch, no_context):
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    with pytest.raises(ConfigError) as err:
        fetch(RuntimeStateConfig(), caller=tmp_path / "elsewhere")
    assert str(err.value) == (
        f"giza.config.helper.fetch_config: no config/build_conf.yaml in {tmp_path}/cwd or "
        f"{tmp_path}/elsewhere "
        "or any parent directory; run sphinx-build from the project (the directory that holds "
        "config/), or pass RuntimeStateConfig(conf_path=PATH)")
    with pytest.raises(ConfigError) as err:
        fetch_config(RuntimeStateConfig(conf_path=str(tmp_path / "nope.yaml")))
    assert str(err.value) == f"RuntimeStateConfig(conf_path='{tmp_path}/nope.yaml'): no such file"


def test_conf_path_and_config_errors(project, tmp_path, monkeypatch, no_context):
    root = project(PROJECT)
    monkeypatch.chdir(tmp_path)
    conf = fetch_config(RuntimeStateConfig(conf_path=str(root / "config/build_conf.yaml")))
    assert conf.paths.projectroot == str(root)
    (root / "config/build_conf.yaml").write_text("project: {name: x, branched: maybe}\n")
    with pytest.raises(ConfigError) as err:
        fetch_config(RuntimeStateConfig(conf_path=str(root)))
    assert "project.branched: must be true or false" in str(err.value)


def test_found_from_the_conf_py_directory(project, tmp_path, no_context):
    """``python -c 'import conf'`` from elsewhere: the conf.py's own directory is searched."""
    root = project({**PROJECT, "conf.py": """
        from giza.config.helper import fetch_config
        from giza.config.runtime import RuntimeStateConfig
        conf = fetch_config(RuntimeStateConfig())
        print(conf.paths.projectroot, conf.project.edition)
        """})
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(root)!r})"
                           "; import conf"], cwd=tmp_path.parent, capture_output=True, text=True,
                          check=False, env={"PATH": "/usr/bin:/bin"})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{root} acme\n"


# -- versions and paths --------------------------------------------------------------

def view(**kwargs) -> object:
    return legacy_view(load(), **kwargs)


def test_versions_and_manual_path(project, no_context):
    project(PROJECT)
    onprem = view(edition="onprem")
    assert get_versions(onprem) == [
        {"path": "onprem/main", "text": "3.4 (upcoming)", "current": False},
        {"path": "onprem/current", "text": "3.2 (current)", "current": True},
        {"path": "onprem/3.0", "text": "3.0", "current": False},
    ]
    assert get_manual_path(onprem) == "onprem/current"
    assert get_current_path(onprem) == "onprem/current"
    assert get_path_prefix(onprem, "3.0") == "onprem/3.0"
    saas = view(edition="saas")  # not branched: every branch has the same prefix
    assert [v["path"] for v in get_versions(saas)] == ["cloud", "cloud", "cloud"]
    assert get_manual_path(saas) == "cloud"


def test_versions_when_the_branch_is_not_published(project, no_context):
    project(PROJECT)
    conf = view(branch="feature")
    assert conf.git.branches.current == "feature"
    assert [v["current"] for v in get_versions(conf)] == [True, False, False]
    assert get_manual_path(conf) == "acme/feature"
    assert get_current_path(conf) == "acme/main"


def test_siteroot_prefixes(project, no_context):
    files = dict(PROJECT)
    files["config/build_conf.yaml"] = """
        project: {name: manual, tag: manual, siteroot: true, branched: true}
        version: {release: 3.2.1, branch: "3.2"}
        """
    project(files)
    conf = view()
    assert [v["path"] for v in get_versions(conf)] == ["main", "manual", "3.0"]
    assert get_manual_path(conf) == "manual"


def test_no_published_branches(project, no_context):
    files = {k: v for k, v in PROJECT.items() if "published" not in k}
    project(files)
    conf = view(edition="onprem")
    assert conf.git.branches.published == [] and conf.git.branches.manual is None
    assert conf.version.published == [] and conf.version.stable is None
    assert get_versions(conf) == []
    assert get_current_path(conf) == "onprem/3.2"


def test_version_labels_without_version_published(project, no_context):
    files = dict(PROJECT)
    files["config/published_branches.yaml"] = """
        git: {branches: {published: [main, v3.2]}}
        version: {stable: "3.2", upcoming: "3.4"}
        """
    project(files)
    assert [v["text"] for v in get_versions(view())] == ["3.4 (Upcoming)", "3.2 (current)"]


# -- replacements ----------------------------------------------------------------------

def test_replacements_per_edition(project, no_context):
    project(PROJECT)
    assert get_replacements(view(edition="onprem")) == [
        ".. |product| replace:: Acme Server",
        ".. |short| replace:: server",
        ".. |release-string| replace:: -- 3.2.1 Release",
    ]
    assert get_replacements(view(edition="saas"))[0] == ".. |product| replace:: Acme Cloud"


def test_replacements_upcoming_and_absent(project, no_context):
    files = dict(PROJECT)
    files["config/build_conf.yaml"] = """
        project: {name: acme}
        version: {release: Upcoming}
        system: {files: [replacement.yaml]}
        """
    files["config/replacement.yaml"] = 'product: Acme\nnote: "two\\nlines"\n'
    project(files)
    assert get_replacements(view()) == [
        ".. |product| replace:: Acme",
        ".. |note| replace:: two lines",
        ".. |release-string| replace:: \\ ",
    ]
    files["config/build_conf.yaml"] = "project: {name: acme}\n"
    project(files)
    assert get_replacements(view()) == []


def test_imports_are_cheap_and_quiet():
    code = ("import sys\n"
            "from giza.config.runtime import RuntimeStateConfig\n"
            "from giza.config.helper import fetch_config, get_versions, get_manual_path\n"
            "from giza.config.project import get_current_path, get_path_prefix\n"
            "from giza.content.replacements import get_replacements\n"
            "heavy = [m for m in ('sphinx', 'jinja2', 'docutils', 'giza.post',\n"
            "                     'giza.pipeline.tasks') if m in sys.modules]\n"
            "sys.stderr.write(repr(heavy))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "[]")


def test_top_level_missing_attribute(project, no_context):
    project(PROJECT)
    with pytest.raises(AttributeError) as err:
        fetch_config(RuntimeStateConfig()).deploy  # noqa: B018
    assert str(err.value) == ("conf has no 'deploy' in giza's compatibility layer for the "
                              "original giza API (it provides: git, paths, project, runstate, "
                              "system, version)")
