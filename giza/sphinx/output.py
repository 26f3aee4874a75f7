"""Sphinx output for people: parse messages, point them at the real source, print each once.

sphinx-build writes ``path:line: LEVEL: text``, ``path: LEVEL: text`` or ``LEVEL: text``; a
message may continue on the following lines (docutils quotes the offending block). Paths
point into the proxy tree (``build/<branch>/source-<edition>/...``) and, for generated rST,
into files nobody edits; ``proxy_path_mapper`` rewrites both to what the author should open.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("WARNING", "ERROR", "SEVERE", "CRITICAL", "INFO")
PROBLEM_LEVELS = ("ERROR", "SEVERE", "CRITICAL")

PathMap = Callable[[str, "int | None"], "tuple[str, int | None]"]


@dataclass(frozen=True)
class Message:
    path: str | None
    line: int | None
    level: str  # one of LEVELS
    text: str  # may span lines: continuation lines follow the first after "\n"

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path


# "<path>:<line>: LEVEL: text", "<path>: LEVEL: text", "LEVEL: text". The path is lazy so that
# "mod.py:docstring of f:3" keeps its odd middle part; the line is the last ":<digits>".
_MESSAGE = re.compile(
    r"^(?:(?P<path>.+?)(?::(?P<line>\d+))?: )?"
    r"(?P<level>WARNING|ERROR|SEVERE|CRITICAL|INFO): ?(?P<text>.*)$"
)
# Progress chatter without -q ("reading sources... [ 50%] index"); a message may follow it on
# the same line ("checking consistency... /p/x.txt: WARNING: ...").
_PROGRESS = re.compile(r"^[A-Za-z\[][^:]*?\.\.\.(?: |$)")
_NOISE = re.compile(
    r"^(?:Running Sphinx v|done$|build (?:succeeded|finished)|The .* (?:is|are) in |"
    r"Writing evaluated template result to |making output directory|"
    r"loading (?:translations|pickled environment|intersphinx)|"
    r"\[autosummary\]|highlighting module code|copying static files: done|"
    r"Build finished\.)"
)
# Lines that start a crash report (sphinx prints these then a long traceback section).
# Colour codes from a command that ignores NO_COLOR would hide paths from the patterns below.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CRASH = re.compile(
    r"^(?:[A-Z][\w ]* error[!:]|Exception occurred:|Sphinx error:|Interrupted!|"
    r"Traceback \(most recent call last\):)"
)


def parse_output(output: str, path_map: PathMap | None = None) -> list[Message]:
    """Messages in the order sphinx-build wrote them; noise dropped; paths mapped."""
    messages: list[Message] = []
    current: dict[str, object] | None = None
    body: list[str] = []

    def flush() -> None:
        nonlocal current, body
        if current is not None:
            text = "\n".join([str(current["text"]), *body]).rstrip()
            path, line = current["path"], current["line"]
            if path is not None and path_map is not None:
                path, line = path_map(str(path), line)  # type: ignore[arg-type]
            messages.append(Message(path, line, str(current["level"]), text))  # type: ignore[arg-type]
        current, body = None, []

    for raw in _ANSI.sub("", output).splitlines():
        line = raw.rstrip()
        progress = _PROGRESS.match(line)
        if progress:
            match = _MESSAGE.match(line[progress.end():].lstrip())
            if match is None:
                continue  # pure progress line
        else:
            match = _MESSAGE.match(line)
        if match is not None:
            flush()
            current = {
                "path": match["path"],
                "line": int(match["line"]) if match["line"] else None,
                "level": match["level"],
                "text": match["text"].rstrip(),
            }
            continue
        if _NOISE.match(line):
            continue
        if current is not None:
            body.append(line)  # continuation: docutils' quoted block, "InputError: ..." etc.
            continue
        if not line.strip():
            continue
        # Text outside any message: a crash report or an extension printing. Keep it, as one
        # message (an ERROR when it looks like a crash).
        current = {
            "path": None,
            "line": None,
            "level": "ERROR" if _CRASH.match(line) else "INFO",
            "text": line,
        }
    flush()
    # Trailing empty lines of a block were kept as body lines; strip inner trailing blanks.
    return [m if m.text == m.text.rstrip() else Message(m.path, m.line, m.level, m.text.rstrip())
            for m in messages]


def count_levels(messages: Iterable[Message]) -> tuple[int, int]:
    """(warnings, errors); ERROR, SEVERE and CRITICAL count as errors."""
    warnings = errors = 0
    for message in messages:
        if message.level == "WARNING":
            warnings += 1
        elif message.level in PROBLEM_LEVELS:
            errors += 1
    return warnings, errors


def proxy_path_mapper(
    project_root: Path,
    proxies: Mapping[Path, Path],
    origins: Mapping[Path, tuple[Path, int]] | None = None,
) -> PathMap:
    """A path_map for parse_output.

    ``proxies``: proxy dir -> real source dir it mirrors. ``origins``: generated file (in any
    proxy tree, or in the real tree) -> (YAML file, line of the unit that produced it); a
    message about generated rST then points at that YAML line. Paths under project_root come
    out relative to it; relative input paths are taken relative to project_root.
    """
    root = _norm(project_root)
    proxy_pairs = sorted(
        ((_norm(p), _norm(r)) for p, r in proxies.items()),
        key=lambda pair: len(pair[0]),
        reverse=True,  # the most specific proxy first (source-saas-fr before source-saas)
    )
    origin_map = {_norm(g): (_norm(y), n) for g, (y, n) in (origins or {}).items()}

    def to_real(path: str) -> str:
        for proxy, real in proxy_pairs:
            if path == proxy or path.startswith(proxy + os.sep):
                return real + path[len(proxy):]
        return path

    def relative(path: str) -> str:
        if path == root or path.startswith(root + os.sep):
            return os.path.relpath(path, root)
        return path

    def mapper(path: str, line: int | None) -> tuple[str, int | None]:
        absolute = _norm(path if os.path.isabs(path) else os.path.join(root, path))
        real = to_real(absolute)
        origin = origin_map.get(absolute) or origin_map.get(real)
        if origin is not None:
            return relative(origin[0]), origin[1]
        return relative(real), line

    return mapper


def _norm(path: str | os.PathLike[str]) -> str:
    # normpath, not resolve(): messages name the paths sphinx saw; symlinks stay as given.
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def merge_messages(per_variant: Mapping[str, list[Message]]) -> list[tuple[Message, list[str]]]:
    """Each distinct message once, with the variants (in the given order) that produced it.

    Order: messages without a path first, then by path; within one path, the order of first
    appearance (variants in the given order, each in sphinx's order).
    """
    variants_of: dict[Message, list[str]] = {}
    for variant, messages in per_variant.items():
        for message in messages:
            seen = variants_of.setdefault(message, [])
            if variant not in seen:
                seen.append(variant)
    ordered = list(variants_of)
    ordered.sort(key=lambda m: (m.path is not None, m.path or ""))  # stable sort
    return [(m, variants_of[m]) for m in ordered]


def format_messages(
    merged: list[tuple[Message, list[str]]], all_variants: Iterable[str] | None = None
) -> list[str]:
    """One string per message: ``path:line: LEVEL: text [variant, ...]``.

    The variant list is left out when the message came from every variant built (pass
    ``all_variants``; by default, every variant seen in ``merged``), because then it adds
    nothing. Continuation lines follow the first line, after "\\n".
    """
    everyone = set(all_variants) if all_variants is not None else {
        v for _, variants in merged for v in variants
    }
    lines = []
    for message, variants in merged:
        first, *rest = message.text.split("\n")
        head = f"{message.location()}: {message.level}: {first}" if message.path else (
            f"{message.level}: {first}"
        )
        if set(variants) != everyone:
            head += f" [{', '.join(variants)}]"
        lines.append("\n".join([head, *rest]))
    return lines
