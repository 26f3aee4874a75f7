"""Glossary: ``glossary-<n>.yaml`` -> ``includes/glossary/<n>.rst``, one sorted glossary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import COMMON_FIELDS, TEXT, Schema

FIELDS = {**COMMON_FIELDS, "term": TEXT, "definition": TEXT}


def _key(data: Mapping[str, Any], index: int) -> Any:
    return data.get("ref", data.get("term"))


SCHEMA = Schema("glossary", FIELDS, key=_key, key_required="term")


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    entries = []
    for item in source.items:
        term = " ".join(str(item.data.get("term", item.unit.key)).split())
        # an empty comment keeps a term without a definition a definition list entry
        entries.append((term, rst.block(item.data.get("definition", "")) or "..", 0))
    text = rst.directive("glossary", options=[("sorted", "")],
                         content=rst.definition_list(entries))
    first = source.items[0].unit.line if source.items else 1
    return [Output(f"{source.name}.rst", text, (source.path, first))]


GENERATOR = Generator("glossary", ("glossary-",), "glossary", SCHEMA, render)
