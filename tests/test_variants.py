from __future__ import annotations

import pytest

from giza.config import load
from giza.errors import UsageError
from giza.variants import Variant, expand_builders, resolve

EDITIONS = """
project:
  name: d
  editions: [{name: saas}, {name: onprem}]
system:
  files: [integration.yaml]
"""


def test_default_is_html_without_editions(project):
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    assert resolve(load(), []) == [Variant("html")]


def test_every_edition_by_default(project):
    project({"config/build_conf.yaml": EDITIONS, "config/integration.yaml": "base: {}\n"})
    variants = resolve(load(), ["html", "dirhtml"])
    assert [v.name for v in variants] == ["html-saas", "dirhtml-saas", "html-onprem",
                                          "dirhtml-onprem"]


def test_named_and_all_editions(project):
    project({"config/build_conf.yaml": EDITIONS, "config/integration.yaml": "base: {}\n"})
    config = load()
    assert [v.name for v in resolve(config, ["html"], ["onprem"])] == ["html-onprem"]
    assert [v.name for v in resolve(config, ["html"], ["all"])] == ["html-saas", "html-onprem"]


def test_unknown_edition_lists_valid_ones(project):
    project({"config/build_conf.yaml": EDITIONS, "config/integration.yaml": "base: {}\n"})
    with pytest.raises(UsageError) as err:
        resolve(load(), ["html"], ["cloud"])
    assert str(err.value) == "unknown edition 'cloud'; valid editions: saas, onprem"
    assert err.value.exit_code == 2


def test_edition_without_editions(project):
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    with pytest.raises(UsageError) as err:
        resolve(load(), ["html"], ["saas"])
    assert str(err.value) == ("unknown edition 'saas'; this project defines no editions "
                              "(project.editions in build_conf.yaml)")


def test_unknown_builder_lists_valid_ones(project):
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    with pytest.raises(UsageError) as err:
        resolve(load(), ["htlm"])
    message = str(err.value)
    assert message.startswith(
        "unknown builder 'htlm' (did you mean 'html'?); valid builders: changes, coverage, ")
    assert ", dirhtml, " in message and ", publish, " in message


def test_publish_expands_integration_targets(project):
    project({"config/build_conf.yaml": EDITIONS, "config/integration.yaml": """
        base:
          targets: [htaccess, dirhtml-saas, json-output, manual/index, singlehtml, latex, json]
        fr: {inherit: base}
        """})
    assert expand_builders(load(), ["publish"]) == ["dirhtml", "json", "singlehtml", "latex"]


def test_pdf_means_latex(project):
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    assert expand_builders(load(), ["pdf", "html"]) == ["latex", "html"]


def test_variant_paths(project):
    root = project({"config/build_conf.yaml": "project: {name: d}\n"})
    config = load()
    variant = Variant("html", "saas", "fr")
    assert variant.name == "html-saas-fr"
    assert variant.proxy_dir(config) == root / "build/main/source-saas-fr"
    assert variant.output_dir(config) == root / "build/main/html-saas-fr"
    assert variant.doctree_dir(config) == root / "build/main/doctrees-html-saas-fr"
    assert Variant("dirhtml").proxy_dir(config) == root / "build/main/source"


LANGS = {
    "config/build_conf.yaml": "project: {name: d}\nsystem: {files: [integration.yaml]}\n",
    "config/integration.yaml": "base: {targets: [html]}\nfr: {inherit: base}\nes: {}\n",
    "config/sphinx.yaml": "html: {languages: [ja, fr]}\n",
}


def test_languages(project):
    project(LANGS)
    config = load()
    assert config.languages == ("fr", "es", "ja")
    assert [v.name for v in resolve(config, ["html"], [], ["fr", "en"])] == ["html-fr", "html"]
    assert [v.name for v in resolve(config, ["html"], [], ["all"])] == [
        "html", "html-fr", "html-es", "html-ja"]


def test_unknown_language(project):
    project(LANGS)
    with pytest.raises(UsageError) as err:
        resolve(load(), ["html"], [], ["de"])
    assert str(err.value) == (
        "unknown language 'de'; valid languages: en (the source language), fr, es, ja "
        "(languages are the top-level keys of integration.yaml and sphinx.yaml 'languages')")


def test_all_editions_without_editions_is_the_default_build(project):
    project({"config/build_conf.yaml": "project: {name: d}\n"})
    assert resolve(load(), ["html"], ["all"], ["all"]) == [Variant("html")]


def test_publish_keeps_extension_builders(project):
    """`slides` (hieroglyph) was a builder to the original giza; publish must not drop
    it from integration.yaml targets such as `slides-instructor`."""
    project({"config/build_conf.yaml": EDITIONS, "config/integration.yaml": """
        base:
          targets: [dirhtml-instructor, slides-instructor, slides-student, setup]
        """})
    config = load()
    assert expand_builders(config, ["publish"]) == ["dirhtml", "slides"]
    assert expand_builders(config, ["slides"]) == ["slides"]
    assert config.warnings == (
        "config/integration.yaml:2: base.targets[3]: 'setup' is not a builder; "
        "publish skips it",)


def test_integration_yaml_of_the_makefile_era(project):
    """Top-level `targets`, `doc-root` and `branch-root` (no `base`) are not languages;
    `targets` is what publish builds."""
    project({"config/build_conf.yaml": "project: {name: d}\nsystem: {files: [integration.yaml]}\n",
             "config/integration.yaml": "targets:\n  - latex\n  - html\n  - 'build/public'\n"
                                        "doc-root: ['', '.htaccess']\nbranch-root: []\n"})
    config = load()
    assert config.languages == ()
    assert config.warnings == ()
    assert expand_builders(config, ["publish"]) == ["latex", "html"]


def test_integration_yaml_problems_warn(project):
    project({"config/build_conf.yaml": "project: {name: d}\nsystem: {files: [integration.yaml]}\n",
             "config/integration.yaml": "base:\n  targets: html\n  link: []\nfr: yes\n"
                                        "es: {inherit: base}\n"})
    config = load()
    assert config.languages == ("es",)
    assert expand_builders(config, ["publish"]) == ["dirhtml", "singlehtml", "json", "epub",
                                                    "man"]
    assert config.warnings == (
        "config/integration.yaml:2: base.targets: must be a list of builders, not a string; "
        "ignored",
        "config/integration.yaml:3: base.link: unknown key; valid keys: branch-root, "
        "doc-root, links, targets",
        "config/integration.yaml:4: fr: must be a language's settings, e.g. "
        "'fr: {inherit: base}', not a boolean; ignored")
