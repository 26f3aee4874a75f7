"""``giza sphinx --branches``: every branch's variants in one graph, run once, then each
branch's records and messages, then the site-wide files from what was staged."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TextIO

from giza import layout
from giza.branches.archive import frozen_branches, restore
from giza.branches.plan import BranchPlan, core_budget, decide_branch, merge, plan_branch, split
from giza.branches.select import branch_names, resolve_branches
from giza.branches.site import finish_site, require_branched
from giza.config.model import Config
from giza.errors import UsageError
from giza.options import current
from giza.pipeline import carry, driver, store
from giza.pipeline.driver import BuildRequest, execute_graph, json_report_for, print_summary
from giza.pipeline.driver import expected_seconds as expected
from giza.report import SummaryRow


@dataclass(frozen=True)
class BranchesResult:
    code: int
    built: tuple[str, ...]  # the branches this run built or found up to date
    failed: tuple[str, ...]
    frozen: tuple[str, ...]
    configs: Mapping[str, Config]


def build_branches(config: Config, request: BuildRequest, value: str,
                   out: TextIO | None = None) -> BranchesResult:
    """Build ``value`` (see giza.branches.select.branch_names); exit code in the result."""
    out = out or sys.stdout
    options = current()
    if request.report_html:
        raise UsageError("--report-html describes one branch's build; with --branches, each "
                         "branch's records are in build/<branch>/.giza (see giza records)")
    names = branch_names(config, value)
    require_branched(config, value)
    frozen = frozen_branches(config, names, pack_now=not (request.dry_run or request.explain))
    branches = resolve_branches(config, [n for n in names if n not in frozen])
    plans = [decide_branch(config, b, request, options, out) for b in branches]
    if request.explain or request.dry_run:
        return _preview(config, plans, frozen, request, out)
    _announce(plans, frozen, out)
    codes, rows = _run(config, plans, request, options, out)
    _finish_site(config, [*frozen, *(p.branch.name for p in plans)], frozen, request, out)

    print_summary(rows, out)
    failed = tuple(name for name, code in codes.items() if code)
    return BranchesResult(max(codes.values(), default=0), tuple(codes), failed, tuple(frozen),
                          {p.branch.name: p.config for p in plans if p.config is not None})


def _graphs(plans: Sequence[BranchPlan], request: BuildRequest, cores: int) -> dict[str, Any]:
    share = core_budget(plans, cores)
    return {p.prefix: plan_branch(p, request, share) for p in plans
            if not p.problem and p.to_run}


def _preview(config: Config, plans: Sequence[BranchPlan], frozen: Sequence[str],
             request: BuildRequest, out: TextIO) -> BranchesResult:
    """--explain and --dry-run: what each branch would do; nothing is built."""
    for name in frozen:
        out.write(f"{name}: frozen: its archive is staged, it is not built\n")
    for plan in plans:
        if plan.problem:
            out.write(f"{plan.branch.name}: cannot build: {plan.problem}\n")
        for variant in plan.variants:
            decision = plan.decisions[variant]
            verb = ("would rebuild" if request.explain else "building") if decision.run \
                else ("skip" if request.explain else "up to date")
            out.write(f"{plan.branch.name}: {variant.name}: {verb}: {decision.reason}\n")
    graph = merge(_graphs(plans, request, current().cores))
    if request.dry_run and len(graph):
        out.write(graph.dry_run() + "\n")
    return BranchesResult(0, tuple(p.branch.name for p in plans), (), tuple(frozen), {})


def _announce(plans: Sequence[BranchPlan], frozen: Sequence[str], out: TextIO) -> None:
    for name in frozen:
        out.write(f"{name}: frozen: staging its archive, not building it\n")
    for plan in plans:
        commit = plan.branch.commit[:8]
        if plan.problem:
            continue
        if not plan.to_run:
            out.write(f"{plan.branch.name}: up to date at {commit}: skipped\n")
            continue
        for variant in plan.variants:
            decision = plan.decisions[variant]
            what = f"building: {decision.reason}" if decision.run else "up to date"
            out.write(f"{plan.branch.name}: {variant.name}: {what}\n")
    out.flush()


def _run(config: Config, plans: Sequence[BranchPlan], request: BuildRequest, options: Any,
         out: TextIO) -> tuple[dict[str, int], list[Any]]:
    """Execute the merged graph; then each branch's records and messages: (codes, rows)."""
    graphs = _graphs(plans, request, options.cores)
    started = time.time()
    json_report = json_report_for(request, started)
    since = {prefix: _pending(plan) for prefix, plan in
             ((p.prefix, p) for p in plans) if prefix in graphs}
    merged = merge(graphs)
    expected = {prefix + name: seconds for prefix, graph in graphs.items()
                for name, seconds in _expected(_plan_of(plans, prefix), graph).items()}
    outcomes = execute_graph(config, merged, options, out, json_report, expected) \
        if len(merged) else {}
    codes: dict[str, int] = {}
    rows: list[Any] = []
    for plan in plans:
        if plan.problem:
            out.write(f"giza: error: {plan.problem}\n")
            codes[plan.branch.name] = plan.problem_code
            rows.append(SummaryRow(f"{plan.branch.name}/*", "failed"))
            continue
        code, found = _settle(plan, graphs.get(plan.prefix), outcomes, request, options,
                              started, since.get(plan.prefix, 0), out)
        codes[plan.branch.name] = code
        rows.extend(found)
    if json_report is not None:  # the run's tasks and summary (messages: giza records)
        json_report.summary(rows)
        json_report.close()
    return codes, rows


