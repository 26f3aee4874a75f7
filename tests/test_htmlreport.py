"""The HTML report: its view of a record, and the page in a real headless browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from giza.htmlreport import build_page, critical_path, render

REPO = Path(__file__).resolve().parent.parent


def _task(name: str, worker: str, start: float, end: float, deps: tuple[str, ...] = (),
          kind: str = "sphinx", status: str = "ok", variant: str | None = None,
          **timing: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "variant": variant, "label": "", "status": status,
            "message": "", "deps": list(deps), "cores": 1,
            "timing": {"worker": worker, "start": start, "end": end, "peak_rss": 2**20,
                       "phases": timing.get("phases", []), "slowest": timing.get("slowest", [])}}


def _message(path: str, line: int, text: str) -> dict[str, Any]:
    return {"path": path, "line": line, "level": "WARNING", "text": text, "phase": "read"}


RECORD = {
    "time": 1_700_000_000, "branch": "main",
    "tasks": {
        "sphinx:html": {"variant": "html", "status": "ok", "reason": "1 page changed: a",
                        "seconds": 6.0, "warnings": 2, "errors": 0,
                        "messages": [_message("source/a.txt", 3, "bad"),
                                     _message("source/b.txt", 1, "worse")]},
        "sphinx:latex": {"variant": "latex", "status": "timed out", "reason": "--force",
                         "seconds": 9.0, "warnings": 1, "errors": 0,
                         "messages": [_message("source/a.txt", 3, "bad")]},
    },
    "timeline": {"started": 1_700_000_000, "cores": 2, "timers": {"sphinx read": 3.0},
                 "tasks": [
        _task("prepare:source", "pid 1", 0.0, 1.0, kind="prepare"),
        _task("sphinx:html", "pid 1", 1.0, 7.0, ("prepare:source",), variant="html",
              phases=[{"name": "read", "start": 1.5, "end": 4.0, "documents": 12},
                      {"name": "write", "start": 4.0, "end": 7.0, "documents": 12}],
              slowest=[{"document": "a", "phase": "read", "seconds": 2.0}]),
        _task("sphinx:latex", "pid 2", 1.0, 10.0, ("prepare:source",), variant="latex",
              status="timed out"),
        _task("post:html", "pid 1", 7.0, 8.0, ("sphinx:html",), kind="post", variant="html"),
    ]},
}
PREVIOUS = {
    "time": 1_699_990_000, "branch": "main",
    "tasks": {
        "sphinx:html": {"variant": "html", "status": "ok", "reason": "", "seconds": 3.0,
                        "messages": [_message("source/c.txt", 9, "old")]},
        "sphinx:latex": {"variant": "latex", "status": "ok", "reason": "", "seconds": 9.1},
    },
}


def test_critical_path_follows_the_dependency_that_ended_last() -> None:
    rows = RECORD["timeline"]["tasks"]
    assert critical_path(rows) == ["prepare:source", "sphinx:latex"]


def test_page_view() -> None:
    page = build_page(RECORD, PREVIOUS, "Docs build report")
    timeline = page.timeline
    assert timeline is not None
    assert [lane.worker for lane in timeline.lanes] == ["pid 1", "pid 2"]
    assert [bar.task for bar in timeline.lanes[0].bars] == [
        "prepare:source", "sphinx:html", "post:html"]
    # pid 1 is idle from 8 s to the end (10 s); pid 2 for the first second.
    assert timeline.idle_seconds == pytest.approx(3.0)
    assert timeline.busy_seconds == pytest.approx(17.0)
    html_bar = timeline.lanes[0].bars[1]
    assert [s.name for s in html_bar.segments] == ["read", "write"]
    assert "why it ran: 1 page changed: a" in html_bar.details
    assert "read: 2.50 s, 12 documents" in html_bar.details
    assert [(r.variant, r.status, r.read, r.written, r.memory) for r in page.variants] == [
        ("html", "ok", "12", "12", "1 MiB"), ("latex", "timed out", "-", "-", "1 MiB")]
    assert [(d.document, d.variant, d.seconds) for d in page.slowest] == [("a", "html", 2.0)]
    assert [(g.path, [(i.line, i.text, i.variants) for i in g.items])
            for g in page.warnings] == [
        ("source/a.txt", [("3", "bad", "html, latex")]),
        ("source/b.txt", [("1", "worse", "html")]),
    ]
    comparison = page.comparison
    assert comparison is not None
    assert [(c.variant, c.before, c.after) for c in comparison.slower] == [("html", 3.0, 6.0)]
    assert comparison.faster == ()  # 9.1 -> 9.0 is noise
    assert comparison.new == ("source/a.txt:3: WARNING: bad", "source/b.txt:1: WARNING: worse")
    assert comparison.gone == ("source/c.txt:9: WARNING: old",)


def test_page_is_self_contained_and_escaped() -> None:
    record = json.loads(json.dumps(RECORD))
    record["tasks"]["sphinx:html"]["messages"][0]["text"] = "<script>alert(1)</script>"
    html = render(build_page(record, None, "Docs"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched
    assert "There is no previous record to compare with." in html


def test_record_without_timeline() -> None:
    page = build_page({"time": 0, "tasks": {}}, None)
    assert page.timeline is None
    assert "This record has no timings" in render(page)


def test_report_command_errors(copy_project, giza) -> None:
    copy_project("basic")
    result = giza("report")
    assert result.code == 2
    assert result.err == ("giza: error: no build record 0 for branch 2.1 (no records yet); "
                          "`giza records --last 10` lists them\n")
    result = giza("report", "--record", "12")
    assert result.code == 2
    assert result.err == "giza: error: --record must be between 0 (the newest) and 9, not 12\n"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("headless browser test: chromium is not installed (`make test` installs "
                    "it as root: apt-get install chromium)")
    return found


def _browser(chromium: str, page: Path, profile: Path, *args: str, fragment: str = "") -> str:
    argv = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", "--window-size=1200,1200", *args,
            page.as_uri() + fragment]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def test_report_of_a_real_build_in_a_headless_browser(copy_project, giza, tmp_path: Path):
    chromium = _chromium()
    root = copy_project("basic")
    assert giza("--jobs", "2", "sphinx", "-b", "html", "dirhtml").code == 0
    (root / "source/install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    page = root / "report.html"
    result = giza("--jobs", "2", "sphinx", "-b", "html", "dirhtml", "--report-html", str(page))
    assert result.code == 0, result.out + result.err
    assert "giza: report written to report.html" in result.out.splitlines()
    dom = _browser(chromium, page, tmp_path / "profile", "--dump-dom")
    from html.parser import HTMLParser

    found: dict[str, list[dict[str, str | None]]] = {"g": [], "li": []}

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in found:
                found[tag].append(dict(attrs))

    Collect().feed(dom)
    lanes = [g for g in found["g"] if g.get("class") == "lane"]
    bars = {g["data-task"]: g for g in found["g"] if "data-task" in g}
    assert lanes and all(str(g["data-worker"]).startswith("pid ") for g in lanes)
    assert {"prepare:source", "sphinx:html", "sphinx:dirhtml", "post:html"} <= set(bars)
    assert "status: ok" in str(bars["sphinx:html"]["data-details"])
    assert [li for li in found["li"] if li.get("class") == "warning"]
    assert "undefined label: &#39;nowhere&#39;" in dom or "undefined label: 'nowhere'" in dom
    assert "source/install.txt" in dom
    assert "new warning" in dom  # compared with the first build
    # The page's script: a link to a task selects its bar and shows its numbers.
    selected = _browser(chromium, page, tmp_path / "profile", "--dump-dom",
                        fragment="#task=sphinx%3Adirhtml")
    details = selected.split('<div id="details" aria-live="polite">', 1)[1].split("</div>")[0]
    assert details.startswith("sphinx:dirhtml\nstatus: ok\nwhy it ran: 1 page changed")
    shots = REPO / "build" / "test-report"
    shots.mkdir(parents=True, exist_ok=True)
    _browser(chromium, page, tmp_path / "profile", f"--screenshot={shots / 'report.png'}")
    assert (shots / "report.png").stat().st_size > 10_000
