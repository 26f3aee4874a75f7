"""File migrations (``migrations.yaml``): copy, cut and rewrite files into the proxy tree.

A unit::

    source: tutorial/install.txt      # or sources: [a.txt, b.txt]
    source_dir: ../manual/source      # optional; where to look first
    target: auto                      # default: the source's own relative path
    truncate: {start-after: '.. start-here', end-before: 42}   # markers or line numbers
    transform: [{regex: 'mongod\\b', replace: 'mongos'}]   # or one {regex, replace}
    append: "Extra text."
    edition: saas

Unlike the original giza, results go into the proxy source tree, never into
``source/``, and are written only when their bytes change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giza.errors import ConfigError, shown
from giza.fileio import write_if_changed
from giza.schema import Anything, Convert, Section, Text, Wrong, checked
from giza.site._files import edition_matches
from giza.yamlfile import Node, NodeList, iter_units


@dataclass(frozen=True)
class _Context:
    file: Path
    unit: Node

    def at(self, key: str | None = None) -> str:
        line = self.unit.line_of(key) if key else self.unit.line
        return f"{shown(self.file)}:{line}"


def _search_dirs(project_root: Path, source_dir: str | None) -> list[Path]:
    # source_dir is relative to the project (a leading '/' too), or else to build/
    dirs = [project_root / source_dir.lstrip("/"),
            project_root / "build" / source_dir.lstrip("/")] if source_dir else []
    # the lookup order of the original tool: the project, its parent, a sibling
    # checkout's source/, our own source/, build/
    dirs += [project_root, project_root.parent, project_root.parent / "source",
             project_root / "source", project_root / "build"]
    return list(dict.fromkeys(dirs))


def _find_source(name: str, dirs: list[Path], ctx: _Context, key: str) -> Path:
    candidate = Path(name)
    if candidate.is_absolute() and candidate.is_file():
        return candidate
    # otherwise a leading '/' is relative to the search directories, as in the original
    name = name.lstrip("/")
    for directory in dirs:
        if (directory / name).is_file():
            return directory / name
    tried = ", ".join(shown(d) for d in dirs)
    raise ConfigError(f"{ctx.at(key)}: {key}: cannot find {name!r}; looked in {tried}")


PUBLIC = Path("build") / "public"


def _public(value: Any, project_root: Path) -> str | None:
    """``{root}/build/public/<file>``: the file's path in the staged site root, where
    the original put files such as the GPG keys push.yaml's static list deploys."""
    if not isinstance(value, str) or "{root}" not in value:
        return None
    real = Path(value.strip().replace("{root}", str(project_root))).resolve()
    try:
        rel = real.relative_to((project_root / PUBLIC).resolve())
    except ValueError:
        return None
    return rel.as_posix() if rel.parts else None


def _target(value: Any, source_name: str, several: bool, project_root: Path,
            proxy_source: Path, ctx: _Context) -> Path:
    rel_source = source_name.lstrip("/")
    if rel_source.startswith("source/"):
        rel_source = rel_source[len("source/"):]  # 'auto' means: same place under source/
    if value in (None, "auto"):
        rel = rel_source
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if "{root}" in text:
            # '{root}/source/x.txt' named a file of the real source tree; map it to the proxy
            real = Path(text.replace("{root}", str(project_root))).resolve()
            try:
                text = str(real.relative_to((project_root / "source").resolve()))
            except ValueError:
                raise ConfigError(f"{ctx.at('target')}: target: {value!r} is not inside "
                                  f"{shown(project_root / 'source')}") from None
        rel = text.lstrip("/")
        if several or text.endswith("/"):
            rel = f"{rel.rstrip('/')}/{Path(rel_source).name}"
    else:
        raise ConfigError(f"{ctx.at('target')}: target: must be a path or 'auto', not "
                          f"{value!r}")
    target = (proxy_source / rel).resolve()
    root = proxy_source.resolve()
    if target != root and root not in target.parents:
        raise ConfigError(f"{ctx.at('target')}: target: {rel!r} leaves the source tree")
    return target


