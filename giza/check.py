"""Check every content and config file of a project before anything is built.

`giza check` runs only this; `giza sphinx`, `generate`, `push` and `make` run it first, so
one run reports every problem, sorted by file and line. What the original giza accepted is
a warning and the build goes on; `--strict` makes warnings errors (exit 2).

A no-change re-run reuses the last result: the check is keyed by the stat of every file it
reads (config/, the includes directory, conf.py) and by giza's own code.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from giza import layout
from giza.config.model import Config
from giza.errors import GizaError, shown
from giza.problems import ERROR, WARNING, Problem, collecting, count_line, errors_of, ordered

CACHE_VERSION = 2


@dataclass(frozen=True)
class CheckResult:
    problems: tuple[Problem, ...]
    # files outside config/ and the includes directory the checks read (migration
    # sources, in asset checkouts or elsewhere): their change invalidates a saved result
    read: tuple[str, ...] = ()
    # edition -> its content rendered in memory (giza.content.api.Rendering), when the
    # check rendered it without errors (not when the result came from the cache): the
    # build writes it instead of rendering the same files again
    renderings: Mapping[str | None, Any] = field(default_factory=dict, compare=False,
                                                repr=False)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == ERROR)

    def failed(self, strict: bool) -> bool:
        return bool(self.errors) or (strict and bool(self.problems))


def _edition_problems(config: Config, edition: str | None
                      ) -> tuple[list[Problem], list[str], Any]:
    """Render one edition's content and site files in memory; its problems, the migration
    sources read and the rendering (None when it failed). A problem in a YAML file a
    migration brought in names the file it came from."""
    from giza.content.api import render_all  # lazy: start-up time
    from giza.pipeline.tasks import content_context
    from giza.site.assemble import site_files
    from giza.site.migrations import Migrated, apply_migrations
    from giza.site.pages import check_page_edits

    failures: list[str] = []
    done = Migrated()
    rendering = None
    with tempfile.TemporaryDirectory(prefix="giza-check-") as scratch, collecting() as found:
        proxy = Path(scratch)
        migrations = config.side("migrations")
        for path in migrations.paths if migrations else ():
            failures.extend(_attempt(apply_migrations, path, config.root, proxy, edition,
                                     False, done))
        context = content_context(config, edition, migrated_dir=proxy / "includes")
        try:
            rendering = render_all(context, str(proxy / "includes"))
            check_page_edits(rendering.edits, config.paths.source)
        except GizaError as exc:
            failures.extend(str(exc).splitlines())
            rendering = None
        failures.extend(_attempt(site_files, config, edition, None))
    moved = {shown(target): shown(source) for target, source in done.sources.items()}
    problems = [*errors_of("\n".join(failures)), *found]
    return ([Problem.parse(_moved(p.text, moved), p.level) for p in problems],
            [str(source) for source in done.sources.values()], rendering)


def _moved(text: str, moved: dict[str, str]) -> str:
    for target, source in moved.items():
        if target in text:
            text = text.replace(target, source)
    return text


def _attempt(function: Callable[..., Any], *args: Any) -> list[str]:
    """Run one check; its error messages (none when it passed)."""
    try:
        function(*args)
    except GizaError as exc:
        return str(exc).splitlines()
    return []


def run_checks(config: Config, editions: Sequence[str | None]) -> CheckResult:
    """Every problem of ``editions`` (content, migrations, redirects, robots, pages)."""
    found: list[Problem] = [Problem.parse(text, WARNING) for text in config.warnings]
    read: list[str] = []
    renderings = {}
    for edition in editions:
        problems, sources, rendering = _edition_problems(config, edition)
        found.extend(problems)
        read.extend(sources)
        if rendering is not None:
            renderings[edition] = rendering
    return CheckResult(tuple(ordered(found)), tuple(sorted(set(read))), renderings)


def _inputs(config: Config) -> Iterable[Path]:
    yield config.conf_file
    for directory in (config.paths.builddata, config.paths.includes):
        try:
            yield from sorted(p for p in directory.iterdir() if p.is_file())
        except OSError:
            continue
    for side in config.side_files.values():
        yield from side.paths
    for asset in config.assets:  # a checkout, pull or switch changes one of these
        yield from (asset.path / ".git" / "HEAD", asset.path / ".git" / "index")
    yield from sorted(Path(__file__).parent.rglob("*.py"))


def cache_key(config: Config, editions: Sequence[str | None]) -> str:
    return stamp(_inputs(config), (CACHE_VERSION, list(editions), str(config.root)))


def stamp(paths: Iterable[Path | str], salt: object = ()) -> str:
    """A hash of the size and mtime of every path (and ``salt``)."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(repr(salt).encode())
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            digest.update(f"{path}:missing\n".encode())
            continue
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _cache_path(config: Config) -> Path:
    return layout.check_path(config)


