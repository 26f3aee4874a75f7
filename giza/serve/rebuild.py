"""One rebuild after a batch of changes: regenerate the touched proxy trees, rebuild the
touched variants (warm Sphinx, or sphinx-build when that fails), report.

A failure keeps the last good pages: when generating content fails, Sphinx does not run;
when Sphinx fails, the variant's pages are whatever it wrote before failing.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from giza import layout
from giza.config.model import Config
from giza.errors import GizaError
from giza.pipeline import tasks
from giza.pipeline.plan import Tree, trees
from giza.pipeline.results import PrepareResult, TaskFailed
from giza.serve.model import Problem, Rebuilt
from giza.serve.plan import YAML, Change, IncludesCache, describe, touched_by_source
from giza.serve.warm import WarmWorker, spec_from_argv
from giza.variants import Variant

_WHERE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<text>.*)$",
                    re.DOTALL)


def problem_from_error(exc: BaseException) -> Problem:
    """A GizaError's "file:line: text" message as an overlay entry."""
    text = str(exc)
    match = _WHERE.match(text)
    if match:
        return Problem(match["file"], int(match["line"]), "ERROR", match["text"])
    return Problem(None, None, "ERROR", text)


class Rebuilder:
    """Turns batches of changed paths into rebuilds. Used from one thread at a time."""

    def __init__(self, config: Config, variants: Sequence[Variant], out: TextIO,
                 publish: Callable[[Rebuilt], None], warm: bool = True,
                 load_config: Callable[[], Config] | None = None,
                 early: Callable[[str, list[str]], None] | None = None) -> None:
        self.config = config
        self.variants = list(variants)
        self.out = out
        self.publish = publish
        self.early = early  # (variant, docnames): the edited pages are written, more follow
        self.warm = warm
        self.load_config = load_config
        self.includes = IncludesCache(config.paths.source)
        self.workers: dict[str, WarmWorker] = {}
        self.origins: dict[str, dict[str, Any]] = {}  # tree -> generated file -> (yaml, line)
        self.failing: set[str] = set()  # variants whose last rebuild failed
        self.errors: dict[str, tuple[Problem, ...]] = {}  # variant -> Sphinx errors standing
        self.stopping = False
        # the options live in a context variable, which the rebuild thread does not see
        from giza.options import current

        self.command = current().command

    def start_workers(self) -> None:
        found, tree_of = trees(self.config, self.variants)
        for name, tree in found.items():  # what the first build generated, for messages
            try:
                with self.locked():
                    self.origins[name] = tasks.prepare_tree(
                        self.config, tree.edition, tree.language,
                        str(layout.proxy_dir(self.config, name)), excluded=tree.excluded).origins
            except GizaError:
                pass  # the next change reports it
        if not self.warm:
            return
        for variant in self.variants:
            self.workers[variant.name] = WarmWorker(variant.name, self._spec(variant, tree_of))

    def _spec(self, variant: Variant, tree_of: dict[Variant, str]) -> Any:
        proxy = str(layout.proxy_dir(self.config, tree_of[variant]))
        context = tasks.write_context(self.config, variant, proxy)
        argv = tasks.variant_argv(self.config, variant, proxy)
        return spec_from_argv(argv, [("GIZA_BUILD_CONTEXT", str(context))])

    def stop(self) -> None:
        self.stopping = True
        for worker in list(self.workers.values()):
            worker.stop()

    def locked(self) -> Any:
        """The project's build lock (giza.lock), held only while rebuilding, never while
        idle: a `giza sphinx` in another terminal runs between two edits."""
        from giza.lock import holding, lock_path  # lazy: start-up time

        return holding(lock_path(self.config), self.command, err=self.out)

    def handle(self, paths: set[Path]) -> list[Rebuilt]:
        with self.locked():
            return self._handle(paths)

    def _handle(self, paths: set[Path]) -> list[Rebuilt]:
        start = time.perf_counter()
        change = describe(self.config, paths,
                          [layout.proxy_dir(self.config, t) for t in trees(self.config,
                                                                     self.variants)[0]])
        if not change.full and not change.source:
            return []
        self.includes.invalidate(change.source)
        if change.full and self.load_config is not None:
            try:
                self.config = self.load_config()
            except GizaError as exc:
                return self._fail_all(change, [problem_from_error(exc)], start)
        found, tree_of = trees(self.config, self.variants)
        touched, failed = self._prepare(change, found)
        results = []
        for name, problem in failed.items():
            results += [self._failed(v, change, [problem], start)
                        for v in self.variants if tree_of[v] == name]
        # A variant whose last rebuild failed rebuilds too: its overlay must go away even
        # when the fix restores exactly the output it had before.
        chosen = [v for v in self.variants if tree_of[v] not in failed
                  and (tree_of[v] in touched or v.name in self.failing)]
        results += [self._carry(r, change)
                    for r in self._build_all(chosen, change, tree_of, start)]
        self.failing = {r.variant for r in results if not r.ok} | (
            self.failing - {r.variant for r in results})
        self._report_all(results, change)
        return results

    def _report_all(self, results: Sequence[Rebuilt], change: Change) -> None:
        for result in results:
            self._report(result)
        if not results:  # say so: the writer saved and waits for something to happen
            self.out.write(f"{change.trigger} → no served page changed\n")
            self.out.flush()

    def _carry(self, result: Rebuilt, change: Change) -> Rebuilt:
        """Sphinx reports a page's errors only when it reads the page: keep the earlier
        errors of pages this change did not touch, so the overlay still shows them."""
        if not result.ok:
            return result
        root = self.config.root
        edited = {os.path.relpath(self.config.paths.source / rel, root)
                  for rel in change.source}
        earlier = () if change.full else self.errors.get(result.variant, ())
        kept = tuple(p for p in earlier if p.file not in edited and p not in result.problems)
        result = replace(result, problems=result.problems + kept)
        self.errors[result.variant] = result.errors
        return result

    def _prepare(self, change: Change, found: dict[str, Tree]
                 ) -> tuple[set[str], dict[str, Problem]]:
        """Regenerate the trees a change may touch; (touched trees, failed trees)."""
        touched: set[str] = set()
        failed: dict[str, Problem] = {}
        for name, tree in found.items():
            by_source = bool(change.full) or touched_by_source(
                self.config, tree, change.source, self.includes)
            try:
                result = self._prepare_tree(change, tree)
            except GizaError as exc:
                failed[name] = problem_from_error(exc)
                continue
            self.origins[name] = dict(result.origins)
            if by_source or result.generated or result.removed:
                touched.add(name)
        return touched, failed

    def _prepare_tree(self, change: Change, tree: Tree) -> PrepareResult:
        """Mirror and regenerate a tree; for edits of plain files (pages, includes, images)
        that no generator rewrites, copy just those files: a walk of 1,000 pages and a
        check of every content file would cost more than Sphinx's work."""
        from giza.proxy import load_owned, release_owned  # lazy: start-up time

        proxy = layout.proxy_dir(self.config, tree.name)
        source = self.config.paths.source
        plain = tree.name in self.origins and not change.full and all(
            not rel.endswith(YAML) and (source / rel).is_file() for rel in change.source)
        if plain and not set(change.source) & load_owned(proxy):
            copied = release_owned(source, proxy, set(change.source), self.config.paths.ignore,
                                   tree.excluded)
            return PrepareResult(proxy=str(proxy), origins=self.origins[tree.name],
                                 copied=len(copied))
        return tasks.prepare_tree(self.config, tree.edition, tree.language, str(proxy),
                                   excluded=tree.excluded)

    def _build_all(self, chosen: Sequence[Variant], change: Change,
                   tree_of: dict[Variant, str], start: float) -> list[Rebuilt]:
        """Variants build side by side, each in its own worker."""
        results: dict[str, Rebuilt] = {}

        def one(variant: Variant) -> None:
            results[variant.name] = self._build(variant, change, tree_of[variant], start)

        threads = [threading.Thread(target=one, args=(v,), daemon=True) for v in chosen]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [results[v.name] for v in chosen if v.name in results]

    def _build(self, variant: Variant, change: Change, tree: str, start: float) -> Rebuilt:
        proxy = str(layout.proxy_dir(self.config, tree))
        tasks.write_context(self.config, variant, proxy)
        worker = self.workers.get(variant.name)
        reason = "the warm Sphinx application is off (--no-warm)"
        if worker is not None:
            if change.full:
                worker.stop()
                worker = self.workers[variant.name] = WarmWorker(
                    variant.name, self._spec(variant, {variant: tree}))
            early = self.early
            try:
                done = worker.build(fresh=bool(change.full), on_pages=None if early is None
                                    else lambda pages: early(variant.name, pages))
            except (EOFError, OSError):
                if self.stopping:
                    raise
                worker.stop()
                reason = (f"the warm Sphinx worker stopped (exit status "
                          f"{worker.process.exitcode}); a new one is started")
                worker = self.workers[variant.name] = WarmWorker(
                    variant.name, self._spec(variant, {variant: tree}))
                return self._fallback(variant, change, proxy, tree, reason, start, worker)
            if done.ok:
                return Rebuilt(variant.name, change.trigger, True, done.read, done.written,
                               time.perf_counter() - start, full=change.full,
                               problems=self._problems(done.warnings, tree))
            reason = f"the warm Sphinx application failed ({done.failure})"
        return self._fallback(variant, change, proxy, tree, reason, start, worker)

    def _fallback(self, variant: Variant, change: Change, proxy: str, tree: str, reason: str,
                  start: float, worker: WarmWorker | None) -> Rebuilt:
        try:
            value = tasks.run_variant(self.config, variant, proxy)
            ok = True
        except TaskFailed as failed:
            value, ok = failed.value, False
        if worker is not None:
            worker.reset()  # sphinx-build rewrote the environment it had loaded
        log = value.log.mapped(self._mapper(tree))
        problems = tuple(Problem(m.path, m.line, m.level, m.text) for m in log.messages
                         if m.level != "INFO")
        if not ok and not any(p.level != "WARNING" for p in problems):
            problems += (Problem(None, None, "ERROR",
                                 f"sphinx-build exited with status {value.returncode}"),)
        return Rebuilt(variant.name, change.trigger, ok, len(log.processed.read),
                       len(log.processed.written), time.perf_counter() - start,
                       full=change.full, fallback=reason, problems=problems)

    def _mapper(self, tree: str) -> Any:
        from giza.sphinx.output import proxy_path_mapper  # lazy: start-up time

        origins = {Path(k): (Path(v[0]), int(v[1]))
                   for k, v in self.origins.get(tree, {}).items()}
        return proxy_path_mapper(self.config.root,
                                 {layout.proxy_dir(self.config, tree): self.config.paths.source},
                                 origins)

    def _problems(self, warnings: str, tree: str) -> tuple[Problem, ...]:
        from giza.sphinx.output import parse_output  # lazy: start-up time

        return tuple(Problem(m.path, m.line, m.level, m.text)
                     for m in parse_output(warnings, self._mapper(tree)) if m.level != "INFO")

    def _failed(self, variant: Variant, change: Change, problems: Sequence[Problem],
                start: float) -> Rebuilt:
        return Rebuilt(variant.name, change.trigger, False, 0, 0, time.perf_counter() - start,
                       full=change.full, problems=tuple(problems))

    def _fail_all(self, change: Change, problems: Sequence[Problem],
                  start: float) -> list[Rebuilt]:
        results = [self._failed(v, change, problems, start) for v in self.variants]
        self.failing = {v.name for v in self.variants}
        self._report_all(results, change)
        return results

    def _report(self, result: Rebuilt) -> None:
        lines = [result.line()]
        if result.fallback:
            lines.append(f"  note: ran sphinx-build: {result.fallback}")
        lines += [f"  {p.shown()}" for p in result.problems]
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        self.publish(result)
