"""Registry of generators: kind name -> input prefixes, output dir, renderer.

Built-in generators are listed in ``_BUILTIN``. A third party adds one with an
entry point in the ``giza.generators`` group whose object is a
:class:`Generator` (or a zero-argument callable returning one).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from giza.content.context import ContentContext
from giza.content.inheritance import Item
from giza.content.units import Schema, Unit
from giza.errors import ContentError

ENTRY_POINT_GROUP = "giza.generators"

_BUILTIN = ("steps", "extracts", "options", "toc", "apiargs", "release", "table",
            "examples", "glossary")


@dataclass(frozen=True)
class SourceFile:
    """One input file handed to a generator."""

    path: Path  # as shown in messages
    prefix: str  # the matched prefix, e.g. "ref-toc-"
    name: str  # file name after the prefix, without ".yaml"
    units: list[Unit]  # edition-selected units, abstract ones included
    items: list[Item]  # concrete units, resolved and rendered, in file order


@dataclass(frozen=True)
class Output:
    """One generated file: ``name`` is relative to the generator's output dir."""

    name: str
    text: str
    origin: tuple[Path, int]  # (yaml file, line of the unit that produced it)
    # Pages of the build copy that include this output: ("append"|"prepend", page path
    # relative to the source dir, leading "/" allowed), applied after generation.
    edits: tuple[tuple[str, str], ...] = ()
    # ((first rST line, yaml line), ...) where the output joins several units
    lines: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Generator:
    kind: str
    prefixes: tuple[str, ...]
    output_dir: str  # relative to <proxy>/includes
    schema: Schema
    render: Callable[[SourceFile, ContentContext], list[Output]]
    # per-kind placeholder values computed from a unit's fields ({{role}}, ...)
    builtins: Callable[[Mapping[str, Any]], Mapping[str, str]] | None = None


def _load_entry_point(obj: Any) -> Generator:
    generator = obj() if callable(obj) and not isinstance(obj, Generator) else obj
    if not isinstance(generator, Generator):
        raise ContentError(f"entry point in {ENTRY_POINT_GROUP} is not a giza Generator: "
                           f"{obj!r}")
    return generator


@functools.cache
def generators() -> dict[str, Generator]:
    """Every registered generator by kind (built-ins first, then entry points)."""
    found: dict[str, Generator] = {}
    for module_name in _BUILTIN:
        module = importlib.import_module(f"giza.content.{module_name}")
        found[module.GENERATOR.kind] = module.GENERATOR
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        generator = _load_entry_point(entry.load())
        found.setdefault(generator.kind, generator)
    return found


def kinds() -> list[str]:
    return sorted(generators())


def output_dirs() -> list[str]:
    return sorted({f"includes/{g.output_dir}" for g in generators().values()})


def match(file_name: str, candidates: Mapping[str, Generator] | None = None
          ) -> tuple[Generator, str] | None:
    """The generator of a ``*.yaml`` file name: the longest matching prefix wins.

    A name two prefixes match goes to the longer one (``toc-spec-x.yaml`` has no prefix
    of its own: it is the toc ``spec-x``, as in the original); prefixes of different
    kinds never nest, so the file maps to one kind.
    """
    if not file_name.endswith(".yaml"):
        return None
    best: tuple[Generator, str] | None = None
    for generator in (candidates or generators()).values():
        for prefix in generator.prefixes:
            if file_name.startswith(prefix) and (best is None or len(prefix) > len(best[1])):
                best = (generator, prefix)
    return best
