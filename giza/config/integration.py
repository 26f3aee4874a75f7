"""config/integration.yaml: the builders ``publish`` stands for, and the languages.

::

    base:
      targets: [html, dirhtml, latex]   # what `-b publish` builds
      links: [{manual: v6.0}]           # branch aliases (redirects)
      doc-root: [...]                   # legacy, ignored
      branch-root: [...]                # legacy, ignored
    fr: {inherit: base}                 # every other key with a mapping is a language
    es: {inherit: base}

Files written for the makefile-era tools that preceded giza keep ``targets``,
``doc-root`` and ``branch-root`` at the top level, without ``base``; giza reads that
``targets`` like ``base.targets`` and never takes those keys for languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from giza.builders import SPHINX_BUILDERS
from giza.errors import shown
from giza.problems import Problem
from giza.schema import Anything, ListOf, Section, Validation, line_of, type_name, validate

BASE_KEYS = ("targets", "links", "doc-root", "branch-root")
# Top-level keys of the pre-giza layout; never languages.
LEGACY_TOP_KEYS = BASE_KEYS


def _documents(documents: Sequence[Any]) -> list[dict[str, Any]]:
    return [doc for doc in documents if isinstance(doc, dict)]


def languages(documents: Sequence[Any]) -> tuple[str, ...]:
    """Every top-level key other than ``base`` whose value is a mapping (or empty)."""
    found: list[str] = []
    for doc in _documents(documents):
        for key, value in doc.items():
            name = str(key)
            if name == "base" or name in LEGACY_TOP_KEYS or name in found:
                continue
            if value is None or isinstance(value, dict):
                found.append(name)
    return tuple(found)


def targets(documents: Sequence[Any]) -> list[Any] | None:
    """``base.targets``, else a top-level ``targets`` (pre-giza layout); None if neither."""
    for doc in _documents(documents):
        base = doc.get("base")
        if isinstance(base, dict) and isinstance(base.get("targets"), list) \
                and base["targets"]:
            return list(base["targets"])
    for doc in _documents(documents):
        if isinstance(doc.get("targets"), list) and doc["targets"]:
            return list(doc["targets"])
    return None


BASE = Section({
    "targets": ListOf(single=False, describe="a list of builders"),
    "links": Anything(doc="Branch aliases (redirects)."),
    "doc-root": Anything(doc="Legacy; ignored."),
    "branch-root": Anything(doc="Legacy; ignored."),
}, describe="a mapping {targets: [...]}")


def check(documents: Sequence[Any], origins: Sequence[tuple[Path, int]],
          warnings: list[str]) -> None:
    """Warn (an error under --strict) about what giza would silently ignore: every problem
    here is a warning, since the original giza read past all of them."""
    for index, doc in enumerate(documents):
        path, start = origins[index] if index < len(origins) else (Path("integration.yaml"), 1)
        if not isinstance(doc, dict):
            warnings.append(f"{shown(path)}:{start}: must be a mapping of 'base' and "
                            f"languages to settings, not {type_name(doc)}; ignored")
            continue
        # Hand-written: the top level has no fixed keys (every other key names a language).
        for key, value in doc.items():
            line = line_of(doc, key, start)
            name = str(key)
            if name == "base":
                _check_base(value, path, line, warnings)
            elif name == "targets" and isinstance(value, list):
                _check_targets(value, "targets", path, line, warnings)
            elif name in LEGACY_TOP_KEYS or value is None or isinstance(value, dict):
                continue
            else:
                warnings.append(f"{shown(path)}:{line}: {name}: must be a language's "
                                f"settings, e.g. '{name}: {{inherit: base}}', not "
                                f"{type_name(value)}; ignored")


def _check_base(value: Any, path: Path, line: int, warnings: list[str]) -> None:
    state = Validation(path)
    if value is None:  # `base:` with nothing under it sets nothing, as the original read it
        state.errors.append(state.say(line, "base", BASE.wrong(value).text))
    values = validate(value, BASE, state, "base.", line)
    found = [*state.warnings, *(f"{error}; ignored" for error in state.errors)]
    warnings.extend(sorted(found, key=lambda text: Problem.parse(text).line))  # file order
    if values["targets"]:
        _check_targets(values["targets"], "base.targets", path,
                       line_of(value, "targets", line), warnings)


def is_skipped(target: str) -> bool:
    """Historic entries such as ``htaccess`` or ``build/public`` name no builder."""
    return "/" in target or target.startswith("htaccess")


def _check_targets(items: list[Any], dotted: str, path: Path, line: int,
                   warnings: list[str]) -> None:
    # Hand-written: each entry that names no builder is its own warning; none stops the rest.
    lines = getattr(items, "item_lines", [])
    for i, item in enumerate(items):
        target = str(item)
        if is_skipped(target) or target.split("-", 1)[0] in SPHINX_BUILDERS:
            continue
        warnings.append(f"{shown(path)}:{lines[i] if i < len(lines) else line}: "
                        f"{dotted}[{i}]: {target!r} is not a builder; publish skips it")
