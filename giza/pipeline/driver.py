"""`giza sphinx`: one build, phase by phase.

    decide   assets synced, every file checked, a Decision per variant (incremental.py)
    plan     the variants to run become a task graph (plan.py)
    execute  the graph runs (giza.graph; each task in tasks.py)
    collect  per variant: its messages now (carry.py), its summary row, its record entry
    persist  the record (store.py) and the HTML report
    report   messages, deploy results, the summary table, the JSON report, the exit code

Also `giza generate` (generate_content): only the prepare tasks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from giza import layout
from giza.config.model import Config
from giza.errors import ConfigError, UsageError, shown
from giza.pipeline import carry, incremental, store, tasks
from giza.pipeline.incremental import Decision
from giza.pipeline.plan import plan, trees
from giza.pipeline.results import PrepareResult, Result, SphinxResult
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
    deploy: tuple[str, ...] = ()  # push targets to deploy to once everything built


@dataclass(frozen=True)
class Decided:
    """The decide phase's result: every variant requested and whether (and why) it runs."""

    variants: tuple[Variant, ...]
    decisions: Mapping[Variant, Decision]

    @property
    def to_run(self) -> list[Variant]:
        return [v for v in self.variants if self.decisions[v].run]


@dataclass(frozen=True)
class Executed:
    """The execute phase's result. ``since_ns``: output files newer than this were
    written by this run."""

    graph: Any
    started: float
    json_report: Any = None
    outcomes: Mapping[str, Any] = field(default_factory=dict)
    since_ns: int = 0


@dataclass(frozen=True)
class Collected:
    """The collect phase's result, per variant: the parsed output of those whose
    sphinx-build ran (paths mapped to the sources), the messages its output has now,
    its summary row and its record entry."""

    logs: Mapping[str, Any]
    messages: Mapping[str, list[carry.Found]]
    rows: list[Any]
    entries: dict[str, dict[str, Any]]


def build(config: Config, request: BuildRequest, out: TextIO | None = None) -> int:
    """Run a build request; return the exit code (0 ok, 1 a variant failed, 2 bad content
    or config)."""
    from giza.options import current  # lazy: the no-op path of `giza sphinx` stays fast

    out = out or sys.stdout
    options = current()
    decided = decide(config, request, options, out)
    if request.explain:
        return _explain(config, decided, out)
    deploy_notes: list[str] = []
    graph = plan_graph(config, request, options, decided, deploy_notes)
    if request.dry_run:
        return _dry_run(decided, graph, out)
    executed = execute(config, graph, request, options, decided, out)
    collected = collect(config, decided, executed)
    persist(config, request, options, decided, executed, collected, out)
    return report(request, decided, executed, collected, deploy_notes, out)


def decide(config: Config, request: BuildRequest, options: Any, out: TextIO) -> Decided:
    """Decide phase: sync the asset checkouts, check every file, then decide per variant."""
    variants = resolve(config, request.builders, request.editions, request.languages)
    require_source(config)
    _sync_assets(config, request, options, out)
    decided = Decided(tuple(variants), incremental.decide_all(config, variants, options.force))
    _check_while_preparing(config, request, decided, options)
    return decided


def plan_graph(config: Config, request: BuildRequest, options: Any, decided: Decided,
               deploy_notes: list[str]) -> Any:
    """Plan phase: the task graph of the variants to run (and of the deploy, if any)."""
    to_run = decided.to_run
    if not to_run and not request.dry_run and not request.deploy:
        return ()  # nothing to run: skip planning (and its imports) entirely
    return plan(config, to_run, options.cores, request.kinds,
                removed={v: decided.decisions[v].removed_pages for v in to_run},
                deploy=request.deploy, deploy_notes=deploy_notes,
                fresh=[v for v in to_run if decided.decisions[v].fresh])


