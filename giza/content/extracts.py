"""Extracts: ``extracts-*.yaml`` -> ``includes/extracts/<ref>.rst``, one per unit."""

from __future__ import annotations

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import ACTION_FIELDS, COMMON_FIELDS, TEXT, TEXTS, Schema

FIELDS = {
    **COMMON_FIELDS, **ACTION_FIELDS,
    "only": TEXT, "style": TEXT,
    # pages (source-absolute paths) of the build copy that get an include of this extract
    "append": TEXTS, "prepend": TEXTS,
}

SCHEMA = Schema("extracts", FIELDS, key_required="ref")

DEFAULT_LEVEL = 2


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    outputs = []
    for item in source.items:
        data = item.data
        body = rst.render_action(data, DEFAULT_LEVEL)
        if data.get("style"):
            body = rst.join_blocks([rst.directive("rst-class", data["style"]), body])
        if data.get("only"):
            body = rst.only(data["only"], body)
        edits = tuple((mode, page) for mode in ("prepend", "append")
                      for page in _pages(data.get(mode)))
        outputs.append(Output(f"{item.unit.key}.rst", body, (source.path, item.unit.line),
                              edits))
    return outputs


def _pages(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


GENERATOR = Generator("extracts", ("extracts-",), "extracts", SCHEMA, render)
