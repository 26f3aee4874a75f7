"""Content generation: YAML units under source/includes -> rST in the proxy tree.

Everything is loaded, resolved and rendered in memory first; files are written
(only when their bytes change) and stale outputs removed only if no error was
raised, so a failed run leaves the proxy tree as it was.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from giza.content import record as _record
from giza.content.context import ContentContext
from giza.content.inheritance import Resolver
from giza.content.registry import Generator, SourceFile, generators, match, output_dirs
from giza.content.registry import kinds as _kinds
from giza.content.replacements import load_replacements
from giza.content.units import display_path
from giza.errors import ContentError, UsageError, project_root
from giza.fileio import write_if_changed
from giza.problems import errors_of, ordered
from giza.watchdog import timed

__all__ = ["ContentContext", "GenerateResult", "PageEdit", "generate", "kinds",
           "load_replacements", "output_dirs"]


@dataclass(frozen=True)
class PageEdit:
    """An include of a generated file to add to a page of the build copy."""

    mode: str  # "append" or "prepend"
    page: str  # as written in the unit: relative to the source dir, "/" allowed
    include: str  # source-absolute path of the generated file
    origin: tuple[Path, int]  # (yaml file, line of the unit that asked for it)


@dataclass
class GenerateResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    # each output file -> (yaml file, line of the unit that produced it)
    # (yaml file, unit line[, ((first rST line, yaml line), ...)]) per output
    origins: dict[Path, tuple[Any, ...]] = field(default_factory=dict)
    edits: list[PageEdit] = field(default_factory=list)


def kinds() -> list[str]:
    """Registered kind names, sorted."""
    return _kinds()


def _selected(requested: Sequence[str] | None) -> dict[str, Generator]:
    registered = generators()
    if not requested or list(requested) == ["all"] or "all" in requested:
        return dict(registered)
    unknown = [kind for kind in requested if kind not in registered]
    if unknown:
        raise UsageError(f"unknown content kind {', '.join(repr(k) for k in unknown)}; "
                         f"valid kinds: all, {', '.join(sorted(registered))}")
    return {kind: registered[kind] for kind in requested}


def _names(directory: Path | None) -> list[str]:
    if directory is None:
        return []
    try:
        return sorted(entry.name for entry in os.scandir(directory) if entry.is_file())
    except FileNotFoundError:
        return []


def _input_files(includes_dir: Path, selected: dict[str, Generator],
                 migrated_dir: Path | None = None) -> list[tuple[Path, Generator, str]]:
    own = _names(includes_dir)
    # a migrated file of the same name as a source file is the source file's mirror
    extra = sorted(set(_names(migrated_dir)) - set(own))
    found = []
    for directory, names in ((includes_dir, own), (migrated_dir, extra)):
        for name in names:
            # match against every registered kind so a file never lands in the wrong one
            hit = match(name)
            if hit is not None and hit[0].kind in selected and directory is not None:
                found.append((directory / name, hit[0], hit[1]))
    return found


def _line_map(pairs: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(start), int(line)) for start, line in pairs)  # from JSON lists


def _safe_name(name: str, origin: tuple[Path, int]) -> str:
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or ".." in parts or "\\" in name:
        raise ContentError(f"{origin[0]}:{origin[1]}: output name '{name}' is not a "
                           f"plain relative file name")
    return name


@dataclass
class Rendering:
    """Every output of a run, in memory: nothing touches the disk until all rendered."""

    out_root: str  # absolute includes/ dir of the proxy tree
    rendered: dict[str, bytes] = field(default_factory=dict)  # absolute path -> bytes
    relative: dict[str, str] = field(default_factory=dict)  # absolute path -> includes/ rel
    origins: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    edits: list[PageEdit] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)  # every YAML file read
    # each input file (absolute) -> its (mtime_ns, size) before it was read
    inputs: dict[str, tuple[int, int] | None] = field(default_factory=dict)

    def add(self, generator: Generator, output: Any) -> None:
        name = f"{generator.output_dir}/{_safe_name(output.name, output.origin)}"
        target = os.path.join(self.out_root, name)
        if target in self.rendered:
            first = self.origins[target]
            raise ContentError(
                f"{output.origin[0]}:{output.origin[1]}: output "
                f"{display_path(Path(target))} is also produced by {first[0]}:{first[1]}")
        self.rendered[target] = output.text.encode("utf-8")
        self.relative[target] = name
        # a (yaml, line, lines) origin when the output joins several units
        self.origins[target] = (*output.origin, output.lines) if output.lines else output.origin
        self.edits.extend(PageEdit(mode, page, f"/includes/{name}", output.origin)
                          for mode, page in output.edits)


def _render_file(resolver: Resolver, ctx: ContentContext, path: Path, generator: Generator,
                 prefix: str, into: Rendering) -> None:
    units = resolver.load(path, generator.schema)
    items = [resolver.item(unit, generator.builtins) for unit in units if not unit.abstract]
    source = SourceFile(display_path(path), prefix, path.name[len(prefix):-len(".yaml")],
                        units, items)
    for output in generator.render(source, ctx):
        into.add(generator, output)


def render_all(ctx: ContentContext, out_root: str, kinds: Sequence[str] | None = None
               ) -> Rendering:
    """Render every input file of ``kinds`` in memory. Raises one :class:`ContentError`
    listing every file's problems (sorted by file and line), so one run shows them all."""
    selected = _selected(kinds)
    migrated = Path(ctx.migrated_dir) if ctx.migrated_dir is not None else None
    resolver = Resolver(ctx)
    into = Rendering(out_root)
    failures: list[str] = []
    inputs = _input_files(Path(ctx.includes_dir), selected, migrated)
    into.inputs = {os.path.abspath(path): _stat(path) for path, _, _ in inputs}
    for path, generator, prefix in inputs:
        try:
            with timed(f"generate {generator.kind}"):
                _render_file(resolver, ctx, path, generator, prefix, into)
        except ContentError as exc:
            failures.append(str(exc))
    if failures:
        raise ContentError("\n".join(problem.text for problem in ordered(
            p for failure in failures for p in errors_of(failure))))
    into.loaded = resolver.loaded_paths()
    return into


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def _foreign(ctx: ContentContext, out_dirs: Sequence[str]) -> bool:
    """Whether the proxy's includes/ (``ctx.migrated_dir``) holds a file besides the
    mirrored copies of the includes directory and generated output: generation would see
    it (as an input or an inheritance base), a rendering without that directory would not."""
    if ctx.migrated_dir is None:
        return False
    top, own = os.path.abspath(ctx.migrated_dir), os.path.abspath(ctx.includes_dir)
    skipped = {os.path.abspath(d) for d in out_dirs} | {os.path.join(top, "hash.rst")}
    stack = [top]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.path in skipped:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif not os.path.isfile(os.path.join(own, os.path.relpath(entry.path, top))):
                return True
    return False