def execute(config: Config, graph: Any, request: BuildRequest, options: Any,
            decided: Decided, out: TextIO) -> Executed:
    """Execute phase: mark the variants pending, run the graph, print the tasks' notes."""
    import time  # lazy: the no-op path of `giza sphinx` stays fast

    _announce(decided, _quiet(options), out)
    started = time.time()
    json_report = json_report_for(request, started)
    if not len(graph):
        return Executed(graph, started, json_report)
    to_run = decided.to_run
    store.mark_pending(config, [f"sphinx:{v.name}" for v in to_run])
    # Output files newer than this were written by this run (same file system as build/).
    since_ns = layout.pending_path(config).stat().st_mtime_ns
    # After planning: a variant that had an environment is not seeded from a sibling.
    carry.discard_environments(config, [v for v in to_run if decided.decisions[v].fresh])
    expected = expected_seconds(config, graph, {v.name: decided.decisions[v] for v in to_run})
    outcomes = execute_graph(config, graph, options, out, json_report, expected)
    print_notes(outcomes, options, out)
    return Executed(graph, started, json_report, outcomes, since_ns)


def collect(config: Config, decided: Decided, executed: Executed) -> Collected:
    """Collect phase: per variant its messages now, its summary row and record entry."""
    logs = _mapped_logs(config, decided.to_run, executed.outcomes)
    previous = store.load_previous(config)
    messages = carry.current_messages(config, decided.variants, decided.decisions, previous,
                                      logs, executed.outcomes, executed.since_ns)
    rows = _rows(decided, executed, messages, logs)
    entries: dict[str, dict[str, Any]] = {}
    for variant, row in zip(decided.variants, rows, strict=True):
        name = f"sphinx:{variant.name}"
        if decided.decisions[variant].run:
            entries[name] = _entry(config, variant, decided.decisions[variant],
                                   messages[variant.name], row, executed.started)
        else:
            entries[name] = dict(_current(previous.tasks.get(name)), reason="up to date")
    # Variants this run did not build keep their entries (their outputs are as recorded), so
    # building html and then latex does not make the next html build start from nothing.
    for name, entry in previous.tasks.items():
        if name not in entries and isinstance(entry, dict):
            entries[name] = dict(entry, earlier=True)
    return Collected(logs, messages, rows, entries)


def persist(config: Config, request: BuildRequest, options: Any, decided: Decided,
            executed: Executed, collected: Collected, out: TextIO) -> None:
    """Persist phase: the build record (with the timeline) and, if asked, the HTML report."""
    timeline = _timeline(executed, options.cores)
    store.write_record(config, collected.entries,
                       settled=[f"sphinx:{v.name}" for v in decided.variants],
                       extra={"timeline": timeline} if timeline else None)
    if executed.json_report is not None and timeline:
        executed.json_report.extra["timers"] = timeline["timers"]
    if request.report_html:
        from giza.htmlreport import report_for  # lazy: only --report-html needs it

        written = report_for(config, 0, request.report_html)
        out.write(f"giza: report written to {shown(written)}\n")


def report(request: BuildRequest, decided: Decided, executed: Executed, collected: Collected,
           deploy_notes: list[str], out: TextIO) -> int:
    """Report phase: what each variant's output has (this run's messages, then those
    carried over), the deploys, the summary table and JSON report; the exit code."""
    shown_variants = [v for v in decided.variants
                      if not decided.decisions[v].run or v.name in collected.logs]
    carry.print_messages(decided.variants, shown_variants, collected.messages, collected.logs,
                         executed.outcomes, out)
    deployed = _report_deploy(request, executed.outcomes, out)
    print_summary(collected.rows, out)
    if executed.json_report is not None:
        _write_json_report(executed.json_report, shown_variants, collected)
    code = exit_code(request, collected.rows, executed.outcomes, deployed, out)
    for note in deploy_notes:
        out.write(f"note: {note}\n")
    return code


# --- decide ------------------------------------------------------------------------------


def _quiet(options: Any) -> bool:
    """--level warning and above: no progress, only messages, errors and the summary."""
    return options.level in ("warning", "error", "critical")


def _sync_assets(config: Config, request: BuildRequest, options: Any, out: TextIO) -> None:
    """Before deciding: conf.py loads themes and extensions from these checkouts, and their
    commits are part of every fingerprint."""
    if not config.assets or request.dry_run or request.explain:
        return
    from giza.site.asset_use import sync_project_assets  # lazy: only projects with assets

    for note in sync_project_assets(config, force=options.force):
        if note.startswith("warning: "):
            out.write(f"giza: {note}\n")
        elif not _quiet(options):
            out.write(f"giza: note: {note}\n")


