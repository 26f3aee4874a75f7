"""Benchmark: save-to-reloaded time of `giza serve` against sphinx-autobuild.

    .venv/bin/pip install sphinx-autobuild     # the baseline; not a giza dependency
    nice .venv/bin/python bench/serve.py [--pages 1000] [--edits 20] [--keep]

A synthetic project (N pages from bench/parallel.py; YAML steps and extracts from the
corpus generator of bench/generate.py; pages 0-19 include the steps files, two pages each;
pages 20-119 include an extract each) is served by `giza serve` and, side by side in the
same run, by sphinx-autobuild over a copy of giza's proxy tree (sphinx-autobuild knows
nothing of YAML content: for it the bench applies what the edit means to Sphinx, the
regenerated rST file, for free). Three kinds of edit, --edits times each:

  page    a word in one page
  yaml    a field of one steps unit (two pages include the file's output)
  title   a page title (the index's toctree shows it)

giza serve: from the write to the moment the browser is told to reload (the server-sent
event), plus fetching the page and finding the new text. sphinx-autobuild: from the write
to the moment its server returns the new text (earlier than its reload message, which
follows the end of its sphinx-build: this favours the baseline). Median and 90th
percentile per kind, and giza's median as a fraction of sphinx-autobuild's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import make_corpus  # noqa: E402
from bench.parallel import page  # noqa: E402

TIMEOUT = 300.0
CONF = ("extensions = ['giza.sphinxext']\nsource_suffix = {'.txt': 'restructuredtext'}\n"
        "root_doc = 'index'\nexclude_patterns = ['includes']\nhtml_theme = 'basic'\n")


def make_project(root: Path, pages: int) -> list[str]:
    """Write the project; returns the steps files' names (steps-fN.yaml)."""
    rng = random.Random(7)
    (root / "config").mkdir(parents=True)
    (root / "config/build_conf.yaml").write_text(
        "project: {name: bench, title: Bench}\nversion: {release: '1.0', branch: '1.0'}\n")
    (root / "conf.py").write_text(CONF)
    make_corpus(root, units=700, files=70)  # 10 units a file; every 7th file is steps
    shutil.move(root / "replacement.yaml", root / "config/replacement.yaml")
    includes = root / "source/includes"
    steps = sorted((p.name for p in includes.glob("steps-*.yaml")),
                   key=lambda n: int(n[len("steps-f"):-len(".yaml")]))
    extracts = [f"u{n}-{u}" for n in range(0, 70, 7) for u in range(10)]
    names = []
    for n in range(pages):
        # an underline longer than any edited title, then a word to edit
        text = re.sub(r"^(Page \d+: .*)\n=+$",
                      lambda m, n=n: f"{m[1]}\n{'=' * 60}\n\nMarker word: edit-0-{n}.",
                      page(rng, n, pages), count=1, flags=re.M)
        if n < 2 * len(steps):
            text += f"\n.. include:: /includes/steps/{steps[n // 2][len('steps-'):-5]}.rst\n"
        elif n < 2 * len(steps) + len(extracts):
            text += f"\n.. include:: /includes/extracts/{extracts[n - 2 * len(steps)]}.rst\n"
        (root / f"source/page-{n}.txt").write_text(text)
        names.append(f"page-{n}")
    (root / "source/index.txt").write_text(
        "Bench\n=====\n\n.. toctree::\n   :maxdepth: 1\n\n" + "".join(f"   {n}\n" for n in names))
    return steps


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):  # a page read while it is rewritten
        return ""