def _marker_index(lines: list[str], marker: Any, start: int, ctx: _Context, key: str,
                  source: Path) -> int:
    """Index of the line a truncate key points at (line numbers are 1-based)."""
    if isinstance(marker, bool):
        raise ConfigError(f"{ctx.at('truncate')}: truncate.{key}: must be a marker string "
                          f"or a line number, not {marker!r}")
    if isinstance(marker, int):
        if not 1 <= marker <= len(lines):
            raise ConfigError(f"{ctx.at('truncate')}: truncate.{key}: line {marker} is outside "
                              f"{shown(source)} ({len(lines)} lines)")
        return marker - 1
    if isinstance(marker, str) and marker:
        for index in range(start, len(lines)):
            if marker in lines[index]:
                return index
        raise ConfigError(f"{ctx.at('truncate')}: truncate.{key}: marker {marker!r} not found "
                          f"in {shown(source)}")
    raise ConfigError(f"{ctx.at('truncate')}: truncate.{key}: must be a marker string or a "
                      f"line number, not {marker!r}")


def _truncate(text: str, spec: Any, ctx: _Context, source: Path) -> str:
    if not isinstance(spec, dict) or not spec or set(spec) - {"start-after", "end-before"}:
        raise ConfigError(f"{ctx.at('truncate')}: truncate: must be a mapping with "
                          f"'start-after' and/or 'end-before', not {spec!r}")
    lines = text.splitlines(keepends=True)
    first, end = 0, len(lines)
    if spec.get("start-after") is not None:
        first = _marker_index(lines, spec["start-after"], 0, ctx, "start-after", source) + 1
    if spec.get("end-before") is not None:
        end = _marker_index(lines, spec["end-before"], first, ctx, "end-before", source)
        if end < first:
            raise ConfigError(f"{ctx.at('truncate')}: truncate: end-before comes before "
                              f"start-after in {shown(source)}")
    return "".join(lines[first:end])


def _transforms(spec: Any, ctx: _Context) -> list[tuple[re.Pattern[str], str]]:
    if isinstance(spec, dict):
        spec = [spec]  # one {regex, replace} without a list, as the original allowed
    if not isinstance(spec, list):
        raise ConfigError(f"{ctx.at('transform')}: transform: must be a list of "
                          f"{{regex, replace}}, not {spec!r}")
    result = []
    for index, item in enumerate(spec):
        line = spec.item_lines[index] if isinstance(spec, NodeList) else ctx.unit.line
        where = f"{ctx.file}:{line}: transform[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("regex"), str) \
                or not isinstance(item.get("replace", ""), str):
            raise ConfigError(f"{where}: must be {{regex: <pattern>, replace: <text>}}, not "
                              f"{item!r}")
        try:
            pattern = re.compile(item["regex"], re.MULTILINE)
        except re.error as exc:
            raise ConfigError(f"{where}.regex: invalid regular expression "
                              f"{item['regex']!r}: {exc}") from None
        result.append((pattern, item.get("replace", "")))
    return result


@dataclass
class Migrated:
    targets: list[Path] = field(default_factory=list)  # every file the units produce
    written: list[Path] = field(default_factory=list)  # those whose bytes changed
    # files for the staged site root ({root}/build/public/<file>): path -> bytes
    public: dict[str, str | bytes] = field(default_factory=dict)
    sources: dict[Path, Path] = field(default_factory=dict)  # target -> the file it came from


