"""giza ci-cache-key: a key that moves with giza, Sphinx, conf.py's extensions and conf.py."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from giza import __version__
from giza.cicache import KeyPart, cache_key, distribution_of, key_parts, listed_extensions

CONF = """\
import os
extensions = ["sphinx.ext.autodoc", "sphinxcontrib.applehelp"]
extensions += ["local_ext"]
extensions.append(os.environ.get("EXTRA", "x"))
"""


def test_key_parts_name_each_extensions_distribution(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text(CONF)
    parts = key_parts(conf)
    sphinx = metadata.version("sphinx")
    assert parts[:5] == [
        KeyPart("giza", __version__),
        KeyPart("Sphinx", sphinx),
        KeyPart("extension sphinx.ext.autodoc", f"Sphinx {sphinx}"),
        KeyPart("extension sphinxcontrib.applehelp",
                f"sphinxcontrib-applehelp {metadata.version('sphinxcontrib-applehelp')}"),
        KeyPart("extension local_ext", "no installed distribution"),
    ]
    assert parts[5] == KeyPart("note", f"{conf}:4: extensions entry is computed, not a "
                                       "string: its version is not in the key")
    assert parts[6].name == "conf.py" and parts[6].value.startswith("sha256 ")


def test_namespace_packages_resolve_by_name():
    owners = {"sphinxcontrib": ["sphinxcontrib-jsmath", "sphinxcontrib-mermaid"]}
    assert distribution_of("sphinxcontrib.mermaid", owners) == "sphinxcontrib-mermaid"
    assert distribution_of("sphinxcontrib.nothere", owners) is None
    assert distribution_of("yaml", {"yaml": ["PyYAML"]}) == "PyYAML"


def test_key_moves_with_conf_py_only(copy_project, giza):
    root = copy_project("basic")
    first = giza("ci-cache-key")
    assert first.code == 0, first.err
    assert first.out.startswith("giza-") and len(first.out.strip()) == 25
    (root / "source/index.txt").write_text("Changed\n=======\n")
    assert giza("ci-cache-key").out == first.out  # sources are fingerprinted in build/
    (root / "conf.py").write_text((root / "conf.py").read_text() + "html_title = 'x'\n")
    assert giza("ci-cache-key").out != first.out


def test_show_lists_what_is_hashed(copy_project, giza):
    copy_project("basic")
    result = giza("ci-cache-key", "--show")
    lines = result.out.splitlines()
    assert lines[1:4] == [f"  giza: {__version__}", f"  Sphinx: {metadata.version('sphinx')}",
                          f"  extension giza.sphinxext: giza {__version__}"]
    assert lines[0] == cache_key(key_parts(Path("conf.py")))


def test_conf_py_that_does_not_parse_is_a_config_error(copy_project, giza):
    root = copy_project("basic")
    (root / "conf.py").write_text("extensions = [\n")
    result = giza("ci-cache-key")
    assert result.code == 2
    assert result.err == ("giza: error: conf.py:1: conf.py does not parse ('[' was never "
                          "closed); ci-cache-key reads its extensions list\n")


def test_computed_extensions_list_is_noted(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text("base = []\nextensions = base\n")
    assert listed_extensions(conf)[1] == [
        f"{conf}:2: extensions entry is computed, not a string: its version is not in the key"]