def _check_while_preparing(config: Config, request: BuildRequest, decided: Decided,
                           options: Any) -> None:
    """The check, with the proxy trees of the variants to build prepared meanwhile in a
    child process (giza.prepare_ahead): both come before Sphinx, and need not take turns."""
    from giza import prepare_ahead  # lazy: the no-op path of `giza sphinx` stays fast

    ahead, found = None, {}
    if decided.to_run and not (request.dry_run or request.explain):
        found = trees(config, decided.to_run)[0]
        ahead = prepare_ahead.start(config, found, request.kinds, options.executor,
                                    options.cores, _editions(decided.variants))
    try:
        checked = _check(config, request, decided.variants, options)
    except BaseException:
        prepare_ahead.stop(ahead)
        raise
    prepare_ahead.finish(ahead)
    if ahead is not None and checked is not None:  # the check's rendering, written once
        prepare_ahead.write_checked(config, found, checked.renderings, request.kinds)


def _editions(variants: Sequence[Variant]) -> list[str | None]:
    return list(dict.fromkeys(v.edition for v in variants))


def _check(config: Config, request: BuildRequest, variants: Sequence[Variant],
           options: Any) -> Any:
    """Every problem of every file, in one run, before anything is built (the
    giza.check.CheckResult; None with --explain)."""
    if request.explain:
        return None
    from giza.check import require_clean  # lazy: the no-op path of `giza sphinx` stays fast

    return require_clean(config, _editions(variants), strict=options.strict,
                         save=not request.dry_run)


def _explain(config: Config, decided: Decided, out: TextIO) -> int:
    from giza.readonce import explain  # lazy: only --explain needs it

    for variant in decided.variants:
        decision = decided.decisions[variant]
        verb = "would rebuild" if decision.run else "skip"
        out.write(f"{variant.name}: {verb}: {decision.reason}\n")
    to_run = decided.to_run
    for line in explain(config, to_run, trees(config, to_run)[1],
                        [v for v in to_run if decided.decisions[v].fresh]):
        out.write(line + "\n")
    return 0


# --- plan --------------------------------------------------------------------------------


def _dry_run(decided: Decided, graph: Any, out: TextIO) -> int:
    for variant in decided.variants:
        if not decided.decisions[variant].run:
            out.write(f"{variant.name}: up to date\n")
    if len(graph):
        out.write(graph.dry_run() + "\n")
    return 0


# --- execute -----------------------------------------------------------------------------


def _announce(decided: Decided, quiet: bool, out: TextIO) -> None:
    for variant in decided.variants if not quiet else ():
        decision = decided.decisions[variant]
        if decision.run:
            out.write(f"{variant.name}: building: {decision.reason}\n")
        else:
            out.write(f"{variant.name}: up to date\n")
    out.flush()


def json_report_for(request: BuildRequest, started: float) -> Any:
    if not request.report:
        return None
    from giza.report import JsonReport  # lazy: only --report needs it

    json_report = JsonReport(request.report)
    json_report.origin = started  # task times are seconds from the build's start
    return json_report


def expected_seconds(config: Config, graph: Any, decisions: Mapping[str, Decision]
              ) -> dict[str, float]:
    """Expected seconds per task: from the recent records, else from page counts."""
    from giza.schedule import expected_durations, recent_durations  # lazy: start-up time

    pages = {name: len(d.fingerprint.pages) if d.fingerprint else 0
             for name, d in decisions.items()}
    return expected_durations(graph, recent_durations(config, [t.name for t in graph]), pages)


