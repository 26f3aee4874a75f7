from __future__ import annotations

import pytest

from giza.content.registry import match


def test_toc_toctree_and_definition_list(project) -> None:
    project.write("toc-intro.yaml", """
        file: /intro/install
        name: Install
        description: How to install.
        ---
        file: /intro/linux
        description: |
          On Linux,
          step by step.
        level: 2
        ---
        name: Background
        file: /intro/background
        text_only: true
        description: Read later.
        """)
    project.generate(["toc"])
    assert project.outputs() == ["toc/dfn-list-intro.rst", "toc/intro.rst"]
    assert project.output("toc/intro.rst") == (
        ".. toctree::\n"
        "   :titlesonly:\n"
        "   :hidden:\n"
        "\n"
        "   Install </intro/install>\n"
        "   /intro/linux\n")
    assert project.output("toc/dfn-list-intro.rst") == (
        ".. rst-class:: toc\n"
        "\n"
        ":doc:`Install </intro/install>`\n"
        "   How to install.\n"
        "\n"
        "   :doc:`/intro/linux`\n"
        "      On Linux,\n"
        "      step by step.\n"
        "\n"
        "Background\n"
        "   Read later.\n")


def test_ref_toc_toctree_and_table(project) -> None:
    project.write("ref-toc-commands.yaml", """
        file: /reference/find
        name: ":dbcommand:`find`"
        description: Selects documents.
        ---
        file: /reference/insert
        name: insert
        """)
    project.generate(["toc"])
    assert project.outputs() == ["toc/commands.rst", "toc/table-commands.rst"]
    assert project.output("toc/commands.rst") == (
        ".. toctree::\n   :titlesonly:\n   :hidden:\n\n   /reference/find\n   /reference/insert\n")
    assert project.output("toc/table-commands.rst") == (
        ".. list-table::\n"
        "   :header-rows: 1\n"
        "   :widths: 30 70\n"
        "\n"
        "   * - Name\n"
        "     - Description\n"
        "   * - :dbcommand:`find`\n"
        "     - Selects documents.\n"
        "   * - :doc:`insert </reference/insert>`\n"
        "     -\n")


def test_specs_compose_other_toc_files(project) -> None:
    project.write("ref-toc-a.yaml", "file: /a\nname: A\ndescription: first\n---\n"
                  "file: /b\nname: B\ndescription: second\n")
    project.write("toc-spec-pick.yaml", "source: {file: ref-toc-a.yaml, ref: /b}\n---\n"
                  "source: {file: ref-toc-a.yaml, ref: /a}\ndescription: changed\n")
    project.write("toc-mixed.yaml", "file: /own\n---\nsource: {file: ref-toc-a.yaml, ref: /a}\n")
    project.write("ref-spec-pick.yaml", "source: {file: ref-toc-a.yaml, ref: /b}\n")
    project.generate(["toc"])
    # toc-spec-pick.yaml is the toc 'spec-pick' (a composition, so no toctree), as in the
    # original: its definition list is dfn-list-spec-pick.rst
    assert project.outputs() == ["toc/a.rst", "toc/dfn-list-mixed.rst",
                                 "toc/dfn-list-spec-pick.rst", "toc/table-a.rst",
                                 "toc/table-spec-pick.rst"]
    assert project.output("toc/dfn-list-spec-pick.rst").endswith(
        ":doc:`B </b>`\n   second\n\n:doc:`A </a>`\n   changed\n")
    assert project.output("toc/table-spec-pick.rst").endswith(
        "   * - :doc:`B </b>`\n     - second\n")


def test_prefixes_do_not_collide() -> None:
    def kind(name: str) -> tuple[str, str]:
        found = match(name)
        assert found is not None
        return found[0].kind, found[1]

    assert kind("ref-toc-x.yaml") == ("toc", "ref-toc-")
    assert kind("toc-spec-x.yaml") == ("toc", "toc-")  # the toc named spec-x
    assert kind("toc-x.yaml") == ("toc", "toc-")
    assert kind("ref-spec-x.yaml") == ("toc", "ref-spec-")
    assert kind("extracts-x.yaml") == ("extracts", "extracts-")
    assert kind("examples-x.yaml") == ("examples", "examples-")
    assert kind("options-x.yaml") == ("options", "option")
    assert match("ref-x.yaml") is None
    assert match("steps-x.yml") is None


@pytest.mark.parametrize("bad", ["tutorial/install", "/tutorial/install.txt", "/tutorial/"])
def test_file_must_be_a_source_absolute_page(tmp_path, monkeypatch, bad):
    from giza.content import ContentContext, generate
    from giza.errors import ContentError

    monkeypatch.chdir(tmp_path)
    includes = tmp_path / "source/includes"
    includes.mkdir(parents=True)
    (includes / "toc-x.yaml").write_text(f"file: {bad}\ndescription: D.\n")
    with pytest.raises(ContentError) as err:
        generate(ContentContext(includes_dir=includes), tmp_path / "proxy")
    assert str(err.value) == (
        f"source/includes/toc-x.yaml:1: document 1: file: must be a page path that "
        f"starts with '/' and has no .txt/.rst suffix (e.g. /tutorial/install), not '{bad}'")


def test_dots_in_page_names_are_fine(tmp_path):
    from giza.content import ContentContext, generate

    includes = tmp_path / "includes"
    includes.mkdir()
    (includes / "toc-m.yaml").write_text("file: /reference/method/db.collection.find\n")
    generate(ContentContext(includes_dir=includes), tmp_path / "proxy")
    assert "/reference/method/db.collection.find" in (
        tmp_path / "proxy/includes/toc/m.rst").read_text()
