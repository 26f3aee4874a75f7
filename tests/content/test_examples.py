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
        '   { item: "journal", qty: 25 }\n'
        '   {"item": "mat", "qty": 85}\n'
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


BASE_CASES = """
    collection: inventory
    options: {base_file: true}
    ---
    ref: find
    edition: saas
    operation: {language: javascript, code: db.cloud.find()}
    ---
    ref: find
    edition: onprem
    operation: {language: javascript, code: db.local.find()}
    ---
    ref: count
    edition: [saas, onprem]
    operation: {language: javascript, code: db.any.count()}
    ---
    ref: plain
    operation: {language: javascript, code: db.plain.find()}
    """


def _inheriting(*refs: str) -> str:
    cases = "".join(f"---\ninherit: {{file: examples-base.yaml, ref: {ref}}}\n"
                    for ref in refs)
    return "collection: inventory\noptions: {show_title: false}\n" + cases


def _codes(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.startswith("   db.")]


def test_case_with_an_edition_is_inherited_as_ref_dash_edition(project) -> None:
    project.write("examples-base.yaml", BASE_CASES)
    project.write("examples-use.yaml", _inheriting(
        "find-saas", "find-onprem", "count-saas", "count-onprem", "plain"))
    project.generate(["examples"])
    # without a build edition, the second same-ref case (onprem) is still reachable
    assert project.outputs() == ["examples/use.rst"]
    assert project.output("examples/use.rst") == (
        ".. code-block:: javascript\n\n   db.cloud.find()\n\n"
        ".. code-block:: javascript\n\n   db.local.find()\n\n"
        ".. code-block:: javascript\n\n   db.any.count()\n\n"
        ".. code-block:: javascript\n\n   db.any.count()\n\n"
        ".. code-block:: javascript\n\n   db.plain.find()\n")


def test_plain_ref_still_names_the_case_of_the_build_edition(project) -> None:
    project.write("examples-base.yaml", BASE_CASES)
    project.write("examples-use.yaml", _inheriting("find"))
    project.generate(["examples"], edition="onprem")
    assert _codes(project.output("examples/use.rst")) == ["db.local.find()"]
    project.generate(["examples"])  # no edition: the first same-ref case
    assert _codes(project.output("examples/use.rst")) == ["db.cloud.find()"]


def test_ref_dash_edition_within_an_edition_build(project) -> None:
    project.write("examples-base.yaml", BASE_CASES)
    project.write("examples-use.yaml", _inheriting("find-onprem", "count-saas"))
    project.generate(["examples"], edition="onprem")
    # count applies to onprem too, so its saas name resolves in an onprem build
    assert _codes(project.output("examples/use.rst")) == ["db.local.find()",
                                                          "db.any.count()"]


def test_ref_dash_edition_of_an_edition_not_built_is_missing(project) -> None:
    project.write("examples-base.yaml", BASE_CASES)
    project.write("examples-use.yaml", _inheriting("find-saas"))
    with pytest.raises(ContentError) as caught:
        project.generate(["examples"], edition="onprem")
    assert str(caught.value) == (
        "source/includes/examples-use.yaml:4: unit 'find-saas' inherits from ref 'find-saas' "
        "in source/includes/examples-base.yaml, which has no such unit "
        "(refs there: find, count, plain)")


def test_ref_dash_unknown_edition_is_missing(project) -> None:
    project.write("examples-base.yaml", BASE_CASES)
    project.write("examples-use.yaml", _inheriting("plain-saas"))
    with pytest.raises(ContentError) as caught:
        project.generate(["examples"])
    assert str(caught.value) == (
        "source/includes/examples-use.yaml:4: unit 'plain-saas' inherits from ref "
        "'plain-saas' in source/includes/examples-base.yaml, which has no such unit "
        "(refs there: find, count, plain)")


def test_ref_dash_edition_that_is_also_a_plain_ref_is_ambiguous(project) -> None:
    project.write("examples-base.yaml", """
        collection: c
        options: {base_file: true}
        ---
        ref: find
        edition: saas
        operation: {code: a()}
        ---
        ref: find-saas
        operation: {code: b()}
        """)
    project.write("examples-use.yaml", _inheriting("find-saas"))
    with pytest.raises(ContentError) as caught:
        project.generate(["examples"])
    assert str(caught.value) == (
        "source/includes/examples-use.yaml:4: unit 'find-saas' inherits from ref 'find-saas' "
        "in source/includes/examples-base.yaml, which is ambiguous: the unit at line 8, or "
        "edition 'saas' of the unit 'find' at line 4")


def test_case_post_introduces_the_results_and_final_follows_them(project) -> None:
    # the reference tool wrote pre, operations, post, results, final
    project.write("examples-order.yaml", """
        collection: things
        options: {show_title: false, show_collection: false}
        ---
        ref: count
        pre: Count them.
        operation: {language: javascript, code: db.things.count()}
        post: 'It returns:'
        results: ['3']
        final: That is all.
        """)
    project.generate(["examples"])
    assert project.output("examples/order.rst") == (
        "Count them.\n"
        "\n"
        ".. code-block:: javascript\n"
        "\n"
        "   db.things.count()\n"
        "\n"
        "It returns:\n"
        "\n"
        ".. code-block:: javascript\n"
        "\n"
        "   3\n"
        "\n"
        "That is all.\n")


@pytest.mark.parametrize("show", [True, False])
def test_collection_parts_in_the_reference_order(project, show) -> None:
    project.write("examples-c.yaml", f"""
        collection: c
        options: {{show_title: false, show_collection: {str(show).lower()}}}
        pre: Before.
        content: The collection.
        documents: ['{{ a: 1 }}']
        post: After.
        final: Last.
        ---
        ref: x
        operation: {{code: x(), language: javascript}}
        """)
    project.generate(["examples"])
    shown = "The collection.\n\n" if show else ""
    assert project.output("examples/c.rst") == (
        f"Before.\n\n{shown}.. code-block:: javascript\n\n   {{ a: 1 }}\n\nAfter.\n\nLast.\n\n"
        ".. code-block:: javascript\n\n   x()\n")


def test_hidden_collection_content_of_any_shape_is_ignored_with_a_warning(project) -> None:
    """A real repository puts a mapping in `content` of a collection whose show_collection
    is false; the original ignored it, so giza warns and renders what the original did."""
    project.write("examples-idx.yaml", """
        collection: restaurants
        options: {show_title: false, show_collection: false}
        content:
          source: {file: example-query-all.yaml, ref: restaurant-data}
        ---
        ref: one
        operation: {language: javascript, code: db.restaurants.find()}
        """)
    assert project.warnings(["examples"]) == [
        "source/includes/examples-idx.yaml:3: document 1: content: the collection's content "
        "is not shown because options.show_collection is false; it is ignored, as the "
        "original giza did"]
    assert "restaurant-data" not in project.output("examples/idx.rst")
    project.write("examples-idx.yaml", """
        collection: restaurants
        content: {source: x}
        ---
        ref: one
        operation: {language: javascript, code: db.restaurants.find()}
        """)
    with pytest.raises(ContentError) as caught:
        project.generate(["examples"])
    assert str(caught.value) == ("source/includes/examples-idx.yaml:2: document 1: "
                                 "content: must be a string, not a mapping")