def execute_graph(config: Config, graph: Any, options: Any, out: TextIO, json_report: Any,
               expected: dict[str, float] | None) -> dict[str, Any]:
    """Execute the graph with live progress; on an interrupt, print the summary so far."""
    from giza.graph import GraphInterrupted, make_executor, run_graph  # lazy: no-op path
    from giza.limits import limits_for
    from giza.report import ConsoleReporter, MultiReporter, summary_rows

    console = ConsoleReporter(out)
    console.expected, console.cores = expected or {}, options.cores
    console.debug = options.level == "debug"
    shown_progress: Any = None if _quiet(options) else console
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
        print_summary(summary_rows(graph, interrupted.outcomes), out)
        if json_report:
            json_report.summary(summary_rows(graph, interrupted.outcomes))
            json_report.close()
        raise
    finally:
        console.close()


def print_notes(outcomes: Mapping[str, Any], options: Any, out: TextIO) -> None:
    """Errors of tasks other than sphinx and deploy (those report their own), then the
    notes of the tasks."""
    notes: list[str] = []
    for outcome in outcomes.values():
        value = outcome.value
        if outcome.status == "failed" and outcome.kind not in ("sphinx", "deploy"):
            out.write(f"giza: error: {outcome.name}: {outcome.message}\n")
        if not (outcome.ok and isinstance(value, Result)):
            continue
        # Finalizers narrate their work; show that only when asked, or when they skipped.
        if outcome.kind in ("post", "stage") and not value.skipped and options.level != "debug":
            continue
        notes.extend(n for n in value.notes if n not in notes)
    for note in notes:
        out.write(f"giza: note: {note}\n")


# --- collect -----------------------------------------------------------------------------


def _mapped_logs(config: Config, variants: Sequence[Variant], outcomes: Mapping[str, Any]
                 ) -> dict[str, Any]:
    """The parsed sphinx-build output of each variant that ran, with paths in the proxy
    trees mapped back to the sources (and generated files to their YAML origin)."""
    from giza.sphinx.output import proxy_path_mapper  # lazy: the no-op path stays fast

    proxies: dict[Path, Path] = {}
    origins: dict[Path, tuple[Any, ...]] = {}
    for name in trees(config, variants)[0]:
        proxies[layout.proxy_dir(config, name)] = config.paths.source
        prepared = outcomes.get(f"prepare:{name}")
        if prepared is not None and isinstance(prepared.value, PrepareResult):
            for generated, (yaml_file, line, *lines) in prepared.value.origins.items():
                origins[Path(generated)] = (Path(yaml_file), int(line), *lines)
    mapper = proxy_path_mapper(config.root, proxies, origins)
    logs: dict[str, Any] = {}
    for variant in variants:
        outcome = outcomes.get(f"sphinx:{variant.name}")
        if outcome is not None and isinstance(outcome.value, SphinxResult):
            logs[variant.name] = outcome.value.log.mapped(mapper)
    return logs


def _rows(decided: Decided, executed: Executed, messages: Mapping[str, list[carry.Found]],
          logs: Mapping[str, Any]) -> list[Any]:
    """One summary row per variant, in request order. The counts are those of the
    messages its output has now (carried ones included), counted here once."""
    from giza.report import SummaryRow, summary_rows  # lazy: the no-op path stays fast

    ran = {row.variant: row for row in summary_rows(executed.graph, executed.outcomes)} \
        if len(executed.graph) else {}
    rows = []
    for variant in decided.variants:
        warnings, errors = carry.counts(messages[variant.name])
        row = ran.get(variant.name)
        if row is None:
            rows.append(SummaryRow(variant.name, "up to date", warnings, errors, 0.0))
            continue
        post = executed.outcomes.get(f"post:{variant.name}")
        # A finalizer that could not run (latex without latexmk) skips, not fails, a variant.
        skipped = row.status == "ok" and post is not None and post.ok and \
            post.value.skipped and bool(post.value.notes)
        rows.append(SummaryRow(
            variant.name, "skipped" if skipped else row.status,
            warnings if variant.name in logs else row.warnings,
            errors if variant.name in logs else row.errors, row.seconds,
            finalizer_skipped=skipped))
    return rows


def _current(entry: Mapping[str, Any] | None) -> dict[str, Any]:
    """An up-to-date variant's recorded entry, as this run's."""
    return {key: value for key, value in (entry or {}).items() if key != "earlier"}


