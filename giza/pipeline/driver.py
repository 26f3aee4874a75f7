"""`giza sphinx` and `giza generate`: decide, plan, execute, collect, persist, report."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from giza.config.model import Config
from giza.errors import ConfigError, UsageError, shown
from giza.pipeline import carry, incremental, store, tasks
from giza.pipeline.plan import plan, trees
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


def build(config: Config, request: BuildRequest, out: TextIO | None = None,
          then: Callable[[Any], list[Any]] | None = None) -> int:
    """Run a build request; return the exit code (0 ok, 1 a variant failed).

    ``then(graph)`` returns tasks to run last, after every build task (deploy)."""
    import time  # lazy (as every import below): the no-op path of `giza sphinx` stays fast

    from giza.options import current

    out = out or sys.stdout
    options = current()
    variants = resolve(config, request.builders, request.editions, request.languages)
    require_source(config)
    quiet = options.level in ("warning", "error", "critical")
    _sync_assets(config, request, options, quiet, out)
    _check(config, request, variants, options)
    decisions = incremental.decide_all(config, variants, options.force)
    if request.explain:
        return _explain(variants, decisions, out)
    to_run = [v for v in variants if decisions[v].run]
    graph = _plan_graph(config, request, options, decisions, to_run, then)
    if request.dry_run:
        return _dry_run(variants, decisions, graph, out)
    _announce(variants, decisions, quiet, out)
    started = time.time()
    json_report = _json_report(request, started)
    outcomes, rows, logs, since_ns = _execute(config, graph, to_run, decisions, request,
                                              options, out, json_report)
    previous = store.load_previous(config)
    status_of = {row["variant"]: row for row in rows}
    messages = carry.current_messages(config, variants, decisions, previous, logs, outcomes,
                                      since_ns)
    entries = _collect(config, variants, decisions, previous, messages, rows, status_of,
                       logs, started)
    timeline = _persist(config, entries, variants, _timeline(graph, outcomes, started,
                                                             options.cores), request, out)
    # What each variant's output has: this run's messages, then those carried over.
    shown = [v for v in variants if not decisions[v].run or v.name in logs]
    carry.print_messages(variants, shown, messages, logs, outcomes, out)
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


def _check(config: Config, request: BuildRequest, variants: Sequence[Variant],
           options: Any) -> None:
    """Check phase: every problem of every file, in one run, before anything is built."""
    if request.explain:
        return
    from giza.check import require_clean  # lazy: the no-op path of `giza sphinx` stays fast

    require_clean(config, list(dict.fromkeys(v.edition for v in variants)),
                  strict=options.strict, save=not request.dry_run)


def _explain(variants: Sequence[Variant], decisions: dict[Variant, Any], out: TextIO) -> int:
    for variant in variants:
        decision = decisions[variant]
        verb = "would rebuild" if decision.run else "skip"
        out.write(f"{variant.name}: {verb}: {decision.reason}\n")
    return 0


def _plan_graph(config: Config, request: BuildRequest, options: Any,
                decisions: dict[Variant, Any], to_run: list[Variant],
                then: Callable[[Any], list[Any]] | None) -> Any:
    """Plan phase: the task graph of the variants to run, plus ``then``'s tasks."""
    if not to_run and not request.dry_run and then is None:
        return ()  # nothing to run: skip planning (and its imports) entirely
    graph = plan(config, to_run, options.cores, request.kinds,
                 removed={v: decisions[v].removed_pages for v in to_run})
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

    store.mark_pending(config, [f"sphinx:{v.name}" for v in to_run])
    # Output files newer than this were written by this run (same file system as build/).
    since_ns = store.pending_path(config).stat().st_mtime_ns
    # After planning: a variant that had an environment is not seeded from a sibling.
    carry.discard_environments(config, [v for v in to_run if decisions[v].fresh])
    expected = _expected(config, graph, {v.name: decisions[v] for v in to_run})
    outcomes, rows, logs = _run(config, graph, to_run, request, options, out, json_report,
                                expected)
    return outcomes, rows, logs, since_ns


def _collect(config: Config, variants: Sequence[Variant], decisions: dict[Variant, Any],
             previous: Any, messages: dict[str, Any], rows: list[dict[str, Any]],
             status_of: dict[str, dict[str, Any]], logs: dict[str, Any], started: float
             ) -> dict[str, dict[str, Any]]:
    """Collect phase: the record entry of every variant (rows gain the up-to-date ones)."""

    entries: dict[str, dict[str, Any]] = {}
    for variant in variants:
        name = f"sphinx:{variant.name}"
        if not decisions[variant].run:
            warnings, errors = carry.counts(messages[variant.name])
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

    warnings, errors = carry.counts(found)
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
        "messages": [carry.message_data(m, phase) for m, phase, _ in found],
        "built_at": started,
        "built_under": str(config.root),  # where Sphinx's environment holds its paths
    }


def _report_deploy(then: Callable[[Any], list[Any]] | None, outcomes: dict[str, Any],
                   out: TextIO) -> int:
    """How many deploy targets failed (0 when nothing was to be deployed)."""
    if then is None:
        return 0
    from giza.deploy import report  # lazy: only `giza push`/`deploy` builds need it

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

    store.write_record(config, entries, settled=[f"sphinx:{v.name}" for v in variants],
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
        result = tasks.prepare_tree(config, tree.edition, tree.language,
                                     str(config.branch_dir / name), wanted or None)
        lines.append(f"build/{config.branch}/{name}: {result['generated']} file(s) written, "
                     f"{result['copied']} source file(s) copied, {result['removed']} removed")
    return lines
