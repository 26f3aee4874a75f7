"""Content units: loading multi-document YAML files, field checks, edition filtering.

A *unit* is one YAML document of a generator file (a step, an extract, an
option...). This module turns a file into validated units; inheritance and
rendering live in :mod:`giza.content.inheritance`.

Paths in messages: a file under the project root is shown relative to it, any
other file as an absolute path (:func:`display_path`, :func:`giza.errors.shown`).
Documents are numbered from 1 in messages ("document 1" is the first).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giza.errors import ContentError, shown
from giza.problems import warn
from giza.schema import Convert, Wrong, type_name
from giza.yamlfile import Node, NodeList, iter_documents

Key = Any  # a str for most kinds, a (program, name) tuple for options


def display_path(path: Path) -> Path:
    """``path`` as messages show it (:func:`giza.errors.shown`), as a Path."""
    return Path(shown(os.path.abspath(path)))


def iter_yaml(path: Path, shown: Path) -> Iterator[tuple[int, int, Any]]:
    """Yield ``(index, line, data)`` per document; errors name ``shown``."""
    try:
        for doc in iter_documents(path, error=ContentError, label=shown):
            for dup in doc.duplicates:
                warn(f"{shown}:{dup.line}: document {doc.index + 1}: key '{dup.key}' is "
                     f"given twice; the later value is used; the earlier one, at line "
                     f"{dup.first}, is lost")
            yield doc.index, doc.line, doc.data
    except ContentError as exc:
        hint = _conflict_hint(path) if "YAML syntax error" in str(exc) else ""
        if hint:
            raise ContentError(f"{exc}{hint}") from None
        raise


_CONFLICT_MARKER = re.compile(r"^(<{7}|>{7})(?= |$)", re.MULTILINE)


def _conflict_hint(path: Path) -> str:
    """Why a file does not parse, when it still holds a merge conflict."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    found = _CONFLICT_MARKER.search(text)
    if found is None:
        return ""
    line = text.count("\n", 0, found.start()) + 1
    return (f" (line {line} starts with the merge conflict marker '{found.group(1)}': "
            f"resolve the conflict)")


# -- field checks --------------------------------------------------------------

def _scalar_text(value: Any) -> str:
    # Authors write `default: 27017` or `version: 3.6`; those are text to us.
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise Wrong()


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Wrong()
    return [_scalar_text(item) for item in value]


