"""What a batch of changed files touches: everything (conf.py, config/, assets), or some
proxy trees (a page, an include, a YAML unit, an image).

Rules (docs/source/serve.txt says the same):

* conf.py, a file under config/ or in an asset checkout: every served variant, fully.
* a page: the trees it is mirrored into (not ignored, not in the variant's sphinx.yaml
  ``excluded`` list).
* a file pages include (an rST include, a literalinclude): the trees holding at least one
  page that includes it, directly or through other includes (the includes graph).
* a YAML content file: every tree is regenerated; a tree is touched when its generated
  output changed (a unit with ``edition: server`` only changes the server tree).
* anything else under source/ (images, downloads): the trees it is mirrored into.

Inside a touched tree, Sphinx's own records (file mtimes and the include dependencies of
each document) decide which documents are read again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from giza import includes_graph
from giza.config.model import Config
from giza.pipeline.plan import Tree
from giza.proxy import mirrored

YAML = (".yaml", ".yml")


@dataclass(frozen=True)
class Change:
    trigger: str  # "install.txt changed", for the terminal line
    full: str  # why every variant rebuilds fully ("" when not)
    source: tuple[str, ...]  # changed paths relative to source/


def describe(config: Config, paths: Iterable[Path], proxies: Iterable[Path] = ()) -> Change:
    """Name the change; ``proxies`` (the proxy trees) tell a deleted page from a file that
    lived only for a moment (an editor's or sed's temporary file), which is dropped."""
    root = config.root.resolve()
    source = config.paths.source.resolve()
    trees = list(proxies)
    shown: list[str] = []
    rels: list[str] = []
    full = ""
    for path in sorted({p.resolve() for p in paths}):
        if source == path or source in path.parents:
            rel = path.relative_to(source).as_posix()
            if not path.exists() and not any((t / rel).exists() for t in trees):
                continue
            rels.append(rel)
            shown.append(rel)
            continue
        name = path.relative_to(root).as_posix() if root in path.parents else str(path)
        shown.append(name)
        full = full or f"{name} changed"
    trigger = f"{shown[0]} changed" if len(shown) == 1 else \
        f"{shown[0]} and {len(shown) - 1} more changed" if shown else "nothing changed"
    return Change(trigger, full, tuple(rels))


def is_page(config: Config, rel: str) -> bool:
    """A document Sphinx reads (by suffix), not a file under includes/."""
    includes = config.paths.includes
    try:
        inside = includes.relative_to(config.paths.source).as_posix()
    except ValueError:
        inside = "includes"
    return rel.endswith(includes_graph.RST_SUFFIXES[:3]) and not (
        rel == inside or rel.startswith(inside + "/"))


class IncludesCache:
    """The includes graph of source/, recomputed only when an rST or YAML file changed
    and a question needs it (a page edit never pays for it)."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._graph: dict[str, list[str]] | None = None

    def invalidate(self, rels: Iterable[str]) -> None:
        if any(r.endswith((*includes_graph.RST_SUFFIXES, *YAML)) for r in rels):
            self._graph = None

    def dependents(self, rel: str) -> list[str]:
        if self._graph is None:
            self._graph = includes_graph.graph(self.source)
        return [d.lstrip("/") for d in includes_graph.dependents(self._graph, "/" + rel)]


def touched_by_source(config: Config, tree: Tree, rels: Iterable[str],
                      includes: IncludesCache) -> bool:
    """Whether a changed source file (YAML content aside: see module doc) touches a tree."""
    ignore = config.paths.ignore
    for rel in rels:
        if rel.endswith(YAML) and not is_page(config, rel):
            continue  # content: decided by what generation wrote
        if not mirrored(rel, ignore, tree.excluded):
            continue
        if is_page(config, rel):
            return True
        users = includes.dependents(rel)
        if not users or any(u.endswith(YAML) for u in users):
            return True  # an image, a download, or rST quoted by YAML content
        if any(is_page(config, u) and mirrored(u, ignore, tree.excluded) for u in users):
            return True
    return False
