"""`giza sphinx` and `giza generate`: plan the task graph for a request, run it, report."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from giza import stages
from giza.config.model import Config
from giza.errors import ConfigError, UsageError, shown
from giza.readonce import read_plan, shares
from giza.variants import Variant, resolve


@dataclass(frozen=True)
class BuildRequest:
    builders: tuple[str, ...] = ("html",)
    editions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    dry_run: bool = False
    fail_on_warning: bool = False
    report: str | None = None
    report_html: str | None = None  # also write the HTML report of this build here
    kinds: tuple[str, ...] | None = None  # content kinds; None = all
    explain: bool = False


def proxy_name(edition: str | None, language: str | None) -> str:
    return "source" + "".join(f"-{p}" for p in (edition, language) if p)


@dataclass(frozen=True)
class Tree:
    """One proxy tree: shared by every variant of its (edition, language) whose sphinx.yaml
    `excluded` list is the same; a builder with a different list gets its own."""

    name: str
    edition: str | None
    language: str | None
    excluded: tuple[str, ...] = ()


def pairs(variants: Sequence[Variant]) -> list[tuple[str | None, str | None]]:
    return list(dict.fromkeys(v.pair for v in variants))


def trees(config: Config, variants: Sequence[Variant]) -> tuple[dict[str, Tree],
                                                                  dict[Variant, str]]:
    """The proxy trees a request needs and which tree each variant builds from."""
    found: dict[str, Tree] = {}
    tree_of: dict[Variant, str] = {}
    for edition, language in pairs(variants):
        group = [v for v in variants if v.pair == (edition, language)]
        sets = [config.matrix.lookup(v.builder, edition).excluded for v in group]
        # The list most builders share gets the plain tree (ties: the first builder's).
        common = max(sets, key=lambda s: (sets.count(s), -sets.index(s)))
        base = proxy_name(edition, language)
        for variant, excluded in zip(group, sets, strict=True):
            name = base if excluded == common else f"{base}-{variant.builder}"
            found.setdefault(name, Tree(name, edition, language, excluded))
            tree_of[variant] = name
    return found, tree_of


def plan(config: Config, variants: Sequence[Variant], cores: int,
         kinds: Sequence[str] | None = None, stage: bool = True,
         removed: dict[Variant, list[str]] | None = None,
         fresh: Sequence[Variant] = ()) -> Any:
    """The whole build as a graph: prepare each proxy tree once, then one sphinx task per
    variant that depends on its tree (and on the compiled translations, if any)."""
    from giza.graph import Graph  # lazy: a no-op build never plans

    graph = Graph()
    needed, tree_of = trees(config, variants)
    _add_prepare_tasks(graph, config, needed.values(), variants, kinds)
    # Read once per tree: siblings write from the first reader's environment (giza.readonce).
    reading = read_plan(config, variants, tree_of, fresh)
    share = shares(reading, variants, cores)
    for variant in variants:
        graph.add(_sphinx_task(graph, config, variant, tree_of[variant],
                               reading.seeds.get(variant), share[variant],
                               list((removed or {}).get(variant, ()))))
    if stage and variants:
        add_staging(graph, config, variants)
    return graph


def _add_prepare_tasks(graph: Any, config: Config, needed: Any, variants: Sequence[Variant],
                       kinds: Sequence[str] | None) -> None:
    """One task per proxy tree, plus the locale and intersphinx tasks when needed."""
    from giza.graph import Task  # lazy: a no-op build never plans

    for tree in needed:
        graph.add(Task(
            name=f"prepare:{tree.name}",
            func=stages.prepare_tree,
            kwargs={"config": config, "edition": tree.edition, "language": tree.language,
                    "proxy": str(config.branch_dir / tree.name),
                    "kinds": list(kinds) if kinds else None,
                    "excluded": list(tree.excluded)},
            kind="prepare",
            label=f"mirror source/ and generate content into build/{config.branch}/{tree.name}",
        ))
    translated = any(v.language for v in variants)
    if translated:
        graph.add(Task(
            name="locale",
            func=stages.prepare_locale,
            kwargs={"config": config},
            kind="prepare",
            label=f"mirror {config.paths.locale.name}/ into build/{config.branch}/locale",
        ))
    if config.side_documents("intersphinx"):
        graph.add(Task(
            name="intersphinx",
            func=stages.fetch_intersphinx,
            kwargs={"config": config},
            kind="prepare",
            label="refresh intersphinx inventories (at most once a day)",
        ))


def _sphinx_task(graph: Any, config: Config, variant: Variant, name: str,
                 seed: Variant | None, share: int, removed_pages: list[str]) -> Any:
    """The sphinx-build task of ``variant`` over the proxy tree ``name``."""
    from giza.graph import Task  # lazy: a no-op build never plans

    deps = (f"prepare:{name}",)
    if variant.language:
        deps += ("locale",)
    if "intersphinx" in graph:
        deps += ("intersphinx",)
    return Task(
        name=f"sphinx:{variant.name}",
        func=stages.run_variant,
        kwargs={"config": config, "variant": variant,
                "proxy": str(config.branch_dir / name), "jobs": share,
                "removed_pages": removed_pages,
                "seed_doctrees": str(seed.doctree_dir(config)) if seed else None},
        deps=deps,
        after=(f"sphinx:{seed.name}",) if seed else (),
        kind="sphinx",
        variant=variant.name,
        cores=share,
        label=f"sphinx-build -b {variant.builder}"
              + (f" -j {share}" if share > 1 else "")
              + f" build/{config.branch}/{name} -> build/{config.branch}/{variant.name}",
    )


# Finalizers that take long (PDFs): a site's web pages are staged without waiting for them.
SLOW_BUILDERS = ("latex",)


def add_staging(graph: Any, config: Config, variants: Sequence[Variant]) -> None:
    """Per variant its finalizer, per staged site one atomic swap (two with PDFs, see
    _site_stages), then the sitemap index. A site is only restaged when the finalizers of
    what it stages succeeded."""
    from giza.graph import Task  # lazy: keeps start-up and the no-op build fast
    from giza.post import finalizers_for, public_dir, site_dir

    sites: dict[tuple[str | None, str | None], list[Variant]] = {}
    for variant in variants:
        if finalizers_for(variant.builder):
            sites.setdefault(variant.pair, []).append(variant)
    wheres = {pair: site_dir(config, *pair).relative_to(config.paths.output).as_posix()
              for pair in sites}
    for variant in variants:
        if variant.pair in sites:
            first = f"stage:{wheres[variant.pair]}"
            # latex's fragment is replaced only once the web pages' staging has read it
            wait = (first,) if _split(sites[variant.pair]) and variant.builder in \
                SLOW_BUILDERS else ()
            graph.add(Task(name=f"post:{variant.name}", func=stages.post_variant,
                           kwargs={"config": config, "variant": variant},
                           deps=(f"sphinx:{variant.name}",), after=wait, kind="post",
                           variant=variant.name,
                           label=f"{', '.join(finalizers_for(variant.builder))} finalizer "
                                 f"for {variant.name}"))
    stage_tasks = []
    for pair, members in sites.items():
        for task in _site_stages(config, pair, members, wheres[pair]):
            graph.add(task)
            stage_tasks.append(task.name)
    if stage_tasks:
        graph.add(Task(
            name="sitemap-index",
            func=stages.sitemap_index,
            kwargs={"config": config, "sites": list(sites)},
            deps=tuple(stage_tasks),
            kind="stage",
            label=f"write {public_dir(config).relative_to(config.paths.output)}"
                  "/sitemap-index.xml",
        ))


def _split(members: Sequence[Variant]) -> bool:
    """Whether a site's web pages are staged before its PDFs are ready."""
    slow = [v.builder in SLOW_BUILDERS for v in members]
    return any(slow) and not all(slow)