def _migrate(ctx: _Context, project_root: Path, proxy_source: Path, done: Migrated,
             public: bool = False) -> None:
    """Apply one unit. Units whose target is the staged site root only run when
    ``public`` is set, and then collect their bytes instead of writing them."""
    unit = ctx.unit
    public_rel = _public(unit.get("target"), project_root)
    if (public_rel is not None) != public:
        return
    key, names = _source_names(ctx)
    source_dir = unit.get("source_dir")
    transforms = _transforms(unit["transform"], ctx) if unit.get("transform") else []
    append = unit.get("append")
    dirs = _search_dirs(project_root, source_dir)
    for name in names:
        source = _find_source(name, dirs, ctx, key)
        target = (proxy_source if public_rel is not None else
                  _target(unit.get("target"), name, len(names) > 1, project_root,
                          proxy_source, ctx))
        edits = bool(unit.get("truncate") or transforms or append)
        payload: str | bytes = (_edited(ctx, key, source, transforms, append) if edits
                                else source.read_bytes())  # plain copy: any file type
        if public_rel is not None:
            done.public[public_rel] = payload
            continue
        done.targets.append(target)
        done.sources[target] = source
        if write_if_changed(target, payload):
            done.written.append(target)


def _file_name(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Wrong(form=True)
    return value


def _file_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or \
            not all(isinstance(n, str) and n for n in value):
        raise Wrong(form=True)
    return value


# `target`, `truncate` and `transform` are read where they are used: their meaning depends
# on the source file (markers, paths under source/), so their checks are there.
# Keys the original did not read are read past, as it did.
UNIT = Section({
    "source": Convert("a file name", _file_name),
    "sources": Convert("a list of file names", _file_names),
    "source_dir": Text("a directory"),
    "target": Anything(),
    "truncate": Anything(),
    "transform": Anything(),
    "append": Text("text"),
    "edition": Anything(),
}, unknown="ignore")


def _source_names(ctx: _Context) -> tuple[str, list[str]]:
    """The unit's key for its sources ('sources' or 'source') and the file names."""
    values = checked(ctx.unit, UNIT, ctx.file)
    if values["sources"] is not None:
        return "sources", values["sources"]
    if values["source"] is not None:
        return "source", [values["source"]]
    # Hand-written: one of two keys is required.
    raise ConfigError(f"{ctx.at()}: source: required key is missing (or give 'sources')")


def _edited(ctx: _Context, key: str, source: Path, transforms: list[Any],
            append: str | None) -> str:
    """The text of ``source`` truncated, transformed and appended to as the unit says."""
    unit = ctx.unit
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{ctx.at(key)}: {key}: {shown(source)} is not UTF-8 text, so it "
                          "cannot be truncated or transformed") from None
    if unit.get("truncate"):
        text = _truncate(text, unit["truncate"], ctx, source)
    for pattern, replace in transforms:
        try:
            text = pattern.sub(replace, text)
        except (re.error, IndexError) as exc:
            raise ConfigError(f"{ctx.at('transform')}: transform: bad replacement "
                              f"{replace!r}: {exc}") from None
    if append:
        if text and not text.endswith("\n"):
            text += "\n"
        text += append if append.endswith("\n") else append + "\n"
    return text


def apply_migrations(migrations: Path, project_root: Path, proxy_source: Path,
                     edition: str | None, public: bool = False,
                     done: Migrated | None = None) -> Migrated:
    """Apply every unit of ``migrations`` for ``edition``; return the files produced and
    those written (a target whose bytes did not change is left alone).

    Sources are looked up in ``source_dir`` (relative to ``project_root``), then
    the project root, its parent, the parent's ``source/``, ``source/`` and
    ``build/``. Targets are relative to ``proxy_source``. With ``public``, only the
    units whose target is the staged site root run, into ``Migrated.public``. ``done``
    (default: a new one) is filled as the units run, so it holds what they did even when
    a ConfigError reports some of them.
    """
    done = done if done is not None else Migrated()
    failures: list[str] = []
    for _doc, unit in iter_units(migrations, "a mapping with 'source'"):
        if edition_matches(unit.get("edition"), edition):
            try:
                _migrate(_Context(migrations, unit), project_root, proxy_source, done, public)
            except ConfigError as exc:
                failures.append(str(exc))  # every unit's problem, in one run
    if failures:
        raise ConfigError("\n".join(failures))
    return done
