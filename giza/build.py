"""`giza sphinx` and `giza generate`: plan the task graph for a request, run it, report."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from giza import stages
from giza.config.model import Config
from giza.variants import Variant, resolve


@dataclass(frozen=True)
class BuildRequest:
    builders: tuple[str, ...] = ("html",)
    editions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    dry_run: bool = False
    fail_on_warning: bool = False
    report: str | None = None
    kinds: tuple[str, ...] | None = None  # content kinds; None = all


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


def core_share(variant_count: int, cores: int) -> int:
    """sphinx-build -j for each variant: split the cores, never oversubscribe."""
    if variant_count <= 0 or variant_count >= cores:
        return 1
    return max(1, cores // variant_count)


def plan(config: Config, variants: Sequence[Variant], cores: int,
         kinds: Sequence[str] | None = None, stage: bool = True) -> Any:
    """The whole build as a graph: prepare each proxy tree once, then one sphinx task per
    variant that depends on its tree (and on the compiled translations, if any)."""
    from giza.graph import Graph, Task

    graph = Graph()
    needed, tree_of = trees(config, variants)
    for tree in needed.values():
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
    share = core_share(len(variants), cores)
    for variant in variants:
        name = tree_of[variant]
        deps = (f"prepare:{name}",)
        if variant.language:
            deps += ("locale",)
        if "intersphinx" in graph:
            deps += ("intersphinx",)
        graph.add(Task(
            name=f"sphinx:{variant.name}",
            func=stages.run_variant,
            kwargs={"config": config, "variant": variant,
                    "proxy": str(config.branch_dir / name), "jobs": share},
            deps=deps,
            kind="sphinx",
            variant=variant.name,
            cores=share,
            label=f"sphinx-build -b {variant.builder}"
                  + (f" -j {share}" if share > 1 else "")
                  + f" build/{config.branch}/{name} -> build/{config.branch}/{variant.name}",
        ))
    if stage:
        add_staging(graph, config, variants)
    return graph


def add_staging(graph: Any, config: Config, variants: Sequence[Variant]) -> None:
    """Per variant its finalizer, per staged site one atomic swap, then the sitemap index.
    A site is only restaged when all of its variants' finalizers succeeded."""
    from giza.graph import Task
    from giza.post import finalizers_for, public_dir, site_dir
    from giza.site.assemble import site_files

    sites: dict[tuple[str | None, str | None], list[Variant]] = {}
    for variant in variants:
        if not finalizers_for(variant.builder):
            continue
        graph.add(Task(
            name=f"post:{variant.name}",
            func=stages.post_variant,
            kwargs={"config": config, "variant": variant},
            deps=(f"sphinx:{variant.name}",),
            kind="post",
            variant=variant.name,
            label=f"{', '.join(finalizers_for(variant.builder))} finalizer for {variant.name}",
        ))
        sites.setdefault(variant.pair, []).append(variant)
    stage_tasks = []
    for (edition, language), members in sites.items():
        files = site_files(config, edition, language)
        where = site_dir(config, edition, language).relative_to(config.paths.output)
        name = f"stage:{where.as_posix()}"
        stage_tasks.append(name)
        graph.add(Task(
            name=name,
            func=stages.stage_site,
            kwargs={"config": config, "edition": edition, "language": language,
                    "variants": [v.name for v in members], "site_files": files.site,
                    "root_files": files.root},
            deps=tuple(f"post:{v.name}" for v in members),
            kind="stage",
            label=f"assemble build/{where.as_posix()} and swap it in atomically",
        ))
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


def build(config: Config, request: BuildRequest, out: TextIO | None = None) -> int:
    """Run a build request; return the exit code (0 ok, 1 a variant failed)."""
    from giza.graph import make_executor, run_graph
    from giza.options import current
    from giza.report import ConsoleReporter, JsonReport, summary_rows
    from giza.sphinx.output import (
        format_messages,
        merge_messages,
        parse_output,
        proxy_path_mapper,
    )

    out = out or sys.stdout
    options = current()
    variants = resolve(config, request.builders, request.editions, request.languages)
    graph = plan(config, variants, options.cores, request.kinds)
    if request.dry_run:
        out.write(graph.dry_run() + "\n")
        return 0
    reporter = ConsoleReporter(out)
    executor = make_executor(options.executor, options.cores, options.scheduler)
    try:
        outcomes = run_graph(graph, executor, reporter)
    finally:
        reporter.close()

    proxies: dict[Path, Path] = {}
    origins: dict[Path, tuple[Path, int]] = {}
    for name in trees(config, variants)[0]:
        proxies[config.branch_dir / name] = config.paths.source
        prepared = outcomes.get(f"prepare:{name}")
        if prepared is not None and prepared.ok and prepared.value:
            for generated, (yaml_file, line) in prepared.value["origins"].items():
                origins[Path(generated)] = (Path(yaml_file), int(line))
    mapper = proxy_path_mapper(config.root, proxies, origins)
    per_variant: dict[str, list] = {}
    warnings = 0
    for variant in variants:
        outcome = outcomes.get(f"sphinx:{variant.name}")
        value = outcome.value if outcome is not None else None
        if isinstance(value, dict) and value.get("output"):
            per_variant[variant.name] = parse_output(value["output"], mapper)
            warnings += value.get("warnings", 0)
    notes: list[str] = []
    for outcome in outcomes.values():
        value = outcome.value
        if not (outcome.ok and isinstance(value, dict)):
            continue
        # Finalizers narrate their work; show that only when asked, or when they skipped.
        kind = graph[outcome.name].kind if outcome.name in graph else ""
        if kind in ("post", "stage") and not value.get("skipped") and options.level != "debug":
            continue
        notes.extend(n for n in value.get("notes", ()) if n not in notes)
    for note in notes:
        out.write(f"giza: note: {note}\n")
    for line in format_messages(merge_messages(per_variant)):
        out.write(line + "\n")
    for outcome in outcomes.values():
        if outcome.status == "failed" and outcome.name.startswith("prepare:"):
            out.write(f"giza: error: {outcome.name}: {outcome.message}\n")
    rows = summary_rows(graph, outcomes)
    reporter.summary(rows)
    if request.report:
        JsonReport(Path(request.report)).write(graph, outcomes, per_variant)
    failed = any(o.status != "ok" for o in outcomes.values())
    if failed:
        return 1
    if request.fail_on_warning and warnings:
        out.write(f"giza: {warnings} warning(s) and --fail-on-warning: failing the build\n")
        return 1
    return 0


def generate_content(config: Config, kinds: Sequence[str], editions: Sequence[str] = (),
                     languages: Sequence[str] = ()) -> list[str]:
    """`giza generate`: prepare the proxy trees of every (edition, language) requested."""
    from giza.content import kinds as known_kinds
    from giza.errors import UsageError

    wanted = list(kinds)
    if "all" in wanted:
        wanted = []
    valid = known_kinds()
    for kind in wanted:
        if kind not in valid:
            raise UsageError(f"unknown content kind '{kind}'; valid kinds: all, "
                             f"{', '.join(valid)}")
    variants = resolve(config, ["html"], editions, languages)
    lines = []
    for name, tree in trees(config, variants)[0].items():
        result = stages.prepare_tree(config, tree.edition, tree.language,
                                     str(config.branch_dir / name), wanted or None)
        lines.append(f"build/{config.branch}/{name}: {result['generated']} file(s) written, "
                     f"{result['copied']} source file(s) copied, {result['removed']} removed")
    return lines
