"""Inheritance across files, cycle detection, and ``{{placeholder}}`` rendering.

A unit names its base with ``inherit:`` or ``source:`` ``{file, ref}``. The base
is resolved first (chains of any depth, walked iteratively so depth is never a
recursion problem), then every top-level field the child sets replaces the
base's, except ``replacement``, whose dicts merge with the child's keys winning.

Kinds whose schema sets ``edition_refs`` (examples) also accept ``<ref>-<E>`` as
a base ref: the unit ``ref`` carrying edition ``E``.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from giza.content.context import ContentContext
from giza.content.units import (
    Key,
    Schema,
    Unit,
    applies,
    display_path,
    parse_units,
    select_units,
)
from giza.errors import ContentError
from giza.problems import warn

MAX_ROUNDS = 10
# Fields that are identity or bookkeeping, never text to render.
_NOT_RENDERED = frozenset({"ref", "replacement"})
_PLACEHOLDER = re.compile(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)")
# The inside of `{{ name }}`, the common case, substituted without Jinja2 (same
# result: the token's text); other expressions (filters, `{{-`) go to Jinja2.
_SIMPLE_INSIDE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*")
# A Jinja2 statement or comment: the whole text is rendered as one template
# (`{{#each}}` is Handlebars, not a `{#` comment).
_STATEMENT = re.compile(r"\{%|(?<!\{)\{#")

_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)

# What the original rendered with: a missing name is an empty string.
_LENIENT = jinja2.Environment(keep_trailing_newline=True, autoescape=False)


@functools.lru_cache(maxsize=8192)
def _template(text: str) -> jinja2.Template:
    # Inherited text is rendered once per child: compile each distinct string once.
    return _ENV.from_string(text)


@dataclass
class _File:
    path: Path
    units: list[Unit]
    by_key: dict[Key, Unit]
    # "<key>-<edition>" -> unit, for kinds with Schema.edition_refs
    by_edition_ref: dict[Key, Unit]


def edition_refs(units: list[Unit], edition: str | None) -> dict[Key, Unit]:
    """``<key>-<E>`` for each edition E of each unit built for ``edition``.

    Units dropped by :func:`select_units` (a later same-ref unit of other
    editions, in a build without an edition) are included: naming the edition
    is how such a unit is reached. Same-ref units that share an edition were
    already rejected, so every name is unique.
    """
    found: dict[Key, Unit] = {}
    for unit in units:
        if unit.editions is None or not isinstance(unit.key, str) or not applies(unit, edition):
            continue
        for name in sorted(unit.editions):
            found.setdefault(f"{unit.key}-{name}", unit)
    return found


@dataclass(frozen=True)
class Item:
    """A unit after inheritance and rendering: ``data`` is what generators use."""

    unit: Unit
    data: dict[str, Any]


class Resolver:
    """Loads generator files on demand and resolves units across them."""

    def __init__(self, ctx: ContentContext) -> None:
        self.ctx = ctx
        self.includes_dir = Path(ctx.includes_dir)
        self._files: dict[tuple[str, Path], _File] = {}
        self._resolved: dict[int, dict[str, Any]] = {}  # id(unit) -> merged fields
        self._base_tokens = {**ctx.builtin_tokens(), **ctx.replacements}
        self._found: dict[str, Path | None] = {}

    # -- files -----------------------------------------------------------------

    def load(self, path: Path, schema: Schema) -> list[Unit]:
        """The edition-selected units of ``path`` (loaded once per kind)."""
        return self._load(path, schema).units

    def _load(self, path: Path, schema: Schema) -> _File:
        cache_key = (schema.kind, path)
        loaded = self._files.get(cache_key)
        if loaded is None:
            parsed = parse_units(path, schema)
            units = select_units(parsed, self.ctx.edition)
            aliases = edition_refs(parsed, self.ctx.edition) if schema.edition_refs else {}
            loaded = _File(path, units, {unit.key: unit for unit in units}, aliases)
            self._files[cache_key] = loaded
        return loaded

    def loaded_paths(self) -> list[str]:
        """Absolute paths of every file read so far (inputs and inheritance bases)."""
        return sorted({os.path.abspath(path) for _, path in self._files})

    def find_file(self, wanted: str) -> Path | None:
        """``wanted`` under includes_dir: as given, or any trailing part of it.

        Authors write ``steps-a.yaml``, ``/includes/steps-a.yaml`` or
        ``source/includes/steps-a.yaml``; all name the same file.
        """
        if wanted in self._found:
            return self._found[wanted]
        found = None
        parts = Path(wanted.lstrip("/")).parts
        roots = [self.includes_dir]
        if self.ctx.migrated_dir is not None:
            roots.append(Path(self.ctx.migrated_dir))
        for start in range(len(parts)):
            candidates = [root.joinpath(*parts[start:]) for root in roots]
            found = next((c for c in candidates if c.is_file()), None)
            if found is not None:
                break
        self._found[wanted] = found
        return found

    # -- inheritance -------------------------------------------------------------

    def _base_of(self, unit: Unit) -> Unit:
        assert unit.base is not None
        wanted_file = str(unit.base["file"])
        path = self.find_file(wanted_file)
        if path is None:
            raise ContentError(
                f"{unit.path}:{unit.base_line}: unit '{unit.ref}' inherits from "
                f"'{wanted_file}', which does not exist under "
                f"{display_path(self.includes_dir)}{self._file_hint(wanted_file, unit)}")
        target = self._load(path, unit.schema)
        wanted = unit.schema.base_key(unit.base)
        base = target.by_key.get(wanted)
        by_edition = target.by_edition_ref.get(wanted)
        if base is not None and by_edition is not None:
            raise ContentError(
                f"{unit.path}:{unit.base_line}: unit '{unit.ref}' inherits from ref "
                f"'{unit.schema.show(wanted)}' in {display_path(path)}, which is ambiguous: "
                f"the unit at line {base.line}, or edition "
                f"'{str(wanted)[len(by_edition.ref) + 1:]}' of the unit '{by_edition.ref}' "
                f"at line {by_edition.line}")
        base = base if base is not None else by_edition
        if base is None:
            raise ContentError(
                f"{unit.path}:{unit.base_line}: unit '{unit.ref}' inherits from ref "
                f"'{unit.schema.show(wanted)}' in {display_path(path)}, which has no such "
                f"unit{_ref_hint(unit.schema, list(target.by_key))}")
        return base

    def _file_hint(self, wanted: str, unit: Unit) -> str:
        """"; did you mean '<file>'?" for a close name in the includes dir."""
        try:
            names = sorted(entry.name for entry in os.scandir(self.includes_dir)
                           if entry.name.endswith(".yaml") and entry.name != unit.path.name)
        except OSError:
            return ""
        close = difflib.get_close_matches(Path(wanted).name, names, n=1, cutoff=0.85)
        return f"; did you mean '{close[0]}'?" if close else ""

    def resolve(self, unit: Unit) -> dict[str, Any]:
        """``unit``'s fields after inheritance (not yet rendered)."""
        done = self._resolved.get(id(unit))
        if done is not None:
            return done
        chain: list[Unit] = []
        position: dict[int, int] = {}
        current: Unit | None = unit
        while current is not None and id(current) not in self._resolved:
            if id(current) in position:
                raise ContentError(_cycle_message(chain[position[id(current)]:]))
            position[id(current)] = len(chain)
            chain.append(current)
            current = self._base_of(current) if current.base is not None else None
        merged: dict[str, Any] = self._resolved[id(current)] if current is not None else {}
        for link in reversed(chain):
            merged = merge(merged, link.data) if merged else dict(link.data)
            self._resolved[id(link)] = merged
        return merged

    # -- rendering ---------------------------------------------------------------

    def tokens(self, data: Mapping[str, Any], builtins: Mapping[str, str] | None = None
               ) -> dict[str, str]:
        """Placeholder values: built-ins < global tokens < kind built-ins < unit's own."""
        tokens = dict(self._base_tokens)
        if builtins:
            tokens.update(builtins)
        own = data.get("replacement")
        if own:
            tokens.update(own)
        return tokens

    def item(self, unit: Unit,
             builtins: Callable[[Mapping[str, Any]], Mapping[str, str]] | None = None
             ) -> Item:
        """Resolve and render one unit."""
        # a null field is an unset one (a child's null clears the base's value)
        data = {key: value for key, value in self.resolve(unit).items() if value is not None}
        tokens = self.tokens(data, builtins(data) if builtins else None)
        return Item(unit, render_fields(data, tokens, unit))