def _text_or_strings(value: Any) -> str | list[str]:
    return _strings(value) if isinstance(value, list) else _scalar_text(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Wrong()
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise Wrong()
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise Wrong()


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Wrong()
    return value


def _title(value: Any) -> str | Mapping[str, Any]:
    if isinstance(value, Mapping):
        if "text" not in value:
            raise Wrong()
        for key in value:
            if key not in ("text", "character", "level"):
                raise Wrong()
        if "level" in value:
            _integer(value["level"])
        if "character" in value and not (isinstance(value["character"], str)
                                         and value["character"]):
            raise Wrong()
        return value
    return _scalar_text(value)


def _token_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise Wrong()
    return {str(key): _scalar_text(item) for key, item in value.items()}


def _any(value: Any) -> Any:
    return value


TEXT = Convert("a string", _scalar_text)
TEXTS = Convert("a string or a list of strings", _text_or_strings)
STRINGS = Convert("a list of strings", _strings)
BOOL = Convert("a boolean", _boolean)
INT = Convert("an integer", _integer)
MAPPING = Convert("a mapping", _mapping)
TITLE = Convert("a string or a mapping {text, character|level}", _title)
TOKENS = Convert("a mapping of names to strings", _token_map)
ANY = Convert("anything", _any)


def _mapping_or_list(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, Mapping):
            raise Wrong()
    return items


BLOCKS = Convert("a mapping or a list of mappings", _mapping_or_list)

# Fields every inheritable unit may carry.
COMMON_FIELDS: dict[str, Convert] = {
    "ref": TEXT,
    "edition": TEXTS,
    "replacement": TOKENS,
    "inherit": MAPPING,
    "source": MAPPING,
}

# An "action": a heading, prose and a code block (steps actions, extracts, release).
ACTION_FIELDS: dict[str, Convert] = {
    "heading": TITLE,
    "title": TITLE,
    "pre": TEXT,
    "code": TEXTS,
    "language": TEXT,
    "copyable": BOOL,
    "content": TEXT,
    "post": TEXT,
}


@dataclass(frozen=True)
class Schema:
    """How one kind's units are checked and identified."""

    kind: str
    fields: Mapping[str, Convert]
    # identity of a unit inside its file; None means "no identity" (an error
    # for kinds whose outputs are named after it, see ``key_required``)
    key: Callable[[Mapping[str, Any], int], Key | None] = (
        lambda data, index: data.get("ref"))
    # identity named by an inherit/source mapping
    base_key: Callable[[Mapping[str, Any]], Key | None] = (
        lambda source: source.get("ref"))
    show: Callable[[Key], str] = str
    abstract: Callable[[Key], bool] = (
        lambda key: isinstance(key, str) and key.startswith("_"))
    # nested mappings checked field by field (e.g. steps' action)
    nested: Mapping[str, Mapping[str, Convert]] = field(default_factory=dict)
    key_required: str | None = None  # field name to mention when key is missing
    # a unit with editions is also named ``<key>-<edition>`` (each of its editions)
    # when inherited, so a base can pick one edition's unit among same-ref units
    edition_refs: bool = False


@dataclass(eq=False)
class Unit:
    """One document of a generator file, validated and edition-filtered."""

    schema: Schema
    path: Path  # as shown in messages (see display_path)
    index: int  # 0-based position in the file
    line: int  # 1-based line where the document starts
    key: Key
    data: dict[str, Any]  # checked, converted fields (inherit/source removed)
    lines: Mapping[str, int]  # line of each field the unit itself sets
    editions: frozenset[str] | None
    base: Mapping[str, Any] | None = None  # its inherit/source mapping
    base_line: int = 0

    @property
    def ref(self) -> str:
        return self.schema.show(self.key)

    @property
    def abstract(self) -> bool:
        return self.schema.abstract(self.key)

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _check_fields(data: Mapping[str, Any], fields: Mapping[str, Convert], schema: Schema,
                  shown: Path, index: int, ref: str, context: str = ""
                  ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lines = data.key_lines if isinstance(data, Node) else {}
    base_line = data.line if isinstance(data, Node) else 0
    for key, value in data.items():
        line = lines.get(key, base_line)
        check = fields.get(key)
        if check is None:
            # The original read the fields it knew and ignored the rest.
            valid = ", ".join(sorted(fields))
            warn(f"{shown}:{line}: document {index + 1}: {key}: unknown key in "
                 f"{schema.kind} unit '{ref}'{context} is ignored; valid keys: {valid}")
            continue
        if value is None:
            # `args: null`: the field is unset, as in the reference tool (a null
            # in a child clears what the base set; generators never see it)
            out[key] = None
            continue
        try:
            converted = check.function(value)  # the hot path of generation: one call
        except Wrong as wrong:
            problem = check.problem(value, wrong)
            if key in schema.nested and not context:
                # `action: |` (text where a mapping belongs): the original dropped it.
                warn(f"{shown}:{line}: document {index + 1}: {key}: {problem}; it is "
                     f"ignored, as the original giza did")
                continue
            raise ContentError(
                f"{shown}:{line}: document {index + 1}: {key}: {problem}") from None
        nested = schema.nested.get(key) if not context else None
        if nested is not None:
            blocks = converted if isinstance(converted, list) else [converted]
            checked = [
                _check_fields(block, nested, schema, shown, index, ref,
                              f" ({key} {number})")
                for number, block in enumerate(blocks, 1)]
            converted = checked if isinstance(value, list) else checked[0]
        out[key] = converted
    return out


def parse_unit(schema: Schema, shown: Path, index: int, line: int, data: Any) -> Unit:
    """Check one document and make it a :class:`Unit`."""
    if data is None:
        raise ContentError(f"{shown}:{line}: document {index + 1} is empty")
    if not isinstance(data, Mapping):
        raise ContentError(f"{shown}:{line}: document {index + 1} must be a mapping, "
                           f"not {type_name(data)}")
    if isinstance(data, Node) and data.line:
        line = data.line
    raw_key = _safe_key(schema, data, index)
    ref = schema.show(raw_key) if raw_key is not None else f"#{index + 1}"
    fields = _check_fields(data, schema.fields, schema, shown, index, ref)
    base = fields.pop("inherit", None)
    source = fields.pop("source", None)
    base = base if base is not None else source
    lines = data.key_lines if isinstance(data, Node) else {}
    base_line = lines.get("inherit", lines.get("source", line))
    if base is not None:
        _check_base(schema, base, shown, base_line, index,
                    "inherit" if "inherit" in lines or "inherit" in data else "source")
    key = schema.key(fields, index)
    if key is None and base is not None:
        # a child without its own ref takes the base's (reference behaviour)
        key = schema.base_key(base)
    if key is None:
        if schema.key_required:
            raise ContentError(f"{shown}:{line}: document {index + 1}: {schema.kind} unit "
                               f"has no '{schema.key_required}'")
        key = f"#{index + 1}"
    edition = fields.pop("edition", None)
    editions = None
    if edition is not None:
        editions = frozenset([edition] if isinstance(edition, str) else edition)
    return Unit(schema, shown, index, line, key, fields, lines, editions, base, base_line)


def _safe_key(schema: Schema, data: Mapping[str, Any], index: int) -> Key | None:
    try:
        return schema.key(data, index)
    except Exception:  # malformed identity fields are reported by the checks
        return None


def _check_base(schema: Schema, base: Mapping[str, Any], shown: Path, line: int,
                index: int, name: str) -> None:
    # Hand-written: what names the base unit differs per kind (schema.base_key).
    wanted = base.get("file")
    if not isinstance(wanted, str) or not wanted:
        raise ContentError(f"{shown}:{line}: document {index + 1}: {name}.file: must be a "
                           f"string, not {type_name(wanted)}")
    if schema.base_key(base) is None:
        raise ContentError(f"{shown}:{line}: document {index + 1}: {name}: names no "
                           f"{schema.kind} unit (keys: {', '.join(map(str, base))})")


def wanted_editions_overlap(first: frozenset[str] | None, second: frozenset[str] | None
                            ) -> str | None:
    """The edition label two same-ref units collide on, or None if disjoint."""
    if first is None and second is None:
        return "(all)"
    if first is None or second is None:
        shared = first or second
    else:
        shared = first & second
    return min(shared) if shared else None


def applies(unit: Unit, edition: str | None) -> bool:
    """Whether ``unit`` is built for ``edition`` (None: the build has no edition)."""
    return edition is None or unit.editions is None or edition in unit.editions


def select_units(units: list[Unit], edition: str | None) -> list[Unit]:
    """Keep units of ``edition`` and reject a ref defined twice for one edition.

    A unit is kept when it has no edition, when the build has none, or when the
    build's edition is among its editions. Without a build edition, a later
    unit with the same ref but disjoint editions is dropped (the first wins).
    """
    kept: list[Unit] = []
    first: dict[Key, list[Unit]] = {}
    for unit in units:
        if not applies(unit, edition):
            continue
        earlier = first.setdefault(unit.key, [])
        clash = None
        for prior in earlier:
            label = edition if edition is not None else wanted_editions_overlap(
                prior.editions, unit.editions)
            if label is not None:
                clash = (prior, label)
                break
        if clash is not None:
            prior, label = clash
            raise ContentError(f"{unit.path}:{unit.line}: ref '{unit.ref}' is defined twice "
                               f"for edition '{label}' (first at line {prior.line})")
        earlier.append(unit)
        if len(earlier) == 1:
            kept.append(unit)
    return kept


def parse_units(path: Path, schema: Schema) -> list[Unit]:
    """Every unit of ``path``, checked, before edition selection."""
    shown = display_path(path)
    return [parse_unit(schema, shown, index, line, data)
            for index, line, data in iter_yaml(path, shown)]


def load_units(path: Path, schema: Schema, edition: str | None) -> list[Unit]:
    """Every unit of ``path`` that applies to ``edition``, in file order."""
    return select_units(parse_units(path, schema), edition)


def as_list(value: Any) -> list[Any]:
    """``value`` as a list (a lone value becomes a one-item list, None empty)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


__all__ = [
    "ACTION_FIELDS", "ANY", "BLOCKS", "BOOL", "COMMON_FIELDS", "Convert", "INT", "MAPPING",
    "NodeList", "STRINGS", "Schema", "TEXT", "TEXTS", "TITLE", "TOKENS", "Unit", "applies",
    "as_list", "display_path", "iter_yaml", "load_units", "parse_unit", "parse_units",
    "select_units", "type_name",
]
