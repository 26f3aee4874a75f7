"""Which branches a ``--branches`` value names, checked against git and the published list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from giza.config.git import query
from giza.config.model import Config
from giza.errors import UsageError, shown
from giza.site.branches import for_config, published_branches_path


@dataclass(frozen=True)
class Branch:
    """One branch to build: its name, commit and whether it is the checked-out one."""
    name: str
    commit: str
    current: bool


def local_branches(config: Config) -> list[str]:
    listed = query(config.root, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
    return sorted(listed.splitlines()) if listed else []


def branch_names(config: Config, value: str) -> list[str]:
    """``current``, ``published`` or ``BRANCH[,BRANCH...]`` -> branch names, in order."""
    text = value.strip()
    if text == "current":
        return [config.branch]
    if text == "published":
        published = list(for_config(config).published)
        if not published:
            raise UsageError(f"--branches published: {shown(published_branches_path(config))} "
                             "lists no branches under git.branches.published")
        return published
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise UsageError(f"--branches {value!r}: expected 'current', 'published' or "
                         "BRANCH[,BRANCH...] without empty names")
    return list(dict.fromkeys(names))


def resolve_branches(config: Config, names: Sequence[str]) -> list[Branch]:
    """Each name with its commit; an unknown branch is a usage error naming the known ones."""
    found = []
    for name in names:
        if name == config.branch and config.git.branch_source == "git":
            found.append(Branch(name, config.git.commit or "", True))
            continue
        commit = query(config.root, "rev-parse", "--verify", "-q", f"refs/heads/{name}^{{commit}}")
        if not commit:
            known = ", ".join(local_branches(config)) or "none"
            raise UsageError(f"--branches: unknown branch '{name}'; branches in this "
                             f"repository: {known}")
        found.append(Branch(name, commit, False))
    return found


def check_partial(partial: Sequence[str], built: Sequence[str]) -> None:
    """``--partial`` may only name branches this run builds."""
    for name in partial:
        if name not in built:
            raise UsageError(f"--partial: branch '{name}' is not one of the branches this run "
                             f"builds ({', '.join(built)})")
