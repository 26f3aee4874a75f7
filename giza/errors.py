"""Exceptions that reach the user. Each carries the exit code the CLI returns."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class GizaError(Exception):
    """Base of every error giza reports to a person; ``str()`` is the message."""

    exit_code = 1


class UsageError(GizaError):
    """A bad command line: unknown builder, edition, target, option."""

    exit_code = 2


class ConfigError(GizaError):
    """A config file cannot be read or does not match its schema."""

    exit_code = 2


class ConfigProblems(ConfigError):
    """Several config problems found in one run: ``problems`` holds them, sorted."""

    def __init__(self, problems: list) -> None:  # list[giza.problems.Problem]
        super().__init__("\n".join(p.text for p in problems))
        self.problems = problems


class ContentError(GizaError):
    """A content YAML file (steps, extracts, ...) cannot be turned into rST."""

    exit_code = 2


class BuildError(GizaError):
    """A build or deploy step failed."""

    exit_code = 1


# The project root that message paths are relative to. Set once the config is loaded, and
# by every task from the root sent with it: a worker's working directory (a dask worker
# on another machine, a pool started elsewhere) says nothing about the project.
_project_root: ContextVar[str | None] = ContextVar("giza_project_root", default=None)


def project_root() -> str | None:
    return _project_root.get()


def use_project_root(root: str | os.PathLike[str] | None) -> None:
    _project_root.set(os.fspath(root) if root is not None else None)


@contextmanager
def relative_to(root: str | os.PathLike[str] | None) -> Iterator[None]:
    """Within the block, messages show paths relative to ``root`` (None: as they were)."""
    if root is None:
        yield
        return
    token = _project_root.set(os.fspath(root))
    try:
        yield
    finally:
        _project_root.reset(token)


def shown(path: object) -> str:
    """A path as messages print it: relative to the project root when under it (before the
    configuration is loaded, relative to the working directory)."""
    text = str(path)
    base = _project_root.get()
    if base is None:
        try:
            base = os.getcwd()
        except OSError:
            return text
    if os.path.isabs(text) and (text == base or text.startswith(base.rstrip(os.sep) + os.sep)):
        return os.path.relpath(text, base)
    return text


def where(path: object, line: int | None = None) -> str:
    """``file:line`` (or just ``file``) for messages."""
    return f"{shown(path)}:{line}" if line else shown(path)


def suggestion(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'html'?)`` for a near miss or the one name it starts, else ''."""
    names = list(choices)
    close = difflib.get_close_matches(value, names, n=1)
    if not close and value:
        close = [n for n in names if n.startswith(value)]
    return f" (did you mean '{close[0]}'?)" if len(close) == 1 else ""


def unknown_choice(what: str, value: str, valid: Iterable[str], listing: str | None = None,
                   plural: str | None = None) -> str:
    """``unknown builder 'htm' (did you mean 'html'?); valid builders: ...``.

    ``listing`` replaces the comma-separated ``valid`` names in the message."""
    choices = list(valid)
    guess = suggestion(value, choices)
    names = listing if listing is not None else (", ".join(choices) or "(none defined)")
    return f"unknown {what} '{value}'{guess}; valid {plural or what + 's'}: {names}"
