"""A real browser on a `giza serve` page: headless Chromium (Debian's package), driven over
the Chrome DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out)."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; "
                             "make system-deps installs it)")


class Browser:
    def __init__(self, profile: Path) -> None:
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()

        def wire() -> None:  # in the child: the protocol's fds are 3 (commands), 4 (replies)
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.proc = subprocess.Popen(
            [str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "--no-first-run",
             "--disable-extensions", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire, start_new_session=True)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next = 0
        self.session: str | None = None

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply["result"]
        raise AssertionError(f"{method}: no reply")

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._in], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError("chromium did not answer")
            chunk = os.read(self._in, 65536)
            if not chunk:
                raise AssertionError("chromium closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", url=url)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"never true: {expression} (last: {value!r})")

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait(10)
        os.close(self._in)
        os.close(self._out)


@pytest.fixture
def browser(tmp_path: Path):
    opened = Browser(tmp_path / "profile")
    yield opened
    opened.close()


BODY = "document.readyState === 'complete' && document.body.innerText.includes(%s)"


def test_the_page_reloads_itself_and_shows_errors(serve_project, browser):
    served = serve_project()
    browser.open(served.url + "setup.html")
    browser.wait_for(BODY % json.dumps("Download the package"))
    browser.evaluate("window.gizaMarker = 'before the edit'")  # a reload forgets it
    served.edit("source/includes/steps-setup.yaml", "Download the package", "Get the package")
    browser.wait_for("window.gizaMarker === undefined && " + BODY % json.dumps("Get the package"))
    assert browser.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
    # a broken edit: the page stays, an overlay names the file and line
    browser.evaluate("window.gizaMarker = 'before the broken edit'")
    served.edit("source/includes/steps-setup.yaml", "ref: download", "ref: [download")
    overlay = browser.wait_for("document.getElementById('giza-serve-overlay') && "
                               "document.getElementById('giza-serve-overlay').innerText")
    assert "source/includes/steps-setup.yaml:3: ERROR: YAML syntax error: while parsing a " \
        "flow sequence" in overlay
    assert browser.evaluate("window.gizaMarker") == "before the broken edit"
    served.edit("source/includes/steps-setup.yaml", "ref: [download", "ref: download")
    browser.wait_for("window.gizaMarker === undefined && "
                     "!document.getElementById('giza-serve-overlay') && "
                     + BODY % json.dumps("Get the package"))