class Reader:
    """A child's output lines, collected by a thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.proc = proc
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait(self, pattern: str, start: int = 0, timeout: float = TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                found = re.search(pattern, line)
                if found:
                    return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"never saw {pattern!r}:\n" + "\n".join(self.lines[-40:]))


class Giza:
    """`giza serve` and a listener on its server-sent events."""

    name = "giza serve"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc = subprocess.Popen([sys.executable, "-m", "giza", "serve", "--port", "0"],
                                     cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=_env())
        self.out = Reader(self.proc)
        self.url = self.out.wait(r"giza: serving (http://\S+/);")[1]
        self.events: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        time.sleep(1.0)  # the events connection, the workers' warm applications

    def _listen(self) -> None:
        with urllib.request.urlopen(self.url + "__giza__/events", timeout=TIMEOUT) as stream:
            for raw in stream:
                line = raw.decode().rstrip("\n")
                if line.startswith("data: "):
                    self.events.put(json.loads(line[6:]))

    def source(self, rel: str) -> Path:
        return self.root / "source" / rel

    def measure(self, path: str, text: str, start: float) -> float:
        """Until the event that reloads a browser showing ``path`` (the edited page's
        early event, or the end of the rebuild for the others), and the page fetched."""
        seconds = 0.0
        while True:
            event = self.events.get(timeout=TIMEOUT)
            if not seconds and event.get("built") and text in fetch(self.url + path):
                seconds = time.perf_counter() - start
            if event.get("stage") == "done":
                break
        if not seconds:
            raise SystemExit(f"giza serve: {text!r} not in {path} after the rebuild\n"
                             + "\n".join(self.out.lines[-20:]))
        return seconds

    def stop(self) -> None:
        self.proc.send_signal(2)
        self.proc.wait(30)


class Autobuild:
    """sphinx-autobuild over a copy of giza's proxy tree, with giza's conf.py and tags."""

    name = "sphinx-autobuild"

    def __init__(self, root: Path, work: Path) -> None:
        self.tree = work / "source"
        shutil.copytree(root / "build/1.0/source", self.tree, copy_function=shutil.copy2)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        exe = Path(sys.executable).parent / "sphinx-autobuild"
        context = root / "build/1.0/.giza/context/html.json"
        self.proc = subprocess.Popen(
            [str(exe), str(self.tree), str(work / "html"), "-c", str(root), "-d",
             str(work / "doctrees"), "-t", "html", "-t", "website", "--port", str(port),
             "--host", "127.0.0.1"], cwd=root, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env={**_env(), "GIZA_BUILD_CONTEXT": str(context)})
        self.out = Reader(self.proc)
        self.out.wait(r"Serving on http://")
        self.builds = self._count()

    def _count(self) -> int:
        return sum(1 for line in self.out.lines if "build succeeded" in line)

    def source(self, rel: str) -> Path:
        return self.tree / rel

    def measure(self, path: str, text: str, start: float) -> float:
        deadline = time.monotonic() + TIMEOUT
        while text not in fetch(self.url + path):
            if time.monotonic() > deadline:
                raise SystemExit(f"sphinx-autobuild: {text!r} never in {path}")
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        while self._count() <= self.builds and time.monotonic() < deadline:
            time.sleep(0.05)  # let its sphinx-build finish before the next edit
        self.builds = self._count()
        return seconds

    def stop(self) -> None:
        self.proc.send_signal(2)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def replace_in(path: Path, pattern: str, new: str) -> None:
    text = path.read_text()
    changed = re.sub(pattern, new, text, count=1, flags=re.M)
    if changed == text:
        raise SystemExit(f"{path}: {pattern!r} not found")
    path.write_text(changed)


def edit_page(tool: object, page_no: int, n: int) -> tuple[str, str]:
    word = f"edit-{n}-{page_no}"
    replace_in(tool.source(f"page-{page_no}.txt"), rf"edit-\d+-{page_no}\b", word)  # type: ignore
    return f"page-{page_no}.html", word


def edit_title(tool: object, page_no: int, n: int) -> tuple[str, str]:
    title = f"Page {page_no} v{n}:"
    replace_in(tool.source(f"page-{page_no}.txt"), rf"^Page {page_no}(?: v\d+)?:", title)  # type: ignore
    return "index.html", title


def edit_yaml(tool: object, giza_root: Path, n: int, steps: list[str]) -> tuple[str, str]:
    """A unit of the last steps file: the corpus's units inherit only from earlier files,
    so two pages include what this edit changes, nothing else."""
    page_no, steps_file = 2 * (len(steps) - 1), steps[-1]
    title = f"title: Step title {n}"
    if isinstance(tool, Giza):
        replace_in(giza_root / "source/includes" / steps_file, r"^title: .*$", title)
    else:  # what the edit means for Sphinx: giza's regenerated file, copied over
        name = steps_file[len("steps-"):-len(".yaml")]
        generated = giza_root / f"build/1.0/source/includes/steps/{name}.rst"
        shutil.copy2(generated, tool.source(f"includes/steps/{name}.rst"))  # type: ignore
    return f"page-{page_no}.html", f"Step title {n}"


def run_kind(tools: list, giza_root: Path, kind: str, edits: int, steps: list[str], pages: int
             ) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {tool.name: [] for tool in tools}
    for n in range(1, edits + 1):
        # the YAML edit is made once, in the project; giza regenerates the rST file that
        # sphinx-autobuild then gets a copy of
        for tool in tools:
            start = time.perf_counter()
            if kind == "page":
                path, text = edit_page(tool, pages // 2, n)
            elif kind == "title":
                path, text = edit_title(tool, pages * 7 // 10, n)
            else:
                path, text = edit_yaml(tool, giza_root, n, steps)
            times[tool.name].append(tool.measure(path, text, start))
            time.sleep(0.3)
    return times


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def report(results: dict[str, dict[str, list[float]]]) -> None:
    print(f"{'edit':<6} {'tool':<17} {'median':>8} {'p90':>8} {'min':>7} {'max':>7}")
    for kind, times in results.items():
        for name, values in times.items():
            print(f"{kind:<6} {name:<17} {statistics.median(values):>7.2f}s "
                  f"{p90(values):>7.2f}s {min(values):>6.2f}s {max(values):>6.2f}s")
        if len(times) == 2:
            g, a = (statistics.median(v) for v in times.values())
            print(f"{kind:<6} {'ratio':<17} {g / a:>8.2f}  (giza serve / sphinx-autobuild, "
                  f"medians)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--no-baseline", action="store_true", help="giza serve only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="giza-bench-serve-"))
    root = tmp / "project"
    steps = make_project(root, args.pages)
    tools: list = []
    try:
        started = time.perf_counter()
        tools.append(Giza(root))
        print(f"giza serve: first build and start {time.perf_counter() - started:.1f} s")
        if not args.no_baseline:
            started = time.perf_counter()
            tools.append(Autobuild(root, tmp / "autobuild"))
            print(f"sphinx-autobuild: first build and start {time.perf_counter() - started:.1f} s")
        results = {kind: run_kind(tools, root, kind, args.edits, steps, args.pages)
                   for kind in ("page", "yaml", "title")}
    finally:
        for tool in tools:
            tool.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{args.pages} pages, {args.edits} edits of each kind, save to reloaded")
    report(results)


if __name__ == "__main__":
    main()