def _site_stages(config: Config, pair: tuple[str | None, str | None],
                 members: list[Variant], where: str) -> list[Any]:
    """The stage task(s) of one site. With PDFs among its variants, the web pages are staged
    as soon as their finalizers are done (with the PDFs staged last time), and the site is
    staged again, PDFs included, when latex's finalizer is done."""
    from giza.graph import Task
    from giza.post import fragment_exists
    from giza.site.assemble import site_files

    edition, language = pair
    files = site_files(config, edition, language)

    def stage(name: str, staged: list[Variant], deps: list[str], label: str) -> Any:
        return Task(name=name, func=stages.stage_site, deps=tuple(deps), kind="stage",
                    kwargs={"config": config, "edition": edition, "language": language,
                            "variants": [v.name for v in staged], "site_files": files.site,
                            "root_files": files.root},
                    label=label)

    whole = stage(f"stage:{where}", members, [f"post:{v.name}" for v in members],
                  f"assemble build/{where} and swap it in atomically")
    if not _split(members):
        return [whole]
    quick = [v for v in members if v.builder not in SLOW_BUILDERS]
    slow = [v for v in members if v.builder in SLOW_BUILDERS]
    earlier = [v for v in slow if fragment_exists(config, v.name)]
    kept = f", with the {', '.join(v.name for v in earlier)} staged last time" if earlier else ""
    first = stage(whole.name, quick + earlier, [f"post:{v.name}" for v in quick],
                  f"assemble build/{where} without waiting for "
                  f"{', '.join(v.name for v in slow)}{kept}, and swap it in atomically")
    again = stage(f"stage-pdf:{where}", members,
                  [first.name, *(f"post:{v.name}" for v in slow)],
                  f"assemble build/{where} again with the new PDFs")
    return [first, again]