_MAX_LISTED = 12
_NUMBERED = re.compile(r"#\d+")


def _ref_hint(schema: Schema, keys: list[Key]) -> str:
    """What the file does have: its refs in file order (the first few)."""
    shown = [schema.show(key) for key in keys
             if not (isinstance(key, str) and _NUMBERED.fullmatch(key))]  # "#3": no ref
    if not shown:
        return " (it has no units for this build)"
    listed = ", ".join(shown[:_MAX_LISTED])
    if len(shown) > _MAX_LISTED:
        listed += f", ... ({len(shown) - _MAX_LISTED} more)"
    return f" (refs there: {listed})"


def merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Child fields replace the base's; ``replacement`` dicts merge (child wins)."""
    merged = dict(base)
    for key, value in child.items():
        if key == "replacement" and value is None:
            continue  # `replacement: null` keeps the base's tokens
        if key == "replacement" and isinstance(base.get(key), Mapping):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def _cycle_message(cycle: list[Unit]) -> str:
    # Start at the first unit by file and line: entered from any of its units, one cycle
    # reads the same, so it is reported once.
    start = min(range(len(cycle)), key=lambda i: (str(cycle[i].path), cycle[i].line))
    cycle = cycle[start:] + cycle[:start]
    steps = [f"{unit.where()} '{unit.ref}'" for unit in cycle]
    steps.append(steps[0])
    return "inheritance cycle: " + " -> ".join(steps)


