"""Examples: ``examples-<n>.yaml`` -> ``includes/examples/<n>.rst``.

The first unit describes the collection (``collection``, ``documents``,
``options``); each following unit is one example case with ``operation`` blocks
and ``results``. A file whose first unit has ``options: {base_file: true}`` is
only an inheritance source and is not emitted. A case with ``edition: E`` can
also be inherited as ``<ref>-<E>``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import (
    ANY,
    BLOCKS,
    COMMON_FIELDS,
    MAPPING,
    TEXT,
    TEXTS,
    TITLE,
    Schema,
    as_list,
)
from giza.errors import ContentError
from giza.problems import warn

OPERATION_FIELDS = {"pre": TEXT, "code": TEXTS, "language": TEXT, "content": TEXT,
                    "literalinclude": TEXT, "post": TEXT}

FIELDS = {
    **COMMON_FIELDS,
    "collection": TEXT, "documents": ANY, "options": MAPPING,
    "title": TITLE, "pre": TEXT, "operation": BLOCKS, "results": TEXTS,
    "content": TEXT, "post": TEXT, "final": TEXT,
}

# a case with `edition: E` can be inherited as `<ref>-<E>` (reference behaviour)
SCHEMA = Schema("examples", FIELDS, nested={"operation": OPERATION_FIELDS},
                edition_refs=True)

CASE_LEVEL = 3
TITLE_LEVEL = 2


def _document(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def collection_block(data: Mapping[str, Any]) -> str:
    """pre, content (unless ``show_collection: false``), the documents as a javascript
    block (one per line), post, final: the reference tool's order."""
    parts = [rst.block(data.get("pre", ""))]
    options = data.get("options") or {}
    if options.get("show_collection", True):
        parts.append(rst.block(data.get("content", "")))
    documents = as_list(data.get("documents"))
    if documents:
        lines = "\n".join(_document(doc).strip() for doc in documents)
        parts.append(rst.code_block(lines, "javascript"))
    parts += [rst.block(data.get("post", "")), rst.block(data.get("final", ""))]
    return rst.join_blocks(parts)


def operation_block(block: Mapping[str, Any]) -> str:
    parts = [rst.block(block.get("pre", ""))]
    if block.get("code"):
        parts.append(rst.code_block(block["code"], block.get("language")))
    parts.append(rst.block(block.get("content", "")))
    if block.get("literalinclude"):
        options = [("language", block["language"])] if block.get("language") else []
        parts.append(rst.directive("literalinclude", block["literalinclude"], options))
    parts.append(rst.block(block.get("post", "")))
    return rst.join_blocks(parts)


def case_block(data: Mapping[str, Any], show_title: bool) -> str:
    parts = []
    if show_title and data.get("title"):
        parts.append(rst.heading(*rst.title_parts(data["title"], CASE_LEVEL)))
    parts.append(rst.block(data.get("pre", "")))
    operations = as_list(data.get("operation"))
    parts += [operation_block(block) for block in operations]
    # `post` introduces the results ("The operation returns:"), `final` follows them
    parts.append(rst.block(data.get("post", "")))
    if data.get("results"):
        language = next((b.get("language") for b in operations if b.get("language")), None)
        parts.append(rst.code_block(data["results"], language))
    parts.append(rst.block(data.get("final", "")))
    return rst.join_blocks(parts)


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    if not source.items:
        return []
    head = source.items[0]
    if "collection" not in head.data:
        raise ContentError(f"{head.unit.where()}: the first unit of an examples file must "
                           f"have 'collection'")
    options = head.data.get("options") or {}
    if options.get("base_file"):
        return []
    if options.get("show_collection", True) is False and head.data.get("content"):
        line = head.unit.lines.get("content", head.unit.line)
        warn(f"{head.unit.path}:{line}: field 'content' of the collection is not shown "
             f"because options.show_collection is false; it is ignored, as the original "
             f"giza did")
    cases = source.items[1:]
    for case in cases:
        if not case.data.get("operation"):
            raise ContentError(f"{case.unit.where()}: example '{case.unit.ref}' has no "
                               f"'operation'")
    parts = []
    if options.get("show_title", True):
        parts.append(rst.heading("Examples" if len(cases) > 1 else "Example",
                                 rst.heading_char(TITLE_LEVEL)))
    parts.append(collection_block(head.data))
    parts += [case_block(case.data, len(cases) > 1) for case in cases]
    return [Output(f"{source.name}.rst", rst.join_blocks(parts), (source.path, head.unit.line))]


GENERATOR = Generator("examples", ("examples-",), "examples", SCHEMA, render)