def fingerprint_inputs(config: Config, variant: Variant, tree: Tree,
                       scans: dict[str, dict[str, tuple[int, int]]],
                       assets: Sequence[Any] = ()) -> dict[str, Any]:
    """What decides a variant's result, gathered without running anything."""
    from giza import records  # lazy: keeps start-up and the no-op build fast
    from giza.config.show import resolved
    from giza.sphinx.argv import conf_dir

    if tree.name not in scans:
        scans[tree.name] = records.scan(config.paths.source, config.paths.ignore, tree.excluded)
    files = dict(scans[tree.name])
    roots = {"": config.paths.source}
    if variant.language:
        if "locale/" not in scans:
            scans["locale/"] = records.scan(config.paths.locale, ["*.mo"], prefix="locale/")
        files.update(scans["locale/"])
        roots["locale/"] = config.paths.locale
    conf = conf_dir(config.root) / "conf.py"
    settings = config.matrix.lookup(variant.builder, variant.edition)
    # Named so a reason can say which part changed: "config changed: version.release".
    flat = records.flatten(records.canonical(resolved(config)))
    flat.update(records.flatten(records.canonical(
        {"context": stages.build_context(config, variant),
         # the commit of each asset checkout (themes, extensions conf.py loads)
         "assets": list(assets),
         "sphinx.yaml": {"tags": settings.tags, "excluded": settings.excluded},
         "side": {name: side.documents for name, side in config.side_files.items()}})))
    flat = records.under_root(flat, config.root)
    return {
        "files": files,
        "roots": roots,
        "conf": records.file_hash(conf) if conf.is_file() else "",
        "config": flat,
    }


def decide_all(config: Config, variants: Sequence[Variant], force: bool) -> dict[Variant, Any]:
    from giza import records  # lazy: keeps start-up and the no-op build fast

    previous = records.load_previous(config)
    found, tree_of = trees(config, variants)
    scans: dict[str, dict[str, tuple[int, int]]] = {}
    heads: list[Any] = []
    if config.assets:
        from giza.site.assets import fingerprint

        heads = fingerprint(config.assets)
    decisions = {v: records.decide(f"sphinx:{v.name}",
                                   fingerprint_inputs(config, v, found[tree_of[v]], scans, heads),
                                   previous, force, v.output_dir(config))
                 for v in variants}
    for variant, decision in decisions.items():
        moved = records.moved_note(previous.tasks.get(f"sphinx:{variant.name}") or {},
                                   config.root)
        if moved and decision.run and not decision.fresh:
            decision.reason += f"; {moved}"
            # Sphinx drops an environment read under another path and reads every page:
            # start it fresh, so a sibling of its tree can write from one reading.
            decision.fresh = True
    return decisions


