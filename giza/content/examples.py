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
    type_name,
)
from giza.errors import ContentError
from giza.problems import warn

OPERATION_FIELDS = {"pre": TEXT, "code": TEXTS, "language": TEXT, "content": TEXT,
                    "literalinclude": TEXT, "post": TEXT}

FIELDS = {
    **COMMON_FIELDS,
    "collection": TEXT, "documents": ANY, "options": MAPPING,
    "title": TITLE, "pre": TEXT, "operation": BLOCKS, "results": TEXTS,
    # checked when rendered: the original ignored a collection's `content` of any shape
    # when show_collection is false (a real repository has a mapping there)
    "content": ANY, "post": TEXT, "final": TEXT,
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


def _check_content(items: list[Any], shown: bool) -> None:
    """`content` must be text where it is shown; on a collection that is not shown it is
    ignored whatever its shape, as in the original (a warning)."""
    for number, item in enumerate(items):
        content = item.data.get("content")
        if content is None:
            continue
        line = item.unit.lines.get("content", item.unit.line)
        where = f"{item.unit.path}:{line}: document {item.unit.index + 1}"
        if number == 0 and not shown:
            warn(f"{where}: content: the collection's content is not shown because "
                 f"options.show_collection is false; it is ignored, as the original giza did")
            item.data.pop("content")
        elif not isinstance(content, str | int | float) or isinstance(content, bool):
            raise ContentError(f"{where}: content: must be a string, not "
                               f"{type_name(content)}")
        else:
            item.data["content"] = str(content)  # `content: 3.6` is text


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
    _check_content(source.items, options.get("show_collection", True) is not False)
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
