"""Where a sphinx-build spent its time, from its progress lines and the time each arrived.

Sphinx prints a document's progress line (``reading sources... [ 48%] intro``) just before it
processes that document, so the time to the next line is that document's time. With
``-j N`` Sphinx names chunks (``a .. z``) instead of documents: those give phase totals but
no per-document times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SETUP, READ, CHECK, WRITE, FINISH = "setup", "read", "check", "write", "finish"
PHASES = (SETUP, READ, CHECK, WRITE, FINISH)

_ITEM = re.compile(r"^(?P<what>reading sources|writing output)\.\.\. \[\s*(?P<pct>\d+)%\] "
                   r"(?P<item>.+)$")
_UPDATING = re.compile(r"^updating environment: (?:\[[^\]]*\] )?(?P<added>\d+) added, "
                       r"(?P<changed>\d+) changed")
_STARTS = (
    (re.compile(r"^updating environment: "), READ),
    (re.compile(r"^looking for now-outdated files\.\.\."), CHECK),
    (re.compile(r"^preparing documents\.\.\."), WRITE),
    (re.compile(r"^(?:generating indices|writing additional pages|dumping search index|"
                r"dumping object inventory|build (?:succeeded|finished))"), FINISH),
)


@dataclass(frozen=True)
class Phase:
    name: str  # one of PHASES
    started: float  # time.time()
    ended: float
    documents: int  # documents (or -j chunks) named in its progress lines

    @property
    def seconds(self) -> float:
        return max(0.0, self.ended - self.started)


@dataclass(frozen=True)
class DocTime:
    document: str
    phase: str  # READ or WRITE
    seconds: float


@dataclass(frozen=True)
class Progress:
    """Where a running sphinx-build is: ``reading 412/1178`` (or ``writing 48%``)."""

    phase: str  # "reading" or "writing"
    done: int
    total: int  # documents; 0 when only the percentage is known (then done is it)

    def describe(self) -> str:
        if self.total:
            return f"{self.phase} {self.done}/{self.total}"
        return f"{self.phase} {self.done}%"


class ProgressTracker:
    """Follows progress lines one by one (the live display's view of a sphinx-build)."""

    def __init__(self) -> None:
        self.to_read = 0  # from "updating environment: N added, M changed"

    def feed(self, line: str) -> Progress | None:
        updating = _UPDATING.match(line)
        if updating is not None:
            self.to_read = int(updating["added"]) + int(updating["changed"])
            return None
        match = _ITEM.match(line)
        if match is None:
            return None
        pct = int(match["pct"])
        if match["what"] == "reading sources" and self.to_read:
            return Progress("reading", round(pct * self.to_read / 100), self.to_read)
        return Progress("reading" if match["what"] == "reading sources" else "writing", pct, 0)


def phases(lines: Sequence[tuple[float, str]], ended: float,
           started: float | None = None) -> tuple[Phase, ...]:
    """The phases of one sphinx-build run; () when its output has no progress lines.
    ``setup`` starts at ``started`` (the process's start: Python and Sphinx load before
    the first line) when given, else at the first line."""
    marks: list[tuple[str, float]] = []
    counts: dict[str, int] = {}
    exact: int | None = None
    for when, line in lines:
        name = _phase_started(line, marks[-1][0] if marks else None)
        if name is not None and (not marks or marks[-1][0] != name):
            marks.append((name, when))
        item = _ITEM.match(line)
        if item is not None:
            phase = READ if item["what"] == "reading sources" else WRITE
            counts[phase] = counts.get(phase, 0) + 1
        updating = _UPDATING.match(line)
        if updating is not None:  # the exact count, even when -j names chunks
            exact = int(updating["added"]) + int(updating["changed"])
    if exact is not None:
        counts[READ] = exact
    if not marks:
        return ()
    if marks[0][0] != SETUP:
        marks.insert(0, (SETUP, lines[0][0]))
    if started is not None and started < marks[0][1]:
        marks[0] = (SETUP, started)
    bounds = [when for _, when in marks[1:]] + [ended]
    return tuple(Phase(name, when, end, counts.get(name, 0))
                 for (name, when), end in zip(marks, bounds, strict=True))


def _phase_started(line: str, current: str | None) -> str | None:
    if line.startswith("Running Sphinx v"):
        return SETUP
    for pattern, name in _STARTS:
        if pattern.match(line):
            return name
    item = _ITEM.match(line)
    if item is not None:
        # Without "updating environment" (an old Sphinx) the first item starts the phase.
        phase = READ if item["what"] == "reading sources" else WRITE
        return phase if current != phase else None
    return None


def document_times(lines: Sequence[tuple[float, str]], ended: float,
                   limit: int = 20) -> tuple[DocTime, ...]:
    """The ``limit`` slowest documents (read or write), slowest first."""
    found: list[DocTime] = []
    pending: tuple[str, str, float] | None = None  # the document being processed
    for when, line in lines:
        if not line.strip():
            continue
        if pending is not None:
            found.append(DocTime(pending[0], pending[1], max(0.0, when - pending[2])))
            pending = None
        item = _ITEM.match(line)
        if item is not None and " .. " not in item["item"]:
            phase = READ if item["what"] == "reading sources" else WRITE
            pending = (item["item"].strip(), phase, when)
    if pending is not None:
        found.append(DocTime(pending[0], pending[1], max(0.0, ended - pending[2])))
    found.sort(key=lambda doc: -doc.seconds)
    return tuple(found[:limit])
