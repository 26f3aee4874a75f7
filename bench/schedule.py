"""Benchmark: longest-expected-first scheduling against insertion order, side by side.

    nice .venv/bin/python bench/schedule.py --pages 30 --editions 3 --growth 2 --jobs 2

A mixed build: editions of different sizes (edition i has pages * growth ** i pages, so the
config lists the small ones first) x html, dirhtml, singlehtml, latex, epub, every variant a
real `sphinx-build -E` from scratch, as `sphinx` tasks through `run_graph` on the
ProcessExecutor with --jobs cores. It runs the graph twice:

1. in today's order (insertion order: editions, then builders, as giza plans them); the
   durations it measures are what a build record keeps;
2. longest expected first, with the durations of run 1 as the expected ones (as giza takes
   them from the last record).

For each it prints the total (wall) time and its ratio to the lower bound
max(longest task, total work / cores) computed from that run's own task times.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from giza.graph import Graph, ProcessExecutor, Task, run_graph  # noqa: E402
from giza.proc import run_command  # noqa: E402

from bench.parallel import make_corpus  # noqa: E402

BUILDERS = ("html", "dirhtml", "singlehtml", "latex", "epub")


def graph(trees: dict[str, Path], out: Path) -> Graph:
    tasks = []
    for edition, src in trees.items():
        for builder in BUILDERS:
            name = f"sphinx:{builder}-{edition}"
            argv = [sys.executable, "-m", "sphinx", "-E", "-q", "-b", builder, "-d",
                    str(out / f"doctrees-{builder}-{edition}"), str(src),
                    str(out / f"{builder}-{edition}")]
            tasks.append(Task(name, run_command, {"argv": argv}, kind="sphinx",
                              variant=f"{builder}-{edition}"))
    return Graph(tasks)


def run(trees: dict[str, Path], out: Path, jobs: int,
        expected: dict[str, float] | None) -> tuple[float, dict[str, float]]:
    """(wall seconds, seconds per task) of one run of the whole graph."""
    shutil.rmtree(out, ignore_errors=True)
    with ProcessExecutor(jobs) as executor:
        start = time.perf_counter()
        outcomes = run_graph(graph(trees, out), executor, expected=expected)
        wall = time.perf_counter() - start
    failed = [o.name for o in outcomes.values() if not o.ok]
    if failed:
        raise SystemExit(f"failed: {failed}: {outcomes[failed[0]].message}")
    return wall, {name: o.timing.seconds for name, o in outcomes.items() if o.timing}


def bound(times: dict[str, float], jobs: int) -> float:
    return max(max(times.values()), sum(times.values()) / jobs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40, help="pages of the smallest edition")
    parser.add_argument("--editions", type=int, default=3)
    parser.add_argument("--growth", type=float, default=2.0,
                        help="each edition has this many times the pages of the one before")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="giza-schedule-") as tmp:
        root = Path(tmp)
        trees = {}
        sizes = [round(args.pages * args.growth ** i) for i in range(args.editions)]
        for i, size in enumerate(sizes):
            edition = f"e{i}"
            trees.update(make_corpus(root / edition, size, [edition], seed=i))
        out = root / "out"
        first, measured = run(trees, out, args.jobs, None)
        second, times = run(trees, out, args.jobs, measured)
    print(f"{len(BUILDERS) * args.editions} variants ({args.editions} editions of "
          f"{', '.join(map(str, sizes))} "
          f"pages x {', '.join(BUILDERS)}), {args.jobs} cores")
    print(f"{'order':<26} {'total':>8} {'lower bound':>12} {'ratio':>6}")
    for label, wall, own in (("insertion (today)", first, measured),
                             ("longest expected first", second, times)):
        low = bound(own, args.jobs)
        print(f"{label:<26} {wall:>7.1f}s {low:>11.1f}s {wall / low:>6.2f}")
    print(f"longest-first / insertion: {second / first:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
