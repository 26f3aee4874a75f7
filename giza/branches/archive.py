"""Frozen versions: a branch's staged site packed once into
``build/archive/<project>-<branch>-<sha8>.tar.gz`` and unpacked into the staged site on every
build instead of building the branch.

A branch is frozen when published_branches.yaml lists it under ``version.archived`` or when
``giza archive BRANCH`` has packed it (its archive exists)."""

from __future__ import annotations

import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from giza.config.git import query
from giza.config.model import Config
from giza.errors import UsageError, shown

ARCHIVE_DIR = "archive"
MARKER = ".giza-archive"  # in a staged site unpacked from an archive: the archive's name


def _slug(branch: str) -> str:
    return branch.replace("/", "-")


def archive_dir(config: Config) -> Path:
    return config.paths.output / ARCHIVE_DIR


def branch_site(config: Config, branch: str) -> Path:
    """build/public/<branch>: where the branch's (default edition and language) site is."""
    from giza.post import site_dir

    return site_dir(replace(config, git=replace(config.git, branch=branch)), None, None)


def find_archive(config: Config, branch: str) -> Path | None:
    """The newest archive of ``branch``, if any."""
    found = sorted(archive_dir(config).glob(f"{config.project.name}-{_slug(branch)}-"
                                            "[0-9a-f]*.tar.gz"),
                   key=lambda p: p.stat().st_mtime_ns)
    return found[-1] if found else None


def _commit(config: Config, site: Path, branch: str) -> str:
    commit = query(config.root, "rev-parse", "--verify", "-q", f"refs/heads/{branch}")
    if not commit and (site / "release.txt").is_file():
        commit = (site / "release.txt").read_text(encoding="utf-8").strip()
    return commit if commit and commit != "unknown" else "0" * 40


def pack(config: Config, branch: str) -> Path:
    """Pack the staged site of ``branch`` (reproducibly: the html tarball's writer)."""
    from giza.post.html import write_tarball

    site = branch_site(config, branch)
    if not site.is_dir():
        raise UsageError(f"giza archive: nothing is staged for branch '{branch}' at "
                         f"{shown(site)}; build it first: giza sphinx -b html --branches "
                         f"{branch}")
    stem = f"{config.project.name}-{_slug(branch)}-{_commit(config, site, branch)[:8]}"
    path = archive_dir(config) / f"{stem}.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".giza-", delete=False) as tmp:
        partial = Path(tmp.name)
    try:
        write_tarball(site, partial, prefix=stem)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    for older in archive_dir(config).glob(f"{config.project.name}-{_slug(branch)}-*.tar.gz"):
        if older != path:
            older.unlink()
    return path


def frozen_branches(config: Config, names: Sequence[str]) -> list[str]:
    """Which of ``names`` are frozen; a listed one without an archive is packed now from
    its staged site, or is an error (exit 2) when it has neither."""
    from giza.site.branches import for_config, published_branches_path

    archived = for_config(config).archived
    frozen = []
    for name in names:
        if find_archive(config, name) is not None:
            frozen.append(name)
        elif name in archived:
            if not branch_site(config, name).is_dir():
                raise UsageError(
                    f"{shown(published_branches_path(config))}: version.archived lists "
                    f"'{name}', but there is no archive of it in {shown(archive_dir(config))} "
                    f"and nothing staged at {shown(branch_site(config, name))} to pack; "
                    "restore the archive, or build the branch once before archiving it")
            pack(config, name)
            frozen.append(name)
    return frozen


def restore(config: Config, branch: str) -> str:
    """Unpack the archive of ``branch`` into its staged site unless it is there already."""
    from giza.post import staging

    archive = find_archive(config, branch)
    assert archive is not None
    site = branch_site(config, branch)
    marker = site / MARKER
    if marker.is_file() and marker.read_text(encoding="utf-8").strip() == archive.name:
        return ""
    new = site.with_name(site.name + staging.NEW_SUFFIX)
    staging.remove_path(new)
    with staging.stage_lock(config.paths.output):
        _unpack(archive, new)
        (new / MARKER).write_text(archive.name + "\n", encoding="utf-8")
        staging.swap_into_place(new, site)
    return f"{branch} is frozen: staged {shown(site)} from {shown(archive)}"


def _unpack(archive: Path, dest: Path) -> None:
    """Extract the archive's one top directory as ``dest`` (the tarfile data filter refuses
    links out of it and absolute names)."""
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".giza-unpack-") as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        tops = list(Path(tmp).iterdir())
        if len(tops) != 1 or not tops[0].is_dir():
            raise UsageError(f"{shown(archive)}: expected one top directory, found "
                             f"{len(tops)} entries; it is not a giza archive")
        tops[0].rename(dest)
