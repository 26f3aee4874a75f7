"""`giza report`: one self-contained HTML page about a build record, for people.

A timeline (a lane per worker, a bar per task, Sphinx phases inside Sphinx bars, the
critical path and idle time marked), the variants, the slowest documents, every warning
grouped by file, and what changed since the previous record. Inline CSS, SVG and a few
lines of JS; nothing is fetched. The page is rendered by Jinja2 from
giza/templates/report.html out of the frozen view below.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giza.errors import UsageError
from giza.fileio import atomic_write
from giza.layout import report_path

LABEL_WIDTH = 150  # px of lane names left of the plot
PLOT_WIDTH = 850
LANE_HEIGHT = 34
BAR_HEIGHT = 22
SLOWEST = 20


@dataclass(frozen=True)
class Segment:
    name: str  # a Sphinx phase
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    task: str
    kind: str
    status: str
    x: float
    width: float
    critical: bool
    segments: tuple[Segment, ...]
    details: tuple[str, ...]  # lines shown on hover or focus


@dataclass(frozen=True)
class Gap:
    x: float
    width: float


@dataclass(frozen=True)
class Lane:
    worker: str
    y: float
    bars: tuple[Bar, ...]
    idle: tuple[Gap, ...]


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    span: float  # seconds from the build's start to the last task's end
    lanes: tuple[Lane, ...]
    ticks: tuple[tuple[float, str], ...]  # (x, label)
    critical: tuple[str, ...]  # task names, first to last
    critical_seconds: float
    idle_seconds: float
    busy_seconds: float


@dataclass(frozen=True)
class VariantRow:
    variant: str
    status: str
    reason: str
    seconds: float
    warnings: str
    errors: str
    read: str
    written: str
    memory: str


@dataclass(frozen=True)
class SlowDoc:
    document: str
    variant: str
    phase: str
    seconds: float


@dataclass(frozen=True)
class WarningItem:
    line: str
    level: str
    text: str
    variants: str


@dataclass(frozen=True)
class WarningGroup:
    path: str
    items: tuple[WarningItem, ...]


@dataclass(frozen=True)
class Change:
    variant: str
    before: float
    after: float


@dataclass(frozen=True)
class Comparison:
    previous: str  # when the previous record was written
    slower: tuple[Change, ...]
    faster: tuple[Change, ...]
    new: tuple[str, ...]
    gone: tuple[str, ...]


@dataclass(frozen=True)
class ReportPage:
    title: str
    when: str
    branch: str
    timeline: Timeline | None
    variants: tuple[VariantRow, ...]
    slowest: tuple[SlowDoc, ...]
    warnings: tuple[WarningGroup, ...]
    warning_count: int
    comparison: Comparison | None
    timers: tuple[tuple[str, float], ...]


def _stamp(seconds: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds or 0))


def mib(value: int | None) -> str:
    return f"{value / 2**20:.0f} MiB" if value else "-"


def build_page(record: Mapping[str, Any], previous: Mapping[str, Any] | None = None,
               title: str = "giza build report") -> ReportPage:
    """The view of ``record`` (as records.load_records returns it)."""
    timeline = record.get("timeline") if isinstance(record.get("timeline"), Mapping) else {}
    rows = [row for row in timeline.get("tasks") or () if isinstance(row, Mapping)]
    entries = _entries(record)
    groups, count = warning_groups(entries)
    return ReportPage(
        title=title,
        when=_stamp(record.get("time")),
        branch=str(record.get("branch") or ""),
        timeline=layout(rows, entries) if rows else None,
        variants=variant_rows(entries, rows),
        slowest=slowest_documents(rows),
        warnings=groups,
        warning_count=count,
        comparison=compare(record, previous) if previous else None,
        timers=tuple((str(k), float(v)) for k, v in (timeline.get("timers") or {}).items()),
    )


def _entries(record: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The sphinx entries this record's run decided (not those kept from earlier runs)."""
    tasks = record.get("tasks") or {}
    return {name: entry for name, entry in tasks.items()
            if isinstance(entry, Mapping) and not entry.get("earlier")}


def critical_path(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """From the task that ended last, back through the dependency that ended last: the
    chain that decided how long the build took."""
    by_name = {row["name"]: row for row in rows}
    if not by_name:
        return []
    current = max(rows, key=lambda row: row["timing"]["end"])
    path = [current["name"]]
    while True:
        deps = [by_name[d] for d in current.get("deps") or () if d in by_name]
        if not deps:
            break
        current = max(deps, key=lambda row: row["timing"]["end"])
        path.append(current["name"])
    return path[::-1]


def _ticks(span: float) -> tuple[tuple[float, str], ...]:
    if span <= 0:
        return ()
    raw = span / 8
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 5, 10) if step * m >= raw)
    count = int(span / step) + 1
    return tuple((LABEL_WIDTH + i * step / span * PLOT_WIDTH, f"{i * step:g} s")
                 for i in range(count))


