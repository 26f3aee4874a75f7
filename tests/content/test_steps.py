from __future__ import annotations

import textwrap

import pytest

from giza.content.steps import numbered
from giza.errors import ContentError


def test_steps_exact_output(project) -> None:
    project.write("steps-start.yaml", """
        title: Start MongoDB.
        stepnum: 1
        ref: start
        pre: Run the server.
        action:
          language: sh
          code: mongod --port {{port}}
        replacement: {port: "27017"}
        ---
        title: {text: Connect, level: 2}
        ref: connect
        optional: true
        action:
          - heading: With the shell
            language: javascript
            code: [db.hello(), db.stats()]
          - pre: Or any driver.
        post: Done.
        """)
    project.generate(["steps"])
    assert project.output("steps/start.rst") == textwrap.dedent("""\
        .. only:: html or dirhtml or singlehtml

           .. raw:: html

              <div class="sequence-block"><div class="bullet-block"><div class="sequence-step">1</div></div>

           Start MongoDB.
           ~~~~~~~~~~~~~~

           Run the server.

           .. code-block:: sh

              mongod --port 27017

           .. raw:: html

              </div>

        .. only:: not (html or dirhtml or singlehtml)

           Step 1: Start MongoDB.
           ~~~~~~~~~~~~~~~~~~~~~~

           Run the server.

           .. code-block:: sh

              mongod --port 27017

        .. only:: html or dirhtml or singlehtml

           .. raw:: html

              <div class="sequence-block"><div class="bullet-block"><div class="sequence-step">2</div></div>

           Optional: Connect
           -----------------

           With the shell
           ~~~~~~~~~~~~~~

           .. code-block:: javascript

              db.hello()
              db.stats()

           Or any driver.

           Done.

           .. raw:: html

              </div>

        .. only:: not (html or dirhtml or singlehtml)

           Step 2: Optional: Connect
           -------------------------

           With the shell
           ~~~~~~~~~~~~~~

           .. code-block:: javascript

              db.hello()
              db.stats()

           Or any driver.

           Done.
        """)  # noqa: E501


class _Item:
    def __init__(self, number: int | None, name: str) -> None:
        self.data = {"stepnum": number} if number is not None else {}
        self.name = name


def test_numbering_fills_gaps_in_file_order() -> None:
    items = [_Item(None, "a"), _Item(5, "b"), _Item(None, "c")]
    assert [(n, i.name) for n, i in numbered(items)] == [(1, "a"), (5, "b"), (6, "c")]


def test_numbering_sorts_when_every_step_has_a_number() -> None:
    items = [_Item(3, "c"), _Item(1, "a"), _Item(2, "b")]
    assert [(n, i.name) for n, i in numbered(items)] == [(1, "a"), (2, "b"), (3, "c")]


def test_step_inherits_from_another_file_and_overrides(project) -> None:
    project.write("steps-base.yaml", """
        ref: install
        title: Install on {{platform}}
        replacement: {platform: Linux}
        action: {language: sh, code: "apt install giza"}
        """)
    project.write("steps-windows.yaml", """
        ref: install-win
        source: {file: steps-base.yaml, ref: install}
        replacement: {platform: Windows}
        action: {language: powershell, code: "choco install giza"}
        """)
    project.generate(["steps"])
    text = project.output("steps/windows.rst")
    assert "   Install on Windows\n   ~~~~~~~~~~~~~~~~~~\n" in text
    assert ".. code-block:: powershell\n\n      choco install giza\n" in text
    assert "apt install" not in text


def test_abstract_steps_and_other_editions_are_not_emitted(project) -> None:
    project.write("steps-x.yaml", """
        ref: _hidden
        title: Hidden
        ---
        ref: shown
        title: Shown
        edition: [saas, onprem]
        ---
        ref: other
        title: Other edition
        edition: saas
        """)
    project.generate(["steps"], edition="onprem")
    text = project.output("steps/x.rst")
    assert "Step 1: Shown" in text
    assert "Hidden" not in text and "Other edition" not in text


def test_action_copyable_false_marks_only_its_code_block(project) -> None:
    project.write("steps-c.yaml", """
        ref: c
        title: Clean
        action:
          - language: sh
            code: rm -rf build
            copyable: false
          - language: sh
            code: make
        """)
    project.generate(["steps"])
    actions = textwrap.indent(textwrap.dedent("""\
        .. code-block:: sh
           :class: no-copy

           rm -rf build

        .. code-block:: sh

           make
        """), "   ")
    opening = ('<div class="sequence-block"><div class="bullet-block">'
               '<div class="sequence-step">1</div></div>')
    assert project.output("steps/c.rst") == (
        ".. only:: html or dirhtml or singlehtml\n\n"
        f"   .. raw:: html\n\n      {opening}\n\n"
        "   Clean\n   ~~~~~\n\n"
        f"{actions}\n"
        "   .. raw:: html\n\n      </div>\n\n"
        ".. only:: not (html or dirhtml or singlehtml)\n\n"
        "   Step 1: Clean\n   ~~~~~~~~~~~~~\n\n"
        f"{actions}")


def test_action_copyable_must_be_a_boolean(project) -> None:
    project.write("steps-c.yaml", """
        ref: c
        action:
          - code: make
          - code: rm -rf build
            copyable: 0
        """)
    with pytest.raises(ContentError) as caught:
        project.generate(["steps"])
    assert str(caught.value) == ("source/includes/steps-c.yaml:5: document 1: "
                                 "copyable: must be a boolean, not an integer")


def test_null_fields_of_a_step_and_of_an_action_are_unset(project) -> None:
    project.write("steps-n.yaml", """
        title: Run it.
        ref: run
        pre: null
        action:
          heading: null
          language: null
          code: run
        """)
    project.generate(["steps"])
    assert project.output("steps/n.rst").count(".. code-block:: none\n") == 2
    assert "None" not in project.output("steps/n.rst")


def test_an_action_sets_its_own_heading_level(project) -> None:
    """`level: 4` on a step action (real repositories use it) picks that heading level."""
    project.write("steps-lv.yaml", """
        title: Install
        ref: install
        action:
          - title: macOS
            level: 5
            content: Use the installer.
          - title: Linux
            content: Use the package.
        """)
    project.generate(["steps"])
    text = project.output("steps/lv.rst")
    from giza.content.rst import heading_char

    assert f"   macOS\n   {heading_char(5) * 5}\n" in text
    assert f"   Linux\n   {heading_char(4) * 5}\n" in text  # the step's level + 1
    assert heading_char(5) != heading_char(4)
