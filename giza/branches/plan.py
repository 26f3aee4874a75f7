"""Decide and plan each branch with the one-branch phases, then merge the branches' graphs
into one graph (task names prefixed ``<branch>/``) that shares one core budget."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from giza.branches.configs import branch_config
from giza.branches.extensions import missing_extensions
from giza.branches.select import Branch
from giza.config.model import Config
from giza.errors import ConfigError, GizaError, shown
from giza.graph import Graph
from giza.pipeline import driver
from giza.pipeline.driver import BuildRequest
from giza.pipeline.plan import plan as plan_graph
from giza.readonce import core_share
from giza.sphinx.argv import conf_dir
from giza.variants import Variant


@dataclass(frozen=True)
class BranchPlan:
    """One branch's part of the run; ``problem`` set: it cannot be built (it fails)."""
    branch: Branch
    config: Config | None
    variants: tuple[Variant, ...] = ()
    decisions: Mapping[Variant, Any] = field(default_factory=dict)
    problem: str = ""
    problem_code: int = 1

    @property
    def to_run(self) -> list[Variant]:
        return [v for v in self.variants if self.decisions[v].run]

    @property
    def prefix(self) -> str:
        return f"{self.branch.name}/"


def _missing(config: Config, branch: Branch) -> str:
    conf = conf_dir(config.root) / "conf.py"
    missing = missing_extensions(conf)
    if not missing:
        return ""
    listed = ", ".join(f"{module} (line {line})" for module, line in missing)
    return (f"branch {branch.name} needs Sphinx extensions this environment lacks: {listed} "
            f"in {shown(conf)}; install them or leave the branch out (giza installs nothing)")


def decide_branch(config: Config, branch: Branch, request: BuildRequest, options: Any,
                  out: TextIO) -> BranchPlan:
    """The one-branch phases up to deciding; a config or content problem fails the branch."""
    try:
        own = branch_config(config, branch, strict=options.strict)
    except ConfigError as exc:
        return BranchPlan(branch, None, problem=f"branch {branch.name}: {exc}", problem_code=2)
    problem = _missing(own, branch)
    if problem:
        return BranchPlan(branch, own, problem=problem)
    try:
        decided = driver.decide(own, request, options, out)
    except GizaError as exc:
        return BranchPlan(branch, own, problem=f"branch {branch.name}: {exc}",
                          problem_code=exc.exit_code)
    return BranchPlan(branch, own, decided.variants, decided.decisions)


def core_budget(plans: Sequence[BranchPlan], cores: int) -> int:
    """sphinx-build -j of every variant: the cores split over all branches' variants."""
    return core_share(sum(len(p.to_run) for p in plans), cores)


def plan_branch(plan: BranchPlan, request: BuildRequest, share: int) -> Any:
    """The graph of one branch's variants to run (each sphinx-build gets ``share`` cores)."""
    to_run = plan.to_run
    assert plan.config is not None
    return plan_graph(plan.config, to_run, share * len(to_run), request.kinds,
                      removed={v: plan.decisions[v].removed_pages for v in to_run},
                      fresh=[v for v in to_run if plan.decisions[v].fresh])


def _prefixed(task: Any, prefix: str) -> Any:
    kwargs = task.kwargs
    if task.kind == "stage" and "root_files" in kwargs:
        # Files above the branch directories (redirects, robots) are written once, from the
        # checked-out branch's config, after every branch is staged: see giza.branches.site.
        kwargs = {**kwargs, "root_files": {}}
    return replace(task, name=prefix + task.name, kwargs=kwargs,
                   deps=tuple(prefix + d for d in task.deps),
                   after=tuple(prefix + a for a in task.after),
                   variant=prefix + task.variant if task.variant else None,
                   label=f"[{prefix.rstrip('/')}] {task.describe()}")


SITE_WIDE = ("sitemap-index",)  # per-branch tasks replaced by the one site-wide step


def merge(graphs: Mapping[str, Any]) -> Any:
    """One graph of every branch's tasks, each named ``<branch>/<task>``."""
    merged = Graph()
    for prefix, graph in graphs.items():
        for task in graph:
            if task.name not in SITE_WIDE:
                merged.add(_prefixed(task, prefix))
    return merged


def split(outcomes: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The outcomes of one branch's tasks under their own (unprefixed) names."""
    return {name[len(prefix):]: replace(outcome, name=name[len(prefix):])
            for name, outcome in outcomes.items() if name.startswith(prefix)}
