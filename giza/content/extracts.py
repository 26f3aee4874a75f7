"""Extracts: ``extracts-*.yaml`` -> ``includes/extracts/<ref>.rst``, one per unit."""

from __future__ import annotations

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import ACTION_FIELDS, COMMON_FIELDS, TEXT, TEXTS, Schema

FIELDS = {
    **COMMON_FIELDS, **ACTION_FIELDS,
    "only": TEXT, "style": TEXT,
    # append/prepend edit pages of the build copy in the reference tool; they are
    # accepted so existing files load, and ignored (see docs/source/generators).
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
        outputs.append(Output(f"{item.unit.key}.rst", body, (source.path, item.unit.line)))
    return outputs


GENERATOR = Generator("extracts", ("extracts-",), "extracts", SCHEMA, render)
