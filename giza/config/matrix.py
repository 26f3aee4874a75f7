"""config/sphinx.yaml: per-builder settings with `inherit:` chains.

An entry names a base with ``inherit: <key>``; the child overrides the base key by
key, except ``excluded``, which is appended along the chain. Keys containing
``base`` are abstract. Lookup is ``<builder>-<edition>``, then ``<builder>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giza.errors import ConfigError, shown
from giza.schema import Anything, ListOf, Section, Str, Validation, type_name, validate
from giza.yamlfile import Node, load_documents

# Entry keys of the makefile-era tools that read sphinx.yaml before giza (the original
# giza ignored them too): accepted without a warning.
LEGACY_FIELDS = ("sitemap_config",)
# Top-level keys older giza projects carry that are not builder entries: lists of
# setup targets, generated content, builder names and edition names (the original
# skipped them because they are not mappings; giza ignores them by name).
LEGACY_KEYS = ("prerequisites", "generated-source", "sphinx-builders", "sphinx_builders",
               "editions", "builders")


@dataclass(frozen=True)
class BuilderSettings:
    key: str | None = None  # the sphinx.yaml entry used, or None for defaults
    tags: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Matrix:
    entries: dict[str, BuilderSettings]
    path: Path | None = None

    def lookup(self, builder: str, edition: str | None = None) -> BuilderSettings:
        if edition and f"{builder}-{edition}" in self.entries:
            return self.entries[f"{builder}-{edition}"]
        return self.entries.get(builder, BuilderSettings())

    @property
    def languages(self) -> tuple[str, ...]:
        found: list[str] = []
        for settings in self.entries.values():
            found.extend(lang for lang in settings.languages if lang not in found)
        return tuple(found)


_NAME = Str(numbers=False)
_NAMES = ListOf(Str())
# An unknown key is an error, not a warning (issue 6): a misspelt `excluded` would
# silently publish pages meant to be left out.
ENTRY = Section({
    "builder": _NAME, "edition": _NAME, "excluded": _NAMES, "excluded_files": _NAMES,
    "inherit": _NAME, "language": _NAME, "languages": _NAMES, "tags": _NAMES, "v": Anything(),
}, unknown="error", legacy=LEGACY_FIELDS)


def _strings(value: Any, path: Path, line: int, key: str) -> tuple[str, ...]:
    state = Validation(path)
    checked = validate({key: value}, {key: _NAMES}, state, line=line)
    state.raise_errors()
    return tuple(checked[key])


def _check(key: str, entry: Any, path: Path, line: int) -> Node:
    state = Validation(path)
    validate(entry, ENTRY, state, f"{key}.", line)
    state.raise_errors()
    return entry


def load_matrix(path: Path, warnings: list[str] | None = None) -> Matrix:
    """Read sphinx.yaml (missing file: an empty matrix, every builder on defaults).

    A key given twice is a warning appended to ``warnings`` (the later entry wins)."""
    if not path.is_file():
        return Matrix({}, None)
    raw: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for doc in load_documents(path):
        if warnings is not None:
            warnings.extend(f"{shown(path)}:{dup.line}: {dup.describe()}"
                            for dup in doc.duplicates)
        if doc.data is None:
            continue
        # Hand-written: the top level's keys are free (builder names, `inherit` targets).
        if not isinstance(doc.data, dict):
            raise ConfigError(f"{shown(path)}:{doc.line}: must be a mapping of builder names "
                              f"to settings, not {type_name(doc.data)}")
        for key, entry in doc.data.items():
            if key in LEGACY_KEYS:
                continue
            line = doc.data.line_of(key) if isinstance(doc.data, Node) else doc.line
            raw[str(key)] = _check(str(key), entry, path, line)
            lines[str(key)] = line
    entries: dict[str, BuilderSettings] = {}
    for key in raw:
        if "base" in key:
            continue
        merged = _resolve(key, raw, lines, path)
        entries[key] = BuilderSettings(
            key=key,
            tags=_strings(merged.get("tags") or [], path, lines[key], f"{key}.tags"),
            excluded=tuple(merged.get("excluded") or ()),
            languages=_strings(merged.get("languages") or [], path, lines[key],
                               f"{key}.languages"),
        )
    return Matrix(entries, path)


def _resolve(key: str, raw: dict[str, Any], lines: dict[str, int], path: Path) -> dict[str, Any]:
    chain = [key]
    entry = raw[key]
    while "inherit" in entry:
        base = entry["inherit"]
        line = entry.line_of("inherit") if isinstance(entry, Node) else lines[chain[-1]]
        if base not in raw:
            valid = ", ".join(sorted(raw))
            raise ConfigError(f"{shown(path)}:{line}: {chain[-1]}.inherit: names '{base}', "
                              f"which is not defined; defined entries: {valid}")
        if base in chain:
            cycle = " -> ".join([*chain, base])
            raise ConfigError(f"{shown(path)}:{line}: inheritance cycle: {cycle}")
        chain.append(base)
        entry = raw[base]
    merged: dict[str, Any] = {}
    excluded: list[str] = []
    # Apply from the root of the chain down, so children override their bases.
    for name in reversed(chain):
        entry = raw[name]
        for field, value in entry.items():
            if field in ("excluded", "excluded_files"):
                line = entry.line_of(field) if isinstance(entry, Node) else lines[name]
                excluded.extend(_strings(value or [], path, line, f"{name}.{field}"))
            elif field != "inherit":
                merged[field] = value
    merged["excluded"] = tuple(dict.fromkeys(excluded))
    return merged


def matrix_path(builddata: Path) -> Path:
    return builddata / "sphinx.yaml"
