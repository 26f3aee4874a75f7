from __future__ import annotations

import io

import pytest
from rstcloth import RstCloth

from giza.content import rst
from giza.content.rst import Cloth


@pytest.mark.parametrize(("level", "char"), [(1, "="), (2, "-"), (3, "~"), (4, "`"),
                                             (5, "^"), (6, "'"), (9, "'"), (0, "=")])
def test_heading_levels(level: int, char: str) -> None:
    assert rst.heading_char(level) == char


def test_title_forms() -> None:
    assert rst.title_parts("Plain", 3) == ("Plain", "~")
    assert rst.title_parts({"text": "Lvl", "level": 1}, 3) == ("Lvl", "=")
    assert rst.title_parts({"text": "Chr", "character": "^"}, 3) == ("Chr", "^")
    assert rst.title_parts({"text": "Default"}, 2) == ("Default", "-")


def test_heading_underline_covers_wide_characters() -> None:
    assert rst.heading("Hello", "=") == "Hello\n=====\n"
    assert rst.heading("日本", "-") == "日本\n----\n"
    assert rst.heading("  spaced\n  out ", "-") == "spaced out\n----------\n"


def test_directive_and_code_block() -> None:
    assert rst.directive("only", "html", content="x\n\ny\n") == ".. only:: html\n\n   x\n\n   y\n"
    assert rst.code_block(["a", "", "b  "], None) == ".. code-block:: none\n\n   a\n\n   b\n"


def test_list_table_multiline_cells() -> None:
    assert rst.list_table([["H1", "H2"], ["a", "b\nc"], ["", "d"]], widths=[1, 2]) == (
        ".. list-table::\n"
        "   :header-rows: 1\n"
        "   :widths: 1 2\n"
        "\n"
        "   * - H1\n"
        "     - H2\n"
        "   * - a\n"
        "     - b\n"
        "       c\n"
        "   * -\n"
        "     - d\n")


def test_join_blocks_drops_empty_blocks() -> None:
    assert rst.join_blocks(["a\n", "", "  \n", "b"]) == "a\n\nb\n"


# -- the RstCloth wrapper: what rstcloth 0.6 gets wrong and Cloth corrects -------------

def test_stock_rstcloth_reflows_what_cloth_keeps_as_written() -> None:
    # why Cloth.fill exists: rstcloth joins an author's lines and wraps at 72 columns
    stock = RstCloth(io.StringIO())
    stock.content("first line\nsecond line")
    assert stock.data == "first line second line\n"
    cloth = Cloth()
    cloth.content("first line\nsecond line")
    assert cloth.text == "first line\nsecond line\n"


def test_cloth_directive_keeps_nested_content_and_long_lines() -> None:
    long = "x" * 80
    cloth = Cloth()
    cloth.directive("only", "html", content="- item\n  more\n\n.. note::\n\n   " + long)
    assert cloth.text == (".. only:: html\n\n   - item\n     more\n\n   .. note::\n\n"
                          f"      {long}\n")
    cloth = Cloth()
    cloth.directive("option", f"--{long} <value>", fields=[("type", long)])
    assert cloth.text == f".. option:: --{long} <value>\n   :type: {long}\n"


def test_cloth_leaves_blank_and_whitespace_only_lines_unindented() -> None:
    cloth = Cloth()
    cloth.directive("note", content="a\n\n  \nb")
    assert cloth.text == ".. note::\n\n   a\n\n  \n   b\n"


def test_cloth_heading_counts_wide_characters_twice() -> None:
    stock = RstCloth(io.StringIO())
    stock.heading("日本", "-")
    assert stock.data == "日本\n--\n"  # too short for docutils
    cloth = Cloth()
    cloth.heading("日本", "-")
    cloth.heading("Top", "=", overline=True, indent=3)
    assert cloth.text == "日本\n----\n   ===\n   Top\n   ===\n"


def test_cloth_empty_list_item_and_field_have_no_trailing_space() -> None:
    cloth = Cloth()
    cloth.li("", bullet="* -", indent=3)
    cloth.li("a\nb", bullet="  -", indent=3)
    cloth.field("hidden", "")
    cloth.field("param x", "one\n\ntwo")
    assert cloth.text == "   * -\n     - a\n       b\n:hidden:\n:param x: one\n\n   two\n"


def test_cloth_text_drops_only_the_closing_blank_line() -> None:
    cloth = Cloth()
    cloth.directive("raw", "html", content="<br>")
    assert cloth.data == ".. raw:: html\n\n   <br>\n\n"
    assert cloth.text == ".. raw:: html\n\n   <br>\n"
    cloth = Cloth()
    cloth.directive("figure", "/a.svg", fields=[("alt", "A")])
    assert cloth.text == cloth.data == ".. figure:: /a.svg\n   :alt: A\n"


def test_list_table_without_rows_or_header() -> None:
    assert rst.list_table([], header_rows=0) == ".. list-table::\n"
    assert rst.list_table([], widths=[1]) == (
        ".. list-table::\n   :header-rows: 1\n   :widths: 1\n")
    assert rst.list_table([["a", "b"]], header_rows=0) == (
        ".. list-table::\n\n   * - a\n     - b\n")
    with pytest.raises(ValueError, match="header_rows must be 0 or 1, not 2"):
        rst.list_table([["a"], ["b"]], header_rows=2)


def test_field_list() -> None:
    assert rst.field_list([("param a", "First.\n\nSecond.  \n"), ("param b", "")]) == (
        ":param a: First.\n\n   Second.\n:param b:\n")
    assert rst.field_list([]) == ""


def test_definition_list() -> None:
    assert rst.definition_list([("term", "Line one\nline two\n", 0), ("alone", "", 3),
                                ("", "", 0), ("", "orphan", 0)]) == (
        "term\n   Line one\n   line two\n\n   alone\n\n\n   orphan\n")
    assert rst.definition_list([]) == ""


def test_comment_and_inline_markup() -> None:
    assert rst.comment("generated") == ".. generated\n"
    assert rst.role("doc", "Install </install>") == ":doc:`Install </install>`"
    assert (rst.emph("Type"), rst.literal("x")) == ("*Type*", "``x``")
