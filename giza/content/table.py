"""Tables: ``table-<n>.yaml`` -> ``includes/table/<n>.rst``, an rST list-table.

Three kinds of documents, told apart by ``section``:

- ``section: layout`` - ``header`` (a list of cell references) and ``rows`` (each a
  list of cell references, or a one-key mapping ``{<row number>: [refs]}``),
  optional ``widths``, ``title``;
- ``section: meta`` and ``section: content`` - keys holding cell text.

A cell reference is ``meta.<key>`` or ``content.<key>``; anything else is
literal cell text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import ANY, COMMON_FIELDS, TEXT, Schema, Unit
from giza.errors import ContentError


def _key(data: Mapping[str, Any], index: int) -> Any:
    return data.get("ref", data.get("section"))


class _OpenFields(dict):
    """meta/content documents hold arbitrary keys: every key is cell text."""

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(key, ANY if isinstance(key, str) else default)


FIELDS = _OpenFields({**COMMON_FIELDS, "section": TEXT})

SCHEMA = Schema("table", FIELDS, key=_key, key_required="section")


def _cell(reference: Any, cells: Mapping[str, Mapping[str, Any]], unit: Unit) -> str:
    text = str(reference)
    section, _, key = text.partition(".")
    if section in ("meta", "content") and key:
        values = cells.get(section, {})
        if key not in values:
            raise ContentError(f"{unit.path}:{unit.line}: table layout refers to "
                               f"'{text}', which the {section} document does not define")
        return str(values[key])
    return text


def _row_cells(row: Any) -> list[Any]:
    if isinstance(row, Mapping) and len(row) == 1:
        return list(next(iter(row.values())))
    return list(row) if isinstance(row, list) else [row]


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    by_section = {str(item.data.get("section")): item for item in source.items}
    layout = by_section.get("layout")
    if layout is None:
        raise ContentError(f"{source.path}:1: table file has no 'section: layout' document")
    skip = set(COMMON_FIELDS) | {"section"}
    cells = {name: {k: v for k, v in item.data.items() if k not in skip}
             for name, item in by_section.items() if name in ("meta", "content")}
    unit = layout.unit
    header = [_cell(ref, cells, unit) for ref in layout.data.get("header", [])]
    rows = [[_cell(ref, cells, unit) for ref in _row_cells(row)]
            for row in layout.data.get("rows", [])]
    width = max([len(header), *(len(row) for row in rows)], default=0)
    for row in ([header] if header else []) + rows:
        if len(row) != width:
            raise ContentError(f"{unit.path}:{unit.line}: table rows must all have "
                               f"{width} cells; one has {len(row)}")
    widths = layout.data.get("widths")
    body = rst.list_table(([header] if header else []) + rows, header_rows=1 if header else 0,
                          widths=[int(w) for w in widths] if widths else None)
    title = layout.data.get("title")
    if title:
        body = rst.join_blocks([rst.heading(*rst.title_parts(title, 3)), body])
    return [Output(f"{source.name}.rst", body, (source.path, unit.line))]


GENERATOR = Generator("table", ("table-",), "table", SCHEMA, render)