def _chosen(config: Config, editions: Sequence[str | None] | None) -> list[str | None]:
    return list(editions) if editions else [e.name for e in config.project.editions] or [None]


def cached_result(config: Config, editions: Sequence[str | None] | None = None
                  ) -> CheckResult | None:
    """The saved result of ``editions`` when no input changed since it was saved."""
    chosen = _chosen(config, editions)
    return _cached(config, cache_key(config, chosen))


def _cached(config: Config, key: str) -> CheckResult | None:
    try:
        saved = json.loads(_cache_path(config).read_text(encoding="utf-8"))
        read = tuple(saved["read"])
        if saved.get("key") == key and saved.get("read_key") == stamp(read):
            return CheckResult(tuple(Problem(*item) for item in saved["problems"]), read)
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return None


def check_project(config: Config, editions: Sequence[str | None] | None = None,
                  use_cache: bool = True, save: bool = True) -> CheckResult:
    """The problems of ``editions`` (default: every edition), from the cache when no
    input changed since the last check. ``save=False`` writes nothing (--dry-run)."""
    from giza.fileio import atomic_write  # lazy: start-up time

    chosen = _chosen(config, editions)
    key = cache_key(config, chosen)  # before checking: a file changed meanwhile misses
    cached = _cached(config, key) if use_cache else None
    if cached is not None:
        return cached
    result = run_checks(config, chosen)
    if not save:
        return result
    payload = {"key": key, "read": list(result.read),
               "read_key": stamp(result.read),
               "problems": [[p.file, p.line, p.text, p.level] for p in result.problems]}
    try:
        atomic_write(_cache_path(config), json.dumps(payload).encode("utf-8"))
    except (OSError, GizaError):
        pass  # the cache only saves time; a full disk shows at the build's first write
    return result


def show_problems(result: CheckResult, strict: bool, stream: IO[str] | None = None) -> None:
    """Print every problem (sorted) and the count line; nothing when there is none."""
    out = stream if stream is not None else sys.stderr
    for problem in result.problems:
        level = ERROR if strict else problem.level
        print(f"giza: {level}: {problem.text}", file=out)
    if result.problems:
        print(count_line(_as_strict(result.problems) if strict else result.problems),
              file=out)
        if strict and not result.errors:
            print("(--strict makes warnings errors)", file=out)


def _as_strict(problems: Iterable[Problem]) -> list[Problem]:
    return [Problem(p.file, p.line, p.text, ERROR) for p in problems]


class CheckFailed(GizaError):
    """The check found errors (or warnings under --strict); they were printed."""

    exit_code = 2


def require_clean(config: Config, editions: Sequence[str | None] | None = None,
                  strict: bool = False, stream: IO[str] | None = None,
                  save: bool = True) -> CheckResult:
    """Check, print what was found, and raise :class:`CheckFailed` when it must stop."""
    result = check_project(config, editions, save=save)
    show_problems(result, strict, stream)
    if result.failed(strict):
        raise CheckFailed("the checks above failed; nothing was built")
    return result


def run_check_command(config: Config, editions: Sequence[str]) -> int:
    """`giza check`: assets first (migrations read them), then every check."""
    from giza.options import current  # lazy: start-up time
    from giza.site.asset_use import sync_project_assets
    from giza.variants import resolve

    chosen = list(dict.fromkeys(v.edition for v in resolve(config, ["html"], editions, ())))
    for note in sync_project_assets(config) if config.assets else ():
        if note.startswith("warning: "):
            print(f"giza: {note}", file=sys.stderr)
    strict = current().strict
    result = check_project(config, chosen)
    show_problems(result, strict)
    if result.failed(strict):
        return CheckFailed.exit_code
    if not result.problems:
        print("giza: no problems found")
    return 0
