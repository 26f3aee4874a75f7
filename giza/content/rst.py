"""Small reStructuredText builders shared by the generators.

Plain string building: every generator needs exact control of blank lines and
indentation, and output must be byte-for-byte deterministic.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

# Heading levels 1-6.
HEADING_CHARS = ("=", "-", "~", "`", "^", "'")

HTML_ONLY = "html or dirhtml or singlehtml"
NOT_HTML = "not (html or dirhtml or singlehtml)"


def text_width(text: str) -> int:
    """Display columns of ``text`` (East Asian wide characters count twice)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def heading_char(level: int) -> str:
    """The underline character of a heading level (clamped to 1-6)."""
    return HEADING_CHARS[min(max(level, 1), len(HEADING_CHARS)) - 1]


def title_parts(title: str | Mapping[str, Any], default_level: int) -> tuple[str, str]:
    """``(text, underline character)`` of a title given as a string or a mapping."""
    if isinstance(title, Mapping):
        text = str(title.get("text", ""))
        if title.get("character"):
            return text, str(title["character"])[0]
        level = title.get("level", default_level)
        return text, heading_char(int(level))
    return str(title), heading_char(default_level)


def heading(text: str, char: str) -> str:
    """A section title: ``text`` and an underline at least as wide."""
    text = " ".join(text.split())
    return f"{text}\n{char * max(text_width(text), 1)}\n"


def indent(text: str, spaces: int) -> str:
    """Indent every non-blank line of ``text``."""
    if spaces == 0 or not text:
        return text
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line
                   for line in text.splitlines(keepends=True))


def block(text: str) -> str:
    """Prose from YAML as a block: trailing whitespace trimmed, one final newline."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "\n".join(lines).strip("\n") + "\n" if any(lines) else ""


def join_blocks(blocks: Iterable[str]) -> str:
    """Blocks separated by exactly one blank line (empty blocks dropped)."""
    kept = [b if b.endswith("\n") else b + "\n" for b in blocks if b and b.strip()]
    return "\n".join(kept)


def join_units(blocks: Iterable[tuple[str, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """:func:`join_blocks` of ``(block, yaml line)`` pairs, with where each block starts:
    ``((first rST line, yaml line), ...)``, so a message about a line of the output can name
    the unit that wrote it."""
    kept = [(b if b.endswith("\n") else b + "\n", line) for b, line in blocks if b and b.strip()]
    starts: list[tuple[int, int]] = []
    at = 1
    for block, line in kept:
        starts.append((at, line))
        at += block.count("\n") + 1
    return "\n".join(block for block, _ in kept), tuple(starts)


def directive(name: str, argument: str = "", options: Iterable[tuple[str, str]] = (),
              content: str = "") -> str:
    """``.. name:: argument`` with ``:option: value`` lines and an indented body."""
    head = f".. {name}::" + (f" {argument}" if argument else "") + "\n"
    for option, value in options:
        head += f"   :{option}:" + (f" {value}" if value else "") + "\n"
    if content.strip():
        head += "\n" + indent(content, 3)
    return head


# The class put on a code block whose action says `copyable: false`.
NO_COPY_CLASS = "no-copy"


def code_block(code: str | list[str], language: str | None,
               options: Iterable[tuple[str, str]] = ()) -> str:
    """A ``code-block`` directive; code lines are kept verbatim."""
    text = "\n".join(code) if isinstance(code, list) else code
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    body = "\n".join(lines) + "\n"
    return directive("code-block", language or "none", options, content=body)


def raw_html(html: str) -> str:
    return directive("raw", "html", content=html + "\n")


def only(expression: str, content: str) -> str:
    return directive("only", expression, content=content)


def render_action(action: Mapping[str, Any], heading_level: int) -> str:
    """An action: heading, pre, code block, content, post.

    ``copyable: false`` puts ``:class: no-copy`` on the code block (the
    reference tool's ``:copyable: false`` option is unknown to stock Sphinx's
    ``code-block``; ``:class:`` is standard and lets a theme or a copy-button
    script skip the block).
    """
    parts: list[str] = []
    title = action.get("heading", action.get("title"))
    if title:
        text, char = title_parts(title, action.get("level") or heading_level)
        parts.append(heading(text, char))
    parts.append(block(action.get("pre", "")))
    code = action.get("code")
    if code:
        options = [("class", NO_COPY_CLASS)] if action.get("copyable") is False else []
        parts.append(code_block(code, action.get("language"), options))
    parts.append(block(action.get("content", "")))
    parts.append(block(action.get("post", "")))
    return join_blocks(parts)


def list_item(marker: str, text: str, hang: int | None = None) -> str:
    """``marker`` followed by ``text``; continuation lines aligned under the text
    (or indented by ``hang`` spaces)."""
    body = block(text)
    if not body:
        return marker.rstrip() + "\n"
    width = len(marker) if hang is None else hang
    first, _, rest = body.partition("\n")
    return marker + first + "\n" + indent(rest, width)


def list_table(rows: list[list[str]], header_rows: int = 1, widths: list[int] | None = None
               ) -> str:
    """A ``list-table`` of cells holding rST text."""
    options = [("header-rows", str(header_rows))] if header_rows else []
    if widths:
        options.append(("widths", " ".join(str(width) for width in widths)))
    lines = []
    for row in rows:
        for column, cell in enumerate(row):
            lines.append(indent(list_item("- ", cell), 2) if column else
                         list_item("* - ", cell))
    return directive("list-table", options=options, content="".join(lines))
