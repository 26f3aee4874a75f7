"""build/.giza/linkcheck.json: TTL by status, jitter, unreadable files."""

from __future__ import annotations

import random
import time

from giza.linkcheck.cache import HOUR, Ttl, fresh, load, save
from giza.linkcheck.result import Result


def test_ttl_depends_on_status_and_is_jittered_down_to_90_percent(tmp_path):
    path = tmp_path / ".giza/linkcheck.json"
    checked = {"https://a/ok": Result("https://a/ok", "ok", checked_at=1000.0),
               "https://a/moved": Result("https://a/moved", "redirected", checked_at=1000.0),
               "https://a/gone": Result("https://a/gone", "broken", checked_at=1000.0)}
    save(path, {}, checked, Ttl(), random.Random(4))
    cached, problem = load(path)
    assert problem is None
    for url in ("https://a/ok", "https://a/moved"):
        assert 1000 + 0.9 * 24 * HOUR <= cached[url].expires <= 1000 + 24 * HOUR
    assert 1000 + 0.9 * HOUR <= cached["https://a/gone"].expires <= 1000 + HOUR
    expiries = []
    for seed in range(5):
        save(path, {}, checked, Ttl(), random.Random(seed))
        expiries.append(load(path)[0]["https://a/ok"].expires)
    assert len(set(expiries)) == 5  # entries checked together do not expire together


def test_fresh_only_within_the_ttl(tmp_path):
    path = tmp_path / "linkcheck.json"
    save(path, {}, {"u": Result("u", "broken", checked_at=0.0)}, Ttl(jitter=0))
    cached, _ = load(path)
    assert fresh(cached, ["u", "other"], HOUR - 1)["u"].cached is True
    assert fresh(cached, ["u"], HOUR) == {}


def test_unreadable_cache_is_a_note_not_an_error(tmp_path):
    path = tmp_path / "linkcheck.json"
    path.write_text("{not json")
    cached, problem = load(path)
    assert cached == {}
    assert problem.startswith(f"{path}: unreadable link cache ignored (")
    path.write_text('{"version": 99}')
    assert load(path) == ({}, f"{path}: link cache of another version ignored")


def test_entries_expired_a_week_ago_are_dropped(tmp_path):
    path = tmp_path / "linkcheck.json"
    old = {"gone": Result("gone", "ok", checked_at=0.0, expires=1.0)}
    save(path, old, {"new": Result("new", "ok", checked_at=time.time())}, Ttl())
    assert set(load(path)[0]) == {"new"}
