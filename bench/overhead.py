"""Benchmark: what giza adds on top of Sphinx for one variant (html), from clean.

    .venv/bin/python bench/overhead.py [--pages 1200] [--files 600] [--repeat 1] [--profile]

Writes a synthetic giza project shaped like a real repository: ``--pages`` pages in six
sections (bench/parallel.py's page text), each including generated steps and extracts, and
``--files`` generator YAML files under source/includes (bench/generate.py's corpus: steps,
extracts, options, apiargs, release, toc, glossary; 5 units a file). Then, alternating:

- giza: ``python -m giza --jobs 2 sphinx -b html`` end to end, build/ removed first
  (the order alternates by repeat: giza first, then plain first, ...);
- sphinx: plain ``sphinx-build -j 2`` with giza's own argv and build context, on the proxy
  tree giza produced, into an empty doctree and output directory.

Prints both and their ratio (target <= 1.03x), and what giza spent outside its own
sphinx-build (its run minus the sphinx:html task in its record's timeline): on a shared
machine Sphinx's time swings with the neighbours' load, and that figure does not.
giza's modules are byte-compiled first, as ``pip install`` does (Sphinx's are): an editable
install under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile them in every run,
~0.1-0.15 s on this machine that no installed giza pays.
``--profile`` runs giza once more under cProfile with the serial executor (every stage in
one process; sphinx-build is a child) and prints the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import giza  # noqa: E402

from bench.generate import make_corpus as make_includes  # noqa: E402
from bench.parallel import page  # noqa: E402

SECTIONS = ("tutorial", "reference", "administration", "core", "faq", "release-notes")
CONF = ("project = 'overhead'\nextensions = ['giza.sphinxext']\n"
        "source_suffix = {'.txt': 'restructuredtext'}\nroot_doc = 'index'\n"
        "exclude_patterns = ['includes']\nhtml_theme = 'basic'\n")


def make_project(root: Path, pages: int, files: int) -> Path:
    """The giza project: conf.py, config/, source/ with pages and generator files."""
    make_includes(root, files * 5, files)
    rng = random.Random(3)
    steps = [n for n in range(files) if n % 7 == 1]
    extracts = [n for n in range(files) if n % 7 == 0]
    source = root / "source"
    for number in range(pages):
        section = SECTIONS[number % len(SECTIONS)]
        text = page(rng, number, pages)
        text += (f"\n\n.. include:: /includes/steps/f{steps[number % len(steps)]}.rst\n"
                 f"\n.. include:: /includes/extracts/u{extracts[number % len(extracts)]}-0.rst\n")
        (source / section).mkdir(exist_ok=True)
        (source / section / f"page{number}.txt").write_text(text)
    for section in SECTIONS:
        (source / section / "index.txt").write_text(
            f"{section}\n{'=' * len(section)}\n\n.. toctree::\n   :glob:\n\n   page*\n")
    toc = "\n".join(f"   {s}/index" for s in SECTIONS)
    (source / "index.txt").write_text(f"Overhead\n========\n\n.. toctree::\n\n{toc}\n")
    (root / "conf.py").write_text(CONF)
    (root / "config").mkdir()
    (root / "config/build_conf.yaml").write_text(
        "project: {name: overhead}\nversion: {release: '1.0', branch: '1.0'}\n")
    shutil.move(root / "replacement.yaml", root / "config/replacement.yaml")
    return root


def sphinx_seconds(project: Path) -> float:
    """How long giza's sphinx:html task took, from the timeline in its record."""
    record = json.loads((project / "build/1.0/.giza/record.json").read_text())
    for task in record["timeline"]["tasks"]:
        if task["name"] == "sphinx:html":
            return float(task["timing"]["end"]) - float(task["timing"]["start"])
    raise SystemExit("no sphinx:html task in giza's record")


def run_giza(project: Path, *extra: str) -> float:
    shutil.rmtree(project / "build", ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *extra, "-m", "giza", "--jobs", "2", "sphinx",
                           "-b", "html"], cwd=project, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"giza failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def sphinx_argv(project: Path, scratch: Path) -> list[str]:
    """giza's own sphinx-build argv for the html variant, into scratch dirs."""
    from giza.config import load
    from giza.pipeline.tasks import variant_argv
    from giza.variants import Variant

    config = load(start=project)
    argv = variant_argv(config, Variant("html"), str(config.branch_dir / "source"), jobs=2)
    argv[argv.index("-d") + 1] = str(scratch / "doctrees")
    return [*argv[:-1], str(scratch / "html")]


def run_sphinx(project: Path, scratch: Path) -> float:
    shutil.rmtree(scratch, ignore_errors=True)
    env = {**os.environ,
           "GIZA_BUILD_CONTEXT": str(project / "build/1.0/.giza/context/html.json")}
    start = time.perf_counter()
    done = subprocess.run(sphinx_argv(project, scratch), cwd=project, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"sphinx-build failed:\n{done.stderr[-3000:]}")
    return seconds


def profile(project: Path, top: int) -> None:
    """giza once more under cProfile, serial executor: where the time outside Sphinx goes."""
    out = project.parent / "giza.prof"
    shutil.rmtree(project / "build", ignore_errors=True)
    argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "giza", "--executor",
            "serial", "--jobs", "2", "sphinx", "-b", "html"]
    subprocess.run(argv, cwd=project, capture_output=True, check=True)
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1200)
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; best is kept")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="giza-bench-"))
    compileall.compile_dir(Path(giza.__file__).parent, quiet=1)  # as an installed giza
    try:
        project = make_project(root / "project", args.pages, args.files)
        print(f"project: {args.pages} pages, {args.files} generator files; "
              f"cpu_count={os.cpu_count()}; load {os.getloadavg()[0]:.2f}")
        giza_times, sphinx_times, outside = [], [], []
        for number in range(args.repeat):
            # Alternate which goes first (giza's run writes the proxy tree, so giza starts):
            # neither always runs on the other's leftovers (dirty pages, a neighbour's burst).
            if number % 2:
                sphinx_times.append(run_sphinx(project, root / "plain"))
            giza_times.append(run_giza(project))
            outside.append(giza_times[-1] - sphinx_seconds(project))
            if not number % 2:
                sphinx_times.append(run_sphinx(project, root / "plain"))
        best_giza, best_sphinx = min(giza_times), min(sphinx_times)
        print("runs (s): giza " + " ".join(f"{t:.2f}" for t in giza_times)
              + " | sphinx-build " + " ".join(f"{t:.2f}" for t in sphinx_times)
              + f"; load {os.getloadavg()[0]:.2f}")
        print(f"plain sphinx-build -j 2: {best_sphinx:7.2f} s")
        print(f"giza end to end:         {best_giza:7.2f} s   ratio "
              f"{best_giza / best_sphinx:.3f} (target <= 1.03)")
        # Sphinx's own time swings with the neighbours' load; what giza adds is steadier.
        added = min(outside)
        print(f"giza outside its sphinx-build: {added:.2f} s (runs: "
              + " ".join(f"{t:.2f}" for t in outside) + f"); plain sphinx-build + that: "
              f"ratio {(best_sphinx + added) / best_sphinx:.3f}")
        if args.profile:
            profile(project, 25)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
