"""Which assets a build reads, so that a clone of one that nothing reads may fail (offline,
say) without stopping the build.

An asset is read by the build when:

* the project's ``conf.py`` names its path (``build/docs-tools``), or its directory name as
  a quoted string (``"docs-tools"``, as in ``os.path.join("build", "docs-tools")``), or
  says ``buildsystem`` (the original-style ``conf.paths.buildsystem``) while the asset is
  at ``paths.buildsystem`` (default ``build/docs-tools``);
* a migration (the ``migrations`` side file) copies a file from under it;
* it lies under ``paths.source``: its files are part of every proxy tree.

This reads text, it does not run anything: a conf.py that builds the path in some other way
is not seen, and a clone failure of that asset is then only a warning (Sphinx then fails
on what is missing).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from giza.config.model import Asset, Config
from giza.errors import shown
from giza.yamlfile import load_one

DEFAULT_BUILDSYSTEM = "build/docs-tools"  # the original giza's default, as in legacy.py


def _under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _buildsystem(config: Config) -> str:
    data = load_one(config.conf_file)
    paths = data.get("paths") if isinstance(data, dict) else None
    value = paths.get("buildsystem") if isinstance(paths, dict) else None
    return value if isinstance(value, str) and value.strip() else DEFAULT_BUILDSYSTEM


def _migration_sources(config: Config) -> Iterator[tuple[str, str]]:
    """(absolute candidate path, ``file:line``) for every place a migration source may be
    found inside the project: under the project root or build/, after source_dir."""
    side = config.side("migrations")
    if side is None:
        return
    root = str(config.root)
    for index, unit in enumerate(side.documents):
        if not isinstance(unit, dict):
            continue
        names: Any = unit.get("sources") or [unit.get("source")]
        where = (f"{shown(side.origins[index][0])}:{side.origins[index][1]}"
                 if index < len(side.origins) else shown(side.paths[0]))
        prefix = str(unit.get("source_dir") or "").lstrip("/")
        for name in names if isinstance(names, list) else []:
            if not isinstance(name, str) or not name:
                continue
            for base in (root, os.path.join(root, "build")):
                candidate = os.path.join(base, prefix, name.lstrip("/"))
                yield os.path.normpath(candidate), where


def readers(config: Config) -> Callable[[Asset], str | None]:
    """``why(asset)``: how this build reads ``asset`` (for messages), or None."""
    conf = config.root / "conf.py"
    text = conf.read_text(encoding="utf-8", errors="replace") if conf.is_file() else ""
    buildsystem = os.path.normpath(config.root / _buildsystem(config))
    sources = list(_migration_sources(config))
    source_dir = os.path.normpath(config.paths.source)

    def why(asset: Asset) -> str | None:
        path = os.path.normpath(asset.path)
        rel = Path(os.path.relpath(path, config.root)).as_posix()
        name = os.path.basename(path)
        if rel in text or f'"{name}"' in text or f"'{name}'" in text:
            return f"conf.py names {rel}"
        if "buildsystem" in text and path == buildsystem:
            return f"conf.py reads paths.buildsystem, which is {rel}"
        for candidate, where in sources:
            if _under(candidate, path):
                return f"the migration at {where} copies {shown(candidate)}"
        if _under(path, source_dir):
            return f"it is inside {shown(source_dir)}/"
        return None

    return why


def sync_project_assets(config: Config, force: bool = False) -> list[str]:
    """Clone or update the project's assets (see giza.site.assets); a failed clone of one
    that nothing in the build reads is a warning. The lines worth telling the user."""
    from giza.site.assets import sync_assets  # only builds that have assets pay for it

    return sync_assets(config.assets, force=force, reads=readers(config))
