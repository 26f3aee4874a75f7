"""Which files include which: the map behind ``giza includes`` and rebuild refresh.

Edges come from ``.. include::`` and ``.. literalinclude::`` directives (absolute
``/...`` paths are relative to the source directory, others to the including
file) and from YAML inheritance (``inherit:``/``source:`` ``{file: ...}`` in
``includes/*.yaml``: the base file is "included" by the file that inherits).
Every path is relative to the source directory with a leading ``/``, and every
result is JSON-serialisable.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

from giza.errors import ContentError, UsageError
from giza.yamlfile import iter_documents

RST_SUFFIXES = (".txt", ".rst", ".rest", ".inc")
_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:literalinclude|include)::\s*(\S.*?)\s*$", re.MULTILINE)


def _walk(source_dir: Path) -> Iterator[Path]:
    """Files under ``source_dir``, skipping hidden entries and editor backups."""
    for root, dirs, files in os.walk(source_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "#")) or name.endswith("~"):
                continue
            yield Path(root) / name


def _key(source_dir: Path, path: Path) -> str:
    return "/" + path.relative_to(source_dir).as_posix()


def _resolve(target: str, including: str) -> str | None:
    if target.startswith("<") and target.endswith(">"):
        return None  # docutils standard includes such as <isonum.txt>
    if target.startswith("/"):
        return "/" + posixpath.normpath(target.lstrip("/"))
    # stays relative to the including file; '..' outside the tree is kept visible
    return "/" + posixpath.normpath(posixpath.join(posixpath.dirname(including)[1:], target))


def _yaml_bases(path: Path, key: str, text: str) -> Iterator[str]:
    if "file" not in text:
        return  # no inheritance possible; skip the (slower) line-tracking parse
    for doc in iter_documents(path, text, error=ContentError):
        if not isinstance(doc.data, dict):
            continue
        for field in ("inherit", "source"):
            base = doc.data.get(field)
            if isinstance(base, dict) and isinstance(base.get("file"), str):
                name = base["file"]
                # a bare name is a sibling file; '/...' is source-absolute
                resolved = _resolve(name, key)
                if resolved and resolved != key:
                    yield resolved


def _edges(source_dir: Path) -> Iterator[tuple[str, str]]:
    """(included, including) pairs."""
    for path in _walk(source_dir):
        key = _key(source_dir, path)
        is_yaml = path.suffix in (".yaml", ".yml")
        if path.suffix not in RST_SUFFIXES and not is_yaml:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in _DIRECTIVE.finditer(text):
            target = match.group(1)
            # rST inside YAML is rendered elsewhere, so only source-absolute paths are sure
            if is_yaml and not target.startswith("/"):
                continue
            resolved = _resolve(target, key)
            if resolved and resolved != key:
                yield resolved, key
        if is_yaml and key.startswith("/includes/"):
            for base in _yaml_bases(path, key, text):
                yield base, key


def graph(source_dir: Path, filter_prefix: str | None = None) -> dict[str, list[str]]:
    """``{included file: sorted files that include it}``, keys sorted.

    ``filter_prefix`` keeps only included files whose path starts with it
    (a leading '/' is added when missing).
    """
    prefix = None
    if filter_prefix:
        prefix = filter_prefix if filter_prefix.startswith("/") else "/" + filter_prefix
    result: dict[str, set[str]] = {}
    for included, including in _edges(source_dir):
        if prefix is None or included.startswith(prefix):
            result.setdefault(included, set()).add(including)
    return {key: sorted(result[key]) for key in sorted(result)}


def dependents(include_map: Mapping[str, list[str]], path: str) -> list[str]:
    """Every file that includes ``path`` directly or through other includes, sorted."""
    seen: set[str] = set()
    todo = [path]
    while todo:
        for parent in include_map.get(todo.pop(), ()):
            if parent not in seen and parent != path:
                seen.add(parent)
                todo.append(parent)
    return sorted(seen)


def unused(source_dir: Path) -> list[str]:
    """Files under ``includes/`` that nothing includes (YAML sources are not counted)."""
    includes = source_dir / "includes"
    if not includes.is_dir():
        return []
    used = graph(source_dir)
    return sorted(key for key in (_key(source_dir, p) for p in _walk(includes))
                  if key not in used and not key.endswith((".yaml", ".yml")))


def _git(args: list[str], cwd: Path) -> str:
    # A quick query whose stdout alone is the answer (see giza.config.git._git).
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=60, check=False)
    except FileNotFoundError:
        raise UsageError("includes changed: git is not installed") from None
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"
        raise UsageError(f"includes changed: git {args[0]} in {cwd}: {detail}")
    return proc.stdout


def changed(source_dir: Path, project_root: Path) -> list[str]:
    """Included files with uncommitted changes (modified, added, untracked, deleted)."""
    top = Path(_git(["rev-parse", "--show-toplevel"], project_root).strip())
    # porcelain paths are relative to the top level; -z keeps odd names intact
    out = _git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
                str(source_dir.resolve())], project_root)
    fields = out.split("\0")
    paths: set[str] = set()
    index = 0
    source = source_dir.resolve()
    while index < len(fields):
        entry = fields[index]
        index += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            index += 1  # the next field is the old name of a rename or copy
        try:
            paths.add("/" + (top / name).resolve().relative_to(source).as_posix())
        except ValueError:
            continue
    return sorted(key for key in graph(source_dir) if key in paths)
