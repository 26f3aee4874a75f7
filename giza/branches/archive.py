"""Frozen versions: a branch's staged site packed once into
``build/archive/<project>-<branch>-<sha8>.tar.gz`` and unpacked into the staged site on every
build instead of building the branch.

A branch is frozen when published_branches.yaml lists it under ``version.archived`` or when
``giza archive BRANCH`` has packed it (its archive exists)."""

from __future__ import annotations

import json
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from giza.config.git import query
from giza.config.model import Config
from giza.errors import UsageError, shown
from giza.fileio import write_if_changed
from giza.layout import archive_dir, site_dir
from giza.post import staging
from giza.post.html import write_tarball
from giza.site.branches import for_config, published_branches_path

REWRITTEN = "versions.json"  # rewritten by every build's site step (giza.branches.site)


def _slug(branch: str) -> str:
    return branch.replace("/", "-")


def branch_site(config: Config, branch: str) -> Path:
    """build/public/<branch>: where the branch's (default edition and language) site is."""
    return site_dir(replace(config, git=replace(config.git, branch=branch)), None, None)


def _archives(config: Config, branch: str) -> list[Path]:
    # Exactly 8 hex digits: `giza package` archives (<project>-<target>-<branch>-<sha8>)
    # share the directory.
    pattern = f"{config.project.name}-{_slug(branch)}-{'[0-9a-f]' * 8}.tar.gz"
    return sorted(archive_dir(config).glob(pattern), key=lambda p: p.stat().st_mtime_ns)


def find_archive(config: Config, branch: str) -> Path | None:
    """The newest archive of ``branch``, if any."""
    found = _archives(config, branch)
    return found[-1] if found else None


def _commit(config: Config, site: Path, branch: str) -> str:
    commit = query(config.root, "rev-parse", "--verify", "-q", f"refs/heads/{branch}")
    if not commit and (site / "release.txt").is_file():
        commit = (site / "release.txt").read_text(encoding="utf-8").strip()
    return commit if commit and commit != "unknown" else "0" * 40


def pack(config: Config, branch: str) -> Path:
    """Pack the staged site of ``branch`` (reproducibly: the html tarball's writer)."""
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
    for older in _archives(config, branch):
        if older != path:
            older.unlink()
            _marker(older).unlink(missing_ok=True)
    return path


def frozen_branches(config: Config, names: Sequence[str], pack_now: bool = True) -> list[str]:
    """Which of ``names`` are frozen; a listed one without an archive is packed now from
    its staged site (``pack_now``: not in a dry run), or is an error (exit 2) when it has
    neither."""
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
            if pack_now:
                pack(config, name)
            frozen.append(name)
    return frozen


def _listing(site: Path) -> dict[str, list[int]]:
    """(size, mtime) of every file of a staged site but the ones the site step rewrites."""
    found: dict[str, list[int]] = {}
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix()
        if rel != REWRITTEN and path.is_file():
            info = path.stat()
            found[rel] = [info.st_size, info.st_mtime_ns]
    return found


def _marker(archive: Path) -> Path:
    """What an archive was unpacked to, kept beside it (a file in the site would be deployed)."""
    return archive.with_name(f".{archive.name}.staged.json")


def _intact(site: Path, archive: Path) -> bool:
    """Whether ``site`` is still exactly what ``archive`` unpacked to (stat only)."""
    try:
        marker = json.loads(_marker(archive).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("archive") == archive.name and marker.get("files") == _listing(site)


def restore(config: Config, branch: str) -> str:
    """Unpack the archive of ``branch`` into its staged site unless it is there, intact."""
    archive = find_archive(config, branch)
    assert archive is not None
    site = branch_site(config, branch)
    if _intact(site, archive):
        return ""
    new = site.with_name(site.name + staging.NEW_SUFFIX)
    staging.remove_path(new)
    with staging.stage_lock(config.paths.output):
        _unpack(archive, new)
        staging.swap_into_place(new, site)
        marker = {"archive": archive.name, "files": _listing(site)}
        write_if_changed(_marker(archive), json.dumps(marker, sort_keys=True) + "\n")
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


def archive_branch(config: Config, branch: str) -> str:
    """``giza archive BRANCH``: pack its staged site now; the line to print."""
    published = for_config(config).published
    if branch not in published:
        listed = ", ".join(published) or "none"
        raise UsageError(f"giza archive: branch '{branch}' is not published; "
                         f"{shown(published_branches_path(config))} lists under "
                         f"git.branches.published: {listed}")
    path = pack(config, branch)
    return (f"archived branch {branch}: {shown(branch_site(config, branch))} -> {shown(path)}; "
            "it is staged from this archive and not built again while the archive exists")
