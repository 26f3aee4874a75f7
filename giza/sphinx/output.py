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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

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
# Sphinx's status output (sphinx-build runs without -q so that giza learns which documents
# it read and wrote): "reading sources... [ 50%] index", "dumping search index in English
# (code: en)... done". A message may follow on the same line ("checking consistency...
# /p/x.txt: WARNING: ..."), and so may man's "} " closing a page's list of documents.
_PROGRESS = re.compile(r"^(?:[A-Za-z\[](?:[^:(\n]|\([^)\n]*\))*?\.\.\.(?: |$)|\} )")
# One item of a progress bar: a document name, or "first .. last" for a chunk that
# `sphinx-build -j` handed to one process.
_ITEM = re.compile(r"^(?P<what>reading sources|writing output)\.\.\. \[\s*\d+%\] (?P<item>.+)$")
_BUILDING = re.compile(r"^building \[(?P<builder>[^\]]+)\]: (?P<summary>.*)$")
_UPDATING = re.compile(r"^updating environment: (?P<reason>\[.*?\] )?")
_NOISE = re.compile(
    r"^(?:Running Sphinx v|done$|build (?:succeeded|finished)|The .* (?:is|are) in |"
    r"Writing evaluated template result to |making output directory|"
    r"loading (?:translations|pickled environment|intersphinx)|"
    r"\[autosummary\]|highlighting module code|copying static files: done|"
    r"Build finished\.|building \[|updating environment: |no targets are out of date\.|"
    r"[A-Za-z][^:]*: (?:done|skipped|failed)$|Run 'make' in that directory |"
    r"\(use [`']make |\(\s*[^)]*: line\s+\d+\) )"
)
# Lines that start a crash report (sphinx prints these then a long traceback section).
# Colour codes from a command that ignores NO_COLOR would hide paths from the patterns below.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CRASH = re.compile(
    r"^(?:[A-Z][\w ]* error[!:]|Exception occurred:|Sphinx error:|Interrupted!|"
    r"Traceback \(most recent call last\):|Versions$)"  # Versions: any other exception
)

# The build phase a message was reported in (see SphinxLog.phases).
SETUP, READ, CHECK, WRITE = "setup", "read", "check", "write"


@dataclass
class Processed:
    """What one sphinx-build run did again, read from its (English) progress lines.

    Sphinx only reports the messages of what it processes: a document's parse messages
    when it reads it, its reference messages when it writes it, and the consistency
    check's messages (about every document) when anything was read.
    """

    seen: bool = False  # the progress lines were there: the fields below can be trusted
    read: set[str] = field(default_factory=set)  # docnames
    written: set[str] = field(default_factory=set)  # docnames (see _add_items for -j)
    read_all: bool = False  # the configuration changed: Sphinx read every document
    written_all: bool = False  # a builder that writes everything (latex, singlehtml, man)
    checked: bool = False  # the consistency check ran


@dataclass
class SphinxLog:
    """A sphinx-build run's output, parsed: its messages, the phase each was reported in
    (``setup``, ``read``, ``check`` or ``write``) and what the run processed."""

    messages: list[Message]
    phases: list[str]
    processed: Processed

    def mapped(self, path_map: PathMap) -> SphinxLog:
        """The same log with each message's path (and line) mapped, e.g. from a proxy tree
        back to the sources: a task parses the output once, the driver maps the paths."""
        messages = [Message(*path_map(m.path, m.line), m.level, m.text) if m.path is not None
                    else m for m in self.messages]
        processed = replace(self.processed, read=set(self.processed.read),
                            written=set(self.processed.written))
        return SphinxLog(messages, list(self.phases), processed)


def _add_items(found: set[str], item: str) -> None:
    # "a .. z" names a chunk by its first and last document: the ones in between are not
    # named anywhere, so they are not counted as processed (their messages are then carried
    # over and de-duplicated against the new ones, see giza.pipeline.carry.carry_messages).
    first, sep, last = item.partition(" .. ")
    found.add(first)
    if sep:
        found.add(last)


def parse_output(output: str, path_map: PathMap | None = None) -> list[Message]:
    """Messages in the order sphinx-build wrote them; noise dropped; paths mapped."""
    return parse_log(output, path_map).messages


def parse_log(output: str, path_map: PathMap | None = None) -> SphinxLog:
    """Parse sphinx-build's combined output: messages (noise dropped, paths mapped), the
    phase of each, and which documents the run read and wrote."""
    parser = _LogParser(path_map)
    for raw in _ANSI.sub("", output).splitlines():
        parser.feed(raw.rstrip())
    parser.flush()
    # Trailing empty lines of a block were kept as body lines; strip inner trailing blanks.
    messages = [m if m.text == m.text.rstrip() else Message(m.path, m.line, m.level,
                                                             m.text.rstrip())
                for m in parser.messages]
    return SphinxLog(messages, parser.phases, parser.processed)


