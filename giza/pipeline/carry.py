"""What each variant's output has now: the messages Sphinx reported in this run plus
those an incremental (or skipped) build still carries from earlier builds.

Sphinx re-reports a page's warnings only when it processes that page again, so a
rebuild that re-reads one page would otherwise show (and ``--fail-on-warning``
would check) only that page's warnings. The record keeps every variant's messages;
:func:`current_messages` combines them with this run's, phase by phase (see
:func:`carry_messages`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from giza.config.model import Config
from giza.pipeline.incremental import file_changes
from giza.pipeline.results import SphinxResult
from giza.sphinx.output import (
    CHECK,
    LEVELS,
    READ,
    WRITE,
    Message,
    Processed,
    count_levels,
    distinct,
    format_messages,
    merge_messages,
)
from giza.variants import Variant


def discard_environments(config: Config, variants: Sequence[Variant]) -> None:
    """Make Sphinx start these variants from scratch: without its pickled environment it
    reads every document and writes every page, reporting every message again."""
    for variant in variants:
        (variant.doctree_dir(config) / "environment.pickle").unlink(missing_ok=True)


# (message, phase, carried over from an earlier build?)
Found = tuple[Any, str, bool]


def current_messages(config: Config, variants: Sequence[Variant], decisions: dict[Variant, Any],
                     previous: Any, logs: dict[str, Any], outcomes: dict[str, Any],
                     since_ns: int = 0) -> dict[str, list[Found]]:
    """Per variant, the messages its output has now.

    Up to date: what its record says. Rebuilt: what Sphinx reported this time, plus the
    recorded messages of what Sphinx did not process again (carry_messages). A
    variant that started from a sibling's doctrees gets that sibling's read and consistency
    messages: Sphinx read the documents once, for both.

    ``sphinx-build -j`` does not name every page it writes (the first one, and the inner
    pages of a chunk); there the output files written since ``since_ns`` name them.
    """
    seed_of = {str(v.doctree_dir(config)): v.name for v in variants}
    found: dict[str, list[Found]] = {}
    for variant in variants:
        name = f"sphinx:{variant.name}"
        decision = decisions[variant]
        entry = previous.tasks.get(name) or {}
        recorded = recorded_messages(entry)
        if not decision.run:
            found[variant.name] = [(m, phase, True) for m, phase in recorded]
            continue
        log = logs.get(variant.name)
        new: list[Found] = [(m, phase, False) for m, phase in zip(log.messages, log.phases,
                                                                   strict=True)] if log else []
        outcome = outcomes.get(name)
        value = outcome.value if outcome is not None else None
        ran = value if isinstance(value, SphinxResult) else None
        if log and ran and ran.jobs > 1:
            log.processed.written |= written_pages(variant.output_dir(config), since_ns)
        seed = seed_of.get(str(ran.seeded_from)) if ran else None
        if seed in found:
            have = {(m, phase) for m, phase, _ in new}
            new += [item for item in found[seed]
                    if item[1] in (READ, CHECK) and item[:2] not in have]
        kept: list[tuple[Any, str]] = []
        if not decision.fresh:
            before = ((entry.get("fingerprint") or {}).get("files")) or {}
            now = decision.fingerprint.files if decision.fingerprint else {}
            changed, docname = message_files(config, before, now,
                                                     entry.get("built_at"))
            kept = carry_messages(recorded, [m for m, _, _ in new],
                                          log.processed if log else Processed(), changed,
                                          docname, reseeded=seed is not None)
        found[variant.name] = new + [(m, phase, True) for m, phase in kept]
    return found


def written_pages(output: Path, since_ns: int) -> set[str]:
    """The pages whose output file (``install.html``, ``install/index.html``,
    ``install.fjson``, ...) was written since ``since_ns``, as docnames."""
    found: set[str] = set()
    for directory, subdirs, files in os.walk(output):
        subdirs[:] = [d for d in subdirs if not d.startswith(("_", "."))]  # _static, ...
        for filename in files:
            path = os.path.join(directory, filename)
            try:
                if os.stat(path).st_mtime_ns < since_ns:
                    continue
            except OSError:
                continue
            page = os.path.relpath(path, output).replace(os.sep, "/").rsplit(".", 1)[0]
            found.add(page)
            if page.endswith("/index"):  # dirhtml
                found.add(page.removesuffix("/index"))
    return found


def counts(found: Sequence[Found]) -> tuple[int, int]:
    return count_levels(m for m, _, _ in found)


def carried_line(variant: str, messages: Sequence[Any]) -> str:
    """``html: 2 warnings carried over from the previous build``."""
    warnings, errors = count_levels(messages)
    others = len(distinct(messages)) - warnings - errors
    parts = [f"{n} {what}{'' if n == 1 else 's'}"
             for n, what in ((warnings, "warning"), (errors, "error"), (others, "message"))
             if n]
    return f"{variant}: {', '.join(parts)} carried over from the previous build"


def print_messages(variants: Sequence[Variant], shown: Sequence[Variant],
                    messages: dict[str, list[Found]], logs: dict[str, Any],
                    outcomes: dict[str, Any], out: TextIO) -> None:
    """This run's Sphinx messages (each once, with the variants that reported it), the
    failures that reported none, then per variant the count carried over and those
    messages (again each once)."""
    everyone = [v.name for v in variants]
    new = {v.name: [m for m, _, old in messages[v.name] if not old] for v in shown
           if v.name in logs}
    for line in format_messages(merge_messages(new), everyone):
        out.write(line + "\n")
    for variant in variants:
        outcome = outcomes.get(f"sphinx:{variant.name}")
        if outcome is not None and outcome.status == "failed" and not new.get(variant.name):
            out.write(f"giza: error: {variant.name}: {outcome.message}\n")
    carried = {v.name: [m for m, _, old in messages[v.name] if old] for v in shown}
    carried = {name: found for name, found in carried.items() if found}
    for name, found in carried.items():
        out.write(carried_line(name, found) + "\n")
    for line in format_messages(merge_messages(carried), everyone):
        out.write(line + "\n")


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