def build(config: Config, request: BuildRequest, out: TextIO | None = None,
          then: Callable[[Any], list[Any]] | None = None) -> int:
    """Run a build request; return the exit code (0 ok, 1 a variant failed).

    ``then(graph)`` returns tasks to run last, after every build task (deploy)."""
    import time  # lazy (as every import below): the no-op path of `giza sphinx` stays fast

    from giza import messages as messages_mod
    from giza import records
    from giza.options import current

    out = out or sys.stdout
    options = current()
    variants = resolve(config, request.builders, request.editions, request.languages)
    require_source(config)
    quiet = options.level in ("warning", "error", "critical")
    _sync_assets(config, request, options, quiet, out)
    decisions = decide_all(config, variants, options.force)
    _check_while_preparing(config, request, variants, options, decisions)
    if request.explain:
        return _explain(config, variants, decisions, out)
    to_run = [v for v in variants if decisions[v].run]
    graph = _plan_graph(config, request, options, decisions, to_run, then)
    if request.dry_run:
        return _dry_run(variants, decisions, graph, out)
    _announce(variants, decisions, quiet, out)
    started = time.time()
    json_report = _json_report(request, started)
    outcomes, rows, logs, since_ns = _execute(config, graph, to_run, decisions, request,
                                              options, out, json_report)
    previous = records.load_previous(config)
    status_of = {row["variant"]: row for row in rows}
    messages = messages_mod.current_messages(config, variants, decisions, previous, logs,
                                             outcomes, since_ns)
    entries = _collect(config, variants, decisions, previous, messages, rows, status_of,
                       logs, started)
    timeline = _persist(config, entries, variants, _timeline(graph, outcomes, started,
                                                             options.cores), request, out)
    # What each variant's output has: this run's messages, then those carried over.
    shown = [v for v in variants if not decisions[v].run or v.name in logs]
    messages_mod.print_messages(variants, shown, messages, logs, outcomes, out)
    deployed = _report_deploy(then, outcomes, out)
    _report(variants, rows, shown, messages, json_report, timeline, out)
    return _exit_code(request, rows, status_of, outcomes, deployed, out)


def _sync_assets(config: Config, request: BuildRequest, options: Any, quiet: bool,
                 out: TextIO) -> None:
    """Assets phase. Before deciding: conf.py loads themes and extensions from these
    checkouts, and their commits are part of every fingerprint."""
    if not config.assets or request.dry_run or request.explain:
        return
    from giza.site.asset_use import sync_project_assets  # lazy: only projects with assets

    for note in sync_project_assets(config, force=options.force):
        if note.startswith("warning: "):
            out.write(f"giza: {note}\n")
        elif not quiet:
            out.write(f"giza: note: {note}\n")


def _check_while_preparing(config: Config, request: BuildRequest, variants: Sequence[Variant],
                           options: Any, decisions: dict[Variant, Any]) -> None:
    """The check, with the proxy trees of the variants to build prepared meanwhile in a
    child process (giza.prepare_ahead): both come before Sphinx, and need not take turns."""
    from giza import prepare_ahead  # lazy: the no-op path of `giza sphinx` stays fast

    to_run = [v for v in variants if decisions[v].run]
    ahead = None
    if to_run and not (request.dry_run or request.explain):
        ahead = prepare_ahead.start(config, trees(config, to_run)[0], request.kinds,
                                    options.executor, options.cores)
    try:
        _check(config, request, variants, options)
    except BaseException:
        prepare_ahead.stop(ahead)
        raise
    prepare_ahead.finish(ahead)


def _check(config: Config, request: BuildRequest, variants: Sequence[Variant],
           options: Any) -> None:
    """Check phase: every problem of every file, in one run, before anything is built."""
    if request.explain:
        return
    from giza.check import require_clean  # lazy: the no-op path of `giza sphinx` stays fast

    require_clean(config, list(dict.fromkeys(v.edition for v in variants)),
                  strict=options.strict, save=not request.dry_run)


