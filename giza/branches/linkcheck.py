"""``giza linkcheck --all-branches``: collect the links of every published branch (each from
its own worktree, one graph), then check every unique URL once."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from giza.branches.archive import frozen_branches
from giza.branches.configs import branch_config
from giza.branches.plan import merge
from giza.branches.select import branch_names, resolve_branches
from giza.config.model import Config
from giza.fileio import write_if_changed
from giza.graph import Graph, Task
from giza.linkcheck.collect import collected_file
from giza.linkcheck.run import (
    LinkcheckRequest,
    check_links,
    plan,
    report_outcomes,
    run,
    variants_for,
)
from giza.options import current
from giza.pipeline.driver import require_source


def linkcheck_branches(config: Config, request: LinkcheckRequest,
                       out: TextIO | None = None) -> int:
    out = out or sys.stdout
    options = current()
    request = replace(request, strict=request.strict or options.strict)
    names = branch_names(config, "published")
    frozen = frozen_branches(config, names)
    for name in frozen:  # a frozen version's pages, links included, never change
        out.write(f"{name}: frozen: its links are not collected\n")
    graphs: dict[str, Any] = {}
    files: list[str] = []
    for branch in resolve_branches(config, [n for n in names if n not in frozen]):
        own = branch_config(config, branch, strict=options.strict)
        variants = variants_for(own, request)
        require_source(own)
        graph = plan(own, variants, request, options.cores)
        for variant in variants:
            graph.add(Task(name=f"label:{variant.name}", func=label_collected,
                           kwargs={"path": str(collected_file(own, variant)),
                                   "branch": branch.name},
                           deps=(f"collect:{variant.name}",), kind="check",
                           label=f"name the branch in {variant.name}'s links"))
        graphs[f"{branch.name}/"] = graph
        files.extend(str(collected_file(own, v)) for v in variants)
    graph = Graph(t for t in merge(graphs) if not t.name.endswith("/check"))
    graph.add(Task(name="check", func=check_links,
                   kwargs={"config": config, "request": request, "files": files},
                   deps=tuple(t.name for t in graph if t.name.split("/")[-1].startswith(
                       "label:")), kind="check",
                   label=f"check every unique URL of {len(graphs)} branches once (threads; "
                         f"per-host limit {request.per_host})"))
    return report_outcomes(run(graph, options, out), request, out)


def label_collected(path: str, branch: str) -> None:
    """Name the branch as the variant of a collected file, so the report says which
    branch uses a link (every branch has a variant of the same name)."""


    data = json.loads(Path(path).read_text(encoding="utf-8"))
    variant = str(data["variant"])
    if data.get("branch") != branch:  # not labelled yet (a collect task rewrites the file)
        data["branch"] = branch
        data["variant"] = branch if variant == "default" else f"{branch}/{variant}"
        write_if_changed(Path(path), json.dumps(data))
