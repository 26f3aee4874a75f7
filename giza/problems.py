"""Problems found while checking a project: collected, sorted by file and line, counted.

Checks report through :func:`warn` instead of stopping, so one run shows every problem.
A *compatibility* warning is something the original giza accepted and published; the
build goes on doing what the original did, and ``--strict`` makes it an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

_WHERE = re.compile(r"^(?P<file>[^\s:][^:]*?):(?P<line>\d+): ")


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: ``text`` starts with ``file:line:`` when a place is known."""

    file: str
    line: int
    text: str
    level: str = WARNING

    @classmethod
    def parse(cls, text: str, level: str = WARNING) -> Problem:
        found = _WHERE.match(text)
        if found is None:
            return cls("", 0, text, level)
        return cls(found.group("file"), int(found.group("line")), text, level)

    def show(self) -> str:
        return f"{self.text}" if self.level == ERROR else f"warning: {self.text}"


_collectors: list[list[Problem]] = []


def warn(text: str) -> None:
    """Report a compatibility warning (``file:line: what giza did``).

    Outside :func:`collecting` (a task in a worker, after the check already reported
    everything) the warning is dropped: it was shown once, before the build."""
    if _collectors:
        _collectors[-1].append(Problem.parse(text, WARNING))


@contextmanager
def collecting() -> Iterator[list[Problem]]:
    """Collect the warnings :func:`warn` reports inside the ``with`` block."""
    found: list[Problem] = []
    _collectors.append(found)
    try:
        yield found
    finally:
        _collectors.pop()


def errors_of(text: str) -> list[Problem]:
    """The problems one error message holds (a message may list several, one per line)."""
    return [Problem.parse(line, ERROR) for line in text.splitlines() if line.strip()]


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Unique problems, sorted by file and line (problems with no place come last)."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.file == "", p.file, p.line, p.text))


def count_line(problems: Iterable[Problem]) -> str:
    """``giza: 27 problems (3 errors, 24 warnings) in 9 files``."""
    found = list(problems)
    errors = sum(p.level == ERROR for p in found)
    warnings = len(found) - errors
    files = len({p.file for p in found if p.file})
    return (f"giza: {_plural(len(found), 'problem')} ({_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')}) in {_plural(files, 'file')}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
