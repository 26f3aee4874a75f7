"""Published branches and the version list (``config/published_branches.yaml``).

The file is optional and local to the project::

    git:
      branches:
        manual: v6.0
        published: [master, v6.3, v6.0]        # newest first
    version:
      published: ['7.0 (Upcoming)', '6.3', '6.0']
      active: ['6.3', '6.0']
      stable: '6.0'
      upcoming: '7.0'

Unlike the original giza there is no rule that ``master`` comes first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giza.errors import ConfigError, shown
from giza.schema import Convert, ListOf, Section, Str, Wrong, checked, line_of
from giza.yamlfile import single_document


@dataclass(frozen=True)
class PublishedBranches:
    """What ``published_branches.yaml`` says; empty defaults when it is missing."""

    published: tuple[str, ...] = ()
    manual: str | None = None
    version_published: tuple[str, ...] = ()
    version_active: tuple[str, ...] = ()
    stable: str | None = None
    upcoming: str | None = None


def _label(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # `stable: 6.0` parses as a float; keep what the author meant
    if not isinstance(value, str) or not value:
        raise Wrong(form=True)
    return value


_LABELS = ListOf(Convert("a non-empty string", _label), single=False,
                 describe="a list of strings")
# Unknown keys are read past, as the original did (the file is shared with other tools).
PUBLISHED_BRANCHES = Section({
    "git": Section({
        "branches": Section({"published": _LABELS, "manual": Str()}, unknown="ignore"),
    }, unknown="ignore"),
    "version": Section({
        "published": _LABELS, "active": _LABELS, "stable": Str(), "upcoming": Str(),
    }, unknown="ignore"),
}, unknown="ignore", describe="a mapping with 'git' and 'version'")


def published_branches_path(config: Any) -> Path:
    """Where the published branches are read from.

    When ``paths.buildsystem`` names a build system checkout (an asset such as
    ``build/docs-tools``), its ``data/<project>-published-branches.yaml`` comes first, as
    in the original; ``<builddata>/published_branches.yaml`` is the fallback."""
    buildsystem = (config.raw.get("paths") or {}).get("buildsystem")
    if buildsystem:
        shared = (config.paths.root / buildsystem / "data"
                  / f"{config.project.name}-published-branches.yaml")
        if shared.is_file():
            return shared
    return config.paths.builddata / "published_branches.yaml"


def for_config(config: Any) -> PublishedBranches:
    """The project's published branches (defaults when no file gives them)."""
    return load_published_branches(published_branches_path(config))


def load_published_branches(path: Path) -> PublishedBranches:
    """Read ``published_branches.yaml``; a missing or empty file gives the defaults."""
    if not path.is_file():
        return PublishedBranches()
    document = single_document(path)
    if document is None:
        return PublishedBranches()
    values = checked(document.data, PUBLISHED_BRANCHES, path, line=document.line)
    branches, version = values["git"]["branches"], values["version"]
    published = branches["published"]
    # Hand-written: a rule across the items of one list.
    if len(set(published)) != len(published):
        dup = next(b for b in published if published.count(b) > 1)
        line = line_of(document.data["git"]["branches"], "published")
        raise ConfigError(f"{shown(path)}:{line}: git.branches.published: branch {dup!r} is listed "
                          "twice")
    return PublishedBranches(
        published=published,
        manual=branches["manual"],
        version_published=version["published"],
        version_active=version["active"],
        stable=version["stable"],
        upcoming=version["upcoming"],
    )


def _version_number(label: str) -> str:
    """'7.0 (Upcoming)' -> '7.0': the comparable part of a version label."""
    return label.split(" ", 1)[0]


def branch_label(pb: PublishedBranches, branch: str) -> str:
    """The human label of ``branch``.

    When ``version.published`` lists as many labels as there are published
    branches, they pair up by position (both lists are newest first). Otherwise a
    ``v``-prefixed branch name loses its ``v`` (``v6.0`` -> ``6.0``) and any other
    name (``master``, ``main``) is labelled with ``version.upcoming`` when there is
    one, else with the branch name itself.
    """
    if branch in pb.published and len(pb.version_published) == len(pb.published):
        return pb.version_published[pb.published.index(branch)]
    if len(branch) > 1 and branch[0] == "v" and branch[1].isdigit():
        return branch[1:]
    if pb.upcoming:
        return f"{pb.upcoming} (Upcoming)"
    return branch


def versions(pb: PublishedBranches, project_url: str,
             current_branch: str | None) -> list[dict[str, Any]]:
    """The version switcher entries, newest first (see :func:`versions_json`)."""
    base = project_url.rstrip("/")
    active = {_version_number(label) for label in pb.version_active}
    entries: list[dict[str, Any]] = []
    for branch in pb.published:
        label = branch_label(pb, branch)
        number = _version_number(label)
        entries.append({
            "branch": branch,
            "version": label,
            "url": f"{base}/{branch}/",
            "current": branch == current_branch,
            "stable": pb.stable is not None and number == _version_number(pb.stable),
            # without a version.active list every published branch counts as active
            "active": number in active if active else True,
            "manual": branch == pb.manual,
        })
    return entries


def versions_json(pb: PublishedBranches, project_url: str, current_branch: str | None) -> str:
    """Content of ``versions.json``: a JSON list, newest first, one object per branch.

    Each object has ``branch`` (git branch, also the URL path segment),
    ``version`` (label, see :func:`branch_label`), ``url``
    (``<project_url>/<branch>/``, where ``project_url`` is the site's URL without its
    branch), and the booleans ``current`` (the branch being
    built), ``stable`` (its version equals ``version.stable``), ``active`` (its
    version is in ``version.active``; true for all when that list is empty) and
    ``manual`` (it is ``git.branches.manual``). The text ends with a newline and is
    stable for identical inputs, so writing it only when it changes works.
    """
    return json.dumps(versions(pb, project_url, current_branch), indent=2) + "\n"

