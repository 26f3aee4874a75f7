import os
import threading
import time
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from giza.site.intersphinx import fetch_inventories, inventory_url

INVENTORY = b"# Sphinx inventory version 2\n# Project: demo\n# Version: 1\nrest\n"


class Server:
    """A real HTTP server on 127.0.0.1 that records requests."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.last_modified = time.time() - 3 * 86400
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                since = self.headers.get("If-Modified-Since")
                outer.requests.append((self.path, since))
                status, body = outer.routes.get(self.path, (404, b"missing"))
                if status == 200 and since and \
                        parsedate_to_datetime(since).timestamp() >= outer.last_modified:
                    status, body = 304, b""
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


def entry(server, name="demo", route="/demo/", path="intersphinx/demo.inv"):
    return {"name": name, "url": server.url + route, "path": path}


def test_inventory_url():
    assert inventory_url("https://x.org/docs") == "https://x.org/docs/objects.inv"
    assert inventory_url("https://x.org/docs/") == "https://x.org/docs/objects.inv"


def test_download_then_daily_cache(server, tmp_path):
    server.routes["/demo/objects.inv"] = (200, INVENTORY)
    assert fetch_inventories([entry(server)], tmp_path) == []
    target = tmp_path / "intersphinx" / "demo.inv"
    assert target.read_bytes() == INVENTORY
    assert server.requests == [("/demo/objects.inv", None)]
    # fresh: no request at all
    assert fetch_inventories([entry(server)], tmp_path) == []
    assert len(server.requests) == 1


def test_stale_copy_sends_if_modified_since_and_keeps_on_304(server, tmp_path):
    server.routes["/demo/objects.inv"] = (200, b"# Sphinx inventory version 2\nnew\n")
    target = tmp_path / "intersphinx" / "demo.inv"
    target.parent.mkdir()
    target.write_bytes(INVENTORY)
    old = time.time() - 2 * 86400  # newer than the server's copy, older than a day
    os.utime(target, (old, old))
    assert fetch_inventories([entry(server)], tmp_path) == []
    path, since = server.requests[0]
    assert since is not None and abs(parsedate_to_datetime(since).timestamp() - old) < 1
    assert target.read_bytes() == INVENTORY  # 304: kept
    assert time.time() - target.stat().st_mtime < 60  # and marked as checked


def test_stale_copy_is_replaced(server, tmp_path):
    server.routes["/demo/objects.inv"] = (200, INVENTORY + b"more\n")
    target = tmp_path / "intersphinx" / "demo.inv"
    target.parent.mkdir()
    target.write_bytes(INVENTORY)
    old = server.last_modified - 86400
    os.utime(target, (old, old))
    assert fetch_inventories([entry(server)], tmp_path) == []
    assert target.read_bytes() == INVENTORY + b"more\n"
    assert [p.name for p in target.parent.iterdir()] == ["demo.inv"]  # no temp files left


def test_http_error_keeps_cache(server, tmp_path):
    target = tmp_path / "inv" / "gone.inv"
    target.parent.mkdir()
    target.write_bytes(INVENTORY)
    os.utime(target, (0, 0))
    warnings = fetch_inventories([entry(server, "gone", "/gone/", "inv/gone.inv")], tmp_path)
    assert warnings == [f"intersphinx 'gone': cannot fetch {server.url}/gone/objects.inv: "
                        "HTTP 404; keeping the cached copy"]
    assert target.read_bytes() == INVENTORY


def test_not_an_inventory(server, tmp_path):
    server.routes["/html/objects.inv"] = (200, b"<html>login</html>")
    warnings = fetch_inventories([entry(server, "h", "/html/", "h.inv")], tmp_path)
    assert warnings == [f"intersphinx 'h': {server.url}/html/objects.inv is not a Sphinx "
                        "inventory; no cached copy"]
    assert not (tmp_path / "h.inv").exists()


def test_offline(tmp_path):
    srv = Server()
    url = srv.url
    srv.close()  # nothing listens on that port any more
    warnings = fetch_inventories([{"name": "x", "url": url + "/", "path": "x.inv"}], tmp_path,
                                 timeout=2)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"intersphinx 'x': cannot fetch {url}/objects.inv: ")
    assert warnings[0].endswith("; no cached copy")


def test_bad_entries(tmp_path):
    warnings = fetch_inventories(
        [{"name": "a", "url": "http://127.0.0.1:1/"},
         {"name": "b", "url": "http://127.0.0.1:1/", "path": "../outside.inv"}], tmp_path)
    assert warnings == ["intersphinx 'a': needs both 'url' and 'path'; skipped",
                        "intersphinx 'b': path '../outside.inv' leaves the build directory; "
                        "skipped"]


def test_custom_opener_and_parallel_entries(server, tmp_path):
    server.routes["/one/objects.inv"] = (200, INVENTORY)
    server.routes["/two/objects.inv"] = (200, INVENTORY)
    calls = []

    def opener(request, timeout):
        import urllib.request
        calls.append((request.full_url, timeout))
        return urllib.request.urlopen(request, timeout=timeout)

    warnings = fetch_inventories([entry(server, "one", "/one/", "one.inv"),
                                  entry(server, "two", "/two", "two.inv")], tmp_path,
                                 timeout=3, opener=opener)
    assert warnings == []
    assert sorted(calls) == [(f"{server.url}/one/objects.inv", 3),
                             (f"{server.url}/two/objects.inv", 3)]
    assert (tmp_path / "two.inv").read_bytes() == INVENTORY