def _entry(config: Config, variant: Variant, decision: Decision, found: list[carry.Found],
           row: Any, started: float) -> dict[str, Any]:
    """The record entry of a variant this run built."""
    return {
        "variant": variant.name,
        "status": "ok" if row.finalizer_skipped else row.status,
        "reason": decision.reason,
        "seconds": round(row.seconds or 0.0, 3),
        "warnings": row.warnings,
        "errors": row.errors,
        # relpath: a --branches worktree's outputs are in the main checkout's build/
        "outputs": [os.path.relpath(variant.output_dir(config), config.root)],
        "fingerprint": decision.fingerprint.data() if decision.fingerprint else None,
        "messages": [carry.message_data(m, phase) for m, phase, _ in found],
        "built_at": started,
        "built_under": str(config.root),  # where Sphinx's environment holds its paths
    }


# --- persist -----------------------------------------------------------------------------


def _timeline(executed: Executed, cores: int) -> dict[str, Any] | None:
    if not len(executed.graph):
        return None
    from giza.timeline import timeline_data  # lazy: keeps start-up and the no-op build fast

    return timeline_data(executed.graph, executed.outcomes, executed.started, cores)


# --- report ------------------------------------------------------------------------------


def _report_deploy(request: BuildRequest, outcomes: Mapping[str, Any], out: TextIO) -> int:
    """How many deploy targets failed (0 when nothing was to be deployed)."""
    if not request.deploy:
        return 0
    from giza.publish.deploy import report as report_deploys  # lazy: only push builds deploy

    if any(o.status == "skipped" for o in outcomes.values() if o.kind == "deploy"):
        out.write("giza: not deploying: the build failed; nothing was deployed\n")
    return report_deploys(outcomes, out)


def print_summary(rows: list[Any], out: TextIO) -> None:
    from giza.report import ConsoleReporter  # lazy: keeps start-up and the no-op build fast

    out.write("\n")  # set the table apart from the messages above it
    reporter = ConsoleReporter(out)
    reporter.summary(rows)
    reporter.close()


def _write_json_report(json_report: Any, shown_variants: Sequence[Variant],
                       collected: Collected) -> None:
    from giza.sphinx.output import merge_messages  # lazy: only --report needs it

    messages = collected.messages
    json_report.set_messages(
        merge_messages({v.name: [m for m, _, _ in messages[v.name]] for v in shown_variants}),
        carried={v.name: {m for m, _, old in messages[v.name] if old} for v in shown_variants})
    json_report.summary(collected.rows)
    json_report.close()


def exit_code(request: BuildRequest, rows: Sequence[Any], outcomes: Mapping[str, Any],
               deployed: int, out: TextIO) -> int:
    # Bad content or config found while preparing is the user's to fix: exit 2, like
    # `giza generate` would.
    if any(o.status == "failed" and o.exit_code == 2 for o in outcomes.values()):
        return 2
    if any(row.fails for row in rows) or deployed:
        return 1
    # Carried-over messages count: they are in the output as much as the new ones. Like
    # sphinx-build -W, ERROR-level messages (docutils errors) count too.
    warnings = sum(row.warnings or 0 for row in rows)
    errors = sum(row.errors or 0 for row in rows)
    if request.fail_on_warning and (warnings or errors):
        found = ", ".join(f"{n} {what}{'' if n == 1 else 's'}"
                          for n, what in ((warnings, "warning"), (errors, "error")) if n)
        out.write(f"giza: {found} and --fail-on-warning: failing the build\n")
        return 1
    return 0


# --- giza generate -----------------------------------------------------------------------


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
    from giza.check import require_clean  # lazy: keeps start-up and the no-op build fast
    from giza.options import current

    require_clean(config, list(dict.fromkeys(v.edition for v in variants)),
                  strict=current().strict)
    lines = []
    for name, tree in trees(config, variants)[0].items():
        result = tasks.prepare_tree(config, tree.edition, tree.language,
                                     str(layout.proxy_dir(config, name)), wanted or None)
        lines.append(f"build/{config.branch}/{name}: {result.generated} file(s) written, "
                     f"{result.copied} source file(s) copied, {result.removed} removed")
    return lines
