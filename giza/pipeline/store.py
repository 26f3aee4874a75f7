"""The build records: one per branch in ``build/<branch>/.giza/record.json``, older ones
rotated to ``record.1.json`` ... ``record.9.json``, and the pending mark that tells a run
killed before recording it (kill -9 safety)."""

from __future__ import annotations

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
from giza.layout import pending_path, record_path

RECORD_FORMAT = 1


KEEP = 9


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
