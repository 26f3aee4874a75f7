"""giza ci-cache-key: a key that moves with giza, Sphinx, conf.py's extensions and conf.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from giza import __version__
from giza.cicache import KeyPart, cache_key, distribution_of, key_parts, listed_extensions

from helpers import write_tree

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


DOCS = Path(__file__).resolve().parents[1] / "docs/source/ci.txt"

PROJECT = {
    "config/build_conf.yaml": ("project: {name: ci, title: CI}\nversion: {release: '1.0'}\n"
                               "system:\n  files: [integration.yaml, push.yaml]\n"),
    "config/integration.yaml": "base:\n  targets: [html, dirhtml]\n",
    "config/push.yaml": ("target: production\npaths:\n  local: public\n  remote: {site}\n"
                         "options: [recursive]\nhosts: [local]\n"),
    "conf.py": ('extensions = ["giza.sphinxext"]\n'
                'source_suffix = {".txt": "restructuredtext"}\nhtml_theme = "basic"\n'),
    "source/index.txt": "CI\n==\n\n.. toctree::\n\n   page\n",
    "source/page.txt": "Page\n====\n\nWords.\n",
}


def documented_sequence() -> list[list[str]]:
    """The commands of the first code block of docs/source/ci.txt, comments dropped."""
    text = DOCS.read_text(encoding="utf-8")
    block = text.split(".. code-block:: sh\n\n", 1)[1].split("\n\n", 1)[0]
    return [line.split("#", 1)[0].split() for line in block.splitlines()]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.org", *args],
                   cwd=cwd, check=True, capture_output=True)


def _run_sequence(checkout: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    ran = {}
    for argv in documented_sequence():
        assert argv[0] == "giza"
        done = subprocess.run([sys.executable, "-m", "giza", *argv[1:]], cwd=checkout,
                              capture_output=True, text=True)
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
        ran[argv[1]] = done
    return ran


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_documented_ci_sequence_on_a_fresh_clone_with_a_restored_cache(tmp_path):
    assert [argv[:2] for argv in documented_sequence()] == [
        ["giza", "ci-cache-key"], ["giza", "check"], ["giza", "sphinx"], ["giza", "push"]]
    origin = tmp_path / "origin"
    site = tmp_path / "site"
    write_tree(origin, {**PROJECT, "config/push.yaml":
                        PROJECT["config/push.yaml"].replace("{site}", str(site))})
    _git("init", "-q", "-b", "main", cwd=origin)
    _git("add", "-A", cwd=origin)
    _git("commit", "-q", "-m", "docs", cwd=origin)
    # The previous CI run: a clone of its own, which fills the cache.
    _git("clone", "-q", str(origin), "first", cwd=tmp_path)
    first = _run_sequence(tmp_path / "first")
    assert "html: building: no previous record" in first["sphinx"].stdout
    # This run: a fresh clone at another path, build/ restored from the cache.
    _git("clone", "-q", str(origin), "runner/second", cwd=tmp_path)
    second = tmp_path / "runner/second"
    shutil.copytree(tmp_path / "first/build", second / "build", symlinks=True)
    ran = _run_sequence(second)
    assert ran["ci-cache-key"].stdout == first["ci-cache-key"].stdout
    for command in ("sphinx", "push"):
        lines = ran[command].stdout.splitlines()
        assert lines[:2] == ["html: up to date", "dirhtml: up to date"], ran[command].stdout
        assert "sphinx:" not in ran[command].stdout  # no sphinx-build started
    report = json.loads((second / "report.json").read_text())
    assert report["variants"] and all(v["status"] == "up to date" for v in report["variants"])
    assert (second / "report.html").read_text().startswith("<!DOCTYPE html>")
    # push deployed the staged site (dirhtml) into the local "host"
    assert "Words." in (site / "page/index.html").read_text()
