"""Assets: git repositories a build needs (themes, Sphinx extensions), from
build_conf.yaml ``assets``.

Before a build, each asset is cloned when its ``path`` is missing. An existing
checkout is pinned to ``commit`` when one is given; otherwise it is fast-forwarded
from its remote at most once a day (``--force``: now), so an unchanged rebuild
costs no network round trip. A failed update only warns, and the build uses the
checkout as it is; a failed clone fails the build, because nothing can build
without it. git never prompts: a repository that wants credentials fails at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from giza.config.model import Asset
from giza.errors import BuildError, ConfigError, shown
from giza.sphinx.run import run_sphinx

REFRESH_SECONDS = 24 * 3600
STAMP = "giza-refreshed"  # inside .git/, so the checkout itself stays clean

# No prompts, and give up on a stalled transfer instead of hanging the build.
GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_HTTP_LOW_SPEED_LIMIT": "1000",
    "GIT_HTTP_LOW_SPEED_TIME": "30",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=15",
}


def _git(args: Sequence[str], cwd: Path | None = None) -> tuple[int, str]:
    run = run_sphinx(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV})
    return run.returncode, run.output.strip()


def _last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def head(path: Path) -> str | None:
    """The commit checked out at ``path`` (None when it is not a git checkout)."""
    code, out = _git(["rev-parse", "HEAD"], cwd=path)
    return out if code == 0 else None


def _clone(asset: Asset) -> str:
    asset.path.parent.mkdir(parents=True, exist_ok=True)
    branch = ["--branch", asset.branch] if asset.branch else []
    code, out = _git(["clone", "--quiet", *branch, "--", asset.repository, str(asset.path)])
    if code != 0:
        raise BuildError(f"{asset.origin}: assets: cannot clone {asset.repository}"
                         f"{f' ({asset.branch})' if asset.branch else ''} into "
                         f"{shown(asset.path)}: {_last_line(out)}")
    if asset.commit:
        _pin(asset)
    (asset.path / ".git" / STAMP).touch()
    return f"assets: cloned {asset.repository} into {shown(asset.path)}"


def _pin(asset: Asset) -> str | None:
    """Check out ``asset.commit`` (fetching when it is not there yet)."""
    assert asset.commit is not None
    current = head(asset.path)
    code, wanted = _git(["rev-parse", "--verify", "--quiet", f"{asset.commit}^{{commit}}"],
                        cwd=asset.path)
    if code == 0 and wanted == current:
        return None
    if code != 0:
        fetched, out = _git(["fetch", "--quiet", "origin"], cwd=asset.path)
        if fetched != 0:
            raise BuildError(f"{asset.origin}: assets: commit {asset.commit} is not in "
                             f"{shown(asset.path)} and fetching failed: {_last_line(out)}")
    code, out = _git(["checkout", "--quiet", "--detach", asset.commit], cwd=asset.path)
    if code != 0:
        raise BuildError(f"{asset.origin}: assets: cannot check out {asset.commit} in "
                         f"{shown(asset.path)}: {_last_line(out)}")
    return f"assets: {shown(asset.path)} now at {asset.commit}"


def _fresh(stamp: Path) -> bool:
    try:
        return time.time() - stamp.stat().st_mtime < REFRESH_SECONDS
    except OSError:
        return False


def _update(asset: Asset, force: bool) -> str | None:
    stamp = asset.path / ".git" / STAMP
    if not force and _fresh(stamp):
        return None
    before = head(asset.path)
    branch = ["origin", asset.branch] if asset.branch else []
    code, out = _git(["pull", "--quiet", "--ff-only", *branch], cwd=asset.path)
    if code != 0:
        return (f"warning: assets: could not update {shown(asset.path)} from "
                f"{asset.repository}: {_last_line(out)}; building with the checkout as it is")
    stamp.touch()
    after = head(asset.path)
    return f"assets: updated {shown(asset.path)}" if after != before else None


def sync_asset(asset: Asset, force: bool = False) -> list[str]:
    """Clone, pin or update one asset; the lines worth telling the user."""
    notes = []
    if asset.generate:
        notes.append(f"{asset.origin}: assets: 'generate' is not supported (it ran giza "
                     f"inside the asset); ignored")
    if not asset.path.exists():
        notes.append(_clone(asset))
        return notes
    if not (asset.path / ".git").exists():
        raise ConfigError(f"{asset.origin}: assets: {shown(asset.path)} exists but is not a "
                          f"git checkout; remove it so giza can clone {asset.repository}")
    note = _pin(asset) if asset.commit else _update(asset, force)
    if note:
        notes.append(note)
    return notes


def sync_assets(assets: Sequence[Asset], force: bool = False) -> list[str]:
    notes: list[str] = []
    for asset in assets:
        notes += sync_asset(asset, force)
    return notes


def fingerprint(assets: Sequence[Asset]) -> list[list[str | None]]:
    """What the checkouts hold, for build fingerprints: (path, commit) per asset."""
    return [[str(asset.path), head(asset.path) if asset.path.exists() else None]
            for asset in assets]
