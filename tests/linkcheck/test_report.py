"""The console report: grouped by status, each URL once, a failing host once."""

from __future__ import annotations

import io

from giza.linkcheck.collect import Place
from giza.linkcheck.report import Entry, LinkReport, print_report, report_data
from giza.linkcheck.result import Result

VARIANTS = ("a", "a-fr", "b")
DOWN = "host given up after 3 URLs failed, last: connection refused"


def entry(url: str, status: str, message: str = "", places=(("source/x.txt", 3, VARIANTS),),
          **more) -> Entry:
    return Entry(Result(url, status, message=message, **more),
                 tuple(Place(path, line, v) for path, line, used in places for v in used))


def sample() -> LinkReport:
    dead = [entry(f"https://dead.example/{i}", "host-down", DOWN,
                  ((f"source/p{i}.txt", i + 1, ("a",)),)) for i in range(5)]
    return LinkReport((
        entry("https://x.example/gone", "broken", "404 Not Found",
              (("source/x.txt", 3, VARIANTS), ("source/includes/extracts-a.yaml", 9, ("b",)))),
        entry("https://x.example/old", "redirected", "308 Permanent Redirect",
              target="https://x.example/new"),
        entry("https://x.example/", "ok", cached=True),
        entry("https://busy.example/", "rate-limited", "429 Too Many Requests after 3 attempts",
              (("source/y.txt", None, ("a", "b")),)),
        *dead,
    ), VARIANTS, requests=7)


def test_console_report_groups_by_status():
    out = io.StringIO()
    print_report(sample(), out)
    assert out.getvalue() == """\
broken (1):
  https://x.example/gone: 404 Not Found
      source/x.txt:3 (all 3 variants)
      source/includes/extracts-a.yaml:9 (b)
redirected (1):
  https://x.example/old -> https://x.example/new (308 Permanent Redirect)
      source/x.txt:3 (all 3 variants)
rate-limited or host down (6):
  https://busy.example/: 429 Too Many Requests after 3 attempts
      source/y.txt (a, b)
  dead.example: host given up after 3 URLs failed, last: connection refused (5 URLs)
      source/p0.txt:1 (a)
      source/p1.txt:2 (a)
      source/p2.txt:3 (a)
      ... and 2 more places
ok: 1; ignored: 0
linkcheck: 9 unique URLs in 3 variants; 7 requests, 1 from the cache; 1 broken, \
1 redirected, 6 rate-limited or host down
"""


def test_exit_code_and_json():
    report = sample()
    assert report.exit_code(strict=False) == 1
    warnings_only = LinkReport(report.entries[1:], VARIANTS, 0)
    assert warnings_only.exit_code(strict=False) == 0
    assert warnings_only.exit_code(strict=True) == 1
    data = report_data(report, strict=False)
    assert data["summary"] == {"broken": 1, "redirected": 1, "rate-limited or host down": 6,
                               "ok": 1, "ignored": 0, "cached": 1, "unique_urls": 9}
    assert data["links"][0]["places"][-1] == {
        "path": "source/includes/extracts-a.yaml", "line": 9, "variant": "b"}
