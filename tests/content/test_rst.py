from __future__ import annotations

import pytest

from giza.content import rst


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