def _explain(config: Config, variants: Sequence[Variant], decisions: dict[Variant, Any],
             out: TextIO) -> int:
    from giza.readonce import explain  # lazy: only --explain needs it

    for variant in variants:
        decision = decisions[variant]
        verb = "would rebuild" if decision.run else "skip"
        out.write(f"{variant.name}: {verb}: {decision.reason}\n")
    to_run = [v for v in variants if decisions[v].run]
    for line in explain(config, to_run, trees(config, to_run)[1],
                        [v for v in to_run if decisions[v].fresh]):
        out.write(line + "\n")
    return 0


def _plan_graph(config: Config, request: BuildRequest, options: Any,
                decisions: dict[Variant, Any], to_run: list[Variant],
                then: Callable[[Any], list[Any]] | None) -> Any:
    """Plan phase: the task graph of the variants to run, plus ``then``'s tasks."""
    if not to_run and not request.dry_run and then is None:
        return ()  # nothing to run: skip planning (and its imports) entirely
    graph = plan(config, to_run, options.cores, request.kinds,
                 removed={v: decisions[v].removed_pages for v in to_run},
                 fresh=[v for v in to_run if decisions[v].fresh])
    for task in then(graph) if then else ():
        graph.add(task)
    return graph


def _dry_run(variants: Sequence[Variant], decisions: dict[Variant, Any], graph: Any,
             out: TextIO) -> int:
    for variant in variants:
        if not decisions[variant].run:
            out.write(f"{variant.name}: up to date\n")
    if len(graph):
        out.write(graph.dry_run() + "\n")
    return 0


def _announce(variants: Sequence[Variant], decisions: dict[Variant, Any], quiet: bool,
              out: TextIO) -> None:
    for variant in variants if not quiet else ():
        decision = decisions[variant]
        if decision.run:
            out.write(f"{variant.name}: building: {decision.reason}\n")
        else:
            out.write(f"{variant.name}: up to date\n")
    out.flush()


def _execute(config: Config, graph: Any, to_run: list[Variant], decisions: dict[Variant, Any],
             request: BuildRequest, options: Any, out: TextIO, json_report: Any
             ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any], int]:
    """Execute phase: (outcomes, summary rows, logs, start of the run in ns)."""
    if not len(graph):
        return {}, [], {}, 0
    from giza import messages as messages_mod  # lazy: the no-op path stays fast
    from giza import records

    records.mark_pending(config, [f"sphinx:{v.name}" for v in to_run])
    # Output files newer than this were written by this run (same file system as build/).
    since_ns = records.pending_path(config).stat().st_mtime_ns
    # After planning: a variant that had an environment is not seeded from a sibling.
    messages_mod.discard_environments(config, [v for v in to_run if decisions[v].fresh])
    expected = _expected(config, graph, {v.name: decisions[v] for v in to_run})
    outcomes, rows, logs = _run(config, graph, to_run, request, options, out, json_report,
                                expected)
    return outcomes, rows, logs, since_ns


def _collect(config: Config, variants: Sequence[Variant], decisions: dict[Variant, Any],
             previous: Any, messages: dict[str, Any], rows: list[dict[str, Any]],
             status_of: dict[str, dict[str, Any]], logs: dict[str, Any], started: float
             ) -> dict[str, dict[str, Any]]:
    """Collect phase: the record entry of every variant (rows gain the up-to-date ones)."""
    from giza import messages as messages_mod  # lazy: the no-op path stays fast

    entries: dict[str, dict[str, Any]] = {}
    for variant in variants:
        name = f"sphinx:{variant.name}"
        if not decisions[variant].run:
            warnings, errors = messages_mod.counts(messages[variant.name])
            entries[name] = {key: value for key, value in (previous.tasks.get(name) or {}).items()
                             if key != "earlier"}
            entries[name]["reason"] = "up to date"
            rows.append({"variant": variant.name, "status": "up to date",
                         "warnings": warnings, "errors": errors, "seconds": 0.0})
            continue
        entries[name] = _entry(config, variant, decisions[variant], messages[variant.name],
                               status_of.get(variant.name, {}), variant.name in logs, started)
    # Variants this run did not build keep their entries (their outputs are as recorded), so
    # building html and then latex does not make the next html build start from nothing.
    for name, entry in previous.tasks.items():
        if name not in entries and isinstance(entry, dict):
            entries[name] = dict(entry, earlier=True)
    return entries


