"""API argument tables: ``apiargs-<n>.yaml`` -> ``includes/apiargs/<n>.rst``.

An HTML-only list-table (name, optional type, description) followed by a
non-HTML field list (``:param <type> <name>: <description>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import BOOL, COMMON_FIELDS, INT, TEXT, TEXTS, Schema, as_list

FIELDS = {
    **COMMON_FIELDS,
    "name": TEXT, "arg_name": TEXT, "type": TEXTS, "description": TEXT, "optional": BOOL,
    "pre": TEXT, "post": TEXT, "position": INT, "interface": TEXT, "operation": TEXT,
}

ARG_NAMES = {"param": "Parameter", "field": "Field", "arg": "Argument", "option": "Option",
             "flag": "Flag"}
# `interface` -> the role of {{role}}; real files say `dbcommand` as often as `command`
ROLES = {"command": "dbcommand", "dbcommand": "dbcommand", "method": "method",
         "phpmethod": "phpmethod"}
OPTIONAL = "Optional."


def _key(data: Mapping[str, Any], index: int) -> Any:
    return data.get("name", data.get("ref"))


def _base_key(source: Mapping[str, Any]) -> Any:
    return source.get("name", source.get("ref"))


SCHEMA = Schema("apiargs", FIELDS, key=_key, base_key=_base_key, key_required="name")


def type_text(data: Mapping[str, Any]) -> str:
    """``string``, ``string or document``, ``string, document, or array``."""
    kinds = [str(kind) for kind in as_list(data.get("type"))]
    if len(kinds) <= 2:
        return " or ".join(kinds)
    return ", ".join(kinds[:-1]) + ", or " + kinds[-1]


def builtins(data: Mapping[str, Any]) -> dict[str, str]:
    interface, operation = data.get("interface"), data.get("operation")
    tokens = {"type": type_text(data),
              "argname": ARG_NAMES.get(data.get("arg_name", "param"), "Parameter").lower()}
    if operation:
        role = ROLES.get(str(interface), "samp")
        tokens["role"] = f":{role}:`{operation}`"
    return tokens


def description(data: Mapping[str, Any]) -> str:
    """The description with one leading "Optional." when the argument is optional."""
    text = rst.block(data.get("description", "")).strip()
    optional = bool(data.get("optional"))
    if text.startswith(OPTIONAL):
        optional, text = True, text[len(OPTIONAL):].lstrip()
    if optional:
        text = f"{OPTIONAL} {text}".rstrip()
    return rst.join_blocks([rst.block(data.get("pre", "")), rst.block(text),
                            rst.block(data.get("post", ""))])


def ordered(items: list[Any]) -> list[Any]:
    if items and all(item.data.get("position") is not None for item in items):
        return sorted(items, key=lambda item: item.data["position"])
    return list(items)


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    items = ordered(source.items)
    origin = (source.path, source.items[0].unit.line if source.items else 1)
    if not items:
        return [Output(f"{source.name}.rst", "", origin)]
    kind = ARG_NAMES.get(items[0].data.get("arg_name", "param"), "Parameter")
    typed = any(item.data.get("type") for item in items)
    header = [kind, "Type", "Description"] if typed else [kind, "Description"]
    rows = [header]
    fields = []
    for item in items:
        name, types = str(item.data.get("name", item.unit.key)), type_text(item.data)
        text = description(item.data)
        rows.append([rst.literal(name), types, text] if typed else [rst.literal(name), text])
        fields.append((f"param {types} {name}" if types else f"param {name}", text))
    table = rst.list_table(rows, widths=[20, 20, 80] if typed else [20, 80])
    text = rst.join_blocks([rst.only(rst.HTML_ONLY, table),
                            rst.only(rst.NOT_HTML, rst.field_list(fields))])
    return [Output(f"{source.name}.rst", text, origin)]


GENERATOR = Generator("apiargs", ("apiargs-",), "apiargs", SCHEMA, render, builtins)
