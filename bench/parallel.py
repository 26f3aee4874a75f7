"""Benchmark: sphinx-build variants one after another vs. through run_graph (process pool).

    .venv/bin/python bench/parallel.py --pages 200 --editions 2 --builders html dirhtml

Generates a synthetic Sphinx project (one source tree per edition, as giza's proxy trees
are), then builds every (edition, builder) variant from scratch twice: (a) sequentially,
(b) as a task graph on the ProcessExecutor with --jobs cores, each sphinx-build getting its
-j share of the core budget when there are fewer variants than cores. Prints both and the
ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from giza.graph import Graph, ProcessExecutor, Task, run_graph  # noqa: E402
from giza.sphinx.run import run_command  # noqa: E402

WORDS = (
    "replica set shard primary secondary index query cursor document collection field "
    "aggregation pipeline stage operator driver server config write concern read preference "
    "journal oplog election heartbeat balancer chunk migration backup restore"
).split()


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def page(rng: random.Random, number: int, pages: int) -> str:
    title = f"Page {number}: {rng.choice(WORDS)} {rng.choice(WORDS)}"
    lines = [f".. _page-{number}:", "", title, "=" * len(title), ""]
    for section in range(4):
        heading = f"Section {section} {rng.choice(WORDS)}"
        lines += [heading, "-" * len(heading), ""]
        for _ in range(3):
            lines += [" ".join(sentence(rng) for _ in range(4)), ""]
        lines += [
            f"See :ref:`page-{rng.randrange(pages)}` and *{rng.choice(WORDS)}*.",
            "",
            ".. code-block:: python",
            "",
            f"   def handler_{section}(doc):",
            f"       return doc.get({rng.choice(WORDS)!r}, {section})",
            "",
            "- " + sentence(rng, 6),
            "- " + sentence(rng, 6),
            "",
            ".. only:: saas",
            "",
            "   " + sentence(rng),
            "",
        ]
    return "\n".join(lines)


def _burn(loops: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(loops):
        total += i
    return time.perf_counter() - start


def cpu_scaling(jobs: int, loops: int = 10_000_000) -> float:
    """How many times one process's CPU throughput ``jobs`` concurrent processes achieve.

    The upper bound for any parallel build on this machine: on a VM whose vCPUs are
    hyperthreads of one core, or with busy neighbours, it is well below ``jobs``.
    """
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_burn, [loops // 10] * jobs))  # warm the workers up
        alone = pool.submit(_burn, loops).result()
        start = time.perf_counter()
        list(pool.map(_burn, [loops] * jobs))
        together = time.perf_counter() - start
    return jobs * alone / together


def make_corpus(root: Path, pages: int, editions: list[str], seed: int = 1) -> dict[str, Path]:
    """One source tree per edition; identical content, as proxy trees of one source are."""
    rng = random.Random(seed)
    texts = [page(rng, i, pages) for i in range(pages)]
    trees = {}
    for edition in editions:
        src = root / f"source-{edition}"
        src.mkdir(parents=True)
        (src / "conf.py").write_text(
            "project = 'bench'\nsource_suffix = {'.txt': 'restructuredtext'}\n"
            "root_doc = 'index'\nhtml_theme = 'basic'\n"
        )
        toctree = "\n".join(f"   page{i}" for i in range(pages))
        (src / "index.txt").write_text(f"Bench\n=====\n\n.. toctree::\n\n{toctree}\n")
        for i, text in enumerate(texts):
            (src / f"page{i}.txt").write_text(text)
        trees[edition] = src
    return trees


def sphinx_argv(src: Path, out: Path, builder: str, edition: str, cores: int) -> list[str]:
    sphinx_build = Path(sys.executable).with_name("sphinx-build")
    argv = [str(sphinx_build), "-q", "-E", "-b", builder, "-t", edition,
            "-d", str(out / f"doctrees-{builder}-{edition}")]
    if cores > 1:
        argv += ["-j", str(cores)]
    return [*argv, str(src), str(out / f"{builder}-{edition}")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--editions", type=int, default=2)
    parser.add_argument("--builders", nargs="+", default=["html", "dirhtml"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; best is kept")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args()

    editions = [f"ed{i}" for i in range(args.editions)]
    variants = [(e, b) for e in editions for b in args.builders]
    # The core budget: fewer variants than cores -> each sphinx-build gets -j share.
    share = max(1, args.jobs // len(variants))
    root = Path(tempfile.mkdtemp(prefix="giza-bench-"))
    try:
        trees = make_corpus(root / "src", args.pages, editions)
        print(f"corpus: {args.pages} pages x {len(editions)} editions, builders "
              f"{' '.join(args.builders)} -> {len(variants)} variants; jobs={args.jobs}, "
              f"-j share={share}; cpu_count={os.cpu_count()}")

        graph = Graph(
            Task(f"sphinx:{builder}-{edition}", run_command,
                 {"argv": sphinx_argv(trees[edition], root / "graph", builder, edition, share)},
                 kind="sphinx", variant=f"{builder}-{edition}", cores=share)
            for edition, builder in variants
        )
        # Alternate the two and keep the best of each: on a shared (virtual) machine the
        # neighbours' load varies from minute to minute; the minimum is the least disturbed.
        seq_times, graph_times = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for edition, builder in variants:
                run_command(sphinx_argv(trees[edition], root / "sequential", builder, edition, 1))
            seq_times.append(time.perf_counter() - start)

            start = time.perf_counter()
            with ProcessExecutor(args.jobs) as executor:
                outcomes = run_graph(graph, executor)
            graph_times.append(time.perf_counter() - start)
            failed = [o for o in outcomes.values() if o.status != "ok"]
            if failed:
                print("\n".join(f"{o.name}: {o.message}" for o in failed), file=sys.stderr)
                return 1
        sequential, parallel = min(seq_times), min(graph_times)
        scaling = cpu_scaling(args.jobs)
        print(f"cpu scaling: {args.jobs} busy processes do {scaling:.2f}x the work of one "
              f"(best possible ratio ~{1 / min(scaling, len(variants)):.2f})")
        print("runs (s): sequential " + " ".join(f"{t:.2f}" for t in seq_times)
              + " | graph " + " ".join(f"{t:.2f}" for t in graph_times)
              + " | pairwise ratio "
              + " ".join(f"{g / q:.2f}" for q, g in zip(seq_times, graph_times, strict=True)))
        print(f"sequential: {sequential:7.2f} s")
        print(f"graph:      {parallel:7.2f} s")
        print(f"ratio:      {parallel / sequential:7.2f}")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
