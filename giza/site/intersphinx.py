"""A daily cache of intersphinx inventories.

Each ``intersphinx.yaml`` entry ``{name, url, path}`` makes giza download
``<url>objects.inv`` to ``build/<path>``, so that sphinx-build reads a local file
and never touches the network. A download happens at most once per ``max_age``
seconds (judged by the cached file's mtime), asks with ``If-Modified-Since`` and
keeps the cached copy on 304, on any failure and when offline.
"""

from __future__ import annotations

import http.client
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from pathlib import Path
from typing import Any

from giza.fileio import atomic_write

Opener = Callable[..., Any]
_MAGIC = b"# Sphinx inventory version"


def inventory_url(url: str) -> str:
    """``<url>objects.inv``; a base URL without a trailing '/' gets one."""
    return url if url.endswith("objects.inv") else url.rstrip("/") + "/objects.inv"


def _fetch_one(entry: Mapping[str, Any], build_dir: Path, max_age: float, timeout: float,
               opener: Opener, now: float) -> str | None:
    name = entry.get("name", "?")
    url, rel = entry.get("url"), entry.get("path")
    if not isinstance(url, str) or not url or not isinstance(rel, str) or not rel:
        return f"intersphinx {name!r}: needs both 'url' and 'path'; skipped"
    target = build_dir / rel.lstrip("/")
    if build_dir.resolve() not in target.resolve().parents:
        return f"intersphinx {name!r}: path {rel!r} leaves the build directory; skipped"
    source = inventory_url(url)
    try:
        mtime: float | None = target.stat().st_mtime
    except OSError:
        mtime = None
    if mtime is not None and now - mtime < max_age:
        return None  # fresh enough: no request at all
    request = urllib.request.Request(source, headers={"User-Agent": "giza"})
    if mtime is not None:
        request.add_header("If-Modified-Since", formatdate(mtime, usegmt=True))
    keep = "keeping the cached copy" if mtime is not None else "no cached copy"
    try:
        with opener(request, timeout=timeout) as response:
            payload = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and mtime is not None:
            os.utime(target)  # still current: next check in max_age seconds
            return None
        return f"intersphinx {name!r}: cannot fetch {source}: HTTP {exc.code}; {keep}"
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timeout, bad URL
        reason = getattr(exc, "reason", None) or exc
        return f"intersphinx {name!r}: cannot fetch {source}: {reason}; {keep}"
    if not payload.startswith(_MAGIC):
        return f"intersphinx {name!r}: {source} is not a Sphinx inventory; {keep}"
    if mtime is not None and target.read_bytes() == payload:
        os.utime(target)  # same bytes: only record that we checked
    else:
        atomic_write(target, payload)  # readers never see a half-written inventory
    return None


def fetch_inventories(entries: Sequence[Mapping[str, Any]], build_dir: Path,
                      max_age: float = 86400, timeout: float = 5,
                      opener: Opener | None = None) -> list[str]:
    """Refresh every inventory that is older than ``max_age``; return warnings.

    Never raises for network problems: a build must work offline with whatever
    was cached. ``opener(request, timeout=...)`` defaults to
    :func:`urllib.request.urlopen`. Entries are fetched in parallel threads;
    warnings come back in entry order.
    """
    if not entries:
        return []
    open_url: Opener = opener or urllib.request.urlopen
    now = time.time()
    with ThreadPoolExecutor(max_workers=min(8, len(entries))) as pool:
        results = list(pool.map(
            lambda e: _fetch_one(e, build_dir, max_age, timeout, open_url, now), entries))
    return [warning for warning in results if warning]
