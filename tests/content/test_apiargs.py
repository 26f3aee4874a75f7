from __future__ import annotations

import pytest


def test_apiargs_table_and_field_list_sorted_by_position(project) -> None:
    project.write("apiargs-method-db.coll.find-param.yaml", """
        name: filter
        type: document
        description: Optional. Selects documents for {{role}}.
        interface: method
        operation: db.coll.find
        position: 2
        ---
        name: projection
        type: [document, string]
        optional: true
        description: |
          Fields to return.

          As a {{type}}.
        position: 1
        """)
    project.generate(["apiargs"])
    assert project.outputs() == ["apiargs/method-db.coll.find-param.rst"]
    assert project.output("apiargs/method-db.coll.find-param.rst") == (
        ".. only:: html or dirhtml or singlehtml\n"
        "\n"
        "   .. list-table::\n"
        "      :header-rows: 1\n"
        "      :widths: 20 20 80\n"
        "\n"
        "      * - Parameter\n"
        "        - Type\n"
        "        - Description\n"
        "      * - ``projection``\n"
        "        - document or string\n"
        "        - Optional. Fields to return.\n"
        "\n"
        "          As a document or string.\n"
        "      * - ``filter``\n"
        "        - document\n"
        "        - Optional. Selects documents for :method:`db.coll.find`.\n"
        "\n"
        ".. only:: not (html or dirhtml or singlehtml)\n"
        "\n"
        "   :param document or string projection: Optional. Fields to return.\n"
        "\n"
        "      As a document or string.\n"
        "   :param document filter: Optional. Selects documents for :method:`db.coll.find`.\n")


def test_apiargs_without_types_has_two_columns_in_file_order(project) -> None:
    project.write("apiargs-cmd.yaml", """
        name: b
        arg_name: field
        description: Second letter.
        position: 1
        ---
        name: a
        arg_name: field
        description: First letter.
        """)
    project.generate(["apiargs"])
    assert project.output("apiargs/cmd.rst") == (
        ".. only:: html or dirhtml or singlehtml\n"
        "\n"
        "   .. list-table::\n"
        "      :header-rows: 1\n"
        "      :widths: 20 80\n"
        "\n"
        "      * - Field\n"
        "        - Description\n"
        "      * - ``b``\n"
        "        - Second letter.\n"
        "      * - ``a``\n"
        "        - First letter.\n"
        "\n"
        ".. only:: not (html or dirhtml or singlehtml)\n"
        "\n"
        "   :param b: Second letter.\n"
        "   :param a: First letter.\n")


def test_apiargs_inherit_by_name(project) -> None:
    project.write("apiargs-base.yaml", "name: limit\ntype: integer\ndescription: Max.\n")
    project.write("apiargs-child.yaml", "name: lim\n"
                  "inherit: {file: apiargs-base.yaml, name: limit}\n")
    project.generate(["apiargs"])
    assert ":param integer lim: Max.\n" in project.output("apiargs/child.rst")


def test_apiargs_role_needs_an_operation(project) -> None:
    project.write("apiargs-r.yaml", "name: x\ndescription: '{{role}}'\n")
    (text,) = project.warnings(["apiargs"])
    assert "field 'description': placeholder '{{role}}' has no value; rendered as an empty " \
        "string" in text


@pytest.mark.parametrize(("interface", "role"), [
    ("command", ":dbcommand:`insert`"), ("dbcommand", ":dbcommand:`insert`"),
    ("method", ":method:`insert`"), ("phpmethod", ":phpmethod:`insert`"),
    ("other", ":samp:`insert`")])
def test_apiargs_role_by_interface(project, interface: str, role: str) -> None:
    # real files say `interface: dbcommand` as often as `interface: command`
    project.write("apiargs-r.yaml", f"name: x\noperation: insert\ninterface: {interface}\n"
                  "description: 'Runs {{role}}.'\n")
    project.generate(["apiargs"])
    assert f":param x: Runs {role}.\n" in project.output("apiargs/r.rst")


def test_three_types_read_as_a_list(project) -> None:
    project.write("apiargs-cmd.yaml", """
        name: value
        type: [string, document, array]
        description: Takes a {{type}}.
        """)
    project.generate(["apiargs"])
    text = project.output("apiargs/cmd.rst")
    assert "        - string, document, or array\n" in text
    assert "        - Takes a string, document, or array.\n" in text
