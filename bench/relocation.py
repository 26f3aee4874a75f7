"""Benchmark: a build/ directory restored under a checkout at another path.

    .venv/bin/python bench/relocation.py [--pages 200] [--keep]

Builds a synthetic giza project once (html and dirhtml, one edition), copies the whole
checkout with its build/ to another path (file times kept, as a cache restore of an
unchanged checkout keeps them in the proxy tree), then times, end to end with a fresh
interpreter, in both the original checkout (the baseline) and the copy: a no-op rebuild,
and a rebuild after the same one-page edit. Prints each pair and their ratio.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.parallel import make_corpus, make_giza_project  # noqa: E402

BUILDERS = ["html", "dirhtml"]


def giza(project: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "giza", "--level", "debug", "sphinx", "-b",
                           *BUILDERS], cwd=project, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"giza failed in {project}:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def read_counts(output: str) -> str:
    """What each sphinx task read, from giza's debug lines ("read 200 documents")."""
    found = [line.split(", read", 1)[1].split(" in ", 1)[0].strip() or "0 documents"
             for line in output.splitlines() if ", read" in line]
    return ", ".join(found) or "no sphinx-build"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="giza-bench-"))
    try:
        trees = make_corpus(root / "src", args.pages, ["ed0"])
        here = make_giza_project(root / "here", trees["ed0"], ["ed0"])
        full, _ = giza(here)
        there = root / "elsewhere/checkout"
        shutil.copytree(here, there, symlinks=True)
        print(f"corpus: {args.pages} pages, builders {' '.join(BUILDERS)}, one edition; "
              f"first build {full:.1f} s")
        rows = []
        for phase in ("no-op rebuild", "one-page edit"):
            if phase == "one-page edit":
                for project in (here, there):
                    page = project / "source/page7.txt"
                    page.write_text(page.read_text() + "\nOne more sentence.\n")
            base, base_out = giza(here)
            moved, moved_out = giza(there)
            rows.append((phase, base, moved, read_counts(base_out), read_counts(moved_out)))
            if phase == "no-op rebuild" and "sphinx:" in moved_out:
                raise SystemExit(f"the relocated no-op started sphinx-build:\n{moved_out}")
        print("| phase | same path | moved | ratio | read (same path) | read (moved) |")
        print("|---|---|---|---|---|---|")
        for phase, base, moved, base_read, moved_read in rows:
            print(f"| {phase} | {base:.2f} s | {moved:.2f} s | {moved / base:.2f} | "
                  f"{base_read} | {moved_read} |")
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