def _entry(config: Config, variant: Variant, decision: Any, found: list[Any],
           row: dict[str, Any], ran: bool, started: float) -> dict[str, Any]:
    """The record entry of a variant this run built (its summary row gets the counts)."""
    from giza import messages as messages_mod  # lazy: the no-op path stays fast
    from giza import records

    warnings, errors = messages_mod.counts(found)
    if ran and row:
        row["warnings"], row["errors"] = warnings, errors
    return {
        "variant": variant.name,
        "status": "ok" if row.get("skip_ok") else row.get("status", "skipped"),
        "reason": decision.reason,
        "seconds": round(row.get("seconds") or 0.0, 3),
        "warnings": warnings if ran else row.get("warnings"),
        "errors": errors if ran else row.get("errors"),
        "outputs": [str(variant.output_dir(config).relative_to(config.root))],
        "fingerprint": decision.fingerprint.data() if decision.fingerprint else None,
        "messages": [records.message_data(m, phase) for m, phase, _ in found],
        "built_at": started,
        "built_under": str(config.root),  # where Sphinx's environment holds its paths
    }


def _report_deploy(then: Callable[[Any], list[Any]] | None, outcomes: dict[str, Any],
                   out: TextIO) -> int:
    """How many deploy targets failed (0 when nothing was to be deployed)."""
    if then is None:
        return 0
    from giza.publish.deploy import report  # lazy: only `giza push`/`deploy` builds need it

    if any(o.status == "skipped" for n, o in outcomes.items() if n.startswith("deploy:")):
        out.write("giza: not deploying: the build failed; nothing was deployed\n")
    return report(outcomes, out)


def _report(variants: Sequence[Variant], rows: list[dict[str, Any]], shown: list[Variant],
            messages: dict[str, Any], json_report: Any, timeline: Any, out: TextIO) -> None:
    """Report phase: the summary table, and the JSON report when one was asked for."""
    order = {v.name: i for i, v in enumerate(variants)}
    rows.sort(key=lambda row: order.get(row["variant"], len(order)))
    _summary(rows, out)
    if json_report is None:
        return
    from giza.sphinx.output import merge_messages  # lazy: only --report needs it

    json_report.set_messages(
        merge_messages({v.name: [m for m, _, _ in messages[v.name]] for v in shown}),
        carried={v.name: {m for m, _, old in messages[v.name] if old} for v in shown})
    json_report.summary(rows)
    if timeline:
        json_report.extra["timers"] = timeline["timers"]
    json_report.close()


def _exit_code(request: BuildRequest, rows: list[dict[str, Any]],
               status_of: dict[str, dict[str, Any]], outcomes: dict[str, Any], deployed: int,
               out: TextIO) -> int:
    failed = any(row["status"] in ("failed", "timed out") or (row["status"] == "skipped"
                                                and not row.get("skip_ok"))
                 for row in rows if row["variant"] in status_of)
    # Bad content or config found while preparing is the user's to fix: exit 2, like
    # `giza generate` would.
    if any(o.status == "failed" and o.exit_code == 2 for o in outcomes.values()):
        return 2
    if failed or deployed:
        return 1
    # Carried-over messages count: they are in the output as much as the new ones. Like
    # sphinx-build -W, ERROR-level messages (docutils errors) count too.
    warnings = sum(row.get("warnings") or 0 for row in rows)
    errors = sum(row.get("errors") or 0 for row in rows)
    if request.fail_on_warning and (warnings or errors):
        found = ", ".join(f"{n} {what}{'' if n == 1 else 's'}"
                          for n, what in ((warnings, "warning"), (errors, "error")) if n)
        out.write(f"giza: {found} and --fail-on-warning: failing the build\n")
        return 1
    return 0


