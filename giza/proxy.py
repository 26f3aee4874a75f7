"""Mirror source/ into a proxy tree: copy what changed, keep mtimes, drop what vanished.

Sphinx decides what to re-read from mtimes, so a file whose size and mtime match
the source is left alone, and a copied file keeps the source's mtime. Directories
that generators own (``protect``) are never pruned. Files that later steps rewrite
(``owned``: migration targets, pages that include extracts) are neither copied nor
pruned, so a rebuild that changes nothing touches none of them; the owned set of
the previous run is kept beside the tree (:func:`load_owned`).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from giza import layout
from giza.fileio import atomic_copy, atomic_write

DEFAULT_IGNORE = (".git*", ".hg*", ".svn", ".DS_Store", "Thumbs.db", "*~", "#*#", ".#*")


@dataclass
class MirrorResult:
    copied: list[str] = field(default_factory=list)  # relative paths
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


class Ignore:
    """Name globs (default list), plus user globs on the relative path or ``/regex/``."""

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        self.names = list(DEFAULT_IGNORE)
        self.globs: list[str] = []
        self.regexes: list[re.Pattern[str]] = []
        for pattern in patterns:
            if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
                self.regexes.append(re.compile(pattern[1:-1]))
            elif "/" in pattern:
                self.globs.append(pattern.lstrip("/"))
            else:
                self.names.append(pattern)
        # Asked for every file of the tree: one regex for all the globs of a kind.
        self._names, self._globs = any_glob(self.names), any_glob(self.globs)

    def __call__(self, rel: str, name: str) -> bool:
        if self._names(name) or self._globs(rel):
            return True
        return any(r.search(rel) for r in self.regexes)


def any_glob(globs: Sequence[str]) -> Callable[[str], bool]:
    """Whether a string matches any of ``globs`` (as :func:`fnmatch.fnmatchcase` does)."""
    if not globs:
        return lambda text: False
    pattern = re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs))
    return lambda text: pattern.match(text) is not None


def _normalise(paths: Sequence[str]) -> list[str]:
    return [p.strip("/") for p in paths if p.strip("/")]


def _under(rel: str, prefixes: Sequence[str]) -> bool:
    return any(rel == p or rel.startswith(p + "/") for p in prefixes)


def _excluded(rel: str, excludes: Sequence[str]) -> bool:
    # sphinx.yaml excluded entries may name a page with or without its suffix.
    if _under(rel, excludes):
        return True
    stem = os.path.splitext(rel)[0]
    return stem in excludes


def mirrored(rel: str, ignore: Sequence[str] = (), exclude: Sequence[str] = ()) -> bool:
    """Whether :func:`mirror` copies the source file at ``rel`` (not ignored or excluded,
    nor inside an ignored or excluded directory)."""
    skip, excludes = Ignore(ignore), _normalise(exclude)
    parts = rel.strip("/").split("/")
    for end in range(1, len(parts) + 1):
        sub = "/".join(parts[:end])
        if skip(sub, parts[end - 1]) or _excluded(sub, excludes):
            return False
    return True


def _owned_manifest(proxy: Path) -> Path:
    return layout.owned_path(proxy)


def load_owned(proxy: Path) -> set[str]:
    """The proxy-relative files later steps rewrote in the previous run."""
    try:
        data = json.loads(_owned_manifest(proxy).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {str(rel) for rel in data} if isinstance(data, list) else set()


def save_owned(proxy: Path, owned: set[str]) -> None:
    manifest = _owned_manifest(proxy)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(manifest, json.dumps(sorted(owned)).encode())


def release_owned(source: Path, proxy: Path, released: set[str],
                  ignore: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[str]:
    """Give files no step owns any more back to the mirror: the source's copy where
    there is one, otherwise nothing. Returns the released paths that changed."""
    changed = []
    for rel in sorted(released):
        src, dst = source / rel, proxy / rel
        if src.is_file() and mirrored(rel, ignore, exclude):
            _copy(str(src), str(dst))
            changed.append(rel)
        elif dst.is_file():
            dst.unlink()
            changed.append(rel)
    return changed


def _copy(src: str, dst: str) -> None:
    # Copy beside the target, then rename: a reader never sees half a file.
    atomic_copy(src, dst)


def mirror(source: Path, proxy: Path, ignore: Sequence[str] = (), protect: Sequence[str] = (),
           exclude: Sequence[str] = (), keep: Sequence[str] = (),
           owned: Sequence[str] = ()) -> MirrorResult:
    """Make ``proxy`` hold the files of ``source`` (minus ignored and excluded ones).

    ``protect`` names proxy-relative dirs or files never pruned; ``keep`` holds globs
    on proxy-relative paths of generated files that live beside mirrored ones (e.g.
    ``images/*.rst``) and must not be pruned either; ``owned`` files are neither
    copied nor pruned."""
    if not source.is_dir():
        raise FileNotFoundError(f"source directory {source} does not exist")
    skip = Ignore(ignore)
    keep_any = any_glob(list(keep))
    owned_files = set(_normalise(owned))
    protected = _normalise([*protect, *owned_files])
    walk = _Walk(source, proxy, skip, _normalise(exclude), owned_files)
    proxy.mkdir(parents=True, exist_ok=True)
    walk.walk("")

    def kept(rel: str, name: str) -> bool:
        return skip(rel, name) or keep_any(rel)

    _prune(proxy, "", walk.wanted, protected, kept, walk.result)
    return walk.result


@dataclass
class _Walk:
    """Copying ``source`` into ``proxy``: what is wanted there, and what was done."""

    source: Path
    proxy: Path
    skip: Callable[[str, str], bool]
    excludes: list[str]
    owned_files: set[str]
    wanted: set[str] = field(default_factory=set)
    result: MirrorResult = field(default_factory=MirrorResult)

    def walk(self, rel_dir: str) -> None:
        src_dir = os.path.join(self.source, rel_dir) if rel_dir else str(self.source)
        dst_dir = os.path.join(self.proxy, rel_dir) if rel_dir else str(self.proxy)
        try:
            entries = sorted(os.scandir(src_dir), key=lambda e: e.name)
        except OSError:
            return
        made = False
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if self.skip(rel, entry.name) or _excluded(rel, self.excludes):
                continue
            if entry.is_dir():
                self.wanted.add(rel)
                self.walk(rel)
                continue
            if not entry.is_file():
                continue
            self.wanted.add(rel)
            if rel in self.owned_files:
                continue
            if not made:
                os.makedirs(dst_dir, exist_ok=True)
                made = True
            self.copy(entry, rel, os.path.join(dst_dir, entry.name))

    def copy(self, entry: os.DirEntry[str], rel: str, dst: str) -> None:
        """Copy one file unless the proxy's copy has its size and mtime."""
        st = entry.stat()
        try:
            dt = os.stat(dst)
            same = dt.st_size == st.st_size and dt.st_mtime_ns == st.st_mtime_ns
        except FileNotFoundError:
            same = False
        if same:
            self.result.unchanged += 1
            return
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        _copy(entry.path, dst)
        self.result.copied.append(rel)


def _prune(proxy: Path, rel_dir: str, wanted: set[str], protected: list[str],
           skip: Callable[[str, str], bool], result: MirrorResult) -> None:
    base = os.path.join(proxy, rel_dir) if rel_dir else str(proxy)
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        # Like rsync --delete: what is ignored is neither copied nor deleted.
        if _under(rel, protected) or skip(rel, entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            if any(p.startswith(rel + "/") for p in protected) or rel in wanted:
                _prune(proxy, rel, wanted, protected, skip, result)
                continue
            shutil.rmtree(entry.path)
            result.removed.append(rel + "/")
        elif rel not in wanted:
            os.unlink(entry.path)
            result.removed.append(rel)
