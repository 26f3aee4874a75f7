"""What each kind of task returns: frozen dataclasses of plain fields, defined at module
level so that they pickle by reference across a process pool or to a dask worker.

Every result has ``notes`` (printed after the run) and ``skipped`` (the task ran but could
not do its work, e.g. latex without latexmk), so the driver reads them the same way.
A failed task raises :class:`TaskFailed` carrying its result (sphinx-build's output, the
rsyncs that did run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from giza.errors import BuildError
from giza.sphinx.output import Processed, SphinxLog, count_levels


class TaskFailed(BuildError):
    """A task failed but has a result worth reporting (e.g. sphinx-build's output)."""

    def __init__(self, message: str, value: Any = None) -> None:
        super().__init__(message)
        self.value = value


@dataclass(frozen=True)
class PrepareResult:
    """A proxy tree mirrored and generated into, the translations mirrored, or the
    intersphinx inventories refreshed."""

    proxy: str = ""  # the tree written
    copied: int = 0
    removed: int = 0
    generated: int = 0
    # generated file -> [YAML file, line of its unit, [[first rST line, unit line], ...]]
    origins: Mapping[str, list[Any]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    skipped: bool = False


@dataclass(frozen=True)
class SphinxResult:
    """One sphinx-build run. ``log`` is its output parsed once, in the task, with the
    paths as sphinx-build wrote them (the driver maps them back to the sources)."""

    variant: str
    argv: tuple[str, ...]
    jobs: int  # the -j it ran with
    returncode: int
    output: str
    seconds: float
    log: SphinxLog = field(default_factory=lambda: SphinxLog([], [], Processed()))
    seeded_from: str | None = None  # the sibling doctrees it started from
    stale_removed: tuple[str, ...] = ()  # outputs of deleted pages it removed
    notes: tuple[str, ...] = ()
    skipped: bool = False

    @property
    def counts(self) -> tuple[int, int]:
        """(warnings, errors) this run's output reported (see sphinx.output.count_levels)."""
        return count_levels(self.log.messages)


@dataclass(frozen=True)
class PostResult:
    """A builder's finalizer: the variant's site fragment (see giza.post.post_variant)."""

    variant: str
    fragment: str = ""
    owns: tuple[str, ...] = ()
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    skipped: bool = False

    @classmethod
    def of(cls, value: Mapping[str, Any]) -> PostResult:
        return cls(variant=str(value["variant"]), fragment=str(value.get("fragment") or ""),
                   owns=tuple(value.get("owns") or ()),
                   seconds=float(value.get("seconds") or 0.0),
                   notes=tuple(value.get("notes") or ()), skipped=bool(value.get("skipped")))


@dataclass(frozen=True)
class StageResult:
    """A staged site swapped in (see giza.post.stage_site), or the sitemap index written."""

    site: str
    url: str = ""
    variants: tuple[str, ...] = ()
    files: int = 0
    pages: int = 0
    sitemap: str | None = None
    root_files: tuple[str, ...] = ()
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    skipped: bool = False


@dataclass(frozen=True)
class DeployResult:
    """One host's rsyncs for one push target: what was deployed, what failed."""

    deployed: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    skipped: bool = False


Result = PrepareResult | SphinxResult | PostResult | StageResult | DeployResult
