"""The project's linkcheck settings (Sphinx's ``linkcheck_*`` conf.py values), checked.

The values come from conf.py as Sphinx evaluated it for a variant (the gizalinks builder
writes them out), so tags, ``-D`` overrides and giza.sphinxext apply as in a real build.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from giza.errors import ConfigError

DEFAULT_HEADERS = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


@dataclass(frozen=True)
class Settings:
    ignore: tuple[str, ...] = ()
    allowed_redirects: tuple[tuple[str, str], ...] | None = None  # None: not set
    timeout: float = 30.0
    request_headers: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    anchors: bool = True
    anchors_ignore: tuple[str, ...] = ("^!",)
    anchors_ignore_for_url: tuple[str, ...] = ()
    rate_limit_timeout: float = 300.0  # the cap on any wait for one host (Retry-After)
    retries: int = 1  # attempts for a timeout or a connection error
    workers: int = 5
    user_agent: str = ""
    tls_verify: bool = True
    conf: str = "conf.py"  # for messages

    @cached_property
    def ignore_patterns(self) -> list[re.Pattern[str]]:
        return [_compile(self.conf, "linkcheck_ignore", i, p) for i, p in enumerate(self.ignore)]

    @cached_property
    def redirect_patterns(self) -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
        return [(_compile(self.conf, "linkcheck_allowed_redirects", i, a),
                 _compile(self.conf, "linkcheck_allowed_redirects", i, b))
                for i, (a, b) in enumerate(self.allowed_redirects or ())]

    @cached_property
    def anchor_patterns(self) -> list[re.Pattern[str]]:
        return [_compile(self.conf, "linkcheck_anchors_ignore", i, p)
                for i, p in enumerate(self.anchors_ignore)]

    @cached_property
    def anchor_url_patterns(self) -> list[re.Pattern[str]]:
        return [_compile(self.conf, "linkcheck_anchors_ignore_for_url", i, p)
                for i, p in enumerate(self.anchors_ignore_for_url)]

    def validate(self) -> None:
        """Compile every pattern now, so a bad one is reported before any request."""
        for name in ("ignore_patterns", "redirect_patterns", "anchor_patterns",
                     "anchor_url_patterns"):
            getattr(self, name)

    def ignored(self, url: str) -> bool:
        return any(p.match(url) for p in self.ignore_patterns)

    def redirect_allowed(self, url: str, target: str) -> bool:
        return any(a.match(url) and b.match(target) for a, b in self.redirect_patterns)

    def anchor_checked(self, url: str, anchor: str) -> bool:
        """Whether ``url#anchor`` needs the page's HTML searched for the anchor."""
        if not (self.anchors and anchor):
            return False
        if any(p.match(url) for p in self.anchor_url_patterns):
            return False
        return not any(p.match(anchor) for p in self.anchor_patterns)

    def headers_for(self, url: str) -> dict[str, str]:
        """Sphinx's lookup: the headers of ``scheme://host``, ``scheme://host/``, the URL,
        then ``*``; ours are added to the default Accept header."""
        parts = urlsplit(url)
        table = {key: dict(value) for key, value in self.request_headers}
        headers = dict(DEFAULT_HEADERS)
        if self.user_agent:
            headers["User-Agent"] = self.user_agent
        for key in (f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{parts.netloc}/",
                    url, "*"):
            if key in table:
                headers.update(table[key])
                break
        return headers


def _compile(conf: str, key: str, index: int, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise ConfigError(f"{conf}: {key}[{index}]: {pattern!r} is not a valid regular "
                          f"expression ({exc})") from None


def _number(conf: str, key: str, value: Any, default: float, minimum: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ConfigError(f"{conf}: {key} is {value!r}; expected a number >= {minimum:g}")
    return float(value)


def _strings(conf: str, key: str, value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{conf}: {key} is {value!r}; expected a list of regular "
                          f"expressions (strings)")
    return tuple(value)


def _headers(conf: str, value: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    found = []
    for item in value or []:
        key, headers = item if isinstance(item, list) and len(item) == 2 else (None, None)
        if not isinstance(key, str) or not isinstance(headers, list) or not all(
                isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h)
                for h in headers):
            raise ConfigError(f"{conf}: linkcheck_request_headers must map a URL (or '*') "
                              f"to a dict of header names and string values")
        found.append((key, tuple((h[0], h[1]) for h in headers)))
    return tuple(found)


def from_data(data: Mapping[str, Any], conf: str = "conf.py") -> Settings:
    """Settings from the builder's JSON (None values take Sphinx's defaults)."""
    redirects = data.get("linkcheck_allowed_redirects")
    if redirects is not None and (not isinstance(redirects, list) or not all(
            isinstance(r, list) and len(r) == 2 for r in redirects)):
        raise ConfigError(f"{conf}: linkcheck_allowed_redirects must map URL patterns to "
                          f"redirect target patterns")
    settings = Settings(
        ignore=_strings(conf, "linkcheck_ignore", data.get("linkcheck_ignore"), ()),
        allowed_redirects=(tuple((str(a), str(b)) for a, b in redirects)
                           if redirects is not None else None),
        timeout=_number(conf, "linkcheck_timeout", data.get("linkcheck_timeout"), 30.0, 0.001),
        request_headers=_headers(conf, data.get("linkcheck_request_headers")),
        anchors=bool(data.get("linkcheck_anchors", True)),
        anchors_ignore=_strings(conf, "linkcheck_anchors_ignore",
                                data.get("linkcheck_anchors_ignore"), ("^!",)),
        anchors_ignore_for_url=_strings(conf, "linkcheck_anchors_ignore_for_url",
                                        data.get("linkcheck_anchors_ignore_for_url"), ()),
        rate_limit_timeout=_number(conf, "linkcheck_rate_limit_timeout",
                                   data.get("linkcheck_rate_limit_timeout"), 300.0, 0),
        retries=int(_number(conf, "linkcheck_retries", data.get("linkcheck_retries"), 1, 1)),
        workers=int(_number(conf, "linkcheck_workers", data.get("linkcheck_workers"), 5, 1)),
        user_agent=str(data.get("user_agent") or ""),
        tls_verify=data.get("tls_verify") is not False,
        conf=conf,
    )
    settings.validate()
    return settings
