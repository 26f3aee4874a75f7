"""Options: files named ``option*.yaml`` -> one file per unit,
``includes/option/<directive>-<program>-<filename or name>.rst``.

A unit's identity is (program, name); a program starting with ``_`` (such as
``_shared``) is abstract.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from giza.content import rst
from giza.content.context import ContentContext
from giza.content.registry import Generator, Output, SourceFile
from giza.content.units import BOOL, COMMON_FIELDS, TEXT, TEXTS, Schema, as_list

FIELDS = {
    **COMMON_FIELDS,
    "program": TEXT, "name": TEXT, "directive": TEXT, "args": TEXTS, "aliases": TEXTS,
    "type": TEXT, "default": TEXT, "pre": TEXT, "description": TEXT, "content": TEXT,
    "post": TEXT, "filename": TEXT, "command": TEXT, "optional": BOOL,
}

DEFAULT_DIRECTIVE = "object"
OPTION_DIRECTIVES = ("option",)


def _key(data: Mapping[str, Any], index: int) -> tuple[str, str] | None:
    program, name = data.get("program"), data.get("name")
    if program is None or name is None:
        return None
    return (str(program), str(name))


def _base_key(source: Mapping[str, Any]) -> tuple[str, str] | None:
    return _key(source, 0)


def _show(key: Any) -> str:
    return f"{key[0]} {key[1]}" if isinstance(key, tuple) else str(key)


def _abstract(key: Any) -> bool:
    # only the program marks abstract units: option names such as `_id` are real
    return isinstance(key, tuple) and key[0].startswith("_")


SCHEMA = Schema("options", FIELDS, key=_key, base_key=_base_key, show=_show,
                abstract=_abstract, key_required="program' and 'name")


def _dashed(name: str) -> str:
    # `--name` unless the author already wrote the prefix or a placeholder form
    return name if name.startswith(("-", "<")) else f"--{name}"


def args_text(value: str | list[str] | None) -> str:
    """The ``args`` of a signature. ``args: [a|b]`` is a YAML flow sequence, which
    authors write meaning the bracketed text: it is written back as ``[a|b]``."""
    if isinstance(value, list):
        return f"[{', '.join(value)}]"
    return value or ""


def signature(data: Mapping[str, Any]) -> str:
    directive = data.get("directive", DEFAULT_DIRECTIVE)
    name = str(data["name"])
    args = f" {args_text(data.get('args'))}" if data.get("args") else ""
    if directive not in OPTION_DIRECTIVES:
        return name
    forms = [f"{_dashed(name)}{args}"]
    forms += [f"{alias}{args}" for alias in as_list(data.get("aliases"))]
    return ", ".join(forms)


def builtins(data: Mapping[str, Any]) -> dict[str, str]:
    directive = data.get("directive", DEFAULT_DIRECTIVE)
    name = str(data.get("name", ""))
    target = _dashed(name) if directive in OPTION_DIRECTIVES else name
    tokens = {"role": rst.role(directive, target)}
    if data.get("program"):
        tokens["program"] = rst.role("program", data["program"])
    if data.get("command"):
        tokens["command"] = rst.role("toolcommand", data["command"])
    return tokens


def render_option(data: Mapping[str, Any]) -> str:
    parts = []
    for field, label in (("type", "Type"), ("default", "Default")):
        if data.get(field):
            parts.append(f"{rst.emph(label)}: {data[field]}\n")
    for field in ("pre", "description", "content", "post"):
        parts.append(rst.block(data.get(field, "")))
    directive = data.get("directive", DEFAULT_DIRECTIVE)
    return rst.directive(directive, signature(data), content=rst.join_blocks(parts))


def output_name(data: Mapping[str, Any]) -> str:
    directive = data.get("directive", DEFAULT_DIRECTIVE)
    program = str(data["program"]).replace(" ", "-")
    return f"{directive}-{program}-{data.get('filename') or data['name']}.rst"


def render(source: SourceFile, ctx: ContentContext) -> list[Output]:
    return [Output(output_name(item.data), render_option(item.data),
                   (source.path, item.unit.line))
            for item in source.items]


GENERATOR = Generator("options", ("option",), "option", SCHEMA, render, builtins)