def layout(rows: Sequence[Mapping[str, Any]], entries: Mapping[str, Mapping[str, Any]]
           ) -> Timeline:
    """Lanes (one per worker, in order of first use) with their bars and idle gaps."""
    span = max(row["timing"]["end"] for row in rows) or 1e-9
    scale = PLOT_WIDTH / span
    critical = critical_path(rows)
    workers = list(dict.fromkeys(row["timing"]["worker"] for row in
                                 sorted(rows, key=lambda r: r["timing"]["start"])))
    lanes, idle_total, busy_total = [], 0.0, 0.0
    for index, worker in enumerate(workers):
        mine = sorted((r for r in rows if r["timing"]["worker"] == worker),
                      key=lambda r: r["timing"]["start"])
        bars = tuple(_bar(row, scale, row["name"] in critical, entries) for row in mine)
        gaps, cursor = [], 0.0
        for row in mine:
            start, end = row["timing"]["start"], row["timing"]["end"]
            if start > cursor:
                gaps.append((cursor, start))
            busy_total += max(0.0, end - max(start, cursor))
            cursor = max(cursor, end)
        if span > cursor:
            gaps.append((cursor, span))
        idle_total += sum(b - a for a, b in gaps)
        lanes.append(Lane(worker, 30 + index * LANE_HEIGHT, bars,
                          tuple(Gap(LABEL_WIDTH + a * scale, (b - a) * scale) for a, b in gaps)))
    by_name = {row["name"]: row for row in rows}
    return Timeline(
        width=LABEL_WIDTH + PLOT_WIDTH + 10,
        height=40 + len(lanes) * LANE_HEIGHT,
        span=span,
        lanes=tuple(lanes),
        ticks=_ticks(span),
        critical=tuple(critical),
        critical_seconds=sum(by_name[n]["timing"]["end"] - by_name[n]["timing"]["start"]
                             for n in critical),
        idle_seconds=idle_total,
        busy_seconds=busy_total,
    )


def _bar(row: Mapping[str, Any], scale: float, critical: bool,
         entries: Mapping[str, Mapping[str, Any]]) -> Bar:
    timing = row["timing"]
    start, end = timing["start"], timing["end"]
    segments = tuple(Segment(p["name"], LABEL_WIDTH + p["start"] * scale,
                             max(0.5, (p["end"] - p["start"]) * scale))
                     for p in timing.get("phases") or ())
    details = [row["name"], f"status: {row['status']}"]
    reason = (entries.get(row["name"]) or {}).get("reason")
    if reason:
        details.append(f"why it ran: {reason}")
    if row.get("message"):
        details.append(f"message: {row['message']}")
    details += [f"{start:.2f} s to {end:.2f} s ({end - start:.2f} s)",
                f"worker: {timing['worker']}", f"peak memory: {mib(timing.get('peak_rss'))}"]
    for phase in timing.get("phases") or ():
        count = phase["documents"]
        docs = f", {count} document{'' if count == 1 else 's'}" if count else ""
        details.append(f"{phase['name']}: {phase['end'] - phase['start']:.2f} s{docs}")
    if critical:
        details.append("on the critical path")
    return Bar(row["name"], str(row.get("kind") or "task"), str(row["status"]),
               LABEL_WIDTH + start * scale, max(1.0, (end - start) * scale), critical,
               segments, tuple(details))


def _phase_docs(row: Mapping[str, Any] | None, name: str) -> str:
    if row is None:
        return "-"
    counts = [p["documents"] for p in row["timing"].get("phases") or () if p["name"] == name]
    return str(sum(counts)) if counts else "-"


def variant_rows(entries: Mapping[str, Mapping[str, Any]],
                 rows: Sequence[Mapping[str, Any]]) -> tuple[VariantRow, ...]:
    by_name = {row["name"]: row for row in rows}
    out = []
    for name, entry in sorted(entries.items()):
        if not entry.get("variant"):  # only a variant's (its sphinx task's) entry has one
            continue
        row = by_name.get(name)
        out.append(VariantRow(
            variant=str(entry["variant"]),
            status=str(entry.get("status", "?")),
            reason=str(entry.get("reason", "")),
            seconds=float(entry.get("seconds") or 0.0),
            warnings="-" if entry.get("warnings") is None else str(entry["warnings"]),
            errors="-" if entry.get("errors") is None else str(entry["errors"]),
            read=_phase_docs(row, "read"),
            written=_phase_docs(row, "write"),
            memory=mib(row["timing"].get("peak_rss")) if row else "-",
        ))
    return tuple(out)


