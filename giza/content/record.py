"""The record of a generation run, so a run with nothing changed does no work.

After a successful run giza stores, per proxy tree, the stat (mtime, size) of
every YAML file it read, the list of input files, a key of the build context
and generator code, and the stat and origin of every output. The next run with
the same key, the same inputs and untouched outputs returns that result
without parsing anything (the benchmark's no-change target is 0.5 s for
10,000 units; parsing alone takes longer). Any difference means a full run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from giza import layout
from giza.content.context import ContentContext
from giza.content.registry import Generator
from giza.fileio import atomic_write

VERSION = 3  # 2: page edits (extracts append/prepend) are recorded; 3: relative paths


def record_path(proxy_dir: Path) -> Path:
    """``build/<branch>/.giza/content-<proxy name>.json`` for a proxy tree."""
    return layout.content_record_path(proxy_dir)


def run_key(ctx: ContentContext, selected: Iterable[Generator], base: Path | None = None) -> str:
    """A hash of everything besides files that decides the output; ``base``: the record's
    directory, that the includes directory is named relative to (else absolute)."""
    generators = sorted(selected, key=lambda g: g.kind)
    modules = {__file__}
    for generator in generators:
        module = sys.modules.get(generator.render.__module__)
        if module is not None and getattr(module, "__file__", None):
            modules.add(module.__file__)
    here = Path(__file__).parent
    modules.update(str(path) for path in here.glob("*.py"))
    code = []
    for name in sorted(modules):
        try:
            info = os.stat(name)
            code.append([name, info.st_mtime_ns, info.st_size])
        except OSError:
            code.append([name, 0, 0])
    includes = os.path.abspath(ctx.includes_dir)
    material = [VERSION, _rel(includes, base) if base else includes, ctx.edition,
                sorted(ctx.replacements.items()), ctx.version, ctx.branch, ctx.stable,
                [g.kind for g in generators], code]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


def _stat(name: str) -> list[int] | None:
    try:
        info = os.stat(name)
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size]


def rst_files(directory: str) -> set[str]:
    found: set[str] = set()
    stack = [directory]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".rst"):
                found.add(entry.path)
    return found


# A record names thousands of files in a few directories: one relpath or normpath per
# directory, not per file (a tenth of a second at 3,000 outputs).
@functools.lru_cache(maxsize=4096)
def _rel_dir(directory: str, base: str) -> str:
    return os.path.relpath(directory, base)


@functools.lru_cache(maxsize=4096)
def _abs_dir(base: str, directory: str) -> str:
    return os.path.normpath(os.path.join(base, directory))


def _rel(name: str, base: Path) -> str:
    directory, leaf = os.path.split(name)
    start = os.fspath(base)
    # relpath of a relative name depends on the working directory: not cached
    if leaf in ("", ".", "..") or not (os.path.isabs(directory) and os.path.isabs(start)):
        return os.path.relpath(name, base)
    rel = _rel_dir(directory, start)
    return leaf if rel == "." else os.path.join(rel, leaf)


def _abs(name: str, base: Path) -> str:
    directory, leaf = os.path.split(name)
    if leaf in ("", ".", ".."):
        return os.path.normpath(os.path.join(base, name))
    parent = _abs_dir(os.fspath(base), directory)
    return leaf if parent == "." else os.path.join(parent, leaf)


def save(path: Path, key: str, listing: list[str], inputs: Iterable[str],
         outputs: Mapping[str, tuple[str, int]], out_dirs: list[str],
         edits: list[list[Any]] | None = None) -> None:
    """Store the record of a successful run. Paths are stored relative to the record's
    directory (inside build/), so a build/ restored under another checkout still matches."""
    base = path.parent
    data: dict[str, Any] = {
        "key": key,
        "listing": [_rel(name, base) for name in listing],
        "inputs": {_rel(name, base): _stat(name) for name in inputs},
        "outputs": {_rel(name, base): [_stat(name), *origin]
                    for name, origin in outputs.items()},
        "dirs": [_rel(name, base) for name in out_dirs],
        "edits": edits or [],
    }
    atomic_write(path, json.dumps(data).encode("utf-8"))


def unchanged(path: Path, key: str, listing: list[str], out_dirs: list[str]
              ) -> tuple[dict[str, tuple[str, int]], list[list[Any]]] | None:
    """The recorded outputs (with origins) and page edits when nothing changed, else
    None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    base = path.parent
    if data.get("key") != key or data.get("listing") != [_rel(n, base) for n in listing] or \
            data.get("dirs") != [_rel(n, base) for n in out_dirs]:
        return None
    for name, stat in data["inputs"].items():
        if _stat(_abs(name, base)) != stat:
            return None
    outputs = {_abs(name, base): value for name, value in data["outputs"].items()}
    for name, (stat, *_) in outputs.items():
        if _stat(name) != stat:
            return None
    present: set[str] = set()
    for directory in out_dirs:
        present |= rst_files(directory)
    if present != set(outputs):
        return None
    return ({name: tuple(origin) for name, (_, *origin) in outputs.items()},
            data.get("edits", []))


def recorded_origins(proxy_dir: Path) -> dict[Path, tuple[Path, int]]:
    """Generated file -> (YAML file, line of its unit), as the last generation recorded
    them (for pointing messages about generated rST at the YAML, after the fact)."""
    try:
        path = record_path(proxy_dir)
        data = json.loads(path.read_text(encoding="utf-8"))
        outputs = data["outputs"]
        return {Path(_abs(name, path.parent)): (Path(origin), int(line))
                for name, (_, origin, line) in outputs.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