def _persist(config: Config, entries: dict[str, Any], variants: Sequence[Variant],
             timeline: dict[str, Any] | None, request: BuildRequest, out: TextIO
             ) -> dict[str, Any] | None:
    """Write the build record (with the timeline) and, if asked, the HTML report."""
    from giza import records  # lazy: keeps start-up and the no-op build fast

    records.write_record(config, entries, settled=[f"sphinx:{v.name}" for v in variants],
                         extra={"timeline": timeline} if timeline else None)
    if request.report_html:
        from giza.htmlreport import report_for

        written = report_for(config, 0, request.report_html)
        out.write(f"giza: report written to {shown(written)}\n")
    return timeline


def _timeline(graph: Any, outcomes: dict[str, Any], started: float, cores: int
              ) -> dict[str, Any] | None:
    if not len(graph):
        return None
    from giza.timeline import timeline_data  # lazy: keeps start-up and the no-op build fast

    return timeline_data(graph, outcomes, started, cores)


def _json_report(request: BuildRequest, started: float) -> Any:
    from giza.report import JsonReport  # lazy: keeps start-up and the no-op build fast

    if not request.report:
        return None
    report = JsonReport(request.report)
    report.origin = started  # task times are seconds from the build's start
    return report


def _summary(rows: list[dict[str, Any]], out: TextIO) -> None:
    from giza.report import ConsoleReporter  # lazy: keeps start-up and the no-op build fast

    out.write("\n")  # set the table apart from the messages above it
    reporter = ConsoleReporter(out)
    reporter.summary(rows)
    reporter.close()


def _expected(config: Config, graph: Any, decisions: dict[str, Any]) -> dict[str, float]:
    """Expected seconds per task: from the recent records, else from page counts."""
    from giza.schedule import expected_durations, recent_durations  # lazy: start-up time

    pages = {name: len(d.fingerprint.pages) if d.fingerprint else 0
             for name, d in decisions.items()}
    return expected_durations(graph, recent_durations(config, [t.name for t in graph]), pages)