def slowest_documents(rows: Sequence[Mapping[str, Any]]) -> tuple[SlowDoc, ...]:
    found = [SlowDoc(str(doc["document"]), str(row.get("variant") or row["name"]),
                     str(doc["phase"]), float(doc["seconds"]))
             for row in rows for doc in row["timing"].get("slowest") or ()]
    found.sort(key=lambda doc: -doc.seconds)
    return tuple(found[:SLOWEST])


def _messages(entries: Mapping[str, Mapping[str, Any]]) -> dict[tuple[Any, ...], list[str]]:
    """(path, line, level, text) -> the variants that reported it."""
    found: dict[tuple[Any, ...], list[str]] = {}
    for name, entry in entries.items():
        variant = str(entry.get("variant") or name)
        for item in entry.get("messages") or ():
            if not isinstance(item, Mapping) or item.get("level") == "INFO":
                continue
            key = (item.get("path"), item.get("line"), item.get("level"), item.get("text"))
            found.setdefault(key, []).append(variant)
    return found


def warning_groups(entries: Mapping[str, Mapping[str, Any]]
                   ) -> tuple[tuple[WarningGroup, ...], int]:
    found = _messages(entries)
    paths: dict[str, list[WarningItem]] = {}
    for (path, line, level, text), variants in sorted(
            found.items(), key=lambda kv: (str(kv[0][0] or ""), kv[0][1] or 0)):
        paths.setdefault(str(path or "(no file)"), []).append(WarningItem(
            "" if line is None else str(line), str(level), str(text), ", ".join(variants)))
    return tuple(WarningGroup(p, tuple(items)) for p, items in paths.items()), len(found)


def _describe(key: tuple[Any, ...]) -> str:
    path, line, level, text = key
    where = f"{path}:{line}" if path and line else (path or "")
    return f"{where}: {level}: {text}" if where else f"{level}: {text}"


def compare(record: Mapping[str, Any], previous: Mapping[str, Any]) -> Comparison:
    """Variants that got slower or faster (by 10% and half a second at least), and
    warnings that are new or gone, against the previous record."""
    now, before = _entries(record), _entries(previous)
    slower, faster = [], []
    for name in sorted(now.keys() & before.keys()):
        a = float(before[name].get("seconds") or 0.0)
        b = float(now[name].get("seconds") or 0.0)
        if now[name].get("reason") == "up to date" or abs(b - a) < max(0.5, 0.1 * a):
            continue
        change = Change(str(now[name].get("variant") or name), a, b)
        (slower if b > a else faster).append(change)
    new_keys, old_keys = set(_messages(now)), set(_messages(before))
    return Comparison(
        previous=_stamp(previous.get("time")),
        slower=tuple(slower), faster=tuple(faster),
        new=tuple(sorted(_describe(k) for k in new_keys - old_keys)),
        gone=tuple(sorted(_describe(k) for k in old_keys - new_keys)),
    )


def render(page: ReportPage) -> str:
    import jinja2  # lazy: only a report renders; the build imports this module for less

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    return environment.get_template("report.html").render(page=page)


def write_report(records: Sequence[Mapping[str, Any]], index: int, path: Path,
                 title: str) -> Path:
    """Render record ``index`` of ``records`` (newest first), compared with the one before
    it, into ``path`` atomically."""
    previous = records[index + 1] if index + 1 < len(records) else None
    atomic_write(path, render(build_page(records[index], previous, title)).encode("utf-8"))
    return path


def report_for(config: Any, index: int = 0, out: str | None = None) -> Path:
    """`giza report`: record ``index`` of the branch (0: the newest, N: record.N.json) as
    HTML in ``out`` (default: build/<branch>/.giza/report.html)."""
    from giza.pipeline.store import KEEP, load_records  # lazy: start-up of `giza report`

    if not 0 <= index <= KEEP:
        raise UsageError(f"--record must be between 0 (the newest) and {KEEP}, not {index}")
    found = load_records(config, index + 2)
    if index >= len(found):
        have = f"records 0 to {len(found) - 1}" if found else "no records yet"
        raise UsageError(f"no build record {index} for branch {config.branch} ({have}); "
                         "`giza records --last 10` lists them")
    path = Path(out) if out else report_path(config)
    title = f"{config.project.title or config.project.name} build report"
    return write_report(found, index, path, title)
