"""Retry-After parsing and backoff."""

from __future__ import annotations

from giza.linkcheck.politeness import HostState, Politeness, backoff, retry_after


def test_retry_after_seconds_and_http_dates():
    assert retry_after("1") == 1.0
    assert retry_after(" 120 ") == 120.0
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=now) == 30.0
    assert retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now=now) == 0.0  # in the past
    assert retry_after("soon") is None
    assert retry_after("") is None and retry_after(None) is None


def test_backoff_doubles_up_to_the_cap():
    assert [backoff(n, 1.0, 5.0) for n in range(5)] == [0.0, 1.0, 2.0, 4.0, 5.0]
    assert backoff(500, 1.0, 300.0) == 300.0


def test_a_host_that_answered_once_is_never_given_up():
    polite = Politeness(host_down_after=2)
    alive = HostState()
    alive.succeeded()
    assert not alive.gave_up_on("a", "x", polite) and not alive.gave_up_on("b", "x", polite)
    dead = HostState()
    assert not dead.gave_up_on("a", "refused", polite)
    assert not dead.gave_up_on("a", "refused", polite)  # the same URL twice counts once
    assert dead.gave_up_on("b", "refused", polite)
    assert dead.down == "refused"
