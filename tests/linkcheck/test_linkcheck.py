"""`giza linkcheck` end to end: a 3 editions x 2 languages project, real sphinx-build, a
local server that counts requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from linkserver import LinkServer

CONF = '''
extensions = ["giza.sphinxext"]
source_suffix = {".txt": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["includes"]
html_theme = "basic"
linkcheck_timeout = 1
linkcheck_ignore = [r"http://127\\.0\\.0\\.1:\\d+/ignored"]
'''


def project_files(base: str, conf: str = CONF) -> dict[str, str]:
    """Three editions, English and French; the pages share most links."""
    return {
        "config/build_conf.yaml": """\
            project:
              name: links
              title: Links
              editions: [{name: alpha}, {name: beta}, {name: gamma}]
            version: {release: "1.0", branch: "1.0"}
            system: {files: [integration.yaml]}
            """,
        "config/integration.yaml": "base: {targets: [html]}\nfr: {inherit: base}\n",
        "conf.py": conf,
        "source/index.txt": f"""\
            Links
            =====

            A `page <{base}/ok>`__, `moved <{base}/moved>`__, `gone <{base}/missing>`__.

            `Busy <{base}/busy>`__ and `down <{base}/down>`__ and `slow <{base}/hang>`__.

            `Here <{base}/anchors#present>`__, `not here <{base}/anchors#absent>`__,
            `skipped <{base}/ignored>`__.

            .. only:: alpha

               Only alpha has `this <{base}/page/alpha>`__.

            .. include:: /includes/extracts/shared.rst

            .. toctree::

               more
            """,
        "source/more.txt": f"""\
            More
            ====

            The same `page <{base}/ok>`__ again.
            """,
        "source/includes/extracts-links.yaml": f"""\
            ref: shared
            content: |
              Shared text.

              See `the reference <{base}/page/from-yaml>`__.
            """,
    }


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


def run_all(giza, *extra: str):
    return giza("--executor", "serial", "linkcheck", "-e", "all", "-l", "all", *extra)


def test_every_variant_checked_once_then_cached(project, giza, server):
    root = project(project_files(server.base))
    base = server.base
    first = run_all(giza, "--report", "report.json")
    assert first.code == 1, first.out + first.err
    # Each unique page once for 6 variants; /busy twice (429 then 200), /down three
    # times (503 every time), /moved's target once more.
    assert {path: server.count(path) for path in (
        "/ok", "/moved", "/target", "/missing", "/busy", "/down", "/hang", "/anchors",
        "/page/alpha", "/page/from-yaml", "/ignored")} == {
        "/ok": 1, "/moved": 1, "/target": 1, "/missing": 1, "/busy": 2, "/down": 3,
        "/hang": 1, "/anchors": 1, "/page/alpha": 1, "/page/from-yaml": 1, "/ignored": 0}
    assert server.count() == 13  # what the report below says
    first_busy, second_busy = server.times("/busy")
    assert second_busy - first_busy >= 1.0
    report = first.out[first.out.index("broken ("):]
    assert report == f"""\
broken (3):
  {base}/anchors#absent: anchor 'absent' not found
      source/index.txt:8 (all 6 variants)
  {base}/hang: timeout: no answer within 1 s
      source/index.txt:6 (all 6 variants)
  {base}/missing: 404 Not Found
      source/index.txt:4 (all 6 variants)
redirected (1):
  {base}/moved -> {base}/target (301 Moved Permanently)
      source/index.txt:4 (all 6 variants)
rate-limited or host down (1):
  {base}/down: 503 Service Unavailable after 3 attempts
      source/index.txt:6 (all 6 variants)
