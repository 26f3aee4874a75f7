from __future__ import annotations

import pytest

from giza.errors import ContentError


def test_extracts_one_file_per_unit_with_only_and_style(project) -> None:
    project.write("extracts-notes.yaml", """
        ref: _base
        title: {text: Base title, level: 3}
        content: |
          Shared text about {{topic}}.

          Second paragraph.
        ---
        ref: note-sharding
        inherit: {file: extracts-notes.yaml, ref: _base}
        replacement: {topic: sharding}
        style: warning
        only: not latex
        ---
        ref: plain
        pre: Before the code.
        code: |
          print("hello")

          print("bye")
        language: python
        post: After.
        """)
    result = project.generate(["extracts"])
    assert project.outputs() == ["extracts/note-sharding.rst", "extracts/plain.rst"]
    assert project.output("extracts/note-sharding.rst") == (
        ".. only:: not latex\n"
        "\n"
        "   .. rst-class:: warning\n"
        "\n"
        "   Base title\n"
        "   ~~~~~~~~~~\n"
        "\n"
        "   Shared text about sharding.\n"
        "\n"
        "   Second paragraph.\n")
    assert project.output("extracts/plain.rst") == (
        "Before the code.\n"
        "\n"
        ".. code-block:: python\n"
        "\n"
        '   print("hello")\n'
        "\n"
        '   print("bye")\n'
        "\n"
        "After.\n")
    origins = {path.name: origin for path, origin in result.origins.items()}
    assert origins["note-sharding.rst"][1] == 8
    assert origins["plain.rst"][1] == 14


def test_default_title_level_is_two(project) -> None:
    project.write("extracts-t.yaml", "ref: t\ntitle: Hello\ncontent: x\n")
    project.generate(["extracts"])
    assert project.output("extracts/t.rst") == "Hello\n-----\n\nx\n"


def test_copyable_false_marks_the_code_block_no_copy(project) -> None:
    project.write("extracts-c.yaml", """
        ref: c
        code: ls
        language: sh
        copyable: false
        ---
        ref: t
        code: ls
        language: sh
        copyable: true
        ---
        ref: u
        code: ls
        ---
        ref: _base
        code: rm -rf build
        copyable: false
        ---
        ref: inherited
        inherit: {file: extracts-c.yaml, ref: _base}
        ---
        ref: overridden
        inherit: {file: extracts-c.yaml, ref: _base}
        copyable: true
        ---
        ref: prose
        content: No code, nothing to mark.
        copyable: false
        """)
    project.generate(["extracts"])
    assert project.output("extracts/c.rst") == (
        ".. code-block:: sh\n   :class: no-copy\n\n   ls\n")
    assert project.output("extracts/t.rst") == ".. code-block:: sh\n\n   ls\n"
    assert project.output("extracts/u.rst") == ".. code-block:: none\n\n   ls\n"
    assert project.output("extracts/inherited.rst") == (
        ".. code-block:: none\n   :class: no-copy\n\n   rm -rf build\n")
    assert project.output("extracts/overridden.rst") == (
        ".. code-block:: none\n\n   rm -rf build\n")
    assert project.output("extracts/prose.rst") == "No code, nothing to mark.\n"


def test_copyable_must_be_a_boolean(project) -> None:
    project.write("extracts-c.yaml", "ref: c\ncode: ls\ncopyable: 'false'\n")
    with pytest.raises(ContentError) as caught:
        project.generate(["extracts"])
    assert str(caught.value) == ("source/includes/extracts-c.yaml:3: document 1: "
                                 "copyable: must be a boolean, not a string")
