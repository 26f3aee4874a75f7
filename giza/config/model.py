"""The resolved, immutable configuration every stage reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giza import layout
from giza.config.matrix import Matrix


@dataclass(frozen=True)
class Edition:
    name: str
    tag: str
    url: str
    branched: bool
    title: str


@dataclass(frozen=True)
class Asset:
    """A git repository the build needs, checked out at ``path`` (build_conf ``assets``)."""

    path: Path
    repository: str
    branch: str | None
    commit: str | None
    origin: str  # "config/build_conf.yaml:12", for messages
    generate: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    name: str
    tag: str
    title: str
    url: str
    branched: bool
    siteroot: bool
    basepath: str
    editions: tuple[Edition, ...] = ()

    def edition(self, name: str) -> Edition:
        for edition in self.editions:
            if edition.name == name:
                return edition
        raise KeyError(name)

    @property
    def edition_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.editions)


@dataclass(frozen=True)
class Version:
    release: str
    branch: str


@dataclass(frozen=True)
class Paths:
    """Absolute paths, resolved against the project root."""

    root: Path
    output: Path
    source: Path
    includes: Path
    images: Path
    locale: Path
    builddata: Path
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Git:
    branch: str  # the branch used in build paths (after fallbacks)
    branch_source: str  # "git", "version.branch" or "default": how it was found
    commit: str | None
    remote: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SideFile:
    """One entry of system.files: its files and their YAML documents (raw data)."""

    name: str
    paths: tuple[Path, ...]
    documents: tuple[Any, ...]
    origins: tuple[tuple[Path, int], ...] = ()  # (file, line) of each document

    @property
    def data(self) -> Any:
        """The single document, or the list of documents when there are several."""
        if len(self.documents) == 1:
            return self.documents[0]
        return list(self.documents)


@dataclass(frozen=True)
class Config:
    conf_file: Path
    project: Project
    version: Version
    paths: Paths
    git: Git
    side_files: Mapping[str, SideFile]
    raw: Mapping[str, Any]  # validated build_conf.yaml with defaults, for `giza config`
    matrix: Matrix = field(default_factory=lambda: Matrix({}))
    assets: tuple[Asset, ...] = ()
    warnings: tuple[str, ...] = ()
    strict: bool = False

    @property
    def root(self) -> Path:
        return self.paths.root

    @property
    def branch(self) -> str:
        return self.git.branch

    @property
    def branch_dir(self) -> Path:
        """build/<branch>: everything per-branch lives here."""
        return layout.branch_dir(self)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages the project translates into: integration.yaml's top-level keys other
        than ``base`` (those holding a mapping, e.g. ``fr: {inherit: base}``), then any
        sphinx.yaml ``languages``."""
        from giza.config.integration import languages  # lazy: start-up time

        found = list(languages(self.side_documents("integration")))
        found.extend(lang for lang in self.matrix.languages if lang not in found)
        return tuple(found)

    def side(self, name: str) -> SideFile | None:
        return self.side_files.get(name)

    def side_documents(self, name: str) -> tuple[Any, ...]:
        entry = self.side_files.get(name)
        return entry.documents if entry else ()


class FrozenDict(dict):
    """A dict that refuses changes; unlike MappingProxyType it pickles (process pools)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("the configuration is immutable")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=repr)))


def freeze(value: Any) -> Any:
    """Deep-freeze mappings and lists from YAML into FrozenDict and tuples."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value
