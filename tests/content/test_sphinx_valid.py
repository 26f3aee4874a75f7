"""Generated rST is valid: sphinx-build -W over pages that include every kind."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from giza.content import ContentContext, generate

INPUTS = {
    "steps-install.yaml": """
        title: Download the package.
        ref: download
        pre: Get the archive for {{version}}.
        action:
          language: sh
          code: curl -O https://example.org/giza-{{version}}.tgz
        ---
        title: {text: Unpack it, character: "~"}
        ref: unpack
        optional: true
        action:
          - heading: On Linux
            language: sh
            code: [tar -zxvf giza.tgz, ls]
            copyable: false
          - heading: Elsewhere
            content: Use any archive tool.
        content: Done.
        """,
    "extracts-notes.yaml": """
        ref: _base-note
        content: The {{thing}} is important.
        ---
        ref: note-a
        inherit: {file: extracts-notes.yaml, ref: _base-note}
        replacement: {thing: configuration}
        style: note-box
        ---
        ref: note-b
        title: A titled extract
        only: html
        pre: Before.
        code: print("hi")
        language: python
        post: After.
        """,
    "options-giza.yaml": """
        program: giza
        name: jobs
        directive: option
        args: <number>
        aliases: [-j]
        type: integer
        default: "2"
        description: Run {{program}} with this many workers; see {{role}}.
        ---
        program: giza
        name: level
        directive: data
        description: A plain object.
        """,
    "toc-guides.yaml": """
        file: /guides/one
        name: Guide One
        description: The first guide.
        ---
        file: /guides/two
        description: The second guide.
        level: 2
        """,
    "ref-toc-commands.yaml": """
        file: /reference/alpha
        name: alpha
        description: |
          Alpha command,
          two lines.
        ---
        file: /reference/beta
        name: beta
        description: Beta command.
        """,
    "ref-spec-all.yaml": """
        source: {file: ref-toc-commands.yaml, ref: /reference/alpha}
        ---
        source: {file: ref-toc-commands.yaml, ref: /reference/beta}
        description: Overridden.
        """,
    "apiargs-method-find.yaml": """
        name: filter
        type: [document, string]
        description: Optional. Selects documents.
        position: 2
        interface: shell
        operation: db.collection.find
        ---
        name: projection
        type: document
        description: |
          Fields to return from {{role}}.

          A second paragraph.
        position: 1
        interface: shell
        operation: db.collection.find
        """,
    "release-get.yaml": """
        ref: _get
        language: sh
        copyable: false
        code: curl -O https://example.org/{{platform}}/giza-{{version}}.tgz
        ---
        ref: get-linux
        inherit: {file: release-get.yaml, ref: _get}
        replacement: {platform: linux}
        title: Get it on Linux ({{branch}})
        """,
    "table-limits.yaml": """
        section: layout
        header: [meta.name, meta.value]
        rows:
          - 1: [content.a, content.b]
          - 2: [content.c, content.d]
        ---
        section: meta
        name: Limit
        value: Value
        ---
        section: content
        a: Files
        b: "400"
        c: Units
        d: |
          Ten thousand,
          more or less.
        """,
    "examples-find.yaml": """
        collection: inventory
        documents:
          - '{ item: "journal", qty: 25 }'
          - {item: notebook, qty: 50}
        pre: Create the collection.
        ---
        ref: find-all
        title: {text: Find everything, level: 3}
        operation:
          language: javascript
          code: db.inventory.find( {} )
        results: '{ item: "journal", qty: 25 }'
        ---
        ref: find-one
        title: {text: Find one, level: 3}
        operation:
          - pre: Run
            language: javascript
            code: db.inventory.findOne()
        """,
    "glossary-terms.yaml": """
        term: proxy tree
        definition: A copy of source/ that giza builds from.
        ---
        term: edition
        definition: |
          A variant of the documentation.

          Built from the same source.
        """,
}

INDEX = """
Everything
==========

.. contents::
   :local:

Steps
-----

.. include:: /includes/steps/install.rst

Extracts
--------

.. include:: /includes/extracts/note-a.rst

.. include:: /includes/extracts/note-b.rst

Release
-------

.. include:: /includes/release/get-linux.rst

Options
-------

.. include:: /includes/option/option-giza-jobs.rst

.. include:: /includes/option/data-giza-level.rst

Tocs
----

.. include:: /includes/toc/guides.rst

.. include:: /includes/toc/dfn-list-guides.rst

.. include:: /includes/toc/commands.rst

.. include:: /includes/toc/table-commands.rst

.. include:: /includes/toc/table-spec-all.rst

Apiargs
-------

.. include:: /includes/apiargs/method-find.rst

Table
-----

.. include:: /includes/table/limits.rst

Glossary
--------

.. include:: /includes/glossary/terms.rst

Examples
--------

.. include:: /includes/examples/find.rst
"""


def _page(title: str) -> str:
    return f"{title}\n{'=' * len(title)}\n\nText.\n"


def test_generated_rst_builds_without_warnings(tmp_path: Path) -> None:
    includes = tmp_path / "source" / "includes"
    includes.mkdir(parents=True)
    for name, text in INPUTS.items():
        (includes / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "conf.py").write_text(
        'project = "t"\nextensions = []\nexclude_patterns = ["includes", "_build"]\n'
        'source_suffix = {".txt": "restructuredtext"}\nroot_doc = "index"\n')
    (site / "index.txt").write_text(INDEX.lstrip("\n"))
    for doc in ("guides/one", "guides/two", "reference/alpha", "reference/beta"):
        page = site / f"{doc}.txt"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_page(doc))

    ctx = ContentContext(includes, version="7.0.1", branch="v7.0")
    result = generate(ctx, site, record=tmp_path / "record.json")
    assert len(result.written) == 15

    for builder in ("html", "text"):
        run = subprocess.run(
            [sys.executable, "-m", "sphinx", "-W", "-q", "-b", builder, "-d",
             str(tmp_path / "doctrees"), str(site), str(tmp_path / "out" / builder)],
            capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr + run.stdout
    text = (tmp_path / "out" / "text" / "index.txt").read_text()
    # the non-HTML forms are the ones a text build keeps
    assert "Step 1: Download the package." in text
    assert "Step 2: Optional: Unpack it" in text
    assert "giza-7.0.1.tgz" in text
    html = (tmp_path / "out" / "html" / "index.html").read_text()
    assert 'class="sequence-step">2</div>' in html
    # copyable: false -> `:class: no-copy` on the code block (steps action, release)
    assert html.count('<div class="no-copy highlight-sh notranslate">') == 2
