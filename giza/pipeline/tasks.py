"""The work each task of a build does. Module-level functions over plain data, so any
executor (in-process, process pool, dask worker) can run them."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from giza import layout
from giza.config.model import Config
from giza.fileio import write_if_changed
from giza.pipeline.results import (
    PostResult,
    PrepareResult,
    SphinxResult,
    StageResult,
    TaskFailed,
)
from giza.proxy import MirrorResult, load_owned, mirror, release_owned, save_owned
from giza.sphinx.argv import conf_dir, sphinx_argv, variant_tags
from giza.sphinx.output import parse_log  # loaded with giza.pipeline.results anyway
from giza.variants import Variant
from giza.watchdog import timed

if TYPE_CHECKING:
    from giza.proc import SphinxRun


def content_context(config: Config, edition: str | None,
                    migrated_dir: Path | None = None) -> Any:
    from giza.content.context import ContentContext  # lazy: start-up time
    from giza.content.replacements import replacement_tokens  # lazy: start-up time

    return ContentContext(
        includes_dir=config.paths.includes,
        migrated_dir=migrated_dir,
        edition=edition,
        replacements=replacement_tokens(config, edition),
        version=config.version.release,
        branch=config.version.branch,
    )


def protected_dirs(config: Config, proxy: Path) -> list[str]:
    """Proxy-relative dirs generators own, which mirroring must never prune."""
    from giza.content import output_dirs  # lazy: keeps start-up and the no-op build fast

    return [*output_dirs(), "includes/hash.rst"]


def images_rel(config: Config) -> str | None:
    """paths.images relative to paths.source (None when images live outside source/)."""
    try:
        return config.paths.images.relative_to(config.paths.source).as_posix()
    except ValueError:
        return None


def kept_globs(config: Config) -> list[str]:
    rel = images_rel(config)
    if rel is None:
        return []
    return [f"{rel}/*.rst", f"{rel}/*.png", f"{rel}/*.pdf"]


def prepare_tree(config: Config, edition: str | None, language: str | None,
                 proxy: str, kinds: Sequence[str] | None = None,
                 excluded: Sequence[str] = ()) -> PrepareResult:
    """Mirror source/ into the proxy tree, then generate content into it: YAML units,
    includes/hash.rst, image figures, migrations and extract includes in pages."""
    from giza.content import generate  # lazy: a no-op build prepares nothing
    from giza.site.hashfile import write_hash_rst
    from giza.site.pages import apply_page_edits

    proxy_dir = Path(proxy)
    ignore = config.paths.ignore
    # Files the steps below rewrite stay out of the mirror, so an unchanged run
    # leaves them (and their mtimes, which Sphinx watches) alone.
    previous = load_owned(proxy_dir)
    mirrored = mirror_tree(config, proxy_dir, excluded, previous)
    # Migrations first: generators read the YAML files they bring into includes/.
    written, owned = _migrate(config, proxy_dir, edition, kinds)
    context = content_context(config, edition, migrated_dir=proxy_dir / "includes")
    generated = generate(context, proxy_dir, kinds)
    written += len(generated.written)
    if kinds is None or "hash" in kinds:
        written += write_hash_rst(proxy_dir, config.git.commit)
    images_written, notes = _images(config, proxy_dir, edition, kinds)
    written += images_written
    pages, edited = apply_page_edits(generated.edits, config.paths.source, proxy_dir,
                                     ignore, excluded)
    written += len(edited)
    owned |= pages
    if kinds is None:
        release_owned(config.paths.source, proxy_dir, previous - owned, ignore, excluded)
    else:
        owned |= previous  # a partial run does not know what the other kinds own
    if owned != previous:
        save_owned(proxy_dir, owned)
    return PrepareResult(
        proxy=str(proxy_dir),
        copied=len(mirrored.copied),
        removed=len(mirrored.removed),
        generated=written,
        notes=tuple(notes),
        origins={str(k): [str(v[0]), *v[1:]] for k, v in generated.origins.items()},
    )


def mirror_tree(config: Config, proxy_dir: Path, excluded: Sequence[str] = (),
                owned: set[str] | None = None) -> MirrorResult:
    """The first step of :func:`prepare_tree`: mirror source/ into the proxy tree, leaving
    alone what generators and the later steps own (``owned``: default, as last recorded)."""
    return mirror(config.paths.source, proxy_dir, ignore=config.paths.ignore,
                  protect=protected_dirs(config, proxy_dir), exclude=excluded,
                  keep=kept_globs(config),
                  owned=sorted(load_owned(proxy_dir) if owned is None else owned))


def _migrate(config: Config, proxy_dir: Path, edition: str | None,
             kinds: Sequence[str] | None) -> tuple[int, set[str]]:
    """Apply migrations.yaml: (files written, proxy-relative files they own)."""
    from giza.site.migrations import apply_migrations  # lazy: a no-op build prepares nothing

    written = 0
    owned: set[str] = set()
    migrations = config.side("migrations")
    if migrations and (kinds is None or "migrations" in kinds):
        root = proxy_dir.resolve()
        for path in migrations.paths:
            with timed("prepare migrations"):
                done = apply_migrations(path, config.root, proxy_dir, edition)
            written += len(done.written)
            owned.update(Path(t).resolve().relative_to(root).as_posix() for t in done.targets)
    return written, owned


def _images(config: Config, proxy_dir: Path, edition: str | None,
            kinds: Sequence[str] | None) -> tuple[int, list[str]]:
    """Generate the image figures of images.yaml: (files written, notes)."""
    from giza.site.images import generate_images  # lazy: a no-op build prepares nothing

    written = 0
    notes: list[str] = []
    images = config.side("images")
    rel = images_rel(config)
    if images and rel is not None and (kinds is None or "images" in kinds):
        for metadata in images.paths:
            with timed("generate images"):
                result = generate_images(metadata, config.paths.images, proxy_dir / rel,
                                         edition, uri_prefix=f"/{rel}")
            written += len(result.written)
            notes.extend(result.notices)
    return written, notes


def fetch_intersphinx(config: Config) -> PrepareResult:
    """Refresh intersphinx inventories (at most daily); failures are warnings."""
    from giza.site.intersphinx import fetch_inventories  # lazy: start-up time

    entries = [dict(doc) for doc in config.side_documents("intersphinx") if isinstance(doc, dict)]
    return PrepareResult(proxy=str(config.paths.output),
                         notes=tuple(fetch_inventories(entries, config.paths.output)))


def sphinx_documents(config: Config, edition: str | None) -> dict[str, Any]:
    """latex_documents, man_pages and intersphinx_mapping for giza.sphinxext."""
    from giza.post.latex import latex_documents  # lazy: keeps start-up and the no-op build fast

    pdfs = latex_documents(config, edition)
    manpages = []
    for unit in config.side_documents("manpages"):
        if isinstance(unit, dict) and unit.get("file") and unit.get("name"):
            authors = unit.get("authors") or []
            manpages.append([str(unit["file"]).lstrip("/"), str(unit["name"]),
                             str(unit.get("title") or unit["name"]),
                             [str(a) for a in authors] if isinstance(authors, list)
                             else [str(authors)], int(unit.get("section") or 1)])
    intersphinx = {}
    for unit in config.side_documents("intersphinx"):
        if isinstance(unit, dict) and unit.get("name") and unit.get("url"):
            local = str(config.paths.output / str(unit["path"])) if unit.get("path") else None
            intersphinx[str(unit["name"])] = [str(unit["url"]), local]
    return {"latex_documents": pdfs, "man_pages": manpages,
            "intersphinx_mapping": intersphinx}


def prepare_locale(config: Config) -> PrepareResult:
    if not config.paths.locale.is_dir():
        return PrepareResult(proxy=str(layout.locale_dir(config)))  # nothing to translate with
    # Sphinx compiles .mo files beside the mirrored .po files; keep them between runs.
    result = mirror(config.paths.locale, layout.locale_dir(config), ignore=["*.mo"])
    return PrepareResult(proxy=str(layout.locale_dir(config)), copied=len(result.copied),
                         removed=len(result.removed))


def build_context(config: Config, variant: Variant) -> dict[str, Any]:
    """What giza.sphinxext hands to conf.py for one variant."""
    from giza.content.replacements import replacement_tokens  # lazy: start-up time

    edition = config.project.edition(variant.edition) if variant.edition else None
    return {
        "project": edition.title if edition else config.project.title,
        "project_name": config.project.name,
        "version": config.version.branch or config.version.release,
        "release": config.version.release or config.version.branch,
        "url": edition.url if edition else config.project.url,
        "edition": variant.edition,
        "language": variant.language,
        "builder": variant.builder,
        "branch": config.branch,
        "commit": config.git.commit,
        "conf_file": str(config.conf_file),
        "replacements": replacement_tokens(config, variant.edition),
        "locale_dir": str(layout.locale_dir(config)),
        "versions": published_versions(config, variant.edition, variant.language),
        **sphinx_documents(config, variant.edition),
    }


def published_versions(config: Config, edition: str | None = None,
                       language: str | None = None) -> list[dict[str, Any]]:
    from giza.site.branches import for_config, versions  # lazy: start-up time

    pb = for_config(config)
    if not pb.published:
        return []
    return versions(pb, layout.versions_base_url(config, edition, language), config.branch)


def write_context(config: Config, variant: Variant, source_dir: str | None = None) -> Path:
    path = layout.context_path(config, variant.name)
    context = build_context(config, variant)
    if source_dir is not None:
        context["source_dir"] = source_dir  # the proxy tree this variant is built from
    text = json.dumps(context, indent=2, sort_keys=True) + "\n"
    write_if_changed(path, text)
    return path


STALE_PATTERNS = {
    # builder -> output files of a page that Sphinx leaves behind when the page goes away
    "dirhtml": ("{doc}/index.html", "_sources/{doc}.txt", "_sources/{doc}.rst"),
    "json": ("{doc}.fjson", "_sources/{doc}.txt", "_sources/{doc}.rst"),
    "pickle": ("{doc}.fpickle",),
    "text": ("{doc}.txt",),
    "xml": ("{doc}.xml",),
    "pseudoxml": ("{doc}.pseudoxml",),
}
DEFAULT_STALE = ("{doc}.html", "_sources/{doc}.txt", "_sources/{doc}.rst")


def remove_stale_outputs(output: Path, builder: str, pages: Sequence[str]) -> list[str]:
    """Delete what Sphinx wrote for pages that no longer exist (it never does itself)."""
    removed = []
    for doc in pages:
        patterns = STALE_PATTERNS.get(builder, DEFAULT_STALE)
        if builder == "dirhtml" and (doc == "index" or doc.endswith("/index")):
            patterns = ("{doc}.html", *patterns[1:])
        for pattern in patterns:
            path = output / pattern.format(doc=doc)
            if path.is_file():
                path.unlink()
                removed.append(path.relative_to(output).as_posix())
                # dirhtml pages are directories: drop the ones left empty.
                parent = path.parent
                while parent != output and parent.is_dir() and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
    return removed


def variant_argv(config: Config, variant: Variant, proxy: str, jobs: int = 1,
                 tags: Sequence[str] = ()) -> list[str]:
    """The sphinx-build argv of one variant (giza serve's warm Sphinx reads the same)."""
    settings = config.matrix.lookup(variant.builder, variant.edition)
    overrides = [("locale_dirs", str(layout.locale_dir(config)))] if variant.language else []
    return sphinx_argv(
        builder=variant.builder,
        proxy=Path(proxy),
        output=variant.output_dir(config),
        doctrees=variant.doctree_dir(config),
        confdir=conf_dir(config.root),
        tags=variant_tags(variant.builder, variant.edition, [*settings.tags, *tags]),
        jobs=jobs,
        language=variant.language,
        overrides=overrides,
    )


def run_variant(config: Config, variant: Variant, proxy: str, jobs: int = 1,
                tags: Sequence[str] = (), removed_pages: Sequence[str] = (),
                seed_doctrees: str | None = None, writers: Sequence[Variant] = ()
                ) -> SphinxResult:
    """One sphinx-build, its output parsed. Raises TaskFailed (carrying the SphinxResult)
    when it fails. With ``writers``, the same process then writes their formats from what
    it read, in lanes (giza.sphinx.runner); their tasks collect the results
    (collect_written)."""
    from giza.proc import run_process  # lazy: a no-op build runs nothing
    from giza.readonce import seeded_argv
    from giza.sphinx.group import copy_seed

    argv = variant_argv(config, variant, proxy, jobs, tags)
    seeded = bool(seed_doctrees) and copy_seed(Path(seed_doctrees or ""),
                                               variant.doctree_dir(config))
    if seeded:
        argv = seeded_argv(argv)
    env = dict(os.environ)
    env["GIZA_BUILD_CONTEXT"] = str(write_context(config, variant, proxy))
    if writers:
        run = _run_group(config, variant, proxy, argv, jobs, tags, writers, env)
    else:
        run = run_process(argv, cwd=config.root, env=env, warm=_warm(argv[3:]))
    value = SphinxResult(variant=variant.name, argv=tuple(argv), jobs=jobs,
                         returncode=run.returncode, output=run.output, seconds=run.seconds,
                         log=parse_log(run.output),
                         seeded_from=seed_doctrees if seeded else None)
    return _sphinx_done(config, variant, value, removed_pages)


def _run_group(config: Config, reader: Variant, proxy: str, argv: list[str], jobs: int,
               tags: Sequence[str], writers: Sequence[Variant], env: dict[str, str]
               ) -> SphinxRun:
    """The reader's sphinx-build in giza.sphinx.runner, which then writes ``writers`` (in
    this order, longest first) from its reading. The run's seconds are the reader's own."""
    from giza.proc import run_process  # lazy: a no-op build runs nothing
    from giza.readonce import lane_jobs, lanes, seeded_argv
    from giza.sphinx.group import Build, Group, Written
    from giza.watchdog import current_watch

    count = lanes(jobs, reader.builder, [w.builder for w in writers])
    builds = []
    for writer in writers:
        result = layout.written_path(config, writer.name)
        result.unlink(missing_ok=True)  # a result left by an earlier run is not this one's
        cores = lane_jobs(jobs, count, writer.builder)
        builds.append(Build(
            writer.name, tuple(seeded_argv(variant_argv(config, writer, proxy, cores, tags))),
            str(write_context(config, writer, proxy)), seed=str(reader.doctree_dir(config)),
            doctrees=str(writer.doctree_dir(config)), result=str(result), jobs=cores))
    timing = layout.written_path(config, reader.name)
    group = Group(Build(reader.name, tuple(argv), env["GIZA_BUILD_CONTEXT"]), tuple(builds),
                  count, write_jobs=lane_jobs(jobs, count, reader.builder),
                  timing=str(timing))
    spec = layout.group_path(config, reader.name)
    group.save(spec)
    run = run_process([sys.executable, "-m", "giza.sphinx.runner", str(spec)], cwd=config.root,
                      env=env, warm=_warm(str(spec), group=True))
    own = Written.load(timing)
    timing.unlink(missing_ok=True)
    watch = current_watch()
    if own is not None and watch is not None:  # its phases end with its own build
        watch.child_ended = own.started + own.seconds
    return replace(run, argv=argv, seconds=own.seconds if own else run.seconds)


def _warm(argument: Any, group: bool = False) -> Callable[[], int] | None:
    """The same command as a function of this process, when this process has Sphinx
    imported (a pool worker: giza.sphinx.inprocess), for run_process to fork: sphinx's
    build_main with ``argument`` as its arguments, or the runner with ``argument`` as its
    group file."""
    module = sys.modules.get("giza.sphinx.inprocess")
    if module is None:
        return None
    if group:
        from giza.sphinx.runner import run_forked  # lazy: Sphinx is imported already

        return functools.partial(run_forked, argument)
    return functools.partial(module.sphinx_build, argument)


def collect_written(config: Config, variant: Variant, proxy: str, jobs: int = 1,
                    tags: Sequence[str] = (), removed_pages: Sequence[str] = (),
                    seed_doctrees: str | None = None) -> SphinxResult:
    """The result of this variant's sphinx-build, which its reader's process ran
    (run_variant's ``writers``). When that process did not get to it (the reader failed
    before it had read, a lane died), build it here, as on its own."""
    from giza.sphinx.group import Written  # lazy: a no-op build runs nothing
    from giza.watchdog import current_watch

    path = layout.written_path(config, variant.name)
    written = Written.load(path)
    if written is None:
        return run_variant(config, variant, proxy, jobs, tags, removed_pages, seed_doctrees)
    path.unlink(missing_ok=True)
    watch = current_watch()
    if watch is not None:  # its phases and documents, for the timeline and --level debug
        watch.child_started = written.started
        watch.child_ended = written.started + written.seconds
        watch.elsewhere = (f"pid {written.pid}", written.started, watch.child_ended)
        for when, line in written.lines:
            watch.add_line(when, line.rstrip("\n"))
    value = SphinxResult(variant=variant.name, argv=written.argv, jobs=written.jobs,
                         returncode=written.returncode, output=written.output,
                         seconds=written.seconds, log=parse_log(written.output),
                         seeded_from=seed_doctrees if written.seeded else None)
    return _sphinx_done(config, variant, value, removed_pages)


def _sphinx_done(config: Config, variant: Variant, value: SphinxResult,
                 removed_pages: Sequence[str]) -> SphinxResult:
    """A failed run raises TaskFailed; a seeded one that read anyway notes why
    (giza.readonce); the outputs of removed pages go."""
    from giza.readonce import note_seeded_run  # lazy: a no-op build runs nothing

    if value.returncode != 0:
        raise TaskFailed(f"sphinx-build exited with status {value.returncode}", value)
    if value.seeded_from:
        note_seeded_run(config, variant, value.seeded_from, value.output)
    return replace(value, stale_removed=tuple(
        remove_stale_outputs(variant.output_dir(config), variant.builder, removed_pages)))


def post_variant(config: Config, variant: Variant) -> PostResult:
    """The builder's finalizer: turn sphinx output into this variant's site fragment."""
    from giza.post import post_variant as finalize  # lazy: keeps start-up and the no-op build fast

    return PostResult.of(finalize(config, variant))


def stage_site(config: Config, edition: str | None, language: str | None,
               variants: Sequence[str], site_files: dict[str, str],
               root_files: dict[str, str | bytes]) -> StageResult:
    """Swap in the new staged site built from the variants' fragments (atomically)."""
    from giza.post import stage_site as stage  # lazy: keeps start-up and the no-op build fast
    from giza.site.assemble import write_root_files

    done = stage(config, edition, language, list(variants), dict(site_files))
    return StageResult(site=done["site"], url=done["url"], variants=tuple(done["variants"]),
                       files=done["files"], pages=done["pages"], sitemap=done["sitemap"],
                       root_files=tuple(write_root_files(root_files)),
                       seconds=done["seconds"], notes=tuple(done["notes"]))


def publish(site: str) -> StageResult:
    """The join between building and deploying: it runs only when every build task
    succeeded, and hands on the site they staged."""
    return StageResult(site=site)


def sitemap_index(config: Config, sites: Sequence[tuple[str | None, str | None]]
                  ) -> StageResult:
    from giza.post import sitemap_index as index  # lazy: a no-op build stages nothing

    path = index(config, [(e, lang, layout.site_dir(config, e, lang)) for e, lang in sites])
    return StageResult(site=str(path.parent), sitemap=str(path))
