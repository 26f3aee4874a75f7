"""reStructuredText for the generators, written through :class:`rstcloth.RstCloth`.

Every rST construct (headings, directives with options and content, code blocks, list
tables, field lists, definition lists, ``only`` blocks) is rendered by an RstCloth
instance writing into an :class:`io.StringIO`. :class:`Cloth` is the one place that
corrects rstcloth 0.6 where giza's output needs it; the helpers left hand-written
(:func:`block`, :func:`join_blocks`, :func:`join_units`, :func:`comment`) say why.

A rendered block is text ending in one newline; :func:`join_blocks` puts one blank
line between blocks, and a block is nested by passing it as a directive's content.
"""

from __future__ import annotations

import io
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from rstcloth import RstCloth

# Heading levels 1-6.
HEADING_CHARS = ("=", "-", "~", "`", "^", "'")

HTML_ONLY = "html or dirhtml or singlehtml"
NOT_HTML = "not (html or dirhtml or singlehtml)"

# Inline markup: rstcloth's own builders (``:name:`value```, ``*text*``, ````text````).
role = RstCloth.role
emph = RstCloth.emph
literal = RstCloth.pre


def text_width(text: str) -> int:
    """Display columns of ``text`` (East Asian wide characters count twice)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class Cloth(RstCloth):
    """An :class:`RstCloth` writing into a fresh :class:`io.StringIO`, with the fixes giza
    needs in rstcloth 0.6:

    - ``fill``: rstcloth reflows every paragraph, list item, field and directive line
      with :func:`textwrap.fill` at 72 columns. That joins the author's lines, breaks
      nested lists, code and directives inside directive content, and wraps long
      directive arguments and option values. Here each line is kept as written and only
      indented; blank and whitespace-only lines get no indentation (``line_width`` is
      unbounded so no argument or value is moved to its own line either).
    - ``heading``: rstcloth underlines with ``len(text)``; an East Asian wide character
      takes two columns, and docutils warns "Title underline too short" otherwise.
    - ``li`` and ``field`` with no text: rstcloth writes the space after the marker
      (``* - ``, ``:hidden: ``) and relied on textwrap to drop it.
    - :attr:`text`: rstcloth ends a directive that has content, and a list table, with a
      blank line; a giza block ends at its last line.
    """

    _stream: io.StringIO

    def __init__(self) -> None:
        super().__init__(io.StringIO(), line_width=sys.maxsize)

    def fill(self, text: str, initial_indent: int = 0, subsequent_indent: int = 0) -> str:
        first, *rest = text.splitlines(keepends=True) or [""]
        head = " " * initial_indent + first if first.strip() else first
        if not rest:
            return head
        pad = " " * subsequent_indent  # inlined: this runs for every line giza writes
        return head + "".join([pad + line if line.strip() else line for line in rest])

    def heading(self, text: str, char: str, overline: bool = False, indent: int = 0) -> None:
        underline = char * max(text_width(text), 1)
        lines = [underline, text, underline] if overline else [text, underline]
        self.content("\n".join(lines), indent=indent)

    def li(self, content: str | list[str], bullet: str = "-", indent: int = 0) -> None:
        if content:
            super().li(content, bullet=bullet, indent=indent)
        else:
            self.content(bullet, indent=indent)

    def field(self, name: str, value: str, indent: int = 0) -> None:
        if value:
            super().field(name, value, indent=indent)
        else:
            self.content(f":{name}:", indent=indent)

    @property
    def text(self) -> str:
        """What was written, without rstcloth's closing blank line."""
        data = self._stream.getvalue()  # ``data`` would seek and read the same text
        return data[:-1] if data.endswith("\n\n") else data


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
    """A section title on one line (runs of whitespace collapsed), underlined."""
    cloth = Cloth()
    cloth.heading(" ".join(text.split()), char)
    return cloth.text


def block(text: str) -> str:
    """Prose from YAML as a block: trailing whitespace trimmed, one final newline.

    Hand-written: this is the author's own rST passed through, not a construct
    rstcloth builds.
    """
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "\n".join(lines).strip("\n") + "\n" if any(lines) else ""


