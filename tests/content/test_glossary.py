from __future__ import annotations


def test_glossary_is_sorted_with_indented_definitions(project) -> None:
    project.write("glossary-core.yaml", """
        term: proxy tree
        definition: A copy of source/ for {{product}}.
        ---
        term: edition
        definition: |
          A variant.

          Built from one source.
        ---
        term: hidden
        definition: Not in this edition.
        edition: other
        """)
    result = project.generate(["glossary"], edition="main", replacements={"product": "giza"})
    assert project.output("glossary/core.rst") == (
        ".. glossary::\n"
        "   :sorted:\n"
        "\n"
        "   proxy tree\n"
        "      A copy of source/ for giza.\n"
        "\n"
        "   edition\n"
        "      A variant.\n"
        "\n"
        "      Built from one source.\n")
    [(path, origin)] = result.origins.items()
    assert origin[1] == 1
