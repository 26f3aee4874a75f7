"""`giza linkcheck` as a task graph: prepare each variant's proxy tree, collect its links
(one task per variant, in parallel under --jobs), then one task checks every unique URL
(its own bounded thread pool; see docs/source/linkcheck.txt for why one task)."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from giza import layout
from giza.config.model import Config
from giza.errors import UsageError, shown
from giza.linkcheck.cache import Ttl, cache_path, fresh, load, save
from giza.linkcheck.check import check_urls
from giza.linkcheck.collect import Collected, collect_variant, collected_file, load_collected
from giza.linkcheck.politeness import Politeness
from giza.linkcheck.report import Entry, LinkReport, print_report, write_json
from giza.linkcheck.result import Result
from giza.linkcheck.settings import Settings, from_data
from giza.options import current
from giza.pipeline.driver import require_source
from giza.variants import Variant, resolve

BUILDER = "linkcheck"  # sphinx.yaml settings (tags) and `.. only:: linkcheck` apply


@dataclass(frozen=True)
class LinkcheckRequest:
    editions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    all_branches: bool = False
    refresh: bool = False
    report: str | None = None
    per_host: int = 2
    workers: int | None = None  # None: conf.py's linkcheck_workers
    strict: bool = False


def variants_for(config: Config, request: LinkcheckRequest) -> list[Variant]:
    if request.per_host < 1 or (request.workers is not None and request.workers < 1):
        raise UsageError("--per-host and --workers must be whole numbers >= 1")
    return resolve(config, [BUILDER], request.editions, request.languages)


def plan(config: Config, variants: Sequence[Variant], request: LinkcheckRequest,
         cores: int) -> Any:
    """prepare:<tree> per proxy tree, locale, collect:<variant>, then check."""
    from giza.graph import Graph, Task  # lazy: start-up time
    from giza.pipeline import tasks
    from giza.pipeline.plan import trees
    from giza.readonce import core_share

    graph = Graph()
    needed, tree_of = trees(config, variants)
    for tree in needed.values():
        graph.add(Task(name=f"prepare:{tree.name}", func=tasks.prepare_tree,
                       kwargs={"config": config, "edition": tree.edition,
                               "language": tree.language,
                               "proxy": str(layout.proxy_dir(config, tree.name)),
                               "excluded": list(tree.excluded)},
                       kind="prepare", label=f"mirror source/ and generate content into "
                                             f"build/{config.branch}/{tree.name}"))
    if any(v.language for v in variants):
        graph.add(Task(name="locale", func=tasks.prepare_locale, kwargs={"config": config},
                       kind="prepare", label="mirror the translations"))
    share = core_share(len(variants), cores)
    for variant in variants:
        deps = (f"prepare:{tree_of[variant]}",) + (("locale",) if variant.language else ())
        graph.add(Task(name=f"collect:{variant.name}", func=collect_variant,
                       kwargs={"config": config, "variant": variant,
                               "proxy": str(layout.proxy_dir(config, tree_of[variant])),
                               "jobs": share},
                       deps=deps, kind="sphinx", cores=share,
                       label=f"sphinx-build -b gizalinks: the external links of "
                             f"{variant.name}"))
    graph.add(Task(name="check", func=check_links,
                   kwargs={"config": config, "request": request,
                           "files": [str(collected_file(config, v)) for v in variants]},
                   deps=tuple(f"collect:{v.name}" for v in variants), kind="check",
                   label="check every unique URL once (threads; per-host limit "
                         f"{request.per_host})"))
    return graph


def chosen_settings(config: Config, collected: Collected) -> tuple[Settings, list[str]]:
    """The first variant's settings; a note when another variant's conf.py differs."""
    from giza.sphinx.argv import conf_dir  # lazy: start-up time

    conf = shown(conf_dir(config.root) / "conf.py")
    names = list(collected.settings)
    if not names:
        return Settings(conf=conf), []
    first = collected.settings[names[0]]
    notes = [f"{conf}: the linkcheck settings of {name} differ from those of {names[0]}; "
             f"every URL is checked with those of {names[0]}"
             for name in names[1:] if collected.settings[name] != first]
    return from_data(first, conf), notes


def check_links(config: Config, request: LinkcheckRequest, files: Sequence[str]) -> LinkReport:
    """The check task: ignored, cached and checked results for every collected URL."""
    collected = load_collected(files)
    settings, notes = chosen_settings(config, collected)
    urls = sorted(collected.places)
    results = {u: Result(u, "ignored", checked_at=time.time())
               for u in urls if settings.ignored(u)}
    path = cache_path(config.paths.output)
    cached, problem = load(path)
    notes += [problem] if problem else []
    wanted = [u for u in urls if u not in results]
    if not request.refresh:
        results.update(fresh(cached, wanted, time.time()))
    pending = [u for u in wanted if u not in results]
    politeness = Politeness(per_host=request.per_host)
    checked, requests = check_urls(pending, settings, politeness,
                                   request.workers or settings.workers)
    if checked:
        checked = save(path, cached, checked, Ttl())
    results.update(checked)
    entries = tuple(Entry(allowed(results[u], settings), collected.places[u]) for u in urls)
    # Variants in run order (the collected files' order), also those without links.
    return LinkReport(entries, tuple(collected.settings), requests, tuple(notes))


def allowed(result: Result, settings: Settings) -> Result:
    """A permanent redirect that linkcheck_allowed_redirects allows is fine."""
    if result.status == "redirected" and result.target and settings.redirect_allowed(
            result.url, result.target):
        return replace(result, status="ok", message=f"allowed redirect to {result.target}")
    return result


def linkcheck(config: Config, request: LinkcheckRequest, out: TextIO | None = None) -> int:
    """Run `giza linkcheck`; return the exit code."""
    out = out or sys.stdout
    options = current()
    request = replace(request, strict=request.strict or options.strict)
    variants = variants_for(config, request)
    require_source(config)
    graph = plan(config, variants, request, options.cores)
    return report_outcomes(run(graph, options, out), request, out)


def report_outcomes(outcomes: dict[str, Any], request: LinkcheckRequest, out: TextIO) -> int:
    """Print the failures or the report of a linkcheck run (one branch or several)."""
    failed = [o for o in outcomes.values() if o.status == "failed"]
    for outcome in failed:
        out.write(f"giza: error: {outcome.name}: {outcome.message}\n")
        output = outcome.value.get("output") if isinstance(outcome.value, dict) else None
        if output:
            out.write("".join(f"    {line}\n" for line in output.splitlines()[-15:]))
    if failed or not outcomes["check"].ok:
        return max((o.exit_code for o in failed), default=1)
    report: LinkReport = outcomes["check"].value
    print_report(report, out)
    if request.report:
        write_json(report, Path(request.report), request.strict)
    return report.exit_code(request.strict)


def run(graph: Any, options: Any, out: TextIO) -> dict[str, Any]:
    from giza.graph import make_executor, run_graph  # lazy: start-up time
    from giza.report import ConsoleReporter

    quiet = options.level in ("warning", "error", "critical")
    console = None if quiet else ConsoleReporter(out)
    jobs = options.jobs or (None if options.scheduler else options.cores)
    try:
        return run_graph(graph, make_executor(options.executor, jobs, options.scheduler),
                         console)
    finally:
        if console is not None:
            console.close()
