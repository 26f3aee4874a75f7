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

from giza.schema import Anything, Convert, Required, Section, Wrong, checked
from giza.site._files import edition_matches
from giza.yamlfile import Node, iter_units

_PUBLISHED = re.compile(r"^\{\{\s*published\s*\}\}$")


def _site_path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Wrong(form=True)
    return value


def _branch_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(b, str) for b in value):
        raise Wrong(form=True)
    return value


# Other keys are read past, as the original did.
UNIT = Section({
    "file": Required(Convert("a site path string", _site_path)),
    "branches": Convert("a list of branch names", _branch_names),
    "edition": Anything(),
}, unknown="ignore")


def load_robots(path: Path) -> list[Node]:
    """The units of ``robots.yaml``, validated; errors name ``<file>:<line>: <key>``."""
    units: list[Node] = []
    for _doc, unit in iter_units(path, "a mapping with 'file'"):
        checked(unit, UNIT, path)
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
