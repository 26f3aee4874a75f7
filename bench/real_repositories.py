"""Build real repositories written for the original giza, unchanged, and measure.

    .venv/bin/python bench/real_repositories.py CHECKOUT [CHECKOUT ...] [--builder html]

Each CHECKOUT is a clone of a documentation repository at the commit to test (see
bench/real-repositories.md for the list and how to get them). For each one this prints:

* `giza check`: the problems, by kind (errors and warnings);
* the build with the repository's own conf.py: ok, or the first extension that cannot load;
* a build with a stand-in conf.py -- the repository's own, less the extensions that cannot
  load on this Sphinx, with the default theme and no theme templates -- of every edition:
  pages built, missing generated includes, Sphinx warnings and errors, wall time from
  clean, the no-op rebuild, and the time of plain `sphinx-build -j 2` on the same proxy
  trees, one after another.

The repository's conf.py is set aside during the stand-in build and restored after; no
other file of the checkout is touched (giza writes only under build/).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

GIZA = [sys.executable, "-m", "giza"]
CANNOT_LOAD = re.compile(r"Could not import extension (\S+) \(exception: (.*)\)")
MISSING_INCLUDE = re.compile(r'Problems with "include" directive path|'
                             r"include.*(No such file|not found)", re.I)
KINDS = [
    ("unresolved placeholder", "has no value; rendered as an empty string"),
    ("key given twice", "is given twice"),
    ("field of the wrong shape, ignored", "it is ignored, as the original"),
    ("unknown field, ignored", "is ignored; valid fields"),
    ("append/prepend to a missing page", "so nothing is added to it"),
    ("examples content not shown", "options.show_collection is false"),
    ("redirect to an unknown branch", "unknown branch"),
    ("empty redirect target", "is empty; it redirects to the site root"),
    ("shadowed or conflicting redirect", "never takes effect"),
    ("redirect loop", "redirect loop"),
    ("config warning", "unknown key|side file"),
]


@dataclass
class Result:
    name: str
    problems: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    own_conf: str = ""
    pages: int = 0
    missing_includes: int = 0
    sphinx_warnings: int = 0
    sphinx_errors: int = 0
    full: float = 0.0
    noop: float = 0.0
    plain: float = 0.0
    status: str = ""


def run(argv: list[str], cwd: Path) -> tuple[int, str, float]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def classify(output: str, result: Result) -> None:
    for line in output.splitlines():
        if line.startswith("giza: error: "):
            result.errors += 1
            kind = "error: " + re.sub(r"^[^:]+:\d+: ", "", line[13:])[:60]
            result.problems[kind] = result.problems.get(kind, 0) + 1
        elif line.startswith("giza: warning: "):
            kind = next((k for k, pattern in KINDS if re.search(pattern, line)), "other")
            result.problems[kind] = result.problems.get(kind, 0) + 1


def own_conf(checkout: Path, builder: str) -> str:
    code, output, _ = run([*GIZA, "--force", "sphinx", "-b", builder, "-e", "all"], checkout)
    if code == 0:
        return "builds"
    found = CANNOT_LOAD.search(output)
    return f"`{found.group(1)}`: {found.group(2)}" if found else output.strip()[-200:]


def failing_extensions(checkout: Path, conf: str) -> list[str]:
    """Every extension the conf.py lists that this Sphinx cannot load, tried one by one."""
    block = re.search(r"extensions\s*=\s*\[(.*?)\]", conf, re.S)
    names = re.findall(r"['\"]([\w.]+)['\"]", block.group(1)) if block else []
    probe = Path(tempfile.mkdtemp(prefix="giza-extprobe-"))
    failing = []
    paths = [str(p) for p in checkout.glob("build/*/sphinxext")]
    for name in names:
        (probe / "conf.py").write_text(f"import sys\nsys.path[:0] = {paths!r}\n"
                                       f"extensions = [{name!r}]\n")
        (probe / "index.rst").write_text("T\n=\n")
        code, _, _ = run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(probe),
                          str(probe / "_out")], probe)
        if code != 0:
            failing.append(name)
    shutil.rmtree(probe, ignore_errors=True)
    return failing


def write_standin(checkout: Path) -> None:
    original = (checkout / "conf.py.orig").read_text(encoding="utf-8")
    text = original
    block = re.search(r"extensions\s*=\s*\[(.*?)\]", text, re.S)
    if block:
        kept = block.group(1)
        for name in failing_extensions(checkout, original):
            kept = re.sub(r"""['"]""" + re.escape(name) + r"""['"]\s*,?""", "", kept)
        text = text[:block.start(1)] + kept + text[block.end(1):]
    # The theme and its templates come from the build system checkout and need Sphinx 1.x.
    text += ("\nhtml_theme = 'alabaster'\nhtml_theme_path = []\nhtml_theme_options = {}\n"
             "templates_path = []\nhtml_sidebars = {}\n")
    (checkout / "conf.py").write_text(text, encoding="utf-8")


