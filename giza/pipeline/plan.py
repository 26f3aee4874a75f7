"""Plan: the variants to run become a task graph.

Per proxy tree one prepare task, per variant one sphinx task, then per variant its finalizer
(post), per staged site its stage task(s) and the sitemap index, and last the deploy tasks,
which wait for every stage (``publish``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from giza import layout
from giza.builders import SLOW_FINALIZERS
from giza.config.model import Config
from giza.pipeline import tasks
from giza.readonce import lanes, read_plan, shares, writers_of
from giza.variants import Variant


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
        base = layout.proxy_name(edition, language)
        for variant, excluded in zip(group, sets, strict=True):
            name = base if excluded == common else f"{base}-{variant.builder}"
            found.setdefault(name, Tree(name, edition, language, excluded))
            tree_of[variant] = name
    return found, tree_of


def plan(config: Config, variants: Sequence[Variant], cores: int,
         kinds: Sequence[str] | None = None, stage: bool = True,
         removed: Mapping[Variant, Sequence[str]] | None = None,
         deploy: Sequence[str] = (), deploy_notes: list[str] | None = None,
         fresh: Sequence[Variant] = ()) -> Any:
    """The whole build as a graph, its stages in this order: prepare each proxy tree once;
    one sphinx task per variant, after its tree (and the compiled translations, if any);
    per variant its finalizer, per site its staging and the sitemap index (add_staging);
    then the publish step and the deploy tasks to ``deploy``'s targets (add_publish)."""
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
                               list((removed or {}).get(variant, ())),
                               writers_of(reading, variant)))
    if stage and variants:
        add_staging(graph, config, variants)
    if deploy:
        add_publish(graph, config, deploy, deploy_notes)
    return graph


def add_publish(graph: Any, config: Config, targets: Sequence[str],
                notes: list[str] | None = None) -> None:
    """The publish step joins every build task; the deploy tasks of ``targets`` (one per
    target and host) wait for it, so nothing is deployed unless the whole build succeeded.
    With nothing to build, the deploy tasks deploy what an earlier build staged."""
    from giza.graph import Task  # lazy: a no-op build never plans
    from giza.publish.deploy import deploy_tasks  # lazy: only `giza push` and `giza make` deploy

    built = tuple(task.name for task in graph)
    if built:
        graph.add(Task(name="publish", func=tasks.publish,
                       kwargs={"site": str(layout.public_dir(config))}, deps=built, kind="publish",
                       label="every build task succeeded: deploy what they staged"))
    for task in deploy_tasks(config, targets, after=("publish",) if built else (), notes=notes):
        graph.add(task)


def _add_prepare_tasks(graph: Any, config: Config, needed: Any, variants: Sequence[Variant],
                       kinds: Sequence[str] | None) -> None:
    """One task per proxy tree, plus the locale and intersphinx tasks when needed."""
    from giza.graph import Task  # lazy: a no-op build never plans

    for tree in needed:
        graph.add(Task(
            name=f"prepare:{tree.name}",
            func=tasks.prepare_tree,
            kwargs={"config": config, "edition": tree.edition, "language": tree.language,
                    "proxy": str(layout.proxy_dir(config, tree.name)),
                    "kinds": list(kinds) if kinds else None,
                    "excluded": list(tree.excluded)},
            kind="prepare",
            label=f"mirror source/ and generate content into build/{config.branch}/{tree.name}",
        ))
    translated = any(v.language for v in variants)
    if translated:
        graph.add(Task(
            name="locale",
            func=tasks.prepare_locale,
            kwargs={"config": config},
            kind="prepare",
            label=f"mirror {config.paths.locale.name}/ into build/{config.branch}/locale",
        ))
    if config.side_documents("intersphinx"):
        graph.add(Task(
            name="intersphinx",
            func=tasks.fetch_intersphinx,
            kwargs={"config": config},
            kind="prepare",
            label="refresh intersphinx inventories (at most once a day)",
        ))