def _run(config: Config, graph: Any, variants: Sequence[Variant], request: BuildRequest,
         options: Any, out: TextIO, json_report: Any, expected: dict[str, float] | None = None
         ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """Run the graph; print notes; return outcomes, summary rows and, per variant whose
    sphinx-build ran, its parsed output (giza.sphinx.output.SphinxLog)."""
    from giza.report import summary_rows  # lazy: a no-op build runs nothing

    outcomes = _run_graph(config, graph, options, out, json_report, expected)
    logs = _parse_logs(config, variants, outcomes)
    _print_notes(graph, outcomes, options, out)
    rows = summary_rows(graph, outcomes)
    for row in rows:
        post = outcomes.get(f"post:{row['variant']}")
        # A finalizer that could not run (latex without latexmk) skips, not fails, a variant.
        if row["status"] == "ok" and post is not None and post.ok and isinstance(
                post.value, dict) and post.value.get("skipped") and post.value.get("notes"):
            row["status"] = "skipped"
            row["skip_ok"] = True
    return outcomes, rows, logs


def _run_graph(config: Config, graph: Any, options: Any, out: TextIO, json_report: Any,
               expected: dict[str, float] | None) -> dict[str, Any]:
    """Execute the graph with live progress; on an interrupt, print the summary so far."""
    from giza.graph import GraphInterrupted, make_executor, run_graph  # lazy: no-op path
    from giza.limits import limits_for
    from giza.report import ConsoleReporter, MultiReporter, summary_rows

    console = ConsoleReporter(out)
    console.expected, console.cores = expected or {}, options.cores
    console.debug = options.level == "debug"
    # --level warning and above: no progress, only messages, errors and the summary.
    shown_progress: Any = None if options.level in ("warning", "error", "critical") else console
    reporters = [r for r in (shown_progress, json_report) if r is not None]
    reporter = MultiReporter(*reporters) if len(reporters) > 1 else (
        reporters[0] if reporters else None)
    jobs = options.jobs or (None if options.scheduler else options.cores)
    executor = make_executor(options.executor, jobs, options.scheduler)
    try:
        with executor:  # a dask client left open would try to reconnect to a gone cluster
            return run_graph(graph.limited(limits_for(options, config.raw.get("timeouts"))),
                             executor, reporter, expected)
    except GraphInterrupted as interrupted:
        console.close()
        _summary(summary_rows(graph, interrupted.outcomes), out)
        if json_report:
            json_report.summary(summary_rows(graph, interrupted.outcomes))
            json_report.close()
        raise
    finally:
        console.close()


def _parse_logs(config: Config, variants: Sequence[Variant], outcomes: dict[str, Any]
                ) -> dict[str, Any]:
    """The parsed sphinx-build output of each variant that ran, with paths in the proxy
    trees mapped back to the sources (and generated files to their YAML origin)."""
    from giza.sphinx.output import parse_log, proxy_path_mapper  # lazy: no-op path

    proxies: dict[Path, Path] = {}
    origins: dict[Path, tuple[Any, ...]] = {}
    for name in trees(config, variants)[0]:
        proxies[config.branch_dir / name] = config.paths.source
        prepared = outcomes.get(f"prepare:{name}")
        if prepared is not None and prepared.ok and prepared.value:
            for generated, (yaml_file, line, *lines) in prepared.value["origins"].items():
                origins[Path(generated)] = (Path(yaml_file), int(line), *lines)
    mapper = proxy_path_mapper(config.root, proxies, origins)
    logs: dict[str, Any] = {}
    for variant in variants:
        outcome = outcomes.get(f"sphinx:{variant.name}")
        value = outcome.value if outcome is not None else None
        if isinstance(value, dict) and isinstance(value.get("output"), str):
            logs[variant.name] = parse_log(value["output"], mapper)
    return logs


def _print_notes(graph: Any, outcomes: dict[str, Any], options: Any, out: TextIO) -> None:
    """Errors of tasks other than sphinx and deploy, then the notes of the tasks."""
    notes: list[str] = []
    for outcome in outcomes.values():
        value = outcome.value
        if outcome.status == "failed" and not outcome.name.startswith(("sphinx:", "deploy:")):
            out.write(f"giza: error: {outcome.name}: {outcome.message}\n")
        if not (outcome.ok and isinstance(value, dict)):
            continue
        # Finalizers narrate their work; show that only when asked, or when they skipped.
        kind = graph[outcome.name].kind if outcome.name in graph else ""
        if kind in ("post", "stage") and not value.get("skipped") and options.level != "debug":
            continue
        notes.extend(n for n in value.get("notes", ()) if n not in notes)
    for note in notes:
        out.write(f"giza: note: {note}\n")


def require_source(config: Config) -> None:
    if not config.paths.source.is_dir():
        line = _key_line(config, "source")
        raise ConfigError(f"{shown(config.conf_file)}:{line}: 'paths.source' is "
                          f"{shown(config.paths.source)}, which is not a directory")


def _key_line(config: Config, key: str) -> int:
    from giza.yamlfile import load_one  # lazy: keeps start-up and the no-op build fast

    data = load_one(config.conf_file)
    paths = data.get("paths") if isinstance(data, dict) else None
    if isinstance(paths, dict) and hasattr(paths, "line_of"):
        return paths.line_of(key)
    return getattr(data, "line", 1) or 1


def generate_content(config: Config, kinds: Sequence[str], editions: Sequence[str] = (),
                     languages: Sequence[str] = ()) -> list[str]:
    """`giza generate`: prepare the proxy trees of every (edition, language) requested."""
    from giza.content import kinds as known_kinds  # lazy: keeps start-up and the no-op build fast

    wanted = list(kinds)
    if "all" in wanted:
        wanted = []
    valid = known_kinds()
    for kind in wanted:
        if kind not in valid:
            raise UsageError(f"unknown content kind '{kind}'; valid kinds: all, "
                             f"{', '.join(valid)}")
    variants = resolve(config, ["html"], editions, languages)
    require_source(config)
    from giza.check import require_clean
    from giza.options import current

    require_clean(config, list(dict.fromkeys(v.edition for v in variants)),
                  strict=current().strict)
    lines = []
    for name, tree in trees(config, variants)[0].items():
        result = stages.prepare_tree(config, tree.edition, tree.language,
                                     str(config.branch_dir / name), wanted or None)
        lines.append(f"build/{config.branch}/{name}: {result['generated']} file(s) written, "
                     f"{result['copied']} source file(s) copied, {result['removed']} removed")
    return lines
