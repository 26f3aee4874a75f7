"""For tests/serve: a real `giza serve` child process on a free localhost port."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

STARTUP_SECONDS = 120.0  # the first build, on a machine shared with other builds
CHANGE_SECONDS = 60.0

CONF_PY = """
extensions = ["giza.sphinxext"]
source_suffix = {".txt": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["includes"]
html_theme = "basic"
"""

# A page, a page including a steps unit's output, and a toctree over both.
PROJECT = {
    "config/build_conf.yaml": "project: {name: served, title: Served}\n"
                              "version: {release: '1.0', branch: '1.0'}\n",
    "conf.py": CONF_PY,
    "source/index.txt": """
        ======
        Served
        ======

        .. toctree::

           install
           setup
        """,
    "source/install.txt": """
        =======
        Install
        =======

        Run the installer.
        """,
    "source/setup.txt": """
        =====
        Setup
        =====

        .. include:: /includes/steps/setup.rst
        """,
    "source/includes/steps-setup.yaml": """
        title: Download the package
        ref: download
        action:
          language: sh
          code: curl -O https://example.org/pkg.tgz
        """,
}


class Served:
    """A running `giza serve`; its output is collected by a thread."""

    def __init__(self, root: Path, args: list[str]) -> None:
        self.root = root
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Its own session, so the test can send SIGINT to the whole group like a terminal.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "giza", "serve", "--port", "0", *args], cwd=root, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            for line in self.lines:
                found = re.search(r"giza: serving (http://127\.0\.0\.1:\d+/)", line)
                if found:
                    return found.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError("giza serve did not start:\n" + "\n".join(self.lines))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def rebuild_lines(self) -> list[str]:
        return [line for line in self.lines if " → " in line]

    def wait_for_lines(self, count: int, timeout: float = CHANGE_SECONDS) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.rebuild_lines()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        found = self.rebuild_lines()
        assert len(found) >= count, f"expected {count} rebuild line(s):\n{self.output}"
        return found

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
            return response.read().decode("utf-8")

    def status(self) -> dict:
        return json.loads(self.get("__giza__/status"))

    def wait_for_text(self, path: str, text: str, timeout: float = CHANGE_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        page = ""
        while time.monotonic() < deadline:
            page = self.get(path)
            if text in page:
                return page
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in {path}:\n{self.output}")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def interrupt(self, timeout: float = 20.0) -> int:
        os.killpg(self.proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGINT)
                self.proc.wait(20)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._reader.join(5)


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
