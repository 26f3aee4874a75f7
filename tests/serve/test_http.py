"""The server: files of the served variants, the index, the reload script, the events."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request

import pytest

from giza.serve.events import Hub
from giza.serve.http import start_server


@pytest.fixture
def server(tmp_path):
    started = []

    def start(names):
        roots = {}
        for name in names:
            out = tmp_path / name
            (out / "guide").mkdir(parents=True)
            (out / "index.html").write_text(f"<html><body>{name} home</body></html>")
            (out / "guide/index.html").write_text("<html><body>guide</body></html>")
            (out / "style.css").write_text("p {}")
            roots[name] = out
        (tmp_path / "secret.txt").write_text("no")
        hub = Hub(list(names))
        srv, _ = start_server("127.0.0.1", 0, roots, hub)
        started.append((srv, hub))
        return f"http://127.0.0.1:{srv.server_address[1]}/", hub

    yield start
    for srv, hub in started:
        hub.close()
        srv.shutdown()
        srv.server_close()


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read().decode()


def test_one_variant_is_served_at_the_root(server, tmp_path):
    url, _ = server(["html"])
    status, headers, body = get(url)
    assert status == 200 and body.startswith("<html><body>html home<script id=\"giza-serve\">")
    assert headers["Cache-Control"] == "no-store"
    assert get(url + "style.css")[2] == "p {}"  # not HTML: as it is on disk
    assert "guide" in get(url + "guide")[2]  # a directory: redirected to guide/
    assert (tmp_path / "html/index.html").read_text() == "<html><body>html home</body></html>"


def test_several_variants_get_an_index(server):
    url, hub = server(["html-cloud", "html-server"])
    body = get(url)[2]
    assert '<li><a href="/html-cloud/">html-cloud</a></li>' in body
    assert "html-server home" in get(url + "html-server/")[2]
    hub.publish({"variant": "html-server", "ok": False, "built": False, "errors": []})
    assert '<a href="/html-server/">html-server</a> (last rebuild failed)' in get(url)[2]


@pytest.mark.parametrize("path", ["../secret.txt", "%2e%2e/secret.txt", "missing.html",
                                  "nosuch/index.html"])
def test_nothing_outside_the_outputs(server, path):
    url, _ = server(["html-a", "html-b"])
    with pytest.raises(urllib.error.HTTPError) as error:
        get(url + "html-a/" + path if not path.startswith("nosuch") else url + path)
    assert error.value.code == 404


def test_events_stream_what_was_published(server):
    url, hub = server(["html"])
    port = int(url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/__giza__/events")
    response = conn.getresponse()
    assert response.readline() == b": connected\n"
    response.readline()
    hub.publish({"variant": "html", "ok": True, "built": True, "generation": 1})
    assert response.readline() == b"event: build\n"
    assert response.readline() == (b'data: {"variant": "html", "ok": true, "built": true, '
                                   b'"generation": 1}\n')
    hub.close()
    assert response.read() == b"\n"  # the stream ends when the server stops
