"""The linkcheck report: grouped by status for people, the same as JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from giza.fileio import atomic_write
from giza.linkcheck.collect import Place
from giza.linkcheck.result import BROKEN, WARNINGS, Result

REPORT_VERSION = 1
HOST_PLACES_SHOWN = 3  # a host given up on lists this many places, then a count
GROUPS = (("broken", BROKEN), ("redirected", ("redirected",)),
          ("rate-limited or host down", ("rate-limited", "unavailable", "host-down")))


@dataclass(frozen=True)
class Entry:
    result: Result
    places: tuple[Place, ...]


@dataclass(frozen=True)
class LinkReport:
    entries: tuple[Entry, ...]  # one per unique URL, sorted by URL
    variants: tuple[str, ...]
    requests: int  # HTTP requests this run made
    notes: tuple[str, ...] = ()

    def count(self, *statuses: str) -> int:
        return sum(1 for e in self.entries if e.result.status in statuses)

    def exit_code(self, strict: bool) -> int:
        """1 when a link is broken (or, with ``strict``, redirected or rate-limited)."""
        failing = BROKEN + (WARNINGS if strict else ())
        return 1 if self.count(*failing) else 0


def where(places: Sequence[Place], variants: Sequence[str]) -> list[str]:
    """``path:line (variants)`` once per place, its variants in run order."""
    by_place: dict[str, list[str]] = {}
    for place in places:
        by_place.setdefault(place.location(), []).append(place.variant)
    lines = []
    for location, used in by_place.items():
        names = [v for v in variants if v in used]
        shown = (f"all {len(variants)} variants" if len(variants) > 1 and len(names) ==
                 len(variants) else ", ".join(names))
        lines.append(f"{location} ({shown})")
    return lines


def _headline(result: Result) -> str:
    if result.status == "redirected":
        return f"{result.url} -> {result.target} ({result.message})"
    message = result.message
    if result.status == "timeout":
        message = f"timeout: {message}"
    return f"{result.url}: {message}"


def _hosts(entries: Sequence[Entry]) -> dict[str, list[Entry]]:
    hosts: dict[str, list[Entry]] = {}
    for entry in entries:
        hosts.setdefault(urlsplit(entry.result.url).netloc, []).append(entry)
    return hosts


def print_report(report: LinkReport, out: TextIO) -> None:
    for title, statuses in GROUPS:
        entries = [e for e in report.entries if e.result.status in statuses]
        if not entries:
            continue
        out.write(f"{title} ({len(entries)}):\n")
        for entry in (e for e in entries if e.result.status != "host-down"):
            out.write(f"  {_headline(entry.result)}\n")
            for line in where(entry.places, report.variants):
                out.write(f"      {line}\n")
        for host, down in _hosts([e for e in entries if e.result.status == "host-down"]).items():
            out.write(f"  {host}: {down[0].result.message} ({len(down)} URLs)\n")
            places = [line for e in down for line in where(e.places, report.variants)]
            for line in places[:HOST_PLACES_SHOWN]:
                out.write(f"      {line}\n")
            if len(places) > HOST_PLACES_SHOWN:
                out.write(f"      ... and {len(places) - HOST_PLACES_SHOWN} more places\n")
    ok = [e for e in report.entries if e.result.status == "ok"]
    cached = sum(1 for e in report.entries if e.result.cached)
    out.write(f"ok: {len(ok)}; ignored: {report.count('ignored')}\n")
    for note in report.notes:
        out.write(f"giza: note: {note}\n")
    counts = ", ".join(f"{report.count(*statuses)} {title}" for title, statuses in GROUPS)
    out.write(f"linkcheck: {_count(len(report.entries), 'unique URL')} in "
              f"{_count(len(report.variants), 'variant')}; {_count(report.requests, 'request')}"
              f", {cached} from the cache; {counts}\n")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def report_data(report: LinkReport, strict: bool) -> dict[str, Any]:
    links = []
    for entry in report.entries:
        data = entry.result.data()
        data["cached"] = entry.result.cached
        data["places"] = [{"path": p.path, "line": p.line, "variant": p.variant}
                          for p in entry.places]
        links.append(data)
    return {
        "version": REPORT_VERSION,
        "variants": list(report.variants),
        "requests": report.requests,
        "summary": {title: report.count(*statuses) for title, statuses in GROUPS}
        | {"ok": report.count("ok"), "ignored": report.count("ignored"),
           "cached": sum(1 for e in report.entries if e.result.cached),
           "unique_urls": len(report.entries)},
        "exit_code": report.exit_code(strict),
        "notes": list(report.notes),
        "links": links,
    }


def write_json(report: LinkReport, path: Path, strict: bool) -> None:
    text = json.dumps(report_data(report, strict), indent=2) + "\n"
    atomic_write(path, text.encode("utf-8"))