def render_fields(data: Mapping[str, Any], tokens: Mapping[str, str], unit: Unit
                  ) -> dict[str, Any]:
    """Render every string (and list of strings, and nested mapping) in ``data``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue  # a null field is an unset one
        out[key] = value if key in _NOT_RENDERED else _render_value(value, tokens, unit, key)
    return out


def _render_value(value: Any, tokens: Mapping[str, str], unit: Unit, name: str) -> Any:
    if isinstance(value, str):
        return render_text(value, tokens, unit, name) if "{{" in value else value
    if isinstance(value, list):
        return [_render_value(item, tokens, unit, name) for item in value]
    if isinstance(value, Mapping):
        # nested blocks (actions) may carry their own replacement on top of the unit's
        own = value.get("replacement")
        inner = {**tokens, **own} if isinstance(own, Mapping) else tokens
        return {key: item if key in _NOT_RENDERED else
                _render_value(item, inner, unit, f"{name}.{key}")
                for key, item in value.items() if item is not None}
    return value


def render_text(text: str, tokens: Mapping[str, str], unit: Unit, name: str) -> str:
    """Render ``text`` until no placeholder is left (at most MAX_ROUNDS rounds).

    A placeholder is a ``{{ ... }}`` whose inside is a Jinja2 expression
    (``{{name}}``, ``{{ name | upper }}``). Any other ``{{`` is text: Java's
    double-brace initialisation (``new HashMap<>() {{ put("a", b); }}``),
    Handlebars' ``{{#each}}`` and the like are written out as they are, as the
    reference tool did for every unit without replacement tokens. Text holding
    ``{%`` or ``{#`` is rendered as one Jinja2 template.
    """
    line = unit.lines.get(name.split(".", 1)[0], unit.line)
    for _ in range(MAX_ROUNDS):
        if "{{" not in text:
            return text
        if _STATEMENT.search(text):
            rendered = _render_template(text, tokens, unit, line, name)
        else:
            rendered = _render_spans(text, tokens, unit, line, name)
        if rendered == text:
            return text
        text = rendered
    found = _first_placeholder(text)
    if found is not None:
        raise _unresolved(unit, line, name, found,
                          f" (still unresolved after {MAX_ROUNDS} rounds)")
    return text


def _render_template(text: str, tokens: Mapping[str, str], unit: Unit, line: int,
                     name: str) -> str:
    try:
        try:
            return _template(text).render(tokens)
        except jinja2.UndefinedError as exc:
            missing = re.search(r"'([^']+)' is undefined", str(exc))
            _empty(unit, line, name, missing.group(1) if missing else "?")
            # as the original rendered it; an expression that needs the value even when
            # it is empty ({{ x | attr('y') }}) still fails, as a template error below
            return _LENIENT.from_string(text).render(tokens)
    except jinja2.TemplateError as exc:
        raise ContentError(f"{unit.path}:{line}: unit '{unit.ref}' field '{name}': "
                           f"template error: {exc}") from None


def _spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, inside)`` of each ``{{ ... }}`` that is a Jinja2 expression."""
    start = text.find("{{")
    while start != -1:
        end = text.find("}}", start + 2)
        if end == -1:
            return
        inside = text[start + 2:end]
        if _SIMPLE_INSIDE.fullmatch(inside) or _is_expression(inside):
            yield start, end + 2, inside
            start = text.find("{{", end + 2)
        else:
            start = text.find("{{", start + 2)  # text: look again past this "{{"


@functools.lru_cache(maxsize=4096)
def _is_expression(inside: str) -> bool:
    try:
        _template("{{" + inside + "}}")
    except jinja2.TemplateSyntaxError:
        return False
    return True


def _render_spans(text: str, tokens: Mapping[str, str], unit: Unit, line: int,
                  name: str) -> str:
    parts: list[str] = []
    done = 0
    for start, end, inside in _spans(text):
        simple = _SIMPLE_INSIDE.fullmatch(inside)
        if simple:
            token = simple.group(1)
            if token not in tokens:
                _empty(unit, line, name, token)
                value = ""
            else:
                value = str(tokens[token])
        else:
            value = _render_template(text[start:end], tokens, unit, line, name)
        parts += [text[done:start], value]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _first_placeholder(text: str) -> str | None:
    for _start, _end, inside in _spans(text):
        found = _PLACEHOLDER.search("{{" + inside)
        return found.group(1) if found else "?"
    return None


def _empty(unit: Unit, line: int, name: str, placeholder: str) -> None:
    warn(f"{unit.path}:{line}: unit '{unit.ref}' field '{name}': placeholder "
         f"'{{{{{placeholder}}}}}' has no value; rendered as an empty string")


def _unresolved(unit: Unit, line: int, name: str, placeholder: str, extra: str = ""
                ) -> ContentError:
    return ContentError(f"{unit.path}:{line}: unit '{unit.ref}' field '{name}': "
                        f"placeholder '{{{{{placeholder}}}}}' has no value{extra}")
