"""What each variant's output has now: the messages Sphinx reported in this run plus
those an incremental (or skipped) build still carries from earlier builds.

Sphinx re-reports a page's warnings only when it processes that page again, so a
rebuild that re-reads one page would otherwise show (and ``--fail-on-warning``
would check) only that page's warnings. The record keeps every variant's messages;
:func:`current_messages` combines them with this run's, phase by phase (see
:func:`giza.records.carry_messages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from giza.config.model import Config
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
    recorded messages of what Sphinx did not process again (records.carry_messages). A
    variant that started from a sibling's doctrees gets that sibling's read and consistency
    messages: Sphinx read the documents once, for both.

    ``sphinx-build -j`` does not name every page it writes (the first one, and the inner
    pages of a chunk); there the output files written since ``since_ns`` name them.
    """
    from giza import records
    from giza.sphinx.output import CHECK, READ, Processed

    seed_of = {str(v.doctree_dir(config)): v.name for v in variants}
    found: dict[str, list[Found]] = {}
    for variant in variants:
        name = f"sphinx:{variant.name}"
        decision = decisions[variant]
        entry = previous.tasks.get(name) or {}
        recorded = records.recorded_messages(entry)
        if not decision.run:
            found[variant.name] = [(m, phase, True) for m, phase in recorded]
            continue
        log = logs.get(variant.name)
        new: list[Found] = [(m, phase, False) for m, phase in zip(log.messages, log.phases,
                                                                   strict=True)] if log else []
        outcome = outcomes.get(name)
        value = outcome.value if outcome is not None else None
        if log and isinstance(value, dict) and "-j" in (value.get("argv") or ()):
            log.processed.written |= written_pages(variant.output_dir(config), since_ns)
        seed = seed_of.get(str(value.get("seeded_from"))) if isinstance(value, dict) else None
        if seed in found:
            have = {(m, phase) for m, phase, _ in new}
            new += [item for item in found[seed]
                    if item[1] in (READ, CHECK) and item[:2] not in have]
        kept: list[tuple[Any, str]] = []
        if not decision.fresh:
            before = ((entry.get("fingerprint") or {}).get("files")) or {}
            now = decision.fingerprint.files if decision.fingerprint else {}
            changed, docname = records.message_files(config, before, now,
                                                     entry.get("built_at"))
            kept = records.carry_messages(recorded, [m for m, _, _ in new],
                                          log.processed if log else Processed(), changed,
                                          docname, reseeded=seed is not None)
        found[variant.name] = new + [(m, phase, True) for m, phase in kept]
    return found


def written_pages(output: Path, since_ns: int) -> set[str]:
    """The pages whose output file (``install.html``, ``install/index.html``,
    ``install.fjson``, ...) was written since ``since_ns``, as docnames."""
    import os

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
    from giza.sphinx.output import count_levels

    return count_levels(m for m, _, _ in found)


def carried_line(variant: str, messages: Sequence[Any]) -> str:
    """``html: 2 warnings carried over from the previous build``."""
    from giza.sphinx.output import count_levels, distinct

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
    from giza.sphinx.output import format_messages, merge_messages

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
