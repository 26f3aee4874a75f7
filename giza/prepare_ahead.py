"""Prepare the proxy trees while the check runs.

Before Sphinx starts, a build checks every YAML file and then mirrors source/ and generates
content into the proxy trees: on a 1,200-page project with 600 generator files that is
about 2 s and 3 s, one after the other, on one core, with Sphinx (and the other core)
waiting. They read the same inputs and neither writes what the other reads, so the trees
are prepared in a child process while this one checks. The graph's prepare task then finds
each tree up to date (the mirror copies nothing, generation answers from its record) and
still returns what the build needs from it (the origins of generated files). If the check
fails the child is stopped; what it wrote is build output that the next prepare brings up
to date, as after an interrupted build.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Sequence
from typing import Any

from giza.config.model import Config


def _prepare(config: Config, trees: list[tuple[Any, str]], kinds: list[str] | None) -> None:
    from giza.pipeline import tasks

    for tree, proxy in trees:
        try:
            tasks.prepare_tree(config, tree.edition, tree.language, proxy, kinds,
                                list(tree.excluded))
        except Exception:  # noqa: BLE001 - the graph's prepare task reports it properly
            return


def start(config: Config, found: dict[str, Any], kinds: Sequence[str] | None,
          executor: str, cores: int) -> Any:
    """Start preparing the proxy trees ``found`` (name -> giza.pipeline.plan.Tree) in a child
    process; None when that would not help: nothing to build, one core, or an executor that
    does not run tasks here (serial: one process by request; dask: the workers may be
    elsewhere)."""
    if not found or cores < 2 or executor != "process":
        return None
    work = [(tree, str(config.branch_dir / name)) for name, tree in found.items()]
    # fork is cheapest, and safe while this process has a single thread.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    child = multiprocessing.get_context(method).Process(
        target=_prepare, args=(config, work, list(kinds) if kinds else None), daemon=True)
    child.start()
    # The graph that follows starts its process pool: let its server start meanwhile too.
    from giza.graph.executors import start_forkserver  # lazy: only here

    start_forkserver()
    return child


def finish(child: Any) -> None:
    """Wait for the trees (before the graph's prepare tasks look at them)."""
    if child is not None:
        child.join()


def stop(child: Any) -> None:
    """The check failed (or the build stops): end the child, never leave it writing."""
    if child is not None and child.is_alive():
        child.terminate()
        child.join()
