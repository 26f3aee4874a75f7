"""The ``gizalinks`` Sphinx builder: writes every external link of a project, with where
it is used, and the project's linkcheck settings, to ``<outdir>/links.json``.

Registered as a ``sphinx.builders`` entry point, so ``sphinx-build -b gizalinks`` works on
any project without touching its conf.py. It reads sources like any builder (Sphinx's own
incremental reading applies) and checks nothing: giza checks each URL once for all variants.
"""

from __future__ import annotations

import json
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.dummy import DummyBuilder

# The conf.py values giza honours; see giza.linkcheck.settings.
SETTINGS = ("linkcheck_ignore", "linkcheck_allowed_redirects", "linkcheck_timeout",
            "linkcheck_request_headers", "linkcheck_anchors", "linkcheck_anchors_ignore",
            "linkcheck_anchors_ignore_for_url", "linkcheck_rate_limit_timeout",
            "linkcheck_retries", "linkcheck_workers", "user_agent", "tls_verify")
EXTERNAL = re.compile(r"^https?://", re.IGNORECASE)


def node_uri(node: nodes.Node) -> str | None:
    """The external URI a node points at, as Sphinx's linkcheck finds them."""
    uri: Any = None
    if isinstance(node, nodes.reference):
        uri = node.get("refuri")
    elif isinstance(node, nodes.image):
        uri = node.get("candidates", {}).get("?")
    elif isinstance(node, nodes.raw):
        uri = node.get("source")
    return uri if isinstance(uri, str) and EXTERNAL.match(uri) else None


def node_place(node: nodes.Node, fallback: str) -> tuple[str, int | None]:
    """(source file, line) of a node: inline nodes carry neither, their block parent does.
    Text from an ``.. include::`` carries the included file as its source."""
    source, line = None, None
    current: Any = node
    while current is not None and (source is None or line is None):
        source = source or getattr(current, "source", None)
        line = line or getattr(current, "line", None)
        current = current.parent
    return source or fallback, line


def plain(value: Any) -> Any:
    """A config value as JSON: compiled patterns become their text."""
    if isinstance(value, re.Pattern):
        return value.pattern
    if isinstance(value, dict):
        return [[plain(k), plain(v)] for k, v in value.items()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return None  # Sphinx's "not set" sentinel and anything else JSON cannot hold


class LinkCollector(DummyBuilder):
    name = "gizalinks"
    epilog = ""
    allow_parallel = False  # links are gathered in this process's memory

    def init(self) -> None:
        self.links: list[list[Any]] = []
        self.excluded = [re.compile(p) for p in self.config.linkcheck_exclude_documents]

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        if any(p.match(docname) for p in self.excluded):
            return
        fallback = str(self.env.doc2path(docname))
        for node in doctree.findall(nodes.Element):
            uri = node_uri(node)
            if uri:
                source, line = node_place(node, fallback)
                self.links.append([uri, docname, source, line])

    def finish(self) -> None:
        settings = {key: plain(getattr(self.config, key, None)) for key in SETTINGS}
        redirects = self.config.linkcheck_allowed_redirects
        settings["linkcheck_allowed_redirects"] = (plain(redirects)
                                                   if isinstance(redirects, dict) else None)
        data = {"settings": settings, "links": self.links}
        self.outdir.mkdir(parents=True, exist_ok=True)
        (self.outdir / "links.json").write_text(json.dumps(data), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(LinkCollector)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