def join_blocks(blocks: Iterable[str]) -> str:
    """Blocks separated by exactly one blank line (empty blocks dropped).

    Hand-written: it composes blocks already rendered (each by its own RstCloth);
    rstcloth has no notion of optional blocks.
    """
    kept = [b if b.endswith("\n") else b + "\n" for b in blocks if b and b.strip()]
    return "\n".join(kept)


def join_units(blocks: Iterable[tuple[str, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """:func:`join_blocks` of ``(block, yaml line)`` pairs, with where each block starts:
    ``((first rST line, yaml line), ...)``, so a message about a line of the output can name
    the unit that wrote it. Hand-written for the same reason as :func:`join_blocks`."""
    kept = [(b if b.endswith("\n") else b + "\n", line) for b, line in blocks if b and b.strip()]
    starts: list[tuple[int, int]] = []
    at = 1
    for block, line in kept:
        starts.append((at, line))
        at += block.count("\n") + 1
    return "\n".join(block for block, _ in kept), tuple(starts)


def comment(text: str) -> str:
    """An rST comment (``.. text``). Hand-written: rstcloth 0.6 has no comment builder."""
    return f".. {text}\n"


def directive(name: str, argument: str = "", options: Iterable[tuple[str, str]] = (),
              content: str = "") -> str:
    """``.. name:: argument`` with ``:option: value`` lines and ``content`` (rST lines,
    each ending in a newline, e.g. other blocks) indented under it."""
    cloth = Cloth()
    cloth.directive(name, argument or None, fields=list(options),
                    content=content.removesuffix("\n") if content.strip() else None)
    return cloth.text


# The class put on a code block whose action says `copyable: false`.
NO_COPY_CLASS = "no-copy"


def code_block(code: str | list[str], language: str | None,
               options: Iterable[tuple[str, str]] = ()) -> str:
    """A ``code-block`` directive; code lines are kept verbatim (trailing spaces trimmed).

    RstCloth.codeblock takes no options (``:class: no-copy``), so this is its
    ``directive`` with fields and content.
    """
    text = "\n".join(code) if isinstance(code, list) else code
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return directive("code-block", language or "none", options, "\n".join(lines) + "\n")


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


def list_table(rows: list[list[str]], header_rows: int = 1, widths: list[int] | None = None
               ) -> str:
    """A ``list-table`` of cells holding rST text; ``header_rows`` is 0 or 1 (rstcloth's
    ``table_list`` writes at most one header row)."""
    if header_rows not in (0, 1):
        raise ValueError(f"list_table: header_rows must be 0 or 1, not {header_rows}")
    cells = [[block(cell).removesuffix("\n") for cell in row] for row in rows]
    cloth = Cloth()
    if not cells:  # table_list would still write the blank line that precedes rows
        options = [("header-rows", "1")] if header_rows else []
        cloth.directive("list-table", fields=options + ([("widths", " ".join(map(str, widths)))]
                                                        if widths else []))
        return cloth.text
    cloth.table_list(cells[0] if header_rows else None, cells[header_rows:],
                     widths=widths or None)
    return cloth.text


def field_list(fields: Iterable[tuple[str, str]]) -> str:
    """``:name: text`` lines; a text's further lines are indented three spaces."""
    cloth = Cloth()
    for name, text in fields:
        cloth.field(name, block(text).removesuffix("\n"))
    return cloth.text


def definition_list(entries: Iterable[tuple[str, str, int]]) -> str:
    """``(term, definition, indent)`` entries separated by blank lines; the definition is
    indented three spaces under its term, and a term without one stands alone."""
    cloth = Cloth()
    written = False
    for term, definition, indent in entries:
        body = block(definition).removesuffix("\n")
        if not term.strip() and not body:
            continue
        if written:
            cloth.newline()
        if body:
            cloth.definition(term, body, indent=indent)
        else:
            cloth.content(term, indent=indent)
        written = True
    return cloth.text
