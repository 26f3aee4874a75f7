"""The HTTP side of giza serve: the standard library's ThreadingHTTPServer.

Why not an ASGI stack: serving a few static files to one writer's browser and pushing one
small event per rebuild needs no more than http.server plus a server-sent events loop per
connection (a thread each), and it costs no dependency beyond watchfiles.

Routes: ``/__giza__/events`` (server-sent events), ``/__giza__/status`` (JSON: each
variant's last build), and the variants' output directories, at ``/`` for one variant or
at ``/<variant>/`` with an index page at ``/`` for several. HTML responses get the reload
script; every response says ``no-store`` so a reload fetches the new files.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import queue
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from giza.serve.events import CLOSED, Hub
from giza.serve.inject import inject, page_names

KEEPALIVE_SECONDS = 10.0


class ServeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], roots: dict[str, Path], hub: Hub) -> None:
        self.roots = roots  # variant name -> output directory
        self.hub = hub
        super().__init__(address, ServeHandler)

    def variant_at(self, path: str) -> tuple[str, str] | None:
        """(variant, path inside its output) for a URL path, or None."""
        if len(self.roots) == 1:
            return next(iter(self.roots)), path
        head, _, rest = path.lstrip("/").partition("/")
        if head in self.roots:
            return head, "/" + rest
        return None


class ServeHandler(BaseHTTPRequestHandler):
    server: ServeHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # one line per rebuild in the terminal, not one per request

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._route(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._route(body=True)

    def _route(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/__giza__/events":
            self._events()
        elif path == "/__giza__/status":
            self._send(200, "application/json", json.dumps(self.server.hub.status()).encode(),
                       body)
        elif path == "/" and len(self.server.roots) > 1:
            self._send(200, "text/html; charset=utf-8", self._index().encode(), body)
        else:
            self._file(path, body)

    def _index(self) -> str:
        status = self.server.hub.status()["variants"]
        items = "".join(
            f'<li><a href="/{html.escape(name)}/">{html.escape(name)}</a>'
            f'{"" if status[name].get("ok", True) else " (last rebuild failed)"}</li>'
            for name in self.server.roots)
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>giza serve</title>"
                f"</head><body><h1>giza serve</h1><ul>{items}</ul></body></html>")

    def _file(self, path: str, body: bool) -> None:
        found = self.server.variant_at(path)
        if found is None:
            self._send(404, "text/plain; charset=utf-8", b"not found\n", body)
            return
        variant, inner = found
        root = self.server.roots[variant]
        target = Path(os.path.normpath(root / inner.lstrip("/")))
        if target != root and root not in target.parents:
            self._send(404, "text/plain; charset=utf-8", b"not found\n", body)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self._redirect(path + "/")
                return
            target = target / "index.html"
        try:
            data = target.read_bytes()
        except OSError:
            self._send(404, "text/plain; charset=utf-8", b"not found\n", body)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = inject(data, variant, self.server.hub.generation(variant),
                          page_names(target.relative_to(root).as_posix()))
            kind += "; charset=utf-8"
        self._send(200, kind, data, body)

    def _send(self, code: int, kind: str, data: bytes, body: bool) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        inbox = self.server.hub.subscribe()
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                try:
                    text = inbox.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keepalive\n\n")  # notices a closed browser tab
                    self.wfile.flush()
                    continue
                if text is CLOSED:
                    return
                self.wfile.write(f"event: build\ndata: {text}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            self.server.hub.unsubscribe(inbox)


def start_server(host: str, port: int, roots: dict[str, Path], hub: Hub
                 ) -> tuple[ServeHTTPServer, threading.Thread]:
    """Bind (port 0: any free port) and serve from a daemon thread."""
    server = ServeHTTPServer((host, port), roots, hub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True, name="giza-serve-http")
    thread.start()
    return server, thread
