"""Tables of contents: ``toc-<n>``, ``ref-toc-<n>``, ``ref-spec-<n>``.

| input            | outputs under includes/toc/            |
| toc-<n>          | <n>.rst (toctree), dfn-list-<n>.rst    |
| ref-toc-<n>      | <n>.rst (toctree), table-<n>.rst       |
| ref-spec-<n>     | table-spec-<n>.rst                     |

``toc-spec-<n>.yaml`` is a toc file like any other, named ``spec-<n>`` (outputs
``spec-<n>.rst`` and ``dfn-list-spec-<n>.rst``), as in the original.

A toc or ref-toc file in which any unit inherits is a composition of other
files (a "spec" in the reference tool) and gets no toctree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import BOOL, COMMON_FIELDS, INT, TEXT, Convert, Schema
from giza.schema import Wrong


def _page(value: Any) -> str:
    # Toctree entries name documents: source-absolute, without a suffix.
    # Dots are fine (/reference/method/db.collection.find); a source suffix is not.
    text = TEXT.function(value)  # raises Wrong, so the message names a page path
    if not text.startswith("/") or text.endswith(("/", ".txt", ".rst")):
        raise Wrong(form=True)
    return text


PAGE = Convert("a page path that starts with '/' and has no .txt/.rst suffix "
               "(e.g. /tutorial/install)", _page)
FIELDS = {**COMMON_FIELDS, "file": PAGE, "name": TEXT, "description": TEXT, "level": INT,
          "text_only": BOOL}


def _key(data: Mapping[str, Any], index: int) -> Any:
    return data.get("ref", data.get("file"))


SCHEMA = Schema("toc", FIELDS, key=_key, key_required="file")


def _target(data: Mapping[str, Any]) -> str:
    return str(data.get("file", ""))


def toctree(items: list[Any], with_names: bool) -> str:
    entries = []
    for item in items:
        name, target = item.data.get("name"), _target(item.data)
        if not target or item.data.get("text_only"):
            continue
        entries.append(f"{name} <{target}>" if with_names and name else target)
    return rst.directive("toctree", options=[("titlesonly", ""), ("hidden", "")],
                         content="".join(f"{entry}\n" for entry in entries))


def link(data: Mapping[str, Any]) -> str:
    """The entry's name, linked to its file unless ``text_only`` or no file."""
    name, target = data.get("name"), _target(data)
    if data.get("text_only") or not target:
        return " ".join(str(name or target).split())
    if name and "`" in name:
        return " ".join(name.split())  # already a role such as :dbcommand:`find`
    return rst.role("doc", f"{' '.join(name.split())} <{target}>" if name else target)


def dfn_list(items: list[Any]) -> str:
    entries = [(link(item.data), item.data.get("description", ""),
                3 * (max(int(item.data.get("level", 1)), 1) - 1)) for item in items]
    return rst.join_blocks([rst.directive("rst-class", "toc"), rst.definition_list(entries)])


def table(items: list[Any]) -> str:
    rows = [["Name", "Description"]]
    rows += [[link(item.data), item.data.get("description", "")] for item in items]
    return rst.list_table(rows, widths=[30, 70])


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    items = source.items
    origin = (source.path, items[0].unit.line if items else 1)
    name = source.name
    spec = any(unit.base is not None for unit in source.units)
    outputs: list[Output] = []
    if source.prefix == "ref-spec-":
        return [Output(f"table-spec-{name}.rst", table(items), origin)]
    if not spec:
        outputs.append(Output(f"{name}.rst", toctree(items, source.prefix == "toc-"), origin))
    if source.prefix == "toc-":
        outputs.append(Output(f"dfn-list-{name}.rst", dfn_list(items), origin))
    else:
        outputs.append(Output(f"table-{name}.rst", table(items), origin))
    return outputs


GENERATOR = Generator("toc", ("toc-", "ref-toc-", "ref-spec-"), "toc", SCHEMA,
                      render)
