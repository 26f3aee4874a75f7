from __future__ import annotations

import pytest

from giza.errors import ContentError


def test_examples_collection_and_cases(project) -> None:
    project.write("examples-inventory.yaml", """
        collection: inventory
        documents:
          - '{ item: "journal", qty: 25 }'
          - {item: mat, qty: 85}
        pre: Create the {{collection_name}} collection.
        replacement: {collection_name: inventory}
        ---
        ref: all
        title: {text: Select all, level: 3}
        pre: Match everything.
        operation:
          language: javascript
          code: db.inventory.find( {} )
        results: '{ item: "journal", qty: 25 }'
        ---
        ref: some
        title: {text: Select some, level: 3}
        operation:
          - pre: With a filter
            language: javascript
            code: 'db.inventory.find( { qty: 85 } )'
            post: That is all.
        final: The end.
        """)
    project.generate(["examples"])
    assert project.output("examples/inventory.rst") == (
        "Examples\n"
        "--------\n"
        "\n"
        "Create the inventory collection.\n"
        "\n"
        ".. code-block:: javascript\n"
        "\n"
        "   db.inventory.insertMany( [\n"
        '      { item: "journal", qty: 25 },\n'
        '      {"item": "mat", "qty": 85}\n'
        "   ] )\n"
        "\n"
        "Select all\n"
        "~~~~~~~~~~\n"
        "\n"
        "Match everything.\n"
        "\n"
        ".. code-block:: javascript\n"
        "\n"
        "   db.inventory.find( {} )\n"
        "\n"
        ".. code-block:: javascript\n"
        "\n"
        '   { item: "journal", qty: 25 }\n'
        "\n"
        "Select some\n"
        "~~~~~~~~~~~\n"
        "\n"
        "With a filter\n"
        "\n"
        ".. code-block:: javascript\n"
        "\n"
        "   db.inventory.find( { qty: 85 } )\n"
        "\n"
        "That is all.\n"
        "\n"
        "The end.\n")


def test_single_case_has_no_case_title_and_singular_heading(project) -> None:
    project.write("examples-one.yaml", """
        collection: c
        options: {show_collection: false}
        ---
        ref: only
        title: {text: Hidden title, level: 3}
        operation: {code: x(), language: javascript}
        """)
    project.generate(["examples"])
    assert project.output("examples/one.rst") == (
        "Example\n-------\n\n.. code-block:: javascript\n\n   x()\n")


def test_base_file_is_not_emitted_and_missing_operation_is_an_error(project) -> None:
    project.write("examples-base.yaml", "collection: c\noptions: {base_file: true}\n")
    project.generate(["examples"])
    assert project.outputs() == []
    project.write("examples-bad.yaml", "collection: c\n---\nref: x\npre: no operation\n")
    with pytest.raises(ContentError) as caught:
        project.generate(["examples"])
    assert str(caught.value) == ("source/includes/examples-bad.yaml:3: example 'x' has no "
                                 "'operation'")
