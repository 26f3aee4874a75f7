"""A project whose conf.py imports the original giza's API (tests/projects/legacy) builds
unchanged, with the values of each edition."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

from giza.config import load
from giza.pipeline.tasks import build_context
from giza.variants import Variant

INVENTORY = "build/intersphinx/demo.inv"


def write_inventory(path: Path) -> bytes:
    """A fresh local intersphinx inventory: giza refreshes inventories at most daily, so a
    new file means no download is attempted, and Sphinx reads the local copy."""
    body = zlib.compress(b"demo.Thing py:class 1 api.html#$ -\n")
    data = (b"# Sphinx inventory version 2\n# Project: Demo\n# Version: 1.0\n"
            b"# The remainder of this file is compressed using zlib.\n" + body)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def footer(html: str) -> str:
    match = re.search(r'<div class="legacy-footer">\n(.*?)</div>', html, re.S)
    assert match, html
    return match.group(1)


def test_builds_every_edition_with_its_values(copy_project, giza):
    root = copy_project("legacy")
    inventory = write_inventory(root / INVENTORY)
    result = giza("sphinx", "-b", "html", "dirhtml", "--fail-on-warning")
    assert result.code == 0, result.out + result.err
    assert "WARNING" not in result.out + result.err
    assert "intersphinx" not in result.err
    assert (root / INVENTORY).read_bytes() == inventory  # never downloaded

    saas = (root / "build/2.0/html-saas/index.html").read_text()
    assert "<title>Legacy Manual &#8212; Legacy Cloud Manual</title>" in saas
    assert ("Branch <code class=\"docutils literal notranslate\"><span class=\"pre\">2.0</span>"
            "</code> of Legacy Cloud with the Cloud Agent – 2.0.1 Release.") in saas
    assert "Edition saas: Hosted for you." in saas
    assert "Built by html from build/2.0/source-saas at unknown." in saas
    assert "Only in the cloud edition." in saas and "on-prem edition" not in saas
    assert 'href="https://demo.example.org/api.html#demo.Thing"' in saas  # intersphinx
    assert 'href="https://issues.example.org/browse/DOCS-1"' in saas  # extlinks
    assert "<em>legacy:roles</em>" in saas  # extension found through paths.buildsystem
    assert footer(saas) == (
        '<p class="branch">branch=2.0</p>\n'
        '<p class="manual-path">manual_path=cloud</p>\n'
        '<p class="current-path">current_path=cloud</p>\n'
        '<p class="edition">edition=saas</p>\n'
        '<p class="analytics">analytics=UA-000000-1</p>\n'
        '<p class="epub">epub=https://cloud.example.org/cloud/legacy.epub</p>\n'
        '<ul class="nav-excluded"><li>/meta/internal</li></ul>\n'
        '<ul class="versions">\n'
        '<li data-current="False"><a href="/cloud/">2.1 (upcoming)</a></li>\n'
        '<li data-current="True"><a href="/cloud/">2.0 (current)</a></li>\n'
        '<li data-current="False"><a href="/cloud/">1.0</a></li>\n'
        '</ul>\n')
    sidebar = saas[saas.index('<div class="sphinxsidebar"'):]
    assert 'id="searchbox"' in sidebar  # html_sidebars from sphinx_local.yaml

    onprem = (root / "build/2.0/dirhtml-onprem/index.html").read_text()
    assert "<title>Legacy Manual &#8212; Legacy Manual</title>" in onprem
    assert "of Legacy Server with the Server Agent – 2.0.1 Release." in onprem
    assert "Edition onprem: Run it on your own servers." in onprem
    assert "Built by dirhtml from build/2.0/source-onprem at unknown." in onprem
    assert "Only in the on-prem edition." in onprem and "cloud edition" not in onprem
    assert '<a href="/onprem/current/">2.0 (current)</a>' in footer(onprem)
    assert '<a href="/onprem/main/">2.1 (upcoming)</a>' in footer(onprem)
    assert "manual_path=onprem/current" in footer(onprem)
    install = (root / "build/2.0/dirhtml-onprem/install/index.html").read_text()
    assert "Install Legacy Server © the team." in install


def run_conf(root: Path, expression: str, context: dict | None = None) -> str:
    """Import the project's conf.py in a fresh interpreter, as sphinx-build would."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if context is not None:
        path = root / "context.json"
        path.write_text(json.dumps(context))
        env["GIZA_BUILD_CONTEXT"] = str(path)
    done = subprocess.run([sys.executable, "-c", f"import conf; print({expression})"],
                          cwd=root, capture_output=True, text=True, check=False, env=env)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout.strip()


def test_latex_documents_follow_the_edition(copy_project):
    root = copy_project("legacy")
    context = build_context(load(), Variant("latex", "onprem"))
    assert run_conf(root, "conf.latex_documents", context) == (
        "[('index', 'legacy-onprem.tex', 'Legacy On-Prem Manual', 'Docs Team', 'howto')]")


def test_outside_giza_there_is_no_edition(copy_project):
    root = copy_project("legacy")
    assert run_conf(root, "conf.project, conf.html_title, conf.latex_documents, "
                          "conf.html_theme_options['manual_path'], conf.html_sidebars") == (
        "Legacy Legacy Manual [] legacy/current {'**': ['localtoc.html', 'searchbox.html']}")