def plain_sphinx(checkout: Path, builder: str) -> float:
    """The same sphinx-build commands giza ran, with -j 2, into a scratch directory."""
    from giza.config import load
    from giza.sphinx.argv import conf_dir, sphinx_argv, variant_tags
    from giza.variants import resolve

    config = load(start=checkout)
    scratch = Path(tempfile.mkdtemp(prefix="giza-plain-"))
    total = 0.0
    for variant in resolve(config, [builder], ["all"] if config.project.editions else [], []):
        name = "source" + "".join(f"-{p}" for p in (variant.edition, variant.language) if p)
        argv = sphinx_argv(builder=builder, proxy=config.branch_dir / name,
                           output=scratch / variant.name, doctrees=scratch / f"d-{variant.name}",
                           confdir=conf_dir(config.root), jobs=2,
                           tags=variant_tags(builder, variant.edition,
                                             config.matrix.lookup(builder, variant.edition).tags))
        context = config.branch_dir / ".giza" / "context" / f"{variant.name}.json"
        started = time.perf_counter()
        subprocess.run(argv, cwd=checkout, capture_output=True,
                       env={**os.environ, "GIZA_BUILD_CONTEXT": str(context)})
        total += time.perf_counter() - started
    shutil.rmtree(scratch, ignore_errors=True)
    return total


def measure(checkout: Path, builder: str) -> Result:
    result = Result(checkout.name)
    code, output, _ = run([*GIZA, "check"], checkout)
    classify(output, result)
    result.own_conf = own_conf(checkout, builder)
    shutil.move(checkout / "conf.py", checkout / "conf.py.orig")
    try:
        write_standin(checkout)
        for stale in checkout.glob("build/*/.giza"):
            shutil.rmtree(stale.parent, ignore_errors=True)
        shutil.rmtree(checkout / "build" / "public", ignore_errors=True)
        code, output, result.full = run([*GIZA, "sphinx", "-b", builder, "-e", "all"], checkout)
        result.status = "ok" if code == 0 else f"exit {code}"
        result.missing_includes = len(MISSING_INCLUDE.findall(output))
        for line in output.splitlines():
            cells = line.split()
            if len(cells) == 5 and cells[1] in ("ok", "failed") and cells[2].isdigit():
                result.sphinx_warnings += int(cells[2])
                result.sphinx_errors += int(cells[3])
        _, _, result.noop = run([*GIZA, "sphinx", "-b", builder, "-e", "all"], checkout)
        result.pages = sum(1 for _ in checkout.glob(f"build/*/{builder}*/**/*.html"))
        result.plain = plain_sphinx(checkout, builder)
    finally:
        shutil.move(checkout / "conf.py.orig", checkout / "conf.py")
    return result


def table(results: list[Result]) -> str:
    rows = ["| repository | giza check | own conf.py | pages | missing includes | Sphinx "
            "warnings / errors | giza full | plain -j 2 | ratio | no-op |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        found = "; ".join(f"{n} {k}" for k, n in sorted(r.problems.items())) or "none"
        ratio = r.full / r.plain if r.plain else 0.0
        rows.append(f"| {r.name} | {found} | {r.own_conf} | {r.pages} | {r.missing_includes} | "
                    f"{r.sphinx_warnings} / {r.sphinx_errors} | {r.full:.1f} s ({r.status}) | "
                    f"{r.plain:.1f} s | {ratio:.2f} | {r.noop:.2f} s |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--builder", default="html")
    args = parser.parse_args()
    results = []
    for checkout in args.checkouts:
        print(f"measuring {checkout} ...", file=sys.stderr, flush=True)
        results.append(measure(checkout.resolve(), args.builder))
    print(table(results))


if __name__ == "__main__":
    main()