def _plan_of(plans: Sequence[BranchPlan], prefix: str) -> BranchPlan:
    return next(p for p in plans if p.prefix == prefix)


def _pending(plan: BranchPlan) -> int:
    """Mark the branch's variants pending; the time from which its outputs are new."""
    assert plan.config is not None
    store.mark_pending(plan.config, [f"sphinx:{v.name}" for v in plan.to_run])
    since_ns = layout.pending_path(plan.config).stat().st_mtime_ns
    carry.discard_environments(plan.config, [v for v in plan.to_run if plan.decisions[v].fresh])
    return since_ns


def _expected(plan: BranchPlan, graph: Any) -> dict[str, float]:
    assert plan.config is not None
    return expected(plan.config, graph, {v.name: plan.decisions[v] for v in plan.to_run})


def _settle(plan: BranchPlan, graph: Any, all_outcomes: Mapping[str, Any],
            request: BuildRequest, options: Any, started: float, since_ns: int,
            out: TextIO) -> tuple[int, list[Any]]:
    """Collect, persist and report one branch as a one-branch build would."""
    config = plan.config
    assert config is not None
    said = io.StringIO()  # what this branch has to say, under its name
    outcomes = split(all_outcomes, plan.prefix)
    decided = driver.Decided(plan.variants, plan.decisions)
    executed = driver.Executed(graph if graph is not None else (), started, None, outcomes,
                               since_ns)
    driver.print_notes(outcomes, options, said)
    collected = driver.collect(config, decided, executed)
    driver.persist(config, replace(request, report_html=None), options, decided, executed,
                   collected, said)
    shown = [v for v in plan.variants if not plan.decisions[v].run or v.name in collected.logs]
    carry.print_messages(plan.variants, shown, collected.messages, collected.logs, outcomes,
                         said)
    code = driver.exit_code(request, collected.rows, outcomes, 0, said)
    if said.getvalue():
        out.write(f"branch {plan.branch.name}:\n{said.getvalue()}")
    return code, [replace(row, variant=plan.prefix + row.variant) for row in collected.rows]


def _finish_site(config: Config, names: Sequence[str], frozen: Sequence[str],
                 request: BuildRequest, out: TextIO) -> None:
    """Frozen branches' archives, retention, then versions.json, sitemap index, redirects."""
    for name in frozen:
        note = restore(config, name)
        if note:
            out.write(f"giza: note: {note}\n")
    for note in finish_site(config, request, names):
        out.write(f"giza: note: {note}\n")
