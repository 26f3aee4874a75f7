"""Prepare the proxy trees while the check runs, and generate their content only once.

Before Sphinx starts, a build checks every YAML file and then mirrors source/ and generates
content into the proxy trees: on a 1,200-page project with 600 generator files that is
about 2 s and 3 s, one after the other, on one core, with Sphinx (and the other core)
waiting. They read the same inputs and neither writes what the other reads, so the trees
are prepared in a child process while this one checks. The graph's prepare task then finds
each tree up to date (the mirror copies nothing, generation answers from its record) and
still returns what the build needs from it (the origins of generated files). If the check
fails the child is stopped; what it wrote is build output that the next prepare brings up
to date, as after an interrupted build.

The check renders every YAML unit in memory, exactly what generation renders again. So when
the check will render (its saved result is out of date), every kind is built and no
migration brings YAML files into the trees, the child only mirrors, and once the check has
passed this process writes the content the check rendered (:func:`write_checked`).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from giza.config.model import Config


def _prepare(config: Config, trees: list[tuple[Any, str]], kinds: list[str] | None,
             mirror_only: bool) -> None:
    from giza.pipeline import tasks

    for tree, proxy in trees:
        try:
            if mirror_only:
                tasks.mirror_tree(config, Path(proxy), list(tree.excluded))
            else:
                tasks.prepare_tree(config, tree.edition, tree.language, proxy, kinds,
                                   list(tree.excluded))
        except Exception:  # noqa: BLE001 - the graph's prepare task reports it properly
            return


def reuses_check(config: Config, kinds: Sequence[str] | None,
                 checked: Sequence[str | None] | None) -> bool:
    """Whether the build will write the content the check renders: every kind built, no
    migrations, and the check of ``checked`` (its editions) will render (not cached)."""
    if kinds is not None or checked is None or config.side("migrations"):
        return False
    from giza.check import cached_result  # lazy: only builds check

    return cached_result(config, checked) is None


def start(config: Config, found: dict[str, Any], kinds: Sequence[str] | None,
          executor: str, cores: int, checked: Sequence[str | None] | None = None) -> Any:
    """Start preparing the proxy trees ``found`` (name -> giza.pipeline.plan.Tree) in a child
    process; None when that would not help: nothing to build, one core, or an executor that
    does not run tasks here (serial: one process by request; dask: the workers may be
    elsewhere). ``checked``: the editions the check covers (see :func:`reuses_check`; the
    child then only mirrors)."""
    if not found or cores < 2 or executor != "process":
        return None
    work = [(tree, str(config.branch_dir / name)) for name, tree in found.items()]
    mirror_only = reuses_check(config, kinds, checked)
    # fork is cheapest, and safe while this process has a single thread.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    child = multiprocessing.get_context(method).Process(
        target=_prepare, args=(config, work, list(kinds) if kinds else None, mirror_only),
        daemon=True)
    child.start()
    # The graph that follows starts its process pool: let its server start meanwhile too
    # (on a thread: starting it takes ~0.04 s of this process; the pool waits for it).
    from giza.graph.executors import start_forkserver  # lazy: only here

    threading.Thread(target=start_forkserver, name="giza-forkserver", daemon=True).start()
    return child


def write_checked(config: Config, found: Mapping[str, Any], renderings: Mapping[Any, Any],
                  kinds: Sequence[str] | None) -> int:
    """Write the content the check rendered (``renderings``: edition -> rendering) into
    the proxy trees ``found``, with the record that lets their prepare task skip it.
    Each tree whose inputs differ from what the check read is left to its prepare task,
    which also reports any error this meets. Returns how many trees were written."""
    if kinds is not None or config.side("migrations"):
        return 0
    from giza.content import generate  # lazy: only builds generate
    from giza.errors import GizaError
    from giza.pipeline.tasks import content_context

    written = 0
    for name, tree in found.items():
        rendering = renderings.get(tree.edition)
        if rendering is None:
            continue
        proxy = config.branch_dir / name
        context = content_context(config, tree.edition, migrated_dir=proxy / "includes")
        try:
            generate(context, proxy, checked=rendering)
        except (GizaError, OSError):
            continue  # the graph's prepare task meets it again and reports it
        written += 1
    return written


def finish(child: Any) -> None:
    """Wait for the trees (before the graph's prepare tasks look at them)."""
    if child is not None:
        child.join()


def stop(child: Any) -> None:
    """The check failed (or the build stops): end the child, never leave it writing."""
    if child is not None and child.is_alive():
        child.terminate()
        child.join()
