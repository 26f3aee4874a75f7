from __future__ import annotations

import pytest

from giza.errors import ContentError

TABLE = """
    section: layout
    header: [meta.op, meta.desc]
    rows:
      - 1: [content.eq, content.eq_desc]
      - 2: [content.gt, content.gt_desc]
      - [literal text, content.multi]
    ---
    section: meta
    op: Operator
    desc: Description
    ---
    section: content
    eq: ":query:`$eq`"
    eq_desc: Equal to {{what}}.
    gt: ":query:`$gt`"
    gt_desc: Greater than.
    multi: |
      Two lines
      of text.
    replacement: {what: a value}
    """


def test_table_from_layout_meta_and_content(project) -> None:
    project.write("table-operators.yaml", TABLE)
    result = project.generate(["table"])
    assert project.output("table/operators.rst") == (
        ".. list-table::\n"
        "   :header-rows: 1\n"
        "\n"
        "   * - Operator\n"
        "     - Description\n"
        "   * - :query:`$eq`\n"
        "     - Equal to a value.\n"
        "   * - :query:`$gt`\n"
        "     - Greater than.\n"
        "   * - literal text\n"
        "     - Two lines\n"
        "       of text.\n")
    assert list(result.origins.values()) == [(project.includes.relative_to(project.root)
                                              / "table-operators.yaml", 1)]


def test_unknown_cell_reference(project) -> None:
    project.write("table-bad.yaml", "section: layout\nheader: [meta.nope]\n---\n"
                  "section: meta\nop: x\n")
    with pytest.raises(ContentError) as caught:
        project.generate(["table"])
    assert str(caught.value) == ("source/includes/table-bad.yaml:1: table layout refers to "
                                 "'meta.nope', which the meta document does not define")


def test_ragged_rows(project) -> None:
    project.write("table-r.yaml", "section: layout\nrows: [[a, b], [c]]\n")
    with pytest.raises(ContentError) as caught:
        project.generate(["table"])
    assert str(caught.value) == ("source/includes/table-r.yaml:1: table rows must all have "
                                 "2 cells; one has 1")
