"""Release snippets: ``release-*.yaml`` -> ``includes/release/<ref>.rst``, one per unit.

``{{version}}``, ``{{branch}}`` and ``{{stable}}`` come from the build context.
"""

from __future__ import annotations

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import ACTION_FIELDS, COMMON_FIELDS, Schema

SCHEMA = Schema("release", {**COMMON_FIELDS, **ACTION_FIELDS}, key_required="ref")

DEFAULT_LEVEL = 3


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    return [Output(f"{item.unit.key}.rst", rst.render_action(item.data, DEFAULT_LEVEL),
                   (source.path, item.unit.line))
            for item in source.items]


GENERATOR = Generator("release", ("release-",), "release", SCHEMA, render)
