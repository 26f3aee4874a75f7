"""``robots.txt`` from ``robots.yaml`` units.

A unit::

    file: /reference/internal       # site path to keep crawlers out of
    branches: [v2.4, '{{published}}']  # optional; '{{published}}' = every published branch
    edition: saas                   # optional filter (string or list)

Each unit becomes ``Disallow: /<branch><file>`` per branch, or ``Disallow: <file>``
when it has no ``branches``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from giza.errors import ConfigError, shown
from giza.site._files import edition_matches
from giza.yamlfile import Node, iter_units

_PUBLISHED = re.compile(r"^\{\{\s*published\s*\}\}$")


def load_robots(path: Path) -> list[Node]:
    """The units of ``robots.yaml``, validated; errors name ``<file>:<line>: <key>``."""
    units: list[Node] = []
    for _doc, unit in iter_units(path, "a mapping with 'file'"):
        file = unit.get("file")
        if not isinstance(file, str) or not file.strip():
            problem = "required key is missing" if file is None else \
                f"must be a site path string, not {file!r}"
            raise ConfigError(f"{shown(path)}:{unit.line_of('file')}: file: {problem}")
        branches = unit.get("branches")
        if branches is not None and not (
                isinstance(branches, list) and all(isinstance(b, str) for b in branches)):
            raise ConfigError(f"{shown(path)}:{unit.line_of('branches')}: branches: must be "
                              f"a list of branch names, not {branches!r}")
        units.append(unit)
    return units


def _branches(value: Any, published: Sequence[str]) -> list[str]:
    result: list[str] = []
    for branch in value:
        result.extend(published if _PUBLISHED.match(branch) else [branch])
    return result


def render_robots(units: Iterable[Mapping[str, Any]], published: Sequence[str],
                  edition: str | None) -> str | None:
    """Text of ``robots.txt``, or None when no unit applies to ``edition``.

    ``None`` tells the caller to remove a stale ``robots.txt`` (the original giza
    deleted the file in that case). Lines keep unit order; duplicates are dropped.
    """
    kept = [unit for unit in units if edition_matches(unit.get("edition"), edition)]
    if not kept:
        return None
    lines: list[str] = []
    for unit in kept:
        path = "/" + str(unit["file"]).strip().lstrip("/")
        branches = unit.get("branches")
        if branches:
            lines.extend(f"Disallow: /{b.strip('/')}{path}" for b in _branches(branches, published))
        else:
            lines.append(f"Disallow: {path}")
    return "User-agent: *\n" + "".join(line + "\n" for line in dict.fromkeys(lines))
