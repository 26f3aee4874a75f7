"""Exceptions that reach the user. Each carries the exit code the CLI returns."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


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


def shown(path: object) -> str:
    """A path as messages print it: relative to the working directory when under it."""
    text = str(path)
    try:
        cwd = os.getcwd()
    except OSError:
        return text
    if os.path.isabs(text) and (text == cwd or text.startswith(cwd.rstrip(os.sep) + os.sep)):
        return os.path.relpath(text, cwd)
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
