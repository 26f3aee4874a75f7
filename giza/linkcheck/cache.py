"""``build/.giza/linkcheck.json``: each URL's last result, trusted until it expires.

Working links (ok, redirected) are trusted for 24 h, the others for 1 h; each expiry is
shortened by up to 10 % at random, so a big check does not all come due in the same run.
The file is shared by every branch of the project (links are the same on the web).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from giza import layout
from giza.fileio import atomic_write
from giza.linkcheck.result import Result

VERSION = 1
HOUR = 3600.0
KEEP_EXPIRED = 7 * 24 * HOUR  # entries expired longer ago are dropped on save


@dataclass(frozen=True)
class Ttl:
    working: float = 24 * HOUR
    failing: float = 1 * HOUR
    jitter: float = 0.1  # at most this share of the TTL is taken off, at random

    def expiry(self, result: Result, rng: random.Random) -> float:
        ttl = self.working if result.status in ("ok", "redirected") else self.failing
        return result.checked_at + ttl * (1 - self.jitter * rng.random())


def cache_path(output_dir: Path) -> Path:
    return layout.linkcheck_cache(output_dir)


def load(path: Path) -> tuple[dict[str, Result], str | None]:
    """The cached results and, when the file could not be used, a note saying why."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as exc:
        return {}, f"{path}: unreadable link cache ignored ({exc})"
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}, f"{path}: link cache of another version ignored"
    results = {}
    for url, entry in (data.get("results") or {}).items():
        try:
            results[url] = Result.from_data(entry)
        except (KeyError, TypeError, ValueError):
            continue  # one bad entry only costs a recheck
    return results, None


def fresh(cached: Mapping[str, Result], urls: Iterable[str], now: float) -> dict[str, Result]:
    """The cached results still trusted at ``now``."""
    return {url: replace(cached[url], cached=True) for url in urls
            if url in cached and cached[url].checked_at <= now < cached[url].expires}


def save(path: Path, cached: Mapping[str, Result], checked: Mapping[str, Result],
         ttl: Ttl, rng: random.Random | None = None) -> dict[str, Result]:
    """Store ``checked`` (new results, given an expiry) over ``cached``; return them with
    their expiry."""
    rng = rng or random.Random()
    stored = {url: replace(result, expires=ttl.expiry(result, rng))
              for url, result in checked.items()}
    # Links removed from the docs long ago would otherwise stay in the file for ever.
    horizon = time.time() - KEEP_EXPIRED
    merged = {url: r for url, r in cached.items() if r.expires >= horizon} | stored
    data = {"version": VERSION,
            "results": {url: merged[url].data() for url in sorted(merged)}}
    atomic_write(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
    return stored
