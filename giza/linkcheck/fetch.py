"""One check of one page with ``requests``: HEAD, or GET when HEAD is refused or when the
page's HTML must be searched for anchors. Redirects are followed; what happened comes back
as an ``Answer`` value (no exception leaves this module for a network problem)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote

import requests
from urllib3.exceptions import ReadTimeoutError

from giza.linkcheck.settings import Settings

PERMANENT = (301, 308)
# HEAD answers that say nothing about GET: refused (4xx) or not implemented (501). 404/410
# are final; 429 means "later" (the scheduler retries); other 5xx are server trouble.
HEAD_REFUSED = frozenset(range(400, 500)) - {404, 410, 429} | {501}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Answer:
    kind: str  # "response" | "timeout" | "error"
    code: int = 0
    reason: str = ""  # HTTP reason phrase, or the error text
    final_url: str = ""
    permanent_target: str | None = None  # where the leading permanent redirects go
    redirect: str = ""  # the first redirect's status and reason
    retry_after: str | None = None
    missing_anchors: tuple[str, ...] = ()
    requests: int = 0  # HTTP requests this check made (redirect hops included)


class _Anchors(HTMLParser):
    """Collects id= and name= values until every wanted anchor is seen."""

    def __init__(self, wanted: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value in self.wanted:
                self.found.add(value)

    @property
    def complete(self) -> bool:
        return self.found >= self.wanted


def find_anchors(response: requests.Response, anchors: frozenset[str]) -> tuple[str, ...]:
    """The anchors (as written in the links) missing from an HTML page."""
    wanted = {unquote(a): a for a in anchors}
    parser = _Anchors(set(wanted))
    for chunk in response.iter_content(CHUNK, decode_unicode=True):
        parser.feed(chunk if isinstance(chunk, str) else chunk.decode("utf-8", "replace"))
        if parser.complete:
            break
    return tuple(sorted(wanted[a] for a in set(wanted) - parser.found))


def _target(response: requests.Response) -> tuple[str | None, str]:
    """Where the URL should point now (the end of its leading run of permanent redirects),
    and the first redirect's status ("301 Moved Permanently")."""
    target = None
    for hop in response.history:
        if hop.status_code not in PERMANENT or "Location" not in hop.headers:
            break
        target = requests.compat.urljoin(hop.url, hop.headers["Location"])
    first = response.history[0] if response.history else None
    return target, f"{first.status_code} {first.reason}" if first is not None else ""


def _answer(response: requests.Response, sent: int, missing: tuple[str, ...] = ()) -> Answer:
    target, redirect = _target(response)
    return Answer("response", response.status_code, response.reason or "", response.url,
                  target, redirect, response.headers.get("Retry-After"), missing,
                  sent + len(response.history) + 1)


def fetch(session: requests.Session, url: str, anchors: frozenset[str],
          settings: Settings) -> Answer:
    """Check ``url`` (no fragment); search its HTML for ``anchors`` if any."""
    options = {"headers": settings.headers_for(url), "timeout": settings.timeout,
               "verify": settings.tls_verify, "allow_redirects": True}
    sent = 0
    try:
        if not anchors:
            head = session.request("HEAD", url, **options)
            head.close()
            if head.status_code not in HEAD_REFUSED:
                return _answer(head, 0)
            sent = len(head.history) + 1
        with session.get(url, stream=True, **options) as response:
            missing: tuple[str, ...] = ()
            if anchors and response.ok and "html" in response.headers.get("Content-Type", ""):
                missing = find_anchors(response, anchors)
            return _answer(response, sent, missing)
    except requests.Timeout:
        return Answer("timeout", reason=f"no answer within {settings.timeout:g} s",
                      requests=sent + 1)
    except requests.TooManyRedirects:
        return Answer("error", reason="too many redirects", requests=sent + 30)
    except requests.ConnectionError as exc:
        if exc.args and isinstance(exc.args[0], ReadTimeoutError):  # while reading the body
            return Answer("timeout", reason=f"no answer within {settings.timeout:g} s",
                          requests=sent + 1)
        return Answer("error", reason=_short(exc), requests=sent + 1)
    except requests.RequestException as exc:
        return Answer("error", reason=_short(exc), requests=sent + 1)


def _short(exc: BaseException) -> str:
    """The useful end of requests' nested error text."""
    text = str(exc)
    for marker in ("Failed to resolve", "Connection refused", "Name or service not known",
                   "certificate verify failed", "Connection reset", "Remote end closed"):
        if marker in text:
            return marker[0].lower() + marker[1:]
    return text.splitlines()[0][:200] if text else type(exc).__name__
