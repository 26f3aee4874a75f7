"""Benchmark of content generation over a synthetic corpus.

    .venv/bin/python bench/generate.py [--units 10000] [--files 400] [--dir DIR]

Builds a corpus of generator YAML files (steps, extracts, options, apiargs,
release, toc, glossary) in which 30% of the units inherit from a unit in
another file and many use {{placeholders}}, then times a full generation into
an empty proxy tree and a no-change re-run (which must write nothing), and
prints units/s and the peak resident memory of the process. Then it makes the corpus a giza
project and times `giza check` (every unit of every file checked, no build) from cold and
again with nothing changed (the check's cache). Target: under 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from giza.content import ContentContext, generate  # noqa: E402
from giza.content.inheritance import _template  # noqa: E402
from giza.content.record import record_path  # noqa: E402

KINDS = ("extracts", "steps", "options", "apiargs", "release", "toc", "glossary")
INHERITABLE = ("extracts", "steps", "options", "apiargs", "release")
PARAGRAPH = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
             "tempor incididunt ut labore et dolore magna aliqua. See {{product}} docs.")


def _unit(kind: str, file_no: int, unit_no: int, base: tuple[str, str] | None) -> str:
    ref = f"u{file_no}-{unit_no}"
    lines: list[str] = []
    if kind == "options":
        lines += ["program: prog", f"name: {ref}", "directive: option", "args: <value>",
                  "type: string", f"description: {PARAGRAPH} Use {{{{role}}}}."]
        if base:
            lines.append(f"inherit: {{file: {base[0]}, program: prog, name: {base[1]}}}")
        return "\n".join(lines)
    if kind == "apiargs":
        lines += [f"name: {ref}", "type: [string, document]", f"position: {unit_no}",
                  "arg_name: param", "interface: method", "operation: db.coll.find",
                  f"description: Optional. {PARAGRAPH} For {{{{role}}}}."]
        if base:
            lines.append(f"inherit: {{file: {base[0]}, name: {base[1]}}}")
        return "\n".join(lines)
    if kind == "toc":
        return "\n".join([f"file: /reference/{ref}", f"name: {ref}",
                          f"description: {PARAGRAPH}"])
    if kind == "glossary":
        return "\n".join([f"term: {ref}", f"definition: {PARAGRAPH}"])
    lines.append(f"ref: {ref}")
    if base:
        lines.append(f"source: {{file: {base[0]}, ref: {base[1]}}}")
        lines.append("replacement: {thing: inherited " + ref + "}")
    else:
        lines += [f"title: Do the {{{{thing}}}} for {ref}", f"pre: {PARAGRAPH}",
                  "replacement: {thing: base thing}"]
    if kind == "steps":
        lines += ["action:", "  language: sh", "  code: |", "    mongod --port 27017",
                  "    echo {{version}}"]
    elif kind == "release":
        lines += ["language: sh", "code: |", "  curl -O https://example.org/{{version}}.tgz",
                  "  tar -zxvf {{version}}.tgz"]
    else:
        lines += ["content: |", f"  {PARAGRAPH}", "", f"  {PARAGRAPH} {{{{thing}}}}"]
    return "\n".join(lines)


def make_corpus(root: Path, units: int, files: int, seed: int = 7) -> Path:
    """Write the synthetic includes dir; returns it."""
    rng = random.Random(seed)
    includes = root / "source" / "includes"
    includes.mkdir(parents=True)
    (root / "replacement.yaml").write_text("product: Giza\nthing: default\n")
    per_file = units // files
    made: dict[str, list[tuple[str, str]]] = {kind: [] for kind in INHERITABLE}
    for file_no in range(files):
        kind = KINDS[file_no % len(KINDS)]
        name = f"{kind}-f{file_no}.yaml"
        documents = []
        for unit_no in range(per_file):
            base = None
            pool = made.get(kind, [])
            # 30% of units inherit from a unit of an earlier file (a DAG)
            if kind in INHERITABLE and pool and rng.random() < 0.3:
                base = rng.choice(pool)
            documents.append(_unit(kind, file_no, unit_no, base))
        if kind in INHERITABLE:
            key = f"u{file_no}-"
            made[kind] += [(name, f"{key}{n}") for n in range(per_file)]
        (includes / name).write_text("\n---\n".join(documents) + "\n")
    return includes


def time_check(root: Path) -> tuple[float, float]:
    """`giza check` on the corpus as a project: cold, then again with nothing changed."""
    (root / "config").mkdir(exist_ok=True)
    (root / "config" / "build_conf.yaml").write_text("project: {name: bench}\n")
    shutil.copy(root / "replacement.yaml", root / "config" / "replacement.yaml")
    (root / "source" / "index.txt").write_text("Bench\n=====\n")
    checkout = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": checkout}
    times = []
    for _ in range(2):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "giza", "check"], cwd=root, env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"giza check failed:\n{done.stderr[-2000:]}")
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--dir", type=Path, default=None,
                        help="build the corpus here and keep it (default: a temp dir)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="giza-bench-")) if args.dir is None else args.dir
    try:
        includes = make_corpus(root, args.units, args.files)
        from giza.content import load_replacements
        ctx = ContentContext(includes, replacements=load_replacements(
            root / "replacement.yaml", None), version="7.0.1", branch="v7.0")
        proxy = root / "build" / "source"
        start, cpu = time.perf_counter(), time.process_time()
        full = generate(ctx, proxy)
        full_s, full_cpu = time.perf_counter() - start, time.process_time() - cpu
        mtimes = {path: path.stat().st_mtime_ns for path in full.origins}
        _template.cache_clear()  # a re-run is a new process: no warm template cache
        start, cpu = time.perf_counter(), time.process_time()
        again = generate(ctx, proxy)
        rerun_s, rerun_cpu = time.perf_counter() - start, time.process_time() - cpu
        record_path(proxy).unlink()
        _template.cache_clear()
        start, cpu = time.perf_counter(), time.process_time()
        slow = generate(ctx, proxy)
        slow_s, slow_cpu = time.perf_counter() - start, time.process_time() - cpu
        changed = [p for p, m in mtimes.items() if p.stat().st_mtime_ns != m]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"units:              {args.units} in {args.files} files")
        print(f"outputs:            {len(full.written)} written")
        print(f"full generation:    {full_s:.3f} s wall, {full_cpu:.3f} s CPU "
              f"({args.units / full_s:,.0f} units/s)")
        print(f"no-change re-run:   {rerun_s:.3f} s wall, {rerun_cpu:.3f} s CPU "
              f"({len(again.written)} written, {len(changed)} mtimes changed)")
        print(f"re-run, no record:  {slow_s:.3f} s wall, {slow_cpu:.3f} s CPU "
              f"({len(slow.written)} written; parses and compares bytes)")
        print(f"peak memory (RSS):  {peak_mb:.1f} MB")
        if again.written or slow.written or changed:
            raise SystemExit("no-change re-run wrote files")
        cold, cached = time_check(root)
        print(f"giza check:         {cold:.3f} s cold, {cached:.3f} s with nothing changed")
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
