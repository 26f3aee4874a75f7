"""`giza serve` end to end: a real server, real edits on disk, real HTTP fetches."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from serve_helpers import CONF_PY, PROJECT, alive, descendants


def test_page_edit_is_served_and_reported(serve_project):
    served = serve_project()
    assert "Run the installer." in served.get("install.html")
    assert "giza serve" in served.get("install.html")  # the injected reload script
    served.edit("source/install.txt", "Run the installer.", "Run the new installer.")
    page = served.wait_for_text("install.html", "Run the new installer.")
    assert page.count('<script id="giza-serve">') == 1
    line = served.wait_for_lines(1)[0]
    assert re.fullmatch(r"install\.txt changed → html: 1 page read, \d+ written, \d+\.\d\d s",
                        line), line
    # the file on disk is what Sphinx wrote: no script in it
    on_disk = (served.root / "build/1.0/html/install.html").read_text()
    assert "Run the new installer." in on_disk and "giza-serve" not in on_disk


def _listen(served, events: list[dict], connected: threading.Event) -> None:
    """Collect build events until one that ends a rebuild ("done")."""
    parts = urlsplit(served.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("GET", "/__giza__/events")
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    connected.set()
    kind = None
    while True:
        line = response.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            kind = line[len("event: "):]
        elif line.startswith("data: ") and kind == "build":
            events.append(json.loads(line[len("data: "):]))
            if events[-1]["stage"] == "done":
                return


def test_reload_events_arrive(serve_project):
    served = serve_project()
    events: list[dict] = []
    connected = threading.Event()
    listener = threading.Thread(target=_listen, args=(served, events, connected), daemon=True)
    listener.start()
    assert connected.wait(30)
    served.edit("source/install.txt", "Run the installer.", "Run it twice.")
    listener.join(60)
    # first the edited page is on disk (browsers showing it reload), then the other pages
    # written (the toctree's parent), then the rebuild ends (browsers showing any other
    # page of the variant reload then); one generation: no page reloads twice
    assert [(e["stage"], e["generation"]) for e in events] == [("pages", 1), ("pages", 1),
                                                               ("done", 1)]
    assert [e["pages"] for e in events[:2]] == [["install"], ["index"]]
    done = events[2]
    assert (done["variant"], done["ok"], done["built"], done["read"]) == ("html", True, True, 1)
    assert done["errors"] == [] and done["trigger"] == "install.txt changed"


def test_broken_yaml_shows_errors_then_recovers(serve_project):
    served = serve_project()
    assert "Download the package" in served.get("setup.html")
    served.edit("source/includes/steps-setup.yaml", "ref: download", "ref: [download")
    lines = served.wait_for_lines(1)
    assert lines[0].startswith("includes/steps-setup.yaml changed → html: failed, 1 error, "
                               "last good pages kept, ")
    state = served.status()["variants"]["html"]
    assert (state["ok"], state["built"]) == (False, False)
    [error] = state["errors"]
    assert error["location"] == "source/includes/steps-setup.yaml:3"
    assert error["text"] == ("YAML syntax error: while parsing a flow sequence, did not find "
                             "expected ',' or ']'")
    assert "Download the package" in served.get("setup.html")  # the last good page
    served.edit("source/includes/steps-setup.yaml", "title: Download the package\n"
                "ref: [download", "title: Fetch the package\nref: download")
    served.wait_for_text("setup.html", "Fetch the package")
    served.wait_for_lines(2)
    state = served.status()["variants"]["html"]
    assert (state["ok"], state["built"], state["errors"]) == (True, True, [])
    assert re.fullmatch(r"includes/steps-setup\.yaml changed → html: 1 page read, \d+ written, "
                        r"\d+\.\d\d s", served.rebuild_lines()[-1]), served.output


def test_rst_error_is_shown_with_its_line(serve_project):
    served = serve_project()
    served.edit("source/install.txt", "Run the installer.",
                "Run the installer.\n\n.. nosuchdirective:: x\n")
    served.wait_for_lines(1)
    state = served.status()["variants"]["html"]
    assert state["built"] is True and state["ok"] is False
    assert [e["location"] for e in state["errors"]] == ["source/install.txt:7"]
    assert 'Unknown directive type "nosuchdirective"' in state["errors"][0]["text"]
    # Sphinx does not read install.txt again for an edit elsewhere: its error stands
    served.edit("source/setup.txt", ".. include::", "First things first.\n\n.. include::")
    served.wait_for_lines(2)
    assert [e["location"] for e in served.status()["variants"]["html"]["errors"]] == [
        "source/install.txt:7"]
    served.edit("source/install.txt", ".. nosuchdirective:: x\n", "")
    served.wait_for_lines(3)
    assert served.status()["variants"]["html"]["errors"] == []


def test_builds_never_trigger_builds(serve_project):
    served = serve_project()
    served.edit("source/install.txt", "Run the installer.", "Run it.")
    served.wait_for_lines(1)
    # editor litter and build output change nothing
    (served.root / "source/.install.txt.swp").write_text("x")
    (served.root / "source/install.txt~").write_text("x")
    (served.root / "build/1.0/html/extra.html").write_text("x")
    time.sleep(4)  # a quiet period: a loop would rebuild again and again in it
    assert len(served.rebuild_lines()) == 1, served.output


def test_sigint_exits_130_and_leaves_no_process(serve_project):
    served = serve_project()
    served.edit("source/install.txt", "Run the installer.", "Run it.")
    served.wait_for_lines(1)
    children = descendants(served.proc.pid)
    assert children, "the warm Sphinx worker should be running"
    assert served.interrupt() == 130
    time.sleep(0.5)
    assert [pid for pid in children if alive(pid)] == []


def test_conf_py_edit_rebuilds_fully(serve_project):
    served = serve_project()
    (served.root / "conf.py").write_text(CONF_PY + "html_title = 'Retitled docs'\n")
    served.wait_for_text("install.html", "Retitled docs")
    line = served.wait_for_lines(1)[0]
    assert re.fullmatch(r"conf\.py changed → html: full rebuild \(conf\.py changed\): 3 pages "
                        r"read, 3 written, \d+\.\d\d s", line), line
    # the worker started for the new configuration stays warm for the next edit
    served.edit("source/install.txt", "Run the installer.", "Run it.")
    served.wait_for_text("install.html", "Run it.")
    assert served.wait_for_lines(2)[1].startswith("install.txt changed → html: 1 page read")
    assert "note: ran sphinx-build" not in served.output


EDITIONS = {
    **PROJECT,
    "config/build_conf.yaml": "project:\n  name: served\n  editions: [{name: cloud}, "
                              "{name: server}]\nversion: {release: '1.0', branch: '1.0'}\n",
    "source/includes/steps-setup.yaml": """
        title: Download the package
        ref: download
        edition: cloud
        ---
        title: Open the console
        ref: download
        edition: server
        """,
}


def test_an_edition_only_edit_rebuilds_only_that_edition(serve_project):
    served = serve_project(EDITIONS, ("-e", "all"))
    index = served.get("")
    assert '<a href="/html-cloud/">html-cloud</a>' in index
    assert '<a href="/html-server/">html-server</a>' in index
    assert "Open the console" in served.get("html-server/setup.html")
    served.edit("source/includes/steps-setup.yaml", "Open the console", "Open the shell")
    served.wait_for_text("html-server/setup.html", "Open the shell")
    time.sleep(2)
    lines = served.rebuild_lines()
    assert len(lines) == 1, served.output
    assert lines[0].startswith("includes/steps-setup.yaml changed → html-server: 1 page read")
    served.edit("source/install.txt", "Run the installer.", "Run it.")
    served.wait_for_text("html-cloud/install.html", "Run it.")
    served.wait_for_lines(3)
    assert {line.split(":")[0] for line in served.rebuild_lines()[1:]} == {
        "install.txt changed → html-cloud", "install.txt changed → html-server"}


FALLBACK = {
    **PROJECT,
    # An extension with global state: the second build in one process fails.
    "conf.py": CONF_PY.replace('extensions = ["giza.sphinxext"]',
                               'import sys\nsys.path.insert(0, ".")\n'
                               'extensions = ["giza.sphinxext", "once"]'),
    "once.py": """
        BUILDS = []


        def count(app, env, docnames):
            BUILDS.append(1)
            if len(BUILDS) > 1:
                raise RuntimeError("once: built twice in one process")


        def setup(app):
            app.connect("env-before-read-docs", count)
            return {"parallel_read_safe": True}
        """,
}


def test_a_failing_warm_sphinx_falls_back_to_sphinx_build(serve_project):
    served = serve_project(FALLBACK)
    served.edit("source/install.txt", "Run the installer.", "Run it.")
    served.wait_for_text("install.html", "Run it.")
    served.wait_for_lines(1)
    assert not any("note: ran sphinx-build" in line for line in served.lines)
    served.edit("source/install.txt", "Run it.", "Run it again.")
    served.wait_for_text("install.html", "Run it again.")
    lines = served.wait_for_lines(2)
    # Sphinx deletes the environment when a build fails: sphinx-build then reads everything
    assert re.fullmatch(r"install\.txt changed → html: 3 pages read, 3 written, \d+\.\d\d s",
                        lines[1]), served.output
    assert ("  note: ran sphinx-build: the warm Sphinx application failed (ExtensionError: "
            "Handler <function count at ") in served.output
    assert "(exception: once: built twice in one process))" in served.output


def test_a_worker_that_died_is_replaced(serve_project):
    served = serve_project()
    workers = [pid for pid in descendants(served.proc.pid)
               if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGKILL)
    served.edit("source/install.txt", "Run the installer.", "Run it anyway.")
    served.wait_for_text("install.html", "Run it anyway.")
    served.wait_for_lines(1)
    assert ("  note: ran sphinx-build: the warm Sphinx worker stopped (exit status -9); a new "
            "one is started") in served.lines
    served.edit("source/install.txt", "Run it anyway.", "Run it warm again.")
    served.wait_for_text("install.html", "Run it warm again.")
    lines = served.wait_for_lines(2)
    assert re.fullmatch(r"install\.txt changed → html: 1 page read, \d+ written, \d+\.\d\d s",
                        lines[1]), served.output
    assert served.output.count("note: ran sphinx-build") == 1


def test_the_build_lock_is_free_while_idle(serve_project):
    served = serve_project()
    other = subprocess.run([sys.executable, "-m", "giza", "--no-wait", "sphinx", "-b", "html"],
                           cwd=served.root, capture_output=True, text=True, timeout=300)
    assert other.returncode == 0, other.stdout + other.stderr
    served.edit("source/install.txt", "Run the installer.", "Run it after the other build.")
    served.wait_for_text("install.html", "Run it after the other build.")


def test_an_edit_that_changes_no_page_says_so(serve_project):
    served = serve_project()
    # an unknown field is ignored (with a warning, as the original giza did): same output
    served.edit("source/includes/steps-setup.yaml", "ref: download", "ref: download\nbogus: 1")
    assert served.wait_for_lines(1) == ["includes/steps-setup.yaml changed → no served page "
                                        "changed"]
