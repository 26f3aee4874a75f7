"""Steps: ``steps-<n>.yaml`` -> ``includes/steps/<n>.rst``, a numbered procedure.

Each step is written twice: an HTML form (sequence-step divs around the
heading and body) and a non-HTML form whose heading reads "Step N: title".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import (
    ACTION_FIELDS,
    BLOCKS,
    BOOL,
    COMMON_FIELDS,
    INT,
    TEXT,
    TITLE,
    TOKENS,
    Schema,
    as_list,
)

FIELDS = {
    **COMMON_FIELDS,
    "title": TITLE, "heading": TITLE,
    "stepnum": INT, "number": INT,
    "optional": BOOL, "level": INT,
    "pre": TEXT, "content": TEXT, "post": TEXT,
    "action": BLOCKS,
}

# An action may set its own heading level (`level: 4`), as in the original.
SCHEMA = Schema("steps", FIELDS, nested={"action": {**ACTION_FIELDS, "replacement": TOKENS,
                                                   "level": INT}})

DEFAULT_LEVEL = 3


def numbered(items: list[Any]) -> list[tuple[int, Any]]:
    """``(number, item)`` pairs: a missing number is the previous + 1 (first: 1);
    when every step has a number they are sorted by it (stable)."""
    given = [item.data.get("stepnum", item.data.get("number")) for item in items]
    if items and all(number is not None for number in given):
        return sorted(zip(given, items, strict=True), key=lambda pair: pair[0])
    result: list[tuple[int, Any]] = []
    previous = 0
    for number, item in zip(given, items, strict=True):
        previous = number if number is not None else previous + 1
        result.append((previous, item))
    return result


def render_body(data: Mapping[str, Any], level: int) -> str:
    actions = [rst.render_action(action, level + 1) for action in as_list(data.get("action"))]
    return rst.join_blocks([rst.block(data.get("pre", "")), *actions,
                            rst.block(data.get("content", "")),
                            rst.block(data.get("post", ""))])


def render_step(data: Mapping[str, Any], number: int) -> str:
    title = data.get("title", data.get("heading"))
    level = int(data.get("level", DEFAULT_LEVEL))
    if isinstance(title, Mapping) and title.get("level"):
        # a title's own level also places the action headings below it
        level = int(title["level"])
    text, char = rst.title_parts(title, level) if title else ("", rst.heading_char(level))
    if text and data.get("optional"):
        text = f"Optional: {text}"
    body = render_body(data, level)
    opening = ('<div class="sequence-block"><div class="bullet-block">'
               f'<div class="sequence-step">{number}</div></div>')
    html = rst.join_blocks([rst.raw_html(opening),
                            rst.heading(text, char) if text else "",
                            body, rst.raw_html("</div>")])
    plain_title = f"Step {number}: {text}" if text else f"Step {number}"
    plain = rst.join_blocks([rst.heading(plain_title, char), body])
    return rst.join_blocks([rst.only(rst.HTML_ONLY, html), rst.only(rst.NOT_HTML, plain)])


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    text, lines = rst.join_units((render_step(item.data, number), item.unit.line)
                                 for number, item in numbered(source.items))
    first = source.items[0].unit.line if source.items else 1
    return [Output(f"{source.name}.rst", text, (source.path, first), lines=lines)]


GENERATOR = Generator("steps", ("steps-",), "steps", SCHEMA, render)
