"""Benchmark: every published branch in one giza run against checking out and building each.

    .venv/bin/python bench/branches.py [--pages 200] [--branches 4] [--smv PYTHON] [--keep]

A git repository with N branches (master, v3, v2, v1), each with --pages pages (about a
tenth of them differ from branch to branch), its own conf.py value and a page of its own,
is built with `-b html` three ways, each timed end to end, interpreter start included:

  giza --branches   `python -m giza sphinx -b html --branches published` (one run)
  sequential loop   per branch: `git checkout BRANCH`, then `python -m giza sphinx -b html`
  sphinx-multiversion  `sphinx-multiversion source OUT` from the interpreter given with
                    --smv (a separate virtualenv: `pip install sphinx-multiversion`);
                    when it fails, its error is printed instead of a time

Both giza runs are timed three times: cold (empty build/), the nightly re-run after one
commit on one branch, and once more with nothing changed. The ratio printed is
giza --branches / sequential loop.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.parallel import page  # noqa: E402  (the synthetic page text)

NAMES = ("master", "v3", "v2", "v1", "v0", "v00")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write_branch(root: Path, branch: str, number: int, pages: int) -> None:
    rng = random.Random(number)
    source = root / "source"
    for old in source.glob("only-*.txt"):
        old.unlink()
    for n in range(pages):
        if number == 0 or n % 10 == number:  # a tenth of the pages differ per branch
            text = page(random.Random(n * 31 + (number if n % 10 == number else 0)), n, pages)
            (source / f"page-{n}.txt").write_text(text)
    (source / f"only-{branch}.txt").write_text(f":orphan:\n\nOnly {branch}\n{'=' * 40}\n\n"
                                               f"{rng.random()}\n")
    (root / "conf.py").write_text(
        "source_suffix = {'.txt': 'restructuredtext'}\nroot_doc = 'index'\n"
        f"html_theme = 'basic'\nrst_epilog = '.. |flavour| replace:: {branch}'\n")


def make_repo(root: Path, branches: list[str], pages: int) -> None:
    (root / "config").mkdir(parents=True)
    (root / "source").mkdir()
    (root / ".gitignore").write_text("build/\n")
    (root / "config/build_conf.yaml").write_text(
        "project: {name: bench, branched: true, url: 'https://docs.example.com'}\n")
    (root / "config/published_branches.yaml").write_text(
        f"git:\n  branches:\n    published: [{', '.join(branches)}]\n")
    (root / "source/index.txt").write_text(
        "Bench |flavour|\n================\n\n.. toctree::\n   :maxdepth: 1\n\n"
        + "".join(f"   page-{n}\n" for n in range(pages)))
    git(root, "init", "-q", "-b", branches[-1])
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "Bench")
    for number, branch in enumerate(reversed(branches)):
        if number:
            git(root, "checkout", "-q", "-b", branch)
        write_branch(root, branch, number, pages)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"{branch} docs")


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr}")
    return seconds


def giza_branches(root: Path) -> float:
    return timed([sys.executable, "-m", "giza", "sphinx", "-b", "html", "--branches",
                  "published"], root)


def sequential(root: Path, branches: list[str]) -> float:
    seconds = 0.0
    for branch in branches:
        seconds += timed(["git", "checkout", "-q", branch], root)
        seconds += timed([sys.executable, "-m", "giza", "sphinx", "-b", "html"], root)
    return seconds


def edit(root: Path, branch: str, back: str) -> None:
    """One commit on ``branch`` (one page changed), then back to ``back``."""
    git(root, "checkout", "-q", branch)
    path = root / "source/page-1.txt"
    path.write_text(path.read_text() + "\nOne more paragraph after an edit.\n")
    git(root, "commit", "-q", "-am", "nightly edit")
    git(root, "checkout", "-q", back)


SMV_CONF = """
extensions = ['sphinx_multiversion']
smv_branch_whitelist = r'^({branches})$'
smv_tag_whitelist = r'^$'
smv_remote_whitelist = None
"""


def multiversion(root: Path, python: str, branches: list[str]) -> str:
    """sphinx-multiversion over the same branches: its time, or why it failed."""
    with (root / "conf.py").open("a") as conf:  # its settings live in the current conf.py
        conf.write(SMV_CONF.format(branches="|".join(branches)))
    argv = [python, "-m", "sphinx_multiversion", "-c", ".", "source", "build/smv"]
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    built = [b for b in branches if (root / "build/smv" / b / "index.html").is_file()]
    if done.returncode != 0 or len(built) != len(branches):
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"failed (exit {done.returncode}, built {len(built)}/{len(branches)}): {last[0]}"
    return f"{seconds:.1f} s"


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--branches", type=int, default=4)
    parser.add_argument("--smv", help="python of a virtualenv with sphinx-multiversion")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repositories")
    args = parser.parse_args()
    branches = list(NAMES[:args.branches])
    tmp = Path(tempfile.mkdtemp(prefix="giza-bench-branches-"))
    origin = tmp / "origin"
    make_repo(origin, branches, args.pages)
    ours, loop, smv = (tmp / "ours", tmp / "loop", tmp / "smv")
    for clone in (ours, loop, smv):
        shutil.copytree(origin, clone, symlinks=True)
    rows = []
    before = load()
    cold = (giza_branches(ours), sequential(loop, branches))
    rows.append(("cold (empty build/)", *cold, before))
    for clone in (ours, loop):
        edit(clone, branches[2], branches[0])
    before = load()
    warm = (giza_branches(ours), sequential(loop, branches))
    rows.append(("nightly, one branch changed", *warm, before))
    before = load()
    rows.append(("nothing changed", giza_branches(ours), sequential(loop, branches), before))
    smv_result = multiversion(smv, args.smv, branches) if args.smv else "not run (no --smv)"
    print(f"{len(branches)} branches x {args.pages} pages, -b html, {os.cpu_count()} cores")
    print(f"{'run':30} {'giza --branches':>16} {'sequential loop':>16} {'ratio':>6}  load 1/5/15")
    for name, ours_s, loop_s, before in rows:
        print(f"{name:30} {ours_s:15.1f}s {loop_s:15.1f}s {ours_s / loop_s:6.2f}  {before}")
    print(f"sphinx-multiversion (cold): {smv_result}")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