class _LogParser:
    """The state of parse_log between lines: the message being read and its body."""

    def __init__(self, path_map: PathMap | None) -> None:
        self.path_map = path_map
        self.messages: list[Message] = []
        self.phases: list[str] = []
        self.processed = Processed()
        self.phase = SETUP
        # Sphinx's status lines are in the output (no -q): other text is chatter.
        self.status = False
        self.current: dict[str, object] | None = None
        self.body: list[str] = []

    def flush(self) -> None:
        current = self.current
        if current is not None:
            text = "\n".join([str(current["text"]), *self.body]).rstrip()
            path, line = current["path"], current["line"]
            if path is not None and self.path_map is not None:
                path, line = self.path_map(str(path), line)  # type: ignore[arg-type]
            self.messages.append(Message(path, line, str(current["level"]), text))  # type: ignore[arg-type]
            self.phases.append(str(current["phase"]))
        self.current, self.body = None, []

    def crashing(self) -> bool:
        return self.current is not None and bool(self.current.get("crash"))

    def feed(self, line: str) -> None:
        if not self.crashing():
            self.phase = _track(line, self.phase, self.processed)
        item = _ITEM.match(line)
        progress = None if item else _PROGRESS.match(line)
        if item or progress or line.startswith("Running Sphinx v") or _BUILDING.match(line):
            self.status = True
        if item or progress:
            match = _MESSAGE.match(line[progress.end():].lstrip()) if progress else None
            if match is None:
                if not self.crashing():
                    self.flush()  # status ends a message; inside a crash report it is quoted
                return
        else:
            match = _MESSAGE.match(line)
        if match is not None:
            self.flush()
            self.current = {
                "path": match["path"],
                "line": int(match["line"]) if match["line"] else None,
                "level": match["level"],
                "text": match["text"].rstrip(),
                "phase": self.phase,
            }
            return
        if _NOISE.match(line):
            if not self.crashing():
                self.flush()
            return
        self._other_text(line)

    def _other_text(self, line: str) -> None:
        if self.current is not None:
            self.body.append(line)  # continuation: docutils' quoted block, "InputError: ..."
            return
        if not line.strip():
            return
        crash = bool(_CRASH.match(line))
        if self.status and not crash:
            return  # status chatter of a builder (latex lists the documents it assembles)
        # Text outside any message: a crash report or an extension printing. Keep it, as one
        # message (an ERROR when it looks like a crash).
        self.current = {
            "path": None,
            "line": None,
            "level": "ERROR" if crash else "INFO",
            "text": line,
            "phase": self.phase,
            "crash": crash,
        }


def _track(line: str, phase: str, processed: Processed) -> str:
    """Follow sphinx-build's progress lines: the phase they start, what they name."""
    updating = _UPDATING.match(line)
    if updating:
        processed.seen = True
        if updating["reason"]:  # "[new config]", "[config changed ('x')]": reads everything
            processed.read_all = True
        return READ
    item = _ITEM.match(line)
    if item:
        if item["what"] == "reading sources":
            _add_items(processed.read, item["item"])
            return READ
        _add_items(processed.written, item["item"])
        return WRITE
    if line.startswith("looking for now-outdated files..."):
        return CHECK
    if line.startswith("checking consistency..."):
        processed.checked = True
        return CHECK
    if line.startswith("preparing documents..."):
        return WRITE
    building = _BUILDING.match(line)
    if building and building["builder"] != "mo" and not building["summary"].startswith(
            "targets for "):
        # "building [latex]: all documents", "building [html]: build_info mismatch, ...":
        # every document is written again.
        processed.written_all = True
    return phase


def distinct(messages: Iterable[Message]) -> list[Message]:
    """Each message once, in order. Sphinx repeats a message word for word when, e.g., two
    pages include the same file; giza prints it once, so it counts once."""
    return list(dict.fromkeys(messages))


def count_levels(messages: Iterable[Message]) -> tuple[int, int]:
    """(warnings, errors) among the distinct messages, the ones giza prints; ERROR, SEVERE
    and CRITICAL count as errors."""
    warnings = errors = 0
    for message in distinct(messages):
        if message.level == "WARNING":
            warnings += 1
        elif message.level in PROBLEM_LEVELS:
            errors += 1
    return warnings, errors


def proxy_path_mapper(
    project_root: Path,
    proxies: Mapping[Path, Path],
    origins: Mapping[Path, tuple[Any, ...]] | None = None,
) -> PathMap:
    """A path_map for parse_output.

    ``proxies``: proxy dir -> real source dir it mirrors. ``origins``: generated file (in any
    proxy tree, or in the real tree) -> (YAML file, line of the unit that produced it[,
    ((first rST line, unit line), ...)]); a message about generated rST then points at
    the YAML line of the unit that wrote the line it names. Paths under project_root come
    out relative to it; relative paths (messages, origins) are taken relative to project_root,
    never to this process's working directory: a task computed them, maybe elsewhere.
    """
    root = _norm(project_root)

    def full(path: str | os.PathLike[str]) -> str:
        return _norm(os.path.join(root, path))  # join keeps an absolute path as it is

    proxy_pairs = sorted(
        ((_norm(p), _norm(r)) for p, r in proxies.items()),
        key=lambda pair: len(pair[0]),
        reverse=True,  # the most specific proxy first (source-saas-fr before source-saas)
    )
    origin_map = {full(g): (full(o[0]), *o[1:]) for g, o in (origins or {}).items()}

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
        absolute = full(path)
        real = to_real(absolute)
        origin = origin_map.get(absolute) or origin_map.get(real)
        if origin is not None:
            return relative(origin[0]), unit_line(origin, line)
        return relative(real), line

    return mapper


def unit_line(origin: tuple[Any, ...], line: int | None) -> int:
    """The YAML line of the unit that wrote rST ``line`` of a generated file."""
    found = origin[1]
    for start, unit in (origin[2] if len(origin) > 2 and line else ()):
        if start > line:  # type: ignore[operator]
            break
        found = unit
    return found


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
