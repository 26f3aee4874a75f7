"""A read-once group: one sphinx-build reads a proxy tree, then its siblings write from it.

giza's build process writes a ``Group`` as JSON; ``python -m giza.sphinx.runner`` (another
process) reads it, runs the reader's build, and leaves one ``Written`` per writer for the
writers' tasks to collect. Both sides share these dataclasses and nothing else, so the
runner imports no more of giza than this module, giza.fileio and giza.proc.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from giza.fileio import atomic_copy, atomic_write

ENV_PICKLE = "environment.pickle"  # Sphinx's pickled environment in a doctree directory
MODULE_PREFIX = ("-m", "sphinx")  # giza runs sphinx-build as ``python -m sphinx ...``


@dataclass(frozen=True)
class Build:
    """One sphinx-build of the group: its variant, argv and build context file. A writer
    also names the doctrees it starts from (``seed``), its own, and where its result goes."""

    variant: str
    argv: tuple[str, ...]
    context: str
    seed: str = ""
    doctrees: str = ""
    result: str = ""
    jobs: int = 1  # its sphinx -j

    def sphinx_args(self) -> list[str]:
        """The arguments after ``python -m sphinx`` (what sphinx's build_main takes)."""
        if tuple(self.argv[1:3]) != MODULE_PREFIX:
            raise ValueError(f"{self.variant}: not a 'python -m sphinx' argv: {self.argv!r}")
        return list(self.argv[3:])


@dataclass(frozen=True)
class Group:
    """The reader, its writers (longest first: the lanes take them in this order) and
    how many processes write side by side once the reader has read (``lanes``)."""

    reader: Build
    writers: tuple[Build, ...]
    lanes: int
    write_jobs: int = 1  # sphinx -j of each writing process (the reader's own write too)
    timing: str = ""  # where the runner notes the reader's own seconds

    def save(self, path: Path) -> None:
        atomic_write(path, (json.dumps(asdict(self), indent=1) + "\n").encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> Group:
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            builds = [Build(**{**item, "argv": tuple(item["argv"])})
                      for item in (data["reader"], *data["writers"])]
        except KeyError as missing:
            raise ValueError(f"missing key {missing}") from None
        return cls(reader=builds[0], writers=tuple(builds[1:]), lanes=int(data["lanes"]),
                   write_jobs=int(data.get("write_jobs", 1)), timing=str(data.get("timing", "")))


@dataclass(frozen=True)
class Written:
    """What one build of the group did: its exit status, when it started, how long it
    took, and its output, line by line with the time each line began."""

    variant: str
    returncode: int
    started: float
    seconds: float
    lines: tuple[tuple[float, str], ...] = ()
    argv: tuple[str, ...] = ()
    jobs: int = 1
    seeded: bool = False  # it started from the reader's doctrees (it had none of its own)
    pid: int = 0  # the process that ran it

    @property
    def output(self) -> str:
        return "".join(line for _, line in self.lines)

    def save(self, path: Path) -> None:
        payload = {**asdict(self), "lines": [list(item) for item in self.lines]}
        atomic_write(path, (json.dumps(payload) + "\n").encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> Written | None:
        """The result at ``path``; None when there is none (the runner did not get to it)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(variant=str(data["variant"]), returncode=int(data["returncode"]),
                   started=float(data["started"]), seconds=float(data["seconds"]),
                   lines=tuple((float(t), str(line)) for t, line in data["lines"]),
                   argv=tuple(data.get("argv") or ()), jobs=int(data.get("jobs") or 1),
                   seeded=bool(data.get("seeded")), pid=int(data.get("pid") or 0))


def copy_seed(seed: Path, doctrees: Path) -> bool:
    """Start from a sibling builder's doctrees when this builder has none (first build):
    Sphinx then finds every document up to date and only writes."""
    if (doctrees / ENV_PICKLE).exists() or not (seed / ENV_PICKLE).exists():
        return False
    shutil.copytree(seed, doctrees, dirs_exist_ok=True, copy_function=atomic_copy)
    return True
