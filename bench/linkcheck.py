"""Benchmark: `sphinx-build -b linkcheck` per variant vs. `giza linkcheck`, side by side.

    nice .venv/bin/python bench/linkcheck.py [--editions 3] [--languages 2] [--pages 20]
        [--hosts 10] [--urls 200] [--latency 0.03]

Writes a giza project whose variants (editions x languages) share most links: every page
links to URLs spread over ``--hosts`` local HTTP servers (127.0.0.1, one port per host,
each answering 200 after ``--latency`` seconds and counting requests), and each edition
adds a few links of its own. Then, each from an empty build/:

  (a) baseline: `giza sphinx -b linkcheck -e all -l all`, i.e. Sphinx's linkcheck builder
      run per variant (in parallel under --jobs, as giza runs any builder);
  (b) `giza linkcheck -e all -l all`, cold (no cache);
  (c) the same again within the TTL (warm cache).

Prints requests made (counted by the servers) and wall time, with ratios to (a).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

GIZA = [sys.executable, "-m", "giza"]
CONF = '''extensions = ["giza.sphinxext"]
source_suffix = {".txt": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["includes"]
html_theme = "basic"
linkcheck_timeout = 5
'''


class Host:
    """One simulated web host: 200 to everything after ``latency`` s; counts requests."""

    def __init__(self, latency: float) -> None:
        self.requests = 0
        lock = threading.Lock()
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                with lock:
                    host.requests += 1
                time.sleep(latency)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def make_project(root: Path, hosts: list[Host], editions: list[str], languages: int,
                 pages: int, urls: int, seed: int = 1) -> int:
    """Write the project; return the number of unique URLs in it."""
    rng = random.Random(seed)
    shared = [f"{hosts[i % len(hosts)].base}/doc/{i}" for i in range(urls)]
    own = {e: [f"{hosts[j % len(hosts)].base}/{e}/{j}" for j in range(max(1, urls // 20))]
           for e in editions}
    extra = "".join(f"\n{name}: {{inherit: base}}" for name in ("fr", "de", "es")[:languages - 1])
    (root / "config").mkdir(parents=True)
    (root / "config/build_conf.yaml").write_text(
        "project:\n  name: bench\n  title: Bench\n  editions: ["
        + ", ".join(f"{{name: {e}}}" for e in editions)
        + "]\nversion: {release: '1.0', branch: '1.0'}\nsystem: {files: [integration.yaml]}\n")
    (root / "config/integration.yaml").write_text("base: {targets: [html]}" + extra + "\n")
    (root / "conf.py").write_text(CONF)
    source = root / "source"
    source.mkdir()
    names = [f"page{n}" for n in range(pages)]
    (source / "index.txt").write_text("Bench\n=====\n\n.. toctree::\n\n"
                                      + "".join(f"   {n}\n" for n in names))
    for n, name in enumerate(names):
        chunk = shared[n::pages] + rng.sample(shared, min(5, len(shared)))
        lines = [f"{name}\n{'=' * len(name)}\n"]
        lines += [f"See `link {i} <{url}>`__.\n" for i, url in enumerate(chunk)]
        for edition in editions:
            mine = own[edition][n % len(own[edition])]
            lines.append(f".. only:: {edition}\n\n   Also `this <{mine}>`__.\n")
        (source / f"{name}.txt").write_text("\n".join(lines))
    return len(shared) + sum(min(len(v), pages) for v in own.values())


def timed(argv: list[str], cwd: Path, hosts: list[Host]) -> tuple[float, int, int]:
    before = sum(h.requests for h in hosts)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, sum(h.requests for h in hosts) - before, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=3)
    parser.add_argument("--languages", type=int, default=2, choices=(1, 2, 3, 4))
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    hosts = [Host(args.latency) for _ in range(args.hosts)]
    editions = [f"ed{i}" for i in range(args.editions)]
    variants = args.editions * args.languages
    work = Path(tempfile.mkdtemp(prefix="giza-bench-linkcheck-"))
    try:
        root = work / "project"
        unique = make_project(root, hosts, editions, args.languages, args.pages, args.urls)
        every = ["-e", "all", "-l", "all"]
        jobs = ["--jobs", str(args.jobs)]
        rows = []
        for label, argv in (
                ("sphinx-build -b linkcheck per variant",
                 [*GIZA, *jobs, "sphinx", "-b", "linkcheck", *every]),
                ("giza linkcheck, cold", [*GIZA, *jobs, "linkcheck", *every]),
                ("giza linkcheck, warm cache", [*GIZA, *jobs, "linkcheck", *every])):
            if "warm" not in label:
                shutil.rmtree(root / "build", ignore_errors=True)
            seconds, requests, _ = timed(argv, root, hosts)
            rows.append((label, requests, seconds))
        print(f"{variants} variants ({args.editions} editions x {args.languages} languages), "
              f"{args.pages} pages, {unique} unique URLs on {args.hosts} hosts, "
              f"{args.latency * 1000:.0f} ms per request, --jobs {args.jobs}\n")
        print("| run | requests | wall s | requests vs (a) | time vs (a) |")
        print("|---|---:|---:|---:|---:|")
        base_requests, base_seconds = rows[0][1], rows[0][2]
        for label, requests, seconds in rows:
            print(f"| {label} | {requests} | {seconds:.1f} | "
                  f"{requests / base_requests:.2f}x | {seconds / base_seconds:.2f}x |")
        print(f"\ntarget: giza cold requests = unique URLs = {unique}")
    finally:
        for host in hosts:
            host.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
