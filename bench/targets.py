"""Issue 17's three benchmarks side by side, in one run: formats, relocation, overhead.

    .venv/bin/python bench/targets.py [--repeat 3] [--pages 1200] [--files 600]

Runs bench/parallel.py --formats (200 pages, one edition), bench/relocation.py (200
pages) and bench/overhead.py (``--pages`` pages, ``--files`` generator files), one after
the other, each with ``--repeat`` alternating runs where it has them, and prints each one's
output under a header with the time and the machine's load average before and after (on a
shared machine a table is only as good as the load it was measured at). Their targets:
five formats <= 1.6x html alone; a no-op build in a moved copy <= 1 s; giza end to end
<= 1.03x plain sphinx-build -j 2.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(name: str, argv: list[str]) -> int:
    print(f"## {name}: {' '.join(argv)}")
    print(f"started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load {_load()}",
          flush=True)
    done = subprocess.run([sys.executable, str(BENCH / argv[0]), *argv[1:]], check=False)
    print(f"ended {time.strftime('%H:%M:%S UTC', time.gmtime())}, load {_load()}\n", flush=True)
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=1200, help="overhead's pages")
    parser.add_argument("--files", type=int, default=600, help="overhead's generator files")
    args = parser.parse_args()
    repeat = str(args.repeat)
    codes = [
        run("formats", ["parallel.py", "--formats", "--pages", "200", "--editions", "1",
                        "--repeat", repeat]),
        run("relocation", ["relocation.py", "--pages", "200"]),
        run("overhead", ["overhead.py", "--pages", str(args.pages), "--files",
                         str(args.files), "--repeat", repeat]),
    ]
    return max(codes)


if __name__ == "__main__":
    raise SystemExit(main())
