"""A local HTTP server for linkcheck tests: fixed routes, every request counted.

Binds 127.0.0.1 on a free port; ``stop()`` (or the context manager) shuts it down and
releases a request that is hanging.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PAGE = b"<html><body><h1 id='top'>Page</h1><p>text</p></body></html>"
ANCHORS = b"<html><body><h2 id='present'>Here</h2><a name='named'></a></body></html>"


class LinkServer:
    """Routes: /ok 200; /moved 301 -> /target; /temporary 302 -> /ok-too; /missing 404;
    /busy 429 (Retry-After: 1) the first time, then 200; /down 503 always; /error 500
    always; /hang answers after ``hang`` seconds (or at stop); /anchors a page with id
    'present' and name 'named'; /head-refused 405 to HEAD, 200 to GET; /slow sleeps
    ``slow`` s then 200; anything under /page/ 200; else 404. ``all_fail``: every route
    answers 500."""

    def __init__(self, hang: float = 10.0, slow: float = 0.2, all_fail: bool = False) -> None:
        self.hang, self.slow, self.all_fail = hang, slow, all_fail
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, float]] = []  # method, path, monotonic time
        self.headers: dict[str, dict[str, str]] = {}  # path -> the last request's headers
        self.active = 0
        self.max_active = 0
        self.released = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, path: str | None = None, method: str | None = None) -> int:
        with self.lock:
            return sum(1 for m, p, _ in self.requests
                       if (path is None or p == path) and (method is None or m == method))

    def times(self, path: str) -> list[float]:
        with self.lock:
            return [t for _, p, t in self.requests if p == path]

    def __enter__(self) -> LinkServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if self.all_fail:
            return 500, {}, b"failing"
        with self.lock:
            seen = sum(1 for _, p, _ in self.requests if p == path)  # this one included
        routes: dict[str, Any] = {
            "/ok": (200, {}, PAGE), "/ok-too": (200, {}, PAGE), "/target": (200, {}, PAGE),
            "/moved": (301, {"Location": "/target"}, b""),
            "/temporary": (302, {"Location": "/ok-too"}, b""),
            "/missing": (404, {}, b"not here"),
            "/busy": (429, {"Retry-After": "1"}, b"") if seen == 1 else (200, {}, PAGE),
            "/down": (503, {}, b""), "/error": (500, {}, b""),
            "/anchors": (200, {}, ANCHORS),
            "/head-refused": (405, {}, b"") if method == "HEAD" else (200, {}, PAGE),
        }
        if path == "/hang":
            self.released.wait(self.hang)
            return 200, {}, PAGE
        if path == "/slow":
            time.sleep(self.slow)
            return 200, {}, PAGE
        if path.startswith("/page/"):
            return 200, {}, PAGE
        return routes.get(path, (404, {}, b"no such route"))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                path = self.path.split("?", 1)[0]
                with server.lock:
                    server.requests.append((method, path, time.monotonic()))
                    server.headers[path] = dict(self.headers.items())
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    code, headers, body = server.answer(method, path)
                finally:
                    with server.lock:
                        server.active -= 1
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if method == "GET":
                        self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_HEAD(self) -> None:
                self._serve("HEAD")

        return Handler
