"""Incremental builds: fingerprints, and whether each variant must run again and why.

A variant's fingerprint is computed in the planning process, before anything runs:
the source files it reads (size and mtime, with a content hash to see through a
touched-but-unchanged file), conf.py, the resolved configuration as canonical JSON
and giza's version. An unchanged fingerprint with existing output means sphinx-build
never starts. The fingerprints are kept in the build record (giza.pipeline.store).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from giza.config.model import Config
from giza.config.show import resolved
from giza.pipeline import tasks
from giza.pipeline.plan import Tree, trees
from giza.pipeline.store import Previous, load_previous
from giza.proxy import Ignore, _excluded, _normalise
from giza.sphinx.argv import conf_dir
from giza.variants import Variant

PAGE_SUFFIXES = (".txt", ".rst")


def file_hash(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def scan(root: Path, ignore: Sequence[str] = (), exclude: Sequence[str] = (),
         prefix: str = "") -> dict[str, tuple[int, int]]:
    """{relative path: (size, mtime_ns)} of the files a mirror of ``root`` would copy."""
    skip = Ignore(ignore)
    excludes = _normalise(exclude)
    found: dict[str, tuple[int, int]] = {}

    def walk(directory: str, rel_dir: str) -> None:
        try:
            entries = os.scandir(directory)
        except OSError:
            return
        with entries:
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if skip(rel, entry.name) or _excluded(rel, excludes):
                    continue
                if entry.is_dir():
                    walk(entry.path, rel)
                elif entry.is_file():
                    st = entry.stat()
                    found[prefix + rel] = (st.st_size, st.st_mtime_ns)

    walk(str(root), "")
    return found


def canonical(value: Any) -> Any:
    """Plain JSON data with sorted keys (tuples -> lists, paths -> strings)."""
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def flatten(value: Any, prefix: str = "", depth: int = 2) -> dict[str, str]:
    """Config as {dotted key (two levels deep): canonical JSON}, to name what changed."""
    if isinstance(value, dict) and depth > 0:
        result: dict[str, str] = {}
        for key, item in value.items():
            result.update(flatten(item, f"{prefix}{key}.", depth - 1))
        return result
    return {prefix.rstrip("."): json.dumps(value, sort_keys=True)}


def moved_note(entry: Mapping[str, Any], root: Path) -> str | None:
    """Why a relocated build re-reads a rebuilt variant's pages, or None if it did not move.

    Sphinx's pickled environment holds the absolute source directory; under another one it
    says "source directory has changed" and reads every page again."""
    built_under = entry.get("built_under")
    if not isinstance(built_under, str) or built_under == str(root):
        return None
    return (f"build/ was built under {built_under}: Sphinx re-reads every page of this "
            "variant once (its environment holds absolute paths)")


def under_root(flat: Mapping[str, str], root: Path) -> dict[str, str]:
    """``flat`` with every path under ``root`` made relative to it ("." for the root), so
    a build directory restored under a checkout at another path keeps its fingerprints."""
    quoted = json.dumps(str(root))[:-1]  # '"/the/root' as it appears inside the JSON
    return {key: value.replace(quoted + '"', '"."').replace(quoted + "/", '"')
            for key, value in flat.items()}


@dataclass(frozen=True)
class Fingerprint:
    files: dict[str, list[Any]]  # rel -> [size, mtime_ns, sha1 or None]
    conf: str  # sha1 of conf.py (or giza's default conf)
    config: dict[str, str]  # flattened canonical config

    def data(self) -> dict[str, Any]:
        return {"files": self.files, "conf": self.conf, "config": self.config}

    @property
    def pages(self) -> list[str]:
        return sorted(rel.rsplit(".", 1)[0] for rel in self.files
                      if rel.endswith(PAGE_SUFFIXES) and not rel.startswith("locale/"))


class Why(Enum):
    """The kinds of reason a variant runs (or not); the value is how one reads."""

    FORCED = "--force"
    RECORD_UNUSABLE = "{}"  # no record, another format or giza version, unreadable
    INTERRUPTED = "the previous run was interrupted before recording it"
    NO_ENTRY = "no previous record"
    NOT_OK = "{} last time"  # the status it had
    CONF_CHANGED = "conf.py changed"
    CONFIG_CHANGED = "config changed: {}"  # the keys
    FILES_CHANGED = "{}"  # e.g. "2 pages changed: a.txt, b.txt"
    OUTPUT_MISSING = "output missing: {}"  # the output directory's name
    MOVED = "{}"  # build/ was built under another root (moved_note)
    UP_TO_DATE = "up to date"


@dataclass(frozen=True)
class Reason:
    why: Why
    detail: str = ""

    def __str__(self) -> str:
        return self.why.value.format(self.detail)


@dataclass(frozen=True)
class Decision:
    run: bool
    reasons: tuple[Reason, ...]
    fingerprint: Fingerprint | None = None
    removed_pages: tuple[str, ...] = ()
    # Nothing trustworthy is recorded to carry messages over from (--force, no or an unusable
    # record, an interrupted run): Sphinx starts from a fresh environment, so that it reads
    # and writes every document and reports every message itself.
    fresh: bool = False

    @property
    def reason(self) -> str:
        """The reasons for display: ``1 page changed: install.txt; conf.py changed``."""
        return "; ".join(str(reason) for reason in self.reasons)


def _files_fingerprint(current: dict[str, tuple[int, int]], root_of: Mapping[str, Path],
                       before: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    """Reuse the recorded hash when size and mtime match; hash everything else."""
    files: dict[str, list[Any]] = {}
    for rel, (size, mtime) in current.items():
        old = before.get(rel)
        if old and old[0] == size and old[1] == mtime:
            files[rel] = [size, mtime, old[2]]
        else:
            # New, resized or touched: the hash tells a real change from a touch next time.
            files[rel] = [size, mtime, file_hash(_locate(rel, root_of))]
    return files


def _locate(rel: str, root_of: Mapping[str, Path]) -> Path:
    for prefix, root in root_of.items():
        if prefix and rel.startswith(prefix):
            return root / rel[len(prefix):]
    return root_of[""] / rel


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _names(paths: list[str], limit: int = 3) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (", ..." if len(paths) > limit else "")


def file_changes(old: Mapping[str, list[Any]], new: Mapping[str, list[Any]]) -> list[str]:
    changed = sorted(rel for rel in new.keys() & old.keys()
                     if new[rel][0] != old[rel][0]
                     or (new[rel][1] != old[rel][1] and new[rel][2] != old[rel][2]))
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    reasons = []
    for verb, paths in (("changed", changed), ("added", added), ("removed", removed)):
        pages = [p for p in paths if _is_page(p)]
        others = [p for p in paths if not _is_page(p)]
        if pages:
            reasons.append(f"{_count(len(pages), 'page')} {verb}: {_names(pages)}")
        if others:
            reasons.append(f"{_count(len(others), 'file')} {verb}: {_names(others)}")
    return reasons


def _is_page(rel: str) -> bool:
    return rel.endswith(PAGE_SUFFIXES) and not rel.startswith(("includes/", "locale/"))


def config_changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[Reason]:
    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    # The sphinx context is derived from the config: name the config key when both moved.
    direct = [k for k in keys if not k.startswith("context.")]
    keys = direct or keys
    return [Reason(Why.CONFIG_CHANGED, _names(keys, 4))] if keys else []


def decide(name: str, fingerprint_inputs: dict[str, Any], previous: Previous, force: bool,
           output: Path) -> Decision:
    """Whether task ``name`` must run, and why."""
    entry = previous.tasks.get(name) or {}
    before = entry.get("fingerprint") or {}
    current = fingerprint_inputs["files"]
    files = _files_fingerprint(current, fingerprint_inputs["roots"], before.get("files") or {})
    fingerprint = Fingerprint(files, fingerprint_inputs["conf"], fingerprint_inputs["config"])
    old_pages = Fingerprint(before.get("files") or {}, "", {}).pages
    removed = tuple(sorted(set(old_pages) - set(fingerprint.pages)))
    fresh = _fresh_reason(name, entry, previous, force)
    if fresh is not None:
        # Nothing to carry messages over from: Sphinx starts from a fresh environment.
        return Decision(True, (fresh,), fingerprint, removed, fresh=fresh.why is not Why.NOT_OK)
    reasons = _changes(before, fingerprint, output)
    if reasons:
        # Sphinx cannot see a theme or extension change in an asset checkout: start it
        # from a fresh environment so every page is read and written with the new code.
        old_config = before.get("config") or {}
        assets_moved = any(key.startswith("assets") and
                           old_config.get(key) != fingerprint.config.get(key)
                           for key in old_config.keys() | fingerprint.config.keys())
        return Decision(True, tuple(reasons), fingerprint, removed, fresh=assets_moved)
    return Decision(False, (Reason(Why.UP_TO_DATE),), fingerprint)


def _fresh_reason(name: str, entry: Mapping[str, Any], previous: Previous, force: bool
                  ) -> Reason | None:
    """Why the record cannot be compared with at all (or None when it can)."""
    if force:
        return Reason(Why.FORCED)
    if previous.problem:
        return Reason(Why.RECORD_UNUSABLE, previous.problem)
    if "*" in previous.pending or name in previous.pending:
        # The interrupted run may have processed pages whose messages nobody recorded.
        return Reason(Why.INTERRUPTED)
    if not entry:
        return Reason(Why.NO_ENTRY)
    if entry.get("status") != "ok":
        return Reason(Why.NOT_OK, str(entry.get("status", "not ok")))
    return None


def _changes(before: Mapping[str, Any], fingerprint: Fingerprint, output: Path
             ) -> list[Reason]:
    """What changed since the recorded build (or that its output is gone)."""
    reasons = []
    if before.get("conf") != fingerprint.conf:
        reasons.append(Reason(Why.CONF_CHANGED))
    reasons += config_changes(before.get("config") or {}, fingerprint.config)
    reasons += [Reason(Why.FILES_CHANGED, text)
                for text in file_changes(before.get("files") or {}, fingerprint.files)]
    if not reasons and not (output.is_dir() and any(output.iterdir())):
        reasons.append(Reason(Why.OUTPUT_MISSING, output.name))
    return reasons


def fingerprint_inputs(config: Config, variant: Variant, tree: Tree,
                       scans: dict[str, dict[str, tuple[int, int]]],
                       assets: Sequence[Any] = ()) -> dict[str, Any]:
    """What decides a variant's result, gathered without running anything."""
    if tree.name not in scans:
        scans[tree.name] = scan(config.paths.source, config.paths.ignore, tree.excluded)
    files = dict(scans[tree.name])
    roots = {"": config.paths.source}
    if variant.language:
        if "locale/" not in scans:
            scans["locale/"] = scan(config.paths.locale, ["*.mo"], prefix="locale/")
        files.update(scans["locale/"])
        roots["locale/"] = config.paths.locale
    conf = conf_dir(config.root) / "conf.py"
    settings = config.matrix.lookup(variant.builder, variant.edition)
    # Named so a reason can say which part changed: "config changed: version.release".
    flat = flatten(canonical(resolved(config)))
    flat.update(flatten(canonical(
        {"context": tasks.build_context(config, variant),
         # the commit of each asset checkout (themes, extensions conf.py loads)
         "assets": list(assets),
         "sphinx.yaml": {"tags": settings.tags, "excluded": settings.excluded},
         "side": {name: side.documents for name, side in config.side_files.items()}})))
    flat = under_root(flat, config.root)
    return {
        "files": files,
        "roots": roots,
        "conf": file_hash(conf) if conf.is_file() else "",
        "config": flat,
    }


def decide_all(config: Config, variants: Sequence[Variant], force: bool
               ) -> dict[Variant, Decision]:
    """Every variant's decision, against the last record."""

    previous = load_previous(config)
    found, tree_of = trees(config, variants)
    scans: dict[str, dict[str, tuple[int, int]]] = {}
    heads: list[Any] = []
    if config.assets:
        from giza.site.assets import fingerprint  # lazy: only projects with assets

        heads = fingerprint(config.assets)
    decisions = {}
    for variant in variants:
        name = f"sphinx:{variant.name}"
        decision = decide(name, fingerprint_inputs(config, variant, found[tree_of[variant]],
                                                   scans, heads),
                          previous, force, variant.output_dir(config))
        moved = moved_note(previous.tasks.get(name) or {}, config.root)
        if moved and decision.run and not decision.fresh:
            # Sphinx drops an environment read under another path and reads every page:
            # start it fresh, so a sibling of its tree can write from one reading.
            decision = replace(decision, reasons=(*decision.reasons, Reason(Why.MOVED, moved)),
                               fresh=True)
        decisions[variant] = decision
    return decisions
