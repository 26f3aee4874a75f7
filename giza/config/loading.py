"""Find and load a project's configuration into one immutable :class:`Config`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from giza.config import git, integration
from giza.config.matrix import load_matrix, matrix_path
from giza.config.model import (
    Asset,
    Config,
    Edition,
    Git,
    Paths,
    Project,
    SideFile,
    Version,
    freeze,
)
from giza.config.schema import BUILD_CONF, Validation, type_name, validate
from giza.errors import ConfigError, ConfigProblems, shown
from giza.yamlfile import Document, Node, NodeList, load_documents

CONF_NAME = "build_conf.yaml"


def discover(start: Path | None = None, explicit: str | os.PathLike[str] | None = None) -> Path:
    """``config/build_conf.yaml`` in ``start`` or its nearest parent, or ``explicit``."""
    if explicit:
        path = Path(explicit)
        if path.is_dir():
            for candidate in (path / "config" / CONF_NAME, path / CONF_NAME):
                if candidate.is_file():
                    return candidate.resolve()
        if not path.is_file():
            raise ConfigError(f"{shown(path)}: --conf names no such file")
        return path.resolve()
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "config" / CONF_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(f"no config/{CONF_NAME} in {here} or any parent directory; "
                      f"run 'giza quickstart DIR' to create a project, or pass --conf PATH")


def project_root(conf_file: Path) -> Path:
    # config/build_conf.yaml -> the parent of config/; a bare build_conf.yaml -> its directory.
    parent = conf_file.parent
    return parent.parent if parent.name == "config" else parent


def _side_entries(files: list[Any], conf_file: Path, line: int) -> list[tuple[str, list[str], int]]:
    """Normalise system.files into (name, [paths], line).

    Hand-written: an item is a file name or a one-key mapping whose key is free (the side
    file's name), which no declared mapping can describe."""
    entries: list[tuple[str, list[str], int]] = []
    item_lines = files.item_lines if isinstance(files, NodeList) else [line] * len(files)
    for i, item in enumerate(files):
        item_line = item_lines[i] if i < len(item_lines) else line
        if isinstance(item, str):
            name = Path(item).stem
            entries.append((name, [item], item_line))
        elif isinstance(item, Mapping) and len(item) == 1:
            (name, value), = item.items()
            paths = [value] if isinstance(value, str) else value
            # a list from YAML, or a tuple once the config is frozen (the legacy view)
            if not isinstance(paths, (list, tuple)) or not all(isinstance(p, str)
                                                                for p in paths):
                raise ConfigError(f"{shown(conf_file)}:{item_line}: system.files[{i}].{name}: "
                                  f"must be a file name or a list of file names, "
                                  f"not {type_name(value)}")
            entries.append((str(name), list(paths), item_line))
        else:
            raise ConfigError(f"{shown(conf_file)}:{item_line}: system.files[{i}]: must be a file "
                              f"name or a one-key mapping {{name: file or [files]}}, "
                              f"not {type_name(item)}")
    return entries


def _side_path(value: str, root: Path, builddata: Path) -> Path:
    # A leading '/' means "relative to the project root" (giza convention).
    if value.startswith("/"):
        rooted = root / value.lstrip("/")
        if rooted.exists() or not Path(value).exists():
            return rooted
        return Path(value)
    return builddata / value


def duplicate_warnings(path: Path, doc: Document) -> list[str]:
    """A config file that gives a key twice works (the later value wins, as in PyYAML and
    the original giza) but says so: the earlier value is silently lost otherwise."""
    return [f"{shown(path)}:{dup.line}: {dup.describe()}" for dup in doc.duplicates]


def load_side_files(entries: list[tuple[str, list[str], int]], root: Path, builddata: Path,
                    conf_file: Path, warnings: list[str]) -> dict[str, SideFile]:
    result: dict[str, SideFile] = {}
    for name, values, line in entries:
        paths: list[Path] = []
        documents: list[Any] = []
        origins: list[tuple[Path, int]] = []
        if name in result:  # the same name twice merges, like {name: [files]}
            prior = result[name]
            paths, documents = list(prior.paths), list(prior.documents)
            origins = list(prior.origins)
        for value in values:
            path = _side_path(value, root, builddata)
            if not path.is_file():
                warnings.append(f"{shown(conf_file)}:{line}: side file '{name}' not found: "
                                f"{shown(path)}")
                continue
            paths.append(path)
            for doc in load_documents(path):
                warnings.extend(duplicate_warnings(path, doc))
                if doc.data is None:
                    continue
                documents.append(doc.data)
                origins.append((path, doc.line))
        result[name] = SideFile(name, tuple(paths), tuple(documents), tuple(origins))
    return result


def load(conf: str | os.PathLike[str] | None = None, start: Path | None = None,
         strict: bool = False) -> Config:
    """Discover, read, validate and resolve the whole configuration."""
    conf_file = discover(start, conf)
    docs, data = _read_build_conf(conf_file)
    state = Validation(conf_file)
    state.warnings.extend(duplicate_warnings(conf_file, docs[0]))
    values = validate(data, BUILD_CONF, state)
    root = project_root(conf_file)
    paths = _paths(root, values)
    project = _project(values["project"], state, conf_file, data)
    version = Version(release=values["version"]["release"] or "",
                      branch=values["version"]["branch"] or "")
    branch, found = git.resolve_branch(root, version.branch)
    remote = values["git"]["remote"] or {}
    side_files = _side_files(values, state, conf_file, data, root, paths)
    matrix = state.attempt(load_matrix, matrix_path(paths.builddata), state.warnings)
    assets = state.attempt(_assets, values["assets"], conf_file, data, root, default=())
    _raise_collected(state)
    config = Config(
        conf_file=conf_file,
        project=project,
        version=version,
        paths=paths,
        git=Git(branch=branch, branch_source=found, commit=git.current_commit(root),
                remote=freeze({str(k): str(v) for k, v in remote.items()})),
        side_files=freeze(side_files),
        raw=freeze(values),
        matrix=matrix,
        assets=assets,
        warnings=tuple(dict.fromkeys(state.warnings)),  # a file read twice warns once
        strict=strict,
    )
    if strict and config.warnings:
        raise ConfigError("\n".join(config.warnings) + "\n(--strict makes warnings errors)")
    return config


def _read_build_conf(conf_file: Path) -> tuple[list[Any], Any]:
    """The documents of build_conf.yaml and its one document's data."""
    docs = load_documents(conf_file)
    data = docs[0].data if docs else None
    if len(docs) > 1:
        raise ConfigError(f"{shown(conf_file)}:{docs[1].line}: build_conf.yaml must hold one YAML "
                          f"document, found {len(docs)}")
    if data is None:
        raise ConfigError(f"{shown(conf_file)}:1: the file is empty; it needs at least "
                          f"'project: {{name: ...}}'")
    return docs, data


def _paths(root: Path, values: dict[str, Any]) -> Paths:
    def under_root(key: str) -> Path:
        return (root / values["paths"][key]).resolve()

    return Paths(
        root=root,
        output=under_root("output"),
        source=under_root("source"),
        includes=under_root("includes"),
        images=under_root("images"),
        locale=under_root("locale"),
        builddata=under_root("builddata"),
        ignore=values["paths"]["ignore"],
    )


def _project(p: dict[str, Any], state: Validation, conf_file: Path, data: Any) -> Project:
    return Project(
        name=p["name"],
        tag=p["tag"] or p["name"],
        title=p["title"] or p["name"],
        url=(p["url"] or "").rstrip("/"),
        branched=p["branched"],
        siteroot=p["siteroot"],
        basepath=p["basepath"] or "",
        editions=state.attempt(_editions, p, conf_file, data, default=()),
    )


def _side_files(values: dict[str, Any], state: Validation, conf_file: Path, data: Any,
                root: Path, paths: Paths) -> dict[str, Any]:
    """The side files system.files lists, read and (integration.yaml) checked."""
    system_files = data.get("system", {}) if isinstance(data, dict) else {}
    files_line = (system_files.line_of("files") if isinstance(system_files, Node) else 1)
    entries = state.attempt(_side_entries, values["system"]["files"] or [], conf_file,
                            files_line, default=[])
    side_files = state.attempt(load_side_files, entries, root, paths.builddata, conf_file,
                               state.warnings, default={})
    if "integration" in side_files:
        state.attempt(integration.check, side_files["integration"].documents,
                      side_files["integration"].origins, state.warnings)
    return side_files


def _raise_collected(state: Validation) -> None:
    """Every error found so far, sorted by file and line, with the warnings beside them."""
    from giza.problems import ERROR, WARNING, Problem, ordered  # lazy: start-up time

    if not state.errors:
        return
    found = ordered([*(Problem.parse(t, ERROR) for t in state.errors),
                     *(Problem.parse(t, WARNING) for t in state.warnings)])
    raise ConfigProblems(found)


def _assets(entries: Any, conf_file: Path, data: Any, root: Path) -> tuple[Asset, ...]:
    # The schema checked each entry's keys; left here are the rules that need the project
    # root or the other entries (inside the project, one checkout per path).
    raw = data.get("assets") if isinstance(data, dict) else None
    lines = raw.item_lines if isinstance(raw, NodeList) else []
    assets: list[Asset] = []
    seen: dict[Path, int] = {}
    for i, entry in enumerate(entries):
        where = f"{shown(conf_file)}:{lines[i] if i < len(lines) else 1}"
        path = (root / entry["path"]).resolve()
        if os.path.isabs(entry["path"]) or path == root or root not in path.parents:
            raise ConfigError(f"{where}: assets[{i}].path: must be a directory inside the "
                              f"project, e.g. build/docs-tools, not {entry['path']!r}")
        if path in seen:
            raise ConfigError(f"{where}: assets[{i}].path: {entry['path']!r} is already "
                              f"used by assets[{seen[path]}]")
        seen[path] = i
        repository = entry["repository"]
        if ":" not in repository.split("/", 1)[0] and not os.path.isabs(repository):
            # a local path (not a URL or host:path) is relative to the project root
            repository = str((root / repository).resolve())
        assets.append(Asset(path=path, repository=repository,
                            branch=entry["branch"] or None, commit=entry["commit"] or None,
                            origin=where,
                            generate=tuple(str(g) for g in entry["generate"] or ())))
    return tuple(assets)


def _editions(p: dict[str, Any], conf_file: Path, data: Any) -> tuple[Edition, ...]:
    # Hand-written: names unique across the entries, and free of the '-' make targets use.
    editions = []
    seen: dict[str, int] = {}
    project = data.get("project") if isinstance(data, dict) else None
    raw = project.get("editions") if isinstance(project, dict) else None
    lines = raw.item_lines if isinstance(raw, NodeList) else []
    for i, e in enumerate(p["editions"]):
        line = lines[i] if i < len(lines) else 1
        if not e["name"]:
            continue  # reported: required key is missing
        if e["name"] in seen:
            raise ConfigError(f"{shown(conf_file)}:{line}: project.editions[{i}].name: "
                              f"'{e['name']}' is already used by editions[{seen[e['name']]}]")
        if "-" in e["name"]:
            raise ConfigError(f"{shown(conf_file)}:{line}: project.editions[{i}].name: "
                              f"'{e['name']}' must not contain '-' (make targets split on it)")
        seen[e["name"]] = i
        editions.append(Edition(
            name=e["name"],
            tag=e["tag"] or e["name"],
            url=(e["url"] or p["url"] or "").rstrip("/"),
            branched=p["branched"] if e["branched"] is None else e["branched"],
            title=e["title"] or p["title"] or p["name"],
        ))
    return tuple(editions)
