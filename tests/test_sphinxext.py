"""giza.sphinxext: the build context reaches Sphinx through a real sphinx-build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import write_tree

PROJECT = {
    "config/build_conf.yaml": """
        project: {name: ext, title: Extension Test}
        version: {release: 4.2.1, branch: "4.2"}
        system:
          files: [replacement.yaml, manpages.yaml, pdfs.yaml]
        """,
    "config/replacement.yaml": "product: Acme Server\nshort: acme\n",
    "config/manpages.yaml": """
        file: /reference/acmed
        name: acmed
        title: the Acme daemon
        authors: [Docs Team]
        section: 1
        """,
    "config/pdfs.yaml": """
        source: /index
        output: acme-manual.tex
        title: Acme Manual
        author: Docs Team
        class: manual
        """,
    "conf.py": """
        extensions = ["giza.sphinxext"]
        source_suffix = {".txt": "restructuredtext"}
        root_doc = "index"
        exclude_patterns = ["includes"]
        """,
    "source/index.txt": """
        Home
        ====

        |product| (|short|) version |version|, release |release|.

        .. toctree::

           reference/acmed
        """,
    "source/reference/acmed.txt": "acmed\n=====\n\nRuns |product|.\n",
}


def test_context_reaches_sphinx(project, giza):
    root = project(PROJECT)
    result = giza("--executor", "serial", "sphinx", "-b", "text", "man", "latex")
    assert result.code == 0, result.out + result.err
    text = (root / "build/4.2/text/index.txt").read_text()
    assert "Acme Server (acme) version 4.2, release 4.2.1." in text
    assert "Acme Manual" in (root / "build/4.2/latex/acme-manual.tex").read_text()
    man = root / "build/4.2/man/acmed.1"
    assert man.is_file()
    assert "the Acme daemon" in man.read_text()


def test_outside_giza_warns_and_changes_nothing(tmp_path: Path):
    write_tree(tmp_path, {
        "conf.py": 'extensions = ["giza.sphinxext"]\nproject = "Plain"\n',
        "index.rst": "Home\n====\n\nPlain text.\n",
    })
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "text", "-q", str(tmp_path),
                           str(tmp_path / "out")], capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert ("WARNING: giza.sphinxext: not running under giza (no GIZA_BUILD_CONTEXT); the "
            "giza build context is not applied") in done.stderr
    assert "Plain text." in (tmp_path / "out/index.txt").read_text()


def test_copyable_option_on_hand_written_code_blocks(project, giza):
    # Pages written for the original giza's theme use `:copyable: false`.
    root = project({**PROJECT, "source/index.txt": """
        Home
        ====

        .. toctree::

           reference/acmed

        .. code-block:: sh
           :copyable: false

           mongod --help

        .. code-block:: sh
           :copyable: true

           mongos --help
        """})
    result = giza("--executor", "serial", "sphinx", "-b", "html", "--fail-on-warning")
    assert result.code == 0, result.out + result.err
    page = (root / "build/4.2/html/index.html").read_text()
    assert page.count('<div class="no-copy highlight-sh notranslate">') == 1
    assert page.count('<div class="highlight-sh notranslate">') == 1


def test_bad_copyable_value_is_a_sphinx_error(project, giza):
    project({**PROJECT, "source/index.txt": """
        Home
        ====

        .. code-block:: sh
           :copyable: maybe

           mongod --help
        """})
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert "source/index.txt:4: ERROR: Error in \"code-block\" directive:\n" \
           "invalid option value: (option: \"copyable\"; value: 'maybe')\n" \
           "expected true or false, not 'maybe'." in result.out