ok: 5; ignored: 1
linkcheck: 11 unique URLs in 6 variants; 13 requests, 0 from the cache; 3 broken, \
1 redirected, 1 rate-limited or host down
"""
    data = json.loads((root / "report.json").read_text())
    assert data["summary"] == {"broken": 3, "redirected": 1, "rate-limited or host down": 1,
                               "ok": 5, "ignored": 1, "cached": 0, "unique_urls": 11}
    assert data["variants"] == ["alpha", "alpha-fr", "beta", "beta-fr", "gamma", "gamma-fr"]
    links = {link["url"].removeprefix(base): link for link in data["links"]}
    # Generated rST points at the YAML line holding the URL; only alpha has /page/alpha.
    assert {(p["path"], p["line"]) for p in links["/page/from-yaml"]["places"]} == {
        ("source/includes/extracts-links.yaml", 5)}
    assert [p["variant"] for p in links["/page/alpha"]["places"]] == ["alpha", "alpha-fr"]
    assert {(p["path"], p["line"]) for p in links["/ok"]["places"]} == {
        ("source/index.txt", 4), ("source/more.txt", 4)}
    assert len(links["/ok"]["places"]) == 12  # two pages x six variants
    assert (root / "build/.giza/linkcheck.json").is_file()

    requests = server.count()
    again = run_all(giza)
    assert again.code == 1
    assert server.count() == requests  # within the TTL: no request at all
    assert "0 requests, 10 from the cache" in again.out

    refreshed = run_all(giza, "--refresh", "-e", "beta")
    assert refreshed.code == 1
    assert server.count("/ok") == 2


def test_exit_codes_redirects_warn_and_strict_fails(project, giza, server):
    base = server.base
    files = project_files(base)
    files["source/index.txt"] = f"Links\n=====\n\n`a <{base}/ok>`__ `b <{base}/moved>`__\n"
    files.pop("source/more.txt")
    project(files)
    # The default executor: collecting and checking run in worker processes.
    result = giza("--jobs", "2", "linkcheck", "-e", "alpha", "beta")
    assert result.code == 0, result.out + result.err
    assert "linkcheck: 2 unique URLs in 2 variants; 3 requests" in result.out
    assert "redirected (1):" in result.out and "ok: 1; ignored: 0" in result.out
    strict = giza("--executor", "serial", "--strict", "linkcheck", "-e", "alpha")
    assert strict.code == 1
    assert server.count() == 3  # /ok, /moved and its target, once for both runs


def test_allowed_redirects_are_ok(project, giza, server):
    base = server.base
    files = project_files(base, CONF + "linkcheck_allowed_redirects = "
                                       "{r'.*/moved': r'.*/target'}\n")
    files["source/index.txt"] = f"Links\n=====\n\n`b <{base}/moved>`__\n"
    files.pop("source/more.txt")
    project(files)
    result = giza("--executor", "serial", "--strict", "linkcheck", "-e", "alpha")
    assert result.code == 0, result.out + result.err
    assert "ok: 1; ignored: 0" in result.out


@pytest.mark.parametrize(("setting", "message"), [
    ("linkcheck_ignore = ['(unclosed']",
     "conf.py: linkcheck_ignore[0]: '(unclosed' is not a valid regular expression "
     "(missing ), unterminated subpattern at position 0)"),
    ("linkcheck_timeout = 'soon'", "conf.py: linkcheck_timeout is 'soon'; expected a number "
                                   ">= 0.001"),
])
def test_bad_settings_exit_2_before_any_request(project, giza, server, setting, message):
    project(project_files(server.base, CONF + setting + "\n"))
    result = giza("--executor", "serial", "linkcheck", "-e", "alpha")
    assert result.code == 2, result.out + result.err
    assert f"giza: error: check: {message}\n" in result.out
    assert server.count() == 0


def test_bad_command_line(project, giza, server):
    project(project_files(server.base))
    result = giza("linkcheck", "-e", "delta")
    assert result.code == 2
    assert result.err.startswith("giza: error: unknown edition 'delta'")
    per_host = giza("linkcheck", "--per-host", "0")
    assert per_host.code == 2
    assert per_host.err == "giza: error: --per-host and --workers must be whole numbers >= 1\n"


def test_collect_failure_is_reported(project, giza, server):
    files = project_files(server.base, CONF + "raise RuntimeError('conf.py is broken')\n")
    project(files)
    result = giza("--executor", "serial", "linkcheck", "-e", "alpha")
    assert result.code == 1
    assert "giza: error: collect:linkcheck-alpha: sphinx-build -b gizalinks exited with " \
           "status 2" in result.out
    assert "conf.py is broken" in result.out
    assert Path("build/.giza/linkcheck.json").exists() is False


def test_settings_that_differ_between_variants_are_noted(project, giza, server):
    base = server.base
    files = project_files(base, CONF + "if tags.has('beta'):\n    linkcheck_timeout = 2\n")
    files["source/index.txt"] = f"Links\n=====\n\n`a <{base}/ok>`__\n"
    files.pop("source/more.txt")
    project(files)
    result = giza("--executor", "serial", "linkcheck", "-e", "alpha", "beta")
    assert result.code == 0, result.out + result.err
    assert ("giza: note: conf.py: the linkcheck settings of beta differ from those of alpha; "
            "every URL is checked with those of alpha\n") in result.out