def _sphinx_task(graph: Any, config: Config, variant: Variant, name: str,
                 seed: Variant | None, share: int, removed_pages: list[str],
                 writers: Sequence[Variant] = ()) -> Any:
    """The sphinx-build task of ``variant`` over the proxy tree ``name``. A reader with
    ``writers`` writes their formats too, in its process; a writer's task collects what
    that process did (giza.readonce)."""
    from giza.graph import Task  # lazy: a no-op build never plans

    deps = (f"prepare:{name}",)
    if variant.language:
        deps += ("locale",)
    if "intersphinx" in graph:
        deps += ("intersphinx",)
    kwargs = {"config": config, "variant": variant,
              "proxy": str(layout.proxy_dir(config, name)), "jobs": share,
              "removed_pages": removed_pages,
              "seed_doctrees": str(seed.doctree_dir(config)) if seed else None}
    label = (f"sphinx-build -b {variant.builder}" + (f" -j {share}" if share > 1 else "")
             + f" build/{config.branch}/{name} -> build/{config.branch}/{variant.name}")
    if writers:
        kwargs["writers"] = list(writers)
        label += (f", then {', '.join(w.builder for w in writers)} from what it read "
                  f"({lanes(share, variant.builder, [w.builder for w in writers])} lanes)")
    if seed:
        label += f", in sphinx:{seed.name}'s process"
    return Task(
        name=f"sphinx:{variant.name}",
        func=tasks.collect_written if seed else tasks.run_variant,
        kwargs=kwargs,
        deps=deps,
        after=(f"sphinx:{seed.name}",) if seed else (),
        kind="sphinx",
        variant=variant.name,
        cores=share,
        label=label,
    )


def add_staging(graph: Any, config: Config, variants: Sequence[Variant]) -> None:
    """Per variant its finalizer, per staged site one atomic swap (two with PDFs, see
    _site_stages), then the sitemap index. A site is only restaged when the finalizers of
    what it stages succeeded."""
    from giza.graph import Task  # lazy: keeps start-up and the no-op build fast
    from giza.post import finalizers_for

    sites: dict[tuple[str | None, str | None], list[Variant]] = {}
    for variant in variants:
        if finalizers_for(variant.builder):
            sites.setdefault(variant.pair, []).append(variant)
    wheres = {pair: layout.site_dir(config, *pair).relative_to(config.paths.output).as_posix()
              for pair in sites}
    for variant in variants:
        if variant.pair in sites:
            first = f"stage:{wheres[variant.pair]}"
            # latex's fragment is replaced only once the web pages' staging has read it
            wait = (first,) if _split(sites[variant.pair]) and variant.builder in \
                SLOW_FINALIZERS else ()
            graph.add(Task(name=f"post:{variant.name}", func=tasks.post_variant,
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
            func=tasks.sitemap_index,
            kwargs={"config": config, "sites": list(sites)},
            deps=tuple(stage_tasks),
            kind="stage",
            label=f"write {layout.public_dir(config).relative_to(config.paths.output)}"
                  "/sitemap-index.xml",
        ))


def _split(members: Sequence[Variant]) -> bool:
    """Whether a site's web pages are staged before its PDFs are ready."""
    slow = [v.builder in SLOW_FINALIZERS for v in members]
    return any(slow) and not all(slow)


def _site_stages(config: Config, pair: tuple[str | None, str | None],
                 members: list[Variant], where: str) -> list[Any]:
    """The stage task(s) of one site. With PDFs among its variants, the web pages are staged
    as soon as their finalizers are done (with the PDFs staged last time), and the site is
    staged again, PDFs included, when latex's finalizer is done."""
    from giza.graph import Task  # lazy: a no-op build never plans
    from giza.post import fragment_exists
    from giza.site.assemble import site_files

    edition, language = pair
    files = site_files(config, edition, language)

    def stage(name: str, staged: list[Variant], deps: list[str], label: str) -> Any:
        return Task(name=name, func=tasks.stage_site, deps=tuple(deps), kind="stage",
                    kwargs={"config": config, "edition": edition, "language": language,
                            "variants": [v.name for v in staged], "site_files": files.site,
                            "root_files": files.root},
                    label=label)

    whole = stage(f"stage:{where}", members, [f"post:{v.name}" for v in members],
                  f"assemble build/{where} and swap it in atomically")
    if not _split(members):
        return [whole]
    quick = [v for v in members if v.builder not in SLOW_FINALIZERS]
    slow = [v for v in members if v.builder in SLOW_FINALIZERS]
    earlier = [v for v in slow if fragment_exists(config, v.name)]
    kept = f", with the {', '.join(v.name for v in earlier)} staged last time" if earlier else ""
    first = stage(whole.name, quick + earlier, [f"post:{v.name}" for v in quick],
                  f"assemble build/{where} without waiting for "
                  f"{', '.join(v.name for v in slow)}{kept}, and swap it in atomically")
    again = stage(f"stage-pdf:{where}", members,
                  [first.name, *(f"post:{v.name}" for v in slow)],
                  f"assemble build/{where} again with the new PDFs")
    return [first, again]
