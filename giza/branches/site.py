"""The files that cover every branch, written once after all branches are staged:
versions.json in each branch's site (listing the branches actually staged), the sitemap
index, the redirects and robots.txt above the branch directories; and retention
(``version.keep``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from giza.branches.select import local_branches
from giza.config.model import Config
from giza.errors import UsageError, shown
from giza.fileio import write_if_changed
from giza.layout import is_branched, public_dir, site_dir, site_url, versions_base_url
from giza.pipeline.driver import BuildRequest
from giza.post import finalizers_for, staging
from giza.post.sitemap import write_sitemap_index
from giza.post.staging import MANIFEST
from giza.site.assemble import site_files, write_root_files
from giza.site.branches import PublishedBranches, for_config, versions
from giza.variants import resolve

Pair = tuple[str | None, str | None]


def require_branched(config: Config, value: str) -> None:
    """Several branches need a branch directory each in build/public."""
    if value.strip() == "current":
        return
    editions = config.project.edition_names or (None,)
    if not any(is_branched(config, edition) for edition in editions):
        raise UsageError(f"--branches {value}: {shown(config.conf_file)} sets "
                         "project.branched: false, so every branch would be staged in the "
                         "same place; set project.branched: true to build several branches")


def at_branch(config: Config, branch: str) -> Config:
    return replace(config, git=replace(config.git, branch=branch))


def site_pairs(config: Config, request: BuildRequest) -> list[Pair]:
    """The (edition, language) of every staged site the request builds."""
    variants = resolve(config, request.builders, request.editions, request.languages)
    return list(dict.fromkeys(v.pair for v in variants if finalizers_for(v.builder)
                              and is_branched(config, v.edition)))


def _staged(config: Config, branch: str, pair: Pair) -> Path | None:
    site = site_dir(at_branch(config, branch), *pair)
    return site if (site / MANIFEST).is_file() else None


def finish_site(config: Config, request: BuildRequest, names: Sequence[str]) -> list[str]:
    """Retention, then the site-wide files; the notes to print."""
    pb = for_config(config)
    pairs = site_pairs(config, request)
    notes = retain(config, pb.published, pb.keep, local_branches(config), pairs)
    candidates = list(dict.fromkeys([*pb.published, *names]))
    sites: list[tuple[str | None, str | None, str, Path]] = []
    for pair in pairs:
        staged = [b for b in candidates if _staged(config, b, pair)]
        _write_versions(config, pb, pair, staged)
        for branch in staged:
            site = _staged(config, branch, pair)
            assert site is not None
            sites.append((*pair, site_url(at_branch(config, branch), *pair), site))
    if sites:

        write_sitemap_index(config, public_dir(config), sites)
    _write_root_files(config, pairs)
    return notes


def _write_versions(config: Config, pb: PublishedBranches, pair: Pair,
                    staged: list[str]) -> None:
    """versions.json of each staged branch: the published branches that are staged."""
    if not pb.published:
        return
    for branch in staged:
        here = at_branch(config, branch)
        entries = [e for e in versions(pb, versions_base_url(here, *pair), branch)
                   if e["branch"] in staged]
        site = _staged(config, branch, pair)
        assert site is not None
        write_if_changed(site / "versions.json", json.dumps(entries, indent=2) + "\n")


def _write_root_files(config: Config, pairs: list[Pair]) -> None:
    """Redirects and robots.txt above the branch directories, from this checkout's config."""
    for pair in pairs:
        write_root_files(site_files(config, *pair).root)


def retain(config: Config, published: Sequence[str], keep: int | None, known: Sequence[str],
           pairs: list[Pair]) -> list[str]:
    """``version.keep: N``: remove staged branch sites other than the first N published."""
    if keep is None:
        return []
    kept = set(published[:keep])
    notes = []
    for pair in pairs:
        for branch in dict.fromkeys([*published, *known]):
            site = _staged(config, branch, pair)
            if site is None or branch in kept:
                continue
            staging.remove_path(site)
            notes.append(f"version.keep is {keep}: removed {shown(site)} (branch {branch} is "
                         f"not one of the {keep} newest published branches)")
    return notes
