from __future__ import annotations

from pathlib import Path

import pytest

from giza.config.matrix import BuilderSettings, load_matrix
from giza.errors import ConfigError

SPHINX_YAML = """
prerequisites: [setup]
generated-source: [toc]
root-base:
  languages: [es, fr]
  excluded: [/meta/404]
web-base:
  inherit: root-base
  tags: [web]
  excluded: [/meta/print-only]
print-base:
  inherit: root-base
  tags: [print, offset]
  excluded_files: [/meta/web-only]
html:
  builder: html
  inherit: web-base
html-saas:
  builder: html
  inherit: web-base
  tags: [saas-web]
  excluded: [/onprem]
latex:
  inherit: print-base
dirhtml:
  inherit: html
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sphinx.yaml"
    path.write_text(text.lstrip("\n"))
    return path


def test_inheritance_and_lookup(tmp_path: Path):
    matrix = load_matrix(write(tmp_path, SPHINX_YAML))
    assert sorted(matrix.entries) == ["dirhtml", "html", "html-saas", "latex"]
    assert matrix.lookup("html") == BuilderSettings(
        key="html", tags=("web",), excluded=("/meta/404", "/meta/print-only"),
        languages=("es", "fr"))
    saas = matrix.lookup("html", "saas")
    assert saas.key == "html-saas"
    assert saas.tags == ("saas-web",)
    assert saas.excluded == ("/meta/404", "/meta/print-only", "/onprem")
    assert matrix.lookup("html", "onprem").key == "html"
    assert matrix.lookup("latex").excluded == ("/meta/404", "/meta/web-only")
    assert matrix.lookup("latex").tags == ("print", "offset")
    assert matrix.lookup("dirhtml").excluded == ("/meta/404", "/meta/print-only")
    assert matrix.lookup("epub") == BuilderSettings()
    assert matrix.languages == ("es", "fr")


def test_missing_file_is_empty(tmp_path: Path):
    assert load_matrix(tmp_path / "sphinx.yaml").entries == {}


def test_missing_inherit_target(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "html:\n  inherit: web-base\nlatex: {}\n")
    with pytest.raises(ConfigError) as err:
        load_matrix(Path("sphinx.yaml"))
    assert str(err.value) == ("sphinx.yaml:2: html.inherit: names 'web-base', which is not "
                              "defined; defined entries: html, latex")


def test_unknown_key(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "html:\n  tags: [a]\n  exclude: [/x]\n")
    with pytest.raises(ConfigError) as err:
        load_matrix(Path("sphinx.yaml"))
    assert str(err.value) == (
        "sphinx.yaml:3: html.exclude: unknown key; valid keys: builder, edition, excluded, "
        "excluded_files, inherit, language, languages, tags, v")


def test_historic_keys_are_accepted_quietly(tmp_path: Path):
    """Lists of editions and builders at the top (the original never looked them up; three
    real repositories carry a `builders:` list) and the makefile-era `sitemap_config` of an
    entry."""
    path = write(tmp_path, """
builders: [dirhtml, singlehtml, epub]
sphinx_builders: [dirhtml, html]
editions: [cloud, onprem]
prerequisites: [setup]
cloud-base:
  edition: cloud
  excluded: [/a.txt]
html-cloud:
  builder: html
  inherit: cloud-base
  tags: [cloud]
dirhtml:
  tags: [web]
  sitemap_config: config/sitemap.conf
""")
    warnings: list[str] = []
    matrix = load_matrix(path, warnings)
    assert warnings == []
    assert sorted(matrix.entries) == ["dirhtml", "html-cloud"]
    assert matrix.lookup("html", "cloud") == BuilderSettings(
        key="html-cloud", tags=("cloud",), excluded=("/a.txt",))


def test_cycle(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a:\n  inherit: b\nb:\n  inherit: a\n")
    with pytest.raises(ConfigError) as err:
        load_matrix(Path("sphinx.yaml"))
    assert str(err.value) == "sphinx.yaml:4: inheritance cycle: a -> b -> a"


def test_wrong_types(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "html:\n  tags: {a: 1}\n")
    with pytest.raises(ConfigError) as err:
        load_matrix(Path("sphinx.yaml"))
    assert str(err.value) == "sphinx.yaml:2: html.tags: must be a list of strings, not a mapping"
    write(tmp_path, "html: [a]\n")
    with pytest.raises(ConfigError) as err:
        load_matrix(Path("sphinx.yaml"))
    assert str(err.value) == "sphinx.yaml:1: html: must be a mapping, not a list"
