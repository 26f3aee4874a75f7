"""``fetch_config`` and friends for conf.py files written for the original giza.

``fetch_config(RuntimeStateConfig())`` returns a read-only view of the project's
configuration for the variant being built (see :mod:`giza.config.legacy`).
``get_versions`` and ``get_manual_path`` are the values such a conf.py passes to its
theme (``version_selector``, ``manual_path``). New projects should list
``giza.sphinxext`` in ``extensions`` instead of importing giza.
"""

from __future__ import annotations

from typing import Any

from giza.config.project import get_path_prefix
from giza.config.runtime import RuntimeStateConfig


def fetch_config(args: Any = None) -> Any:
    """The configuration of the project the calling conf.py belongs to."""
    from giza.config.legacy import _caller_dir, fetch  # lazy: a conf.py imports this module

    return fetch(args if args is not None else RuntimeStateConfig(), caller=_caller_dir())


def new_config(args: Any = None) -> Any:
    """Like :func:`fetch_config`; anything but a RuntimeStateConfig counts as none."""
    from giza.config.legacy import _caller_dir, fetch  # lazy: a conf.py imports this module

    if not isinstance(args, RuntimeStateConfig):
        args = RuntimeStateConfig()
    return fetch(args, caller=_caller_dir())


def get_manual_path(conf: Any) -> str:
    """The project tag when the edition is not branched, else the URL path prefix of the
    branch being built."""
    if not conf.system.branched:
        return str(conf.project.tag)
    return get_path_prefix(conf, conf.git.branches.current)


def get_versions(conf: Any) -> list[dict[str, Any]]:
    """A version switcher: one ``{'path', 'text', 'current'}`` per published branch,
    newest first (``published_branches.yaml``; empty when there is none).

    ``path`` is the branch's URL path prefix (:func:`get_path_prefix`), ``text`` its
    label (``version.published`` paired with ``git.branches.published`` by position)
    with `` (current)`` added for ``version.stable`` and `` (upcoming)`` for
    ``version.upcoming``; ``current`` is true for the branch being built, or for the
    first branch when the branch being built is not published.
    """
    from giza.site.branches import PublishedBranches, branch_label  # lazy: only a conf.py that asks

    branches = list(conf.git.branches.published)
    pb = PublishedBranches(published=tuple(branches), manual=conf.git.branches.manual,
                           version_published=tuple(conf.version.published),
                           stable=conf.version.stable, upcoming=conf.version.upcoming)
    building = conf.git.branches.current
    current = branches.index(building) if building in branches else 0
    result = []
    for index, branch in enumerate(branches):
        text = branch_label(pb, branch)
        if conf.version.stable is not None and text == str(conf.version.stable):
            text += " (current)"
        if conf.version.upcoming is not None and text == str(conf.version.upcoming):
            text += " (upcoming)"
        result.append({"path": get_path_prefix(conf, branch), "text": text,
                       "current": index == current})
    return result


__all__ = ["RuntimeStateConfig", "fetch_config", "get_manual_path", "get_path_prefix",
           "get_versions", "new_config"]