def _reused(rendered: Rendering | None, ctx: ContentContext, listing: list[str],
            out_dirs: Sequence[str], out_root: str) -> Rendering | None:
    """``rendered`` (made with the same context but another output directory, by the
    check) moved to ``out_root``, when it is what rendering now would give: the same input
    files, unchanged since they were read, and no other file in the proxy's includes/."""
    if rendered is None or sorted(rendered.inputs) != sorted(listing) or any(
            _stat(name) != stat for name, stat in rendered.inputs.items()) or \
            _foreign(ctx, out_dirs):
        return None
    moved = Rendering(out_root, edits=rendered.edits, loaded=rendered.loaded,
                      inputs=rendered.inputs)
    for target, data in rendered.rendered.items():
        name = rendered.relative[target]
        new = os.path.join(out_root, name)
        moved.rendered[new], moved.relative[new] = data, name
        moved.origins[new] = rendered.origins[target]
    return moved


def generate(ctx: ContentContext, proxy_dir: Path, kinds: Sequence[str] | None = None,
             *, record: Path | None = None, checked: Rendering | None = None
             ) -> GenerateResult:
    """Generate the rST of ``kinds`` (None or ["all"]: every kind) into ``proxy_dir``.

    ``record`` is where the run record lives (default: see
    :func:`giza.content.record.record_path`); a run whose inputs, context and
    outputs match the record returns at once. ``checked``: every kind as the check
    rendered it (:func:`render_all` of this context elsewhere), written instead of
    rendering again when nothing it read has changed.
    """
    selected = _selected(kinds)
    includes_dir = Path(ctx.includes_dir)
    includes_out = Path(proxy_dir) / "includes"
    out_root = os.path.abspath(includes_out)
    out_dirs = sorted({os.path.join(out_root, g.output_dir) for g in selected.values()})
    migrated = Path(ctx.migrated_dir) if ctx.migrated_dir is not None else None
    inputs = _input_files(includes_dir, selected, migrated)
    listing = [os.path.abspath(path) for path, _, _ in inputs]
    record_file = record if record is not None else _record.record_path(Path(proxy_dir))
    # The origins it records are relative to the project root (display_path).
    # Where the root is, relative to the record (inside build/): a relocated build/ matches.
    key = _record.run_key(ctx, selected.values(), record_file.parent) + os.path.relpath(
        project_root() or os.getcwd(), record_file.parent)
    recorded = _record.unchanged(record_file, key, listing, out_dirs)
    if recorded is not None:
        return _recorded_result(recorded, includes_out, out_root)
    done = _reused(checked, ctx, listing, out_dirs, out_root) if kinds is None else None
    if done is None:
        done = render_all(ctx, out_root, kinds)
    # Nothing was raised: now touch the disk.
    result = _write(done, includes_out, out_dirs)
    _record.save(record_file, key, listing, done.loaded,
                 {name: (str(origin[0]), *origin[1:])
                  for name, origin in done.origins.items()}, out_dirs,
                 [[e.mode, e.page, e.include, str(e.origin[0]), e.origin[1]]
                  for e in done.edits])
    return result


