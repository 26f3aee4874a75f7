"""conf.py's linkcheck values as giza reads them."""

from __future__ import annotations

import pytest

from giza.errors import ConfigError
from giza.linkcheck.settings import DEFAULT_HEADERS, from_data


def test_defaults_are_sphinx_defaults():
    settings = from_data({})
    assert (settings.timeout, settings.workers, settings.retries, settings.anchors) == (
        30.0, 5, 1, True)
    assert settings.anchor_checked("https://a/b", "x")
    assert not settings.anchor_checked("https://a/b", "!dynamic")  # linkcheck_anchors_ignore


def test_request_headers_are_looked_up_like_sphinx():
    settings = from_data({"linkcheck_request_headers": [
        ["https://a.example", [["X-Site", "a"]]], ["*", [["X-Any", "1"]]]],
        "user_agent": "giza-test"})
    assert settings.headers_for("https://a.example/page") == {
        **DEFAULT_HEADERS, "User-Agent": "giza-test", "X-Site": "a"}
    assert settings.headers_for("https://b.example/") == {
        **DEFAULT_HEADERS, "User-Agent": "giza-test", "X-Any": "1"}


def test_ignore_and_allowed_redirects():
    settings = from_data({"linkcheck_ignore": [r"https://private\."],
                          "linkcheck_allowed_redirects": [[r"https://a/old.*", r"https://a/new"]]})
    assert settings.ignored("https://private.example/x")
    assert not settings.ignored("https://public.example/")
    assert settings.redirect_allowed("https://a/old/1", "https://a/new/1")
    assert not settings.redirect_allowed("https://a/other", "https://a/new")


@pytest.mark.parametrize(("data", "message"), [
    ({"linkcheck_anchors_ignore": ["[a-"]},
     "conf.py: linkcheck_anchors_ignore[0]: '[a-' is not a valid regular expression "
     "(unterminated character set at position 0)"),
    ({"linkcheck_ignore": "https://x"},
     "conf.py: linkcheck_ignore is 'https://x'; expected a list of regular expressions "
     "(strings)"),
    ({"linkcheck_workers": 0}, "conf.py: linkcheck_workers is 0; expected a number >= 1"),
    ({"linkcheck_request_headers": [["*", "X: y"]]},
     "conf.py: linkcheck_request_headers must map a URL (or '*') to a dict of header names "
     "and string values"),
])
def test_bad_values_name_the_setting(data, message):
    with pytest.raises(ConfigError) as raised:
        from_data(data)
    assert str(raised.value) == message
