"""Build records and fingerprints: what made each variant's last build, and why it must
(or need not) run again.

A variant's fingerprint is computed in the planning process, before anything runs:
the source files it reads (size and mtime, with a content hash to see through a
touched-but-unchanged file), conf.py, the resolved configuration as canonical JSON
and giza's version. An unchanged fingerprint with existing output means sphinx-build
never starts. One record per branch lives in ``build/<branch>/.giza/record.json``;
older ones rotate to ``record.1.json`` ... ``record.9.json``.

A record also keeps the Sphinx messages each variant's output has, because Sphinx only
reports those of the documents it processes: ``carry_messages`` decides which of them
still hold after an incremental build.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giza import __version__
from giza.config.model import Config
from giza.fileio import atomic_write
from giza.proxy import Ignore, _excluded, _normalise
from giza.sphinx.output import CHECK, LEVELS, READ, WRITE, Message, Processed

RECORD_FORMAT = 1
KEEP = 9
PAGE_SUFFIXES = (".txt", ".rst")


def giza_dir(config: Config) -> Path:
    return config.branch_dir / ".giza"


def record_path(config: Config, index: int = 0) -> Path:
    name = "record.json" if index == 0 else f"record.{index}.json"
    return giza_dir(config) / name


def pending_path(config: Config) -> Path:
    return giza_dir(config) / "pending.json"


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


@dataclass
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


@dataclass
class Decision:
    run: bool
    reason: str
    fingerprint: Fingerprint | None = None
    removed_pages: list[str] = field(default_factory=list)
    # Nothing trustworthy is recorded to carry messages over from (--force, no or an unusable
    # record, an interrupted run): Sphinx starts from a fresh environment, so that it reads
    # and writes every document and reports every message itself.
    fresh: bool = False


@dataclass
class Previous:
    """What the last record says, or why it cannot be used."""

    tasks: dict[str, dict[str, Any]]
    problem: str | None = None  # set when the whole record is unusable
    pending: set[str] = field(default_factory=set)


def load_previous(config: Config) -> Previous:
    pending: set[str] = set()
    try:
        pending = set(json.loads(pending_path(config).read_text()).get("tasks", []))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, AttributeError):
        pending = {"*"}  # unreadable: treat everything as interrupted
    path = record_path(config)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Previous({}, "no previous record", pending)
    except (OSError, ValueError) as exc:
        return Previous({}, f"previous record unreadable ({type(exc).__name__}): full rebuild",
                        pending)
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        return Previous({}, "previous record has another format: full rebuild", pending)
    if data.get("giza") != __version__:
        return Previous({}, f"previous record written by giza {data.get('giza')}, this is "
                            f"giza {__version__}: full rebuild", pending)
    tasks = data.get("tasks")
    return Previous(tasks if isinstance(tasks, dict) else {}, None, pending)


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


def config_changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    # The sphinx context is derived from the config: name the config key when both moved.
    direct = [k for k in keys if not k.startswith("context.")]
    keys = direct or keys
    return [f"config changed: {_names(keys, 4)}"] if keys else []


def decide(name: str, fingerprint_inputs: dict[str, Any], previous: Previous, force: bool,
           output: Path) -> Decision:
    """Whether task ``name`` must run, and the reason in words."""
    entry = previous.tasks.get(name) or {}
    before = entry.get("fingerprint") or {}
    current = fingerprint_inputs["files"]
    files = _files_fingerprint(current, fingerprint_inputs["roots"], before.get("files") or {})
    fingerprint = Fingerprint(files, fingerprint_inputs["conf"], fingerprint_inputs["config"])
    old_pages = Fingerprint(before.get("files") or {}, "", {}).pages
    removed_pages = sorted(set(old_pages) - set(fingerprint.pages))
    if force:
        return Decision(True, "--force", fingerprint, removed_pages, fresh=True)
    if previous.problem:
        return Decision(True, previous.problem, fingerprint, removed_pages, fresh=True)
    if "*" in previous.pending or name in previous.pending:
        # The interrupted run may have processed pages whose messages nobody recorded.
        return Decision(True, "the previous run was interrupted before recording it",
                        fingerprint, removed_pages, fresh=True)
    if not entry:
        return Decision(True, "no previous record", fingerprint, removed_pages, fresh=True)
    if entry.get("status") != "ok":
        return Decision(True, f"{entry.get('status', 'not ok')} last time", fingerprint,
                        removed_pages)
    reasons = []
    if before.get("conf") != fingerprint.conf:
        reasons.append("conf.py changed")
    reasons += config_changes(before.get("config") or {}, fingerprint.config)
    reasons += file_changes(before.get("files") or {}, files)
    if not reasons and not (output.is_dir() and any(output.iterdir())):
        reasons.append(f"output missing: {output.name}")
    if reasons:
        # Sphinx cannot see a theme or extension change in an asset checkout: start it
        # from a fresh environment so every page is read and written with the new code.
        old_config = before.get("config") or {}
        assets_moved = any(key.startswith("assets") and
                           old_config.get(key) != fingerprint.config.get(key)
                           for key in old_config.keys() | fingerprint.config.keys())
        return Decision(True, "; ".join(reasons), fingerprint, removed_pages,
                        fresh=assets_moved)
    return Decision(False, "up to date", fingerprint)


def message_data(message: Message, phase: str) -> dict[str, Any]:
    """A message as a record stores it: the reported fields and the build phase."""
    return {"path": message.path, "line": message.line, "level": message.level,
            "text": message.text, "phase": phase}


def recorded_messages(entry: Mapping[str, Any]) -> list[tuple[Message, str]]:
    """(message, phase) pairs of a record entry; an entry without messages (an older
    record) or with damaged ones yields nothing for those."""
    found = []
    for item in entry.get("messages") or ():
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str) or \
                item.get("level") not in LEVELS:
            continue
        path, line = item.get("path"), item.get("line")
        found.append((Message(path if isinstance(path, str) else None,
                              line if isinstance(line, int) else None,
                              item["level"], item["text"]),
                      str(item.get("phase") or "")))
    return found


def carry_messages(recorded: Sequence[tuple[Message, str]], new: Iterable[Message],
                   processed: Processed, changed: Callable[[str], bool],
                   docname: Callable[[str], str | None],
                   reseeded: bool = False) -> list[tuple[Message, str]]:
    """The recorded messages that are still true of the output after a run that
    processed ``processed``, minus those reported again (``new``).

    Sphinx reports a document's parse messages only when it reads the document, its
    reference messages only when it writes it, and the consistency check's when anything
    was read. So a recorded message is carried over unless: it names no file; its file
    changed or is gone; the run read its document (which also writes it) or re-read
    everything; it came from the consistency check and that ran again; or it came from
    writing and its document was written again. ``reseeded``: the run started from a
    sibling's environment, whose read and check messages replace the recorded ones.
    """
    fresh = set(new)
    kept = []
    for message, phase in recorded:
        if message.path is None or message in fresh or changed(message.path):
            continue
        if reseeded and phase in (READ, CHECK):
            continue
        if processed.seen:
            document = docname(message.path)
            if processed.read_all or document in processed.read:
                continue
            if phase == CHECK and processed.checked:
                continue
            if phase == WRITE and (processed.written_all or document in processed.written):
                continue
        kept.append((message, phase))
    return kept


def message_files(config: Config, before: Mapping[str, list[Any]],
                  now: Mapping[str, list[Any]], since: float | None
                  ) -> tuple[Callable[[str], bool], Callable[[str], str | None]]:
    """``changed(path)`` and ``docname(path)`` for the paths messages name (relative to
    the project root, or absolute).

    A file the fingerprint tracks changed when the fingerprints say so (added, removed or
    new content). Any other file (a module autodoc read, a template) counts as changed when
    it is gone or was modified after ``since``, the start of the build that reported it.
    """
    source = os.path.normpath(config.paths.source)
    locale = os.path.normpath(config.paths.locale)

    def absolute(path: str) -> str:
        return os.path.normpath(path if os.path.isabs(path) else os.path.join(config.root, path))

    def under(path: str, root: str) -> str | None:
        if path.startswith(root + os.sep):
            return path[len(root) + 1:].replace(os.sep, "/")
        return None

    def key(path: str) -> str | None:
        full = absolute(path)
        rel = under(full, source)
        if rel is not None:
            return rel
        rel = under(full, locale)
        return None if rel is None else "locale/" + rel

    def changed(path: str) -> bool:
        rel = key(path)
        if rel is not None and (rel in before or rel in now):
            if rel not in before or rel not in now:
                return True
            return bool(file_changes({rel: before[rel]}, {rel: now[rel]}))
        # autodoc names "module.py:docstring of module.f"
        filename = absolute(path).split(":docstring of ", 1)[0]
        try:
            mtime = os.stat(filename).st_mtime
        except OSError:
            return True
        return since is None or mtime > since

    def docname(path: str) -> str | None:
        rel = under(absolute(path), source)
        return None if rel is None else os.path.splitext(rel)[0]

    return changed, docname


def write_atomic(path: Path, data: Any, before_swap: Callable[[], None] | None = None
                 ) -> None:
    """``data`` as JSON, durably, through the one atomic-write helper."""
    payload = json.dumps(data, indent=1, sort_keys=True).encode("utf-8")
    atomic_write(path, payload, durable=True, before_swap=before_swap)


def _pending(config: Config) -> set[str]:
    try:
        tasks = json.loads(pending_path(config).read_text()).get("tasks", [])
        return {str(name) for name in tasks}
    except (OSError, ValueError, AttributeError, TypeError):
        return set()


def mark_pending(config: Config, names: Iterable[str]) -> None:
    """Before running: these tasks are not done until a record says so (kill -9 safety).
    Tasks an interrupted run left pending stay so until a record settles them too."""
    write_atomic(pending_path(config), {"tasks": sorted(set(names) | _pending(config)),
                                        "since": time.time()})


def write_record(config: Config, tasks: Mapping[str, dict[str, Any]],
                 settled: Iterable[str] | None = None,
                 extra: Mapping[str, Any] | None = None) -> Path:
    """Rotate the old records and write the new one atomically, then clear pending.

    ``settled``: the tasks this run decided (default: all of ``tasks``); the others, kept
    from an earlier record, stay pending if they were."""
    def rotate() -> None:
        for index in range(KEEP, 0, -1):
            older = record_path(config, index - 1)
            if older.exists():
                os.replace(older, record_path(config, index))

    path = record_path(config)
    # Rotate only once the new record is written: a full disk must not lose the last one.
    write_atomic(path, {"format": RECORD_FORMAT, "giza": __version__, "time": time.time(),
                        "branch": config.branch, "tasks": dict(tasks), **(extra or {})},
                       before_swap=rotate)
    left = _pending(config) - set(tasks if settled is None else settled)
    if left:
        write_atomic(pending_path(config), {"tasks": sorted(left), "since": time.time()})
    else:
        pending_path(config).unlink(missing_ok=True)
    return path


def load_records(config: Config, last: int = 1) -> list[dict[str, Any]]:
    """The newest ``last`` readable records, newest first."""
    found = []
    for index in range(KEEP + 1):
        if len(found) >= last:
            break
        try:
            data = json.loads(record_path(config, index).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            found.append(data)
    return found


def format_records(found: Sequence[Mapping[str, Any]], fails: bool = False,
                   variant: str | None = None) -> list[str]:
    """Readable lines for `giza records`."""
    if not found:
        return ["no build records yet for this branch"]
    lines: list[str] = []
    for data in found:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(data.get("time") or 0))
        lines.append(f"record of {stamp} (giza {data.get('giza')}, branch {data.get('branch')})")
        tasks = data.get("tasks") or {}
        shown_any = False
        for name in sorted(tasks):
            entry = tasks[name] or {}
            label = entry.get("variant") or name.removeprefix("sphinx:")
            if variant and label != variant:
                continue
            if entry.get("earlier"):
                continue  # kept from an earlier record: that run did not build it
            if fails and entry.get("status") not in ("failed", "skipped"):
                continue
            shown_any = True
            warnings = entry.get("warnings")
            lines.append(f"  {label:<20} {entry.get('status', '?'):<8} "
                         f"{entry.get('seconds') or 0:>7.1f} s  "
                         f"{'-' if warnings is None else warnings:>3} warnings  "
                         f"{entry.get('reason', '')}")
        if not shown_any:
            lines.append("  (no matching tasks)")
    return lines