def _write(done: Rendering, includes_out: Path, out_dirs: Sequence[str]) -> GenerateResult:
    """Write what changed of a rendering, and remove the stale outputs of its kinds."""
    result = GenerateResult(edits=done.edits)
    made_dirs: set[str] = set()
    for target, data in done.rendered.items():
        shown = includes_out / done.relative[target]
        result.origins[shown] = done.origins[target]
        if write_if_changed(target, data, made_dirs):
            result.written.append(shown)
        else:
            result.unchanged += 1
    for out_dir in out_dirs:
        for stale in sorted(_record.rst_files(out_dir) - done.rendered.keys()):
            os.unlink(stale)
            result.removed.append(includes_out / os.path.relpath(stale, done.out_root))
    return result


def _under(name: str, root: str) -> str:
    """``name`` relative to ``root``: a slice where it lies under it (thousands of outputs),
    else relpath."""
    prefix = root.rstrip(os.sep) + os.sep
    if name.startswith(prefix) and os.path.normpath(name) == name:
        return name[len(prefix):]
    return os.path.relpath(name, root)


def _recorded_result(recorded: Any, includes_out: Path, out_root: str) -> GenerateResult:
    """The result of a run that had nothing to do, from what the record holds."""
    outputs, edits = recorded
    origins = {includes_out / _under(name, out_root):
               (Path(origin[0]), origin[1], *(_line_map(m) for m in origin[2:]))
               for name, origin in outputs.items()}
    return GenerateResult(unchanged=len(origins), origins=origins,
                          edits=[PageEdit(mode, page, include, (Path(origin), line))
                                 for mode, page, include, origin, line in edits])
