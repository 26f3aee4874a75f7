"""The checking pool against a real local server: one request per page, politeness."""

from __future__ import annotations

import pytest
from linkserver import LinkServer

from giza.linkcheck.check import check_urls
from giza.linkcheck.politeness import Politeness
from giza.linkcheck.settings import Settings

FAST = Settings(timeout=1.0)
POLITE = Politeness()


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


def check(urls, settings=FAST, politeness=POLITE, workers=5):
    return check_urls(urls, settings, politeness, workers)


def test_each_route_gets_its_status_with_one_check_per_page(server):
    base = server.base
    urls = [f"{base}/ok", f"{base}/moved", f"{base}/temporary", f"{base}/missing",
            f"{base}/anchors#present", f"{base}/anchors#named", f"{base}/anchors#absent",
            f"{base}/head-refused"]
    results, requests = check(urls)
    status = {url.removeprefix(base): r.status for url, r in results.items()}
    assert status == {"/ok": "ok", "/moved": "redirected", "/temporary": "ok",
                      "/missing": "broken", "/anchors#present": "ok",
                      "/anchors#named": "ok", "/anchors#absent": "broken",
                      "/head-refused": "ok"}
    assert results[f"{base}/moved"].target == f"{base}/target"
    assert results[f"{base}/missing"].message == "404 Not Found"
    assert results[f"{base}/anchors#absent"].message == "anchor 'absent' not found"
    # Three anchors of one page: one GET. HEAD refused: HEAD then GET. 404 is final on HEAD.
    assert server.count("/anchors") == 1 and server.count("/anchors", "GET") == 1
    assert server.count("/head-refused", "HEAD") == 1
    assert server.count("/head-refused", "GET") == 1
    assert server.count("/missing") == 1 and server.count("/ok") == 1
    assert server.count("/moved") == 1 and server.count("/target") == 1
    assert requests == server.count()


def test_429_is_retried_after_retry_after(server):
    results, _ = check([f"{server.base}/busy"])
    assert results[f"{server.base}/busy"].status == "ok"
    first, second = server.times("/busy")
    assert second - first >= 1.0  # Retry-After: 1 was honoured


def test_503_gives_up_after_three_attempts_as_unavailable(server):
    results, _ = check([f"{server.base}/down"], politeness=Politeness(backoff=0.05))
    result = results[f"{server.base}/down"]
    assert (result.status, result.message) == ("unavailable",
                                                "503 Service Unavailable after 3 attempts")
    assert server.count("/down") == 3


def test_a_hang_is_a_timeout(server):
    results, _ = check([f"{server.base}/hang"])
    result = results[f"{server.base}/hang"]
    assert (result.status, result.message) == ("timeout", "no answer within 1 s")
    assert server.count("/hang") == 1  # linkcheck_retries = 1: no second attempt


def test_retry_after_longer_than_the_cap_is_not_waited_for(server):
    results, _ = check([f"{server.base}/busy"], Settings(timeout=1.0, rate_limit_timeout=0.5))
    result = results[f"{server.base}/busy"]
    assert result.status == "rate-limited"
    assert result.message == ("429 Too Many Requests; Retry-After asks for 1 s, more than "
                              "the 0.5 s cap")
    assert server.count("/busy") == 1


def test_per_host_and_global_limits_hold():
    with LinkServer(slow=0.2) as one, LinkServer(slow=0.2) as two:
        urls = [f"{s.base}/slow?{i}" for s in (one, two) for i in range(6)]
        results, _ = check(urls, politeness=Politeness(per_host=2), workers=8)
        assert {r.status for r in results.values()} == {"ok"}
        assert one.max_active <= 2 and two.max_active <= 2
    with LinkServer(slow=0.1) as one, LinkServer(slow=0.1) as two:
        urls = [f"{s.base}/slow?{i}" for s in (one, two) for i in range(3)]
        check(urls, politeness=Politeness(per_host=2), workers=1)
        assert one.max_active == 1 and two.max_active == 1
        assert one.count() == 3 and two.count() == 3


def test_a_host_that_keeps_failing_is_given_up_once():
    with LinkServer(all_fail=True) as failing:
        urls = [f"{failing.base}/page/{i}" for i in range(6)]
        results, _ = check(urls, politeness=Politeness(per_host=1, backoff=0.05))
        assert {r.status for r in results.values()} == {"host-down"}
        assert {r.message for r in results.values()} == {
            "host given up after 3 URLs failed, last: 500 Internal Server Error"}
        assert failing.count() == 3  # the other three were never requested


def test_connection_refused_is_broken():
    with LinkServer() as gone:
        url = f"{gone.base}/ok"
    results, _ = check([url])
    assert (results[url].status, results[url].message) == ("broken", "connection refused")


def test_a_url_requests_cannot_use_is_broken_not_a_crash():
    url = "http://exa mple.invalid:99999/"
    results, _ = check([url])
    assert results[url].status == "broken"
    assert results[url].message


def test_request_headers_and_user_agent_are_sent(server):
    settings = Settings(timeout=1.0, user_agent="giza-test/1",
                        request_headers=((server.base, (("Authorization", "Bearer t"),)),))
    check([f"{server.base}/ok"], settings)
    sent = server.headers["/ok"]
    assert sent["User-Agent"] == "giza-test/1"
    assert sent["Authorization"] == "Bearer t"
    assert sent["Accept"] == "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


def test_anchors_are_not_checked_when_linkcheck_anchors_is_off(server):
    url = f"{server.base}/anchors#absent"
    results, _ = check([url], Settings(timeout=1.0, anchors=False))
    assert results[url].status == "ok"
    assert server.count("/anchors", "HEAD") == 1 and server.count("/anchors", "GET") == 0
