"""giza includes graph|unused|changed"""

from __future__ import annotations

import json

import argh

REPORTS = ("graph", "unused", "changed")


@argh.arg("report", choices=REPORTS, help="which report to print")
@argh.arg("--filter", metavar="PREFIX", help="graph: only included files under PREFIX")
def includes(report: str, *, filter: str | None = None) -> int:
    """Print, as JSON, which files include which (graph), include targets nothing uses
    (unused), or include targets with uncommitted changes (changed)."""
    from giza import includes_graph  # lazy: only this command needs it (start-up time)
    from giza.commands.project import load_config

    config = load_config()
    source = config.paths.source
    if report == "graph":
        data = includes_graph.graph(source, filter)
    elif report == "unused":
        data = includes_graph.unused(source)
    else:
        data = includes_graph.changed(source, config.root)
    print(json.dumps(data, indent=2, sort_keys=True))
    return 0
