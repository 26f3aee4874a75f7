"""URL path prefixes, as the original giza's ``giza.config.project`` computed them.

For conf.py files written for the original giza (see :mod:`giza.config.legacy`);
``conf`` is the object :func:`giza.config.helper.fetch_config` returns.

The prefix is the part of a page's URL between the host and the page path:

* ``project.siteroot: true`` — the branch name; the project tag for the branch
  ``git.branches.manual`` names (or for every branch when the project is not branched);
* otherwise — ``project.basepath`` (default: the edition's tag, else the project's),
  then, for a branched project, ``current`` for the manual branch or the branch name.

Unlike the original, ``current`` is used for the manual branch itself, not for every
branch whenever the manual branch is the one being built.
"""

from __future__ import annotations

from typing import Any


def get_path_prefix(conf: Any, branch: str) -> str:
    """The URL path prefix of ``branch`` for the edition being built."""
    project = conf.project
    manual = conf.git.branches.manual
    if project.siteroot:
        return branch if project.branched and branch != manual else project.tag
    parts = [project.basepath] if project.basepath else []
    if project.branched:
        parts.append("current" if manual is not None and branch == manual else branch)
    return "/".join(parts)


def get_current_path(conf: Any) -> str:
    """The prefix of the branch being built, or of the newest published branch when the
    branch being built is not published."""
    branch = conf.git.branches.current
    published = conf.git.branches.published
    if branch not in published and published:
        branch = published[0]
    return get_path_prefix(conf, branch)


__all__ = ["get_current_path", "get_path_prefix"]
