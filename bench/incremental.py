"""Benchmark: giza's incremental builds against the same sphinx-build commands run directly.

    .venv/bin/python bench/incremental.py [--pages 1000] [--keep]

A synthetic giza project (N pages, 2 editions, builders html and dirhtml, an extracts
YAML file whose units the pages include) is built four ways, each timed end to end
(`python -m giza sphinx -b html dirhtml`, interpreter start included):

  full      first build, nothing on disk
  no-op     the same command again, nothing changed
  page      one page edited
  yaml      one YAML content unit edited

The baseline is the same four sphinx-build commands giza runs (same proxy trees,
tags and options), run one after another over copies of the proxy trees, with the
same edits applied to those copies: Sphinx's own incremental build, no giza.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.parallel import page  # noqa: E402  (the synthetic page text)

BUILDERS = ("html", "dirhtml")
EDITIONS = ("saas", "onprem")


def make_project(root: Path, pages: int) -> None:
    import random

    rng = random.Random(7)
    (root / "config").mkdir(parents=True)
    (root / "config/build_conf.yaml").write_text(
        "project:\n  name: bench\n  editions: [{name: saas}, {name: onprem}]\n"
        "version: {release: '1.0', branch: '1.0'}\n")
    (root / "conf.py").write_text(
        "extensions = ['giza.sphinxext']\nsource_suffix = {'.txt': 'restructuredtext'}\n"
        "root_doc = 'index'\nexclude_patterns = ['includes']\nhtml_theme = 'basic'\n")
    source = root / "source"
    (source / "includes").mkdir(parents=True)
    units = []
    for n in range(50):
        units.append(f"ref: note-{n}\ncontent: |\n  Shared note {n} for {{{{product}}}}.\n"
                     f"replacement:\n  product: release {{{{version}}}}\n")
    (source / "includes/extracts-bench.yaml").write_text("---\n".join(units))
    names = []
    for n in range(pages):
        text = page(rng, n, pages)
        text += f"\n.. include:: /includes/extracts/note-{n % 50}.rst\n"
        (source / f"page-{n}.txt").write_text(text)
        names.append(f"page-{n}")
    (source / "index.txt").write_text("Bench\n=====\n\n.. toctree::\n   :maxdepth: 1\n\n"
                                      + "".join(f"   {name}\n" for name in names))


def giza(root: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "giza", "sphinx", "-b", *BUILDERS],
                          cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"giza failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def direct_commands(root: Path, direct: Path) -> list[list[str]]:
    argvs = []
    for edition in EDITIONS:
        for builder in BUILDERS:
            tags = [builder, "website", edition]
            argv = [sys.executable, "-m", "sphinx", "-b", builder, "-q", "-c", str(root),
                    "-d", str(direct / f"doctrees-{builder}-{edition}")]
            for tag in tags:
                argv += ["-t", tag]
            argv += [str(direct / f"source-{edition}"), str(direct / f"{builder}-{edition}")]
            argvs.append(argv)
    return argvs


def direct(argvs: list[list[str]]) -> float:
    start = time.perf_counter()
    for argv in argvs:
        subprocess.run(argv, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="giza-bench-incremental-"))
    root = tmp / "project"
    make_project(root, args.pages)
    results: dict[str, tuple[float, float]] = {}

    g_full = giza(root)
    branch_dir = root / "build/1.0"
    baseline = tmp / "direct"
    baseline.mkdir()
    for edition in EDITIONS:  # the same proxy trees giza prepared, for Sphinx alone
        shutil.copytree(branch_dir / f"source-{edition}", baseline / f"source-{edition}",
                        copy_function=shutil.copy2)
    argvs = direct_commands(root, baseline)
    results["full build"] = (g_full, direct(argvs))
    results["no-op rebuild"] = (giza(root), direct(argvs))

    edited = "page-500.txt" if args.pages > 500 else "page-1.txt"
    for base in [root / "source", *(baseline / f"source-{e}" for e in EDITIONS)]:
        path = base / edited
        path.write_text(path.read_text() + "\nOne more paragraph after an edit.\n")
    results["one-page edit"] = (giza(root), direct(argvs))

    yaml_file = root / "source/includes/extracts-bench.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("Shared note 7 ", "Edited note 7 "))
    g_yaml = giza(root)
    for edition in EDITIONS:  # what the edit means for Sphinx: one generated file changed
        generated = Path("includes/extracts/note-7.rst")
        shutil.copy2(branch_dir / f"source-{edition}" / generated,
                     baseline / f"source-{edition}" / generated)
    results["one-YAML-unit edit"] = (g_yaml, direct(argvs))

    full = results["full build"][0]
    print(f"{args.pages} pages x {len(EDITIONS)} editions x {len(BUILDERS)} builders "
          f"({len(argvs)} variants)")
    print(f"{'phase':<20} {'giza':>8} {'sphinx-build':>13} {'ratio':>7} {'of full':>8}")
    for phase, (g, d) in results.items():
        print(f"{phase:<20} {g:>7.2f}s {d:>12.2f}s {g / d:>7.2f} {100 * g / full:>7.1f}%")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
