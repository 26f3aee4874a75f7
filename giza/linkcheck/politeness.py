"""How hard giza may press one host: Retry-After, exponential backoff, giving up on a host.

A host is a URL's ``netloc`` (host and port). Waits never block a worker thread: the
scheduler (check.py) simply does not hand out a host's URLs before its ``next_at``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Politeness:
    per_host: int = 2  # connections open to one host at a time
    backoff: float = 1.0  # first wait after a failure; doubles with each further failure
    busy_attempts: int = 3  # tries of a URL answered 429 or 503
    host_down_after: int = 3  # distinct URLs failed, none ever worked: stop asking the host


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT; a date without a zone is taken as such
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff(failures: int, base: float, cap: float) -> float:
    """``base * 2**(failures - 1)``, at most ``cap``."""
    if failures <= 0:
        return 0.0
    return min(cap, base * 2 ** min(failures - 1, 30))


@dataclass
class HostState:
    """What the scheduler knows about one host during a run (mutated under its lock)."""

    active: int = 0  # requests in flight
    next_at: float = 0.0  # monotonic time before which nothing is sent
    failures: int = 0  # consecutive failed answers (reset by any real answer)
    failed: set[str] = field(default_factory=set)  # URLs that ended in a failure
    alive: bool = False  # some URL got a real answer (2xx-4xx)
    down: str | None = None  # why giza stopped asking (None while it still asks)

    def succeeded(self) -> None:
        self.alive = True
        self.failures = 0

    def failed_once(self, now: float, wait: float) -> None:
        self.failures += 1
        self.next_at = max(self.next_at, now + wait)

    def gave_up_on(self, url: str, reason: str, politeness: Politeness) -> bool:
        """Record that ``url`` failed for good; True when the host is now considered down."""
        self.failed.add(url)
        if self.down is None and not self.alive and len(self.failed) >= politeness.host_down_after:
            self.down = reason
            return True
        return False
