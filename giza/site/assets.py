"""Assets: git repositories a build needs (themes, Sphinx extensions), from
build_conf.yaml ``assets``.

Before a build, each asset is cloned when its ``path`` is missing. An existing
checkout is pinned to ``commit`` when one is given; otherwise it is fast-forwarded
from its remote at most once a day (``--force``: now), so an unchanged rebuild
costs no network round trip. A failed update only warns, and the build uses the
checkout as it is. A failed clone fails the build when the build reads the asset
(giza.site.asset_use), and only warns when nothing does. git never prompts: a
repository that wants credentials fails at once.
"""

from __future__ import annotations

import os
import shlex
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from giza.config.model import Asset
from giza.errors import BuildError, ConfigError, project_root, shown
from giza.options import current
from giza.proc import run_process

REFRESH_SECONDS = 24 * 3600
STAMP = "giza-refreshed"  # inside .git/, so the checkout itself stays clean

# No prompts, and give up on a stalled transfer instead of hanging the build.
GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_HTTP_LOW_SPEED_LIMIT": "1000",
    "GIT_HTTP_LOW_SPEED_TIME": "30",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=15",
}


class CloneFailed(BuildError):
    """``git clone`` failed. ``head``: the message without git's whole output (which
    --level debug adds); ``cause``: git's first error line; ``output``: all of it."""

    def __init__(self, head: str, cause: str, output: str) -> None:
        super().__init__(head + _debug(output))
        self.head = head
        self.cause = cause
        self.output = output


def _git(args: Sequence[str], cwd: Path | None = None) -> tuple[int, str]:
    run = run_process(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV})
    return run.returncode, run.output.strip()


def first_error(output: str) -> str:
    """git's first ``fatal:`` or ``error:`` line: the cause. What follows is often advice
    ("and retry with 'git restore --source=HEAD :/'"), which alone explains nothing."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[0] if lines else "no output"


def _failure(args: Sequence[str], output: str, cwd: Path | None = None,
             debug: bool = True) -> str:
    """``<first error line> (ran: git ...)``; under --level debug, git's whole output too
    (unless ``debug`` is False: the caller adds it)."""
    command = shlex.join(["git", *(["-C", shown(cwd)] if cwd else []), *args])
    return f"{first_error(output)} (ran: {command})" + (_debug(output) if debug else "")


def _debug(output: str) -> str:
    """Under --level debug: git's whole output, indented, on the lines that follow."""
    if current().level != "debug" or not output.strip():
        return ""
    return "\n" + "\n".join(f"    {line}" for line in output.strip().splitlines()
                            if line.strip())


def _base() -> Path | None:
    """The directory shown() paths are relative to (None: the working directory)."""
    root = project_root()
    return Path(root) if root else None


def head(path: Path) -> str | None:
    """The commit checked out at ``path`` (None when it is not a git checkout)."""
    code, out = _git(["rev-parse", "HEAD"], cwd=path)
    return out if code == 0 else None


def _clone(asset: Asset) -> str:
    asset.path.parent.mkdir(parents=True, exist_ok=True)
    existed = os.path.lexists(asset.path)  # a dangling symlink, say: never ours to remove
    branch = ["--branch", asset.branch] if asset.branch else []
    # The destination as messages show it, from the directory it is relative to, so git's
    # own messages name it the same way.
    args = ["clone", "--quiet", *branch, "--", asset.repository, shown(asset.path)]
    code, out = _git(args, cwd=_base())
    if code != 0:
        if not existed and asset.path.is_dir() and not asset.path.is_symlink():
            # "Clone succeeded, but checkout failed": without this, the next build would
            # take the broken checkout for a good one.
            shutil.rmtree(asset.path)
        raise CloneFailed(f"{asset.origin}: assets: cannot clone {asset.repository}"
                          f"{f' ({asset.branch})' if asset.branch else ''} into "
                          f"{shown(asset.path)}: {_failure(args, out, debug=False)}",
                          first_error(out), out)
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
        args = ["fetch", "--quiet", "origin"]
        fetched, out = _git(args, cwd=asset.path)
        if fetched != 0:
            raise BuildError(f"{asset.origin}: assets: commit {asset.commit} is not in "
                             f"{shown(asset.path)} and fetching failed: "
                             f"{_failure(args, out, asset.path)}")
    args = ["checkout", "--quiet", "--detach", asset.commit]
    code, out = _git(args, cwd=asset.path)
    if code != 0:
        raise BuildError(f"{asset.origin}: assets: cannot check out {asset.commit} in "
                         f"{shown(asset.path)}: {_failure(args, out, asset.path)}")
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
    args = ["pull", "--quiet", "--ff-only", *branch]
    code, out = _git(args, cwd=asset.path)
    if code != 0:
        return (f"warning: assets: could not update {shown(asset.path)} from "
                f"{asset.repository}: {_failure(args, out, asset.path)}; building with the "
                f"checkout as it is")
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


def sync_assets(assets: Sequence[Asset], force: bool = False,
                reads: Callable[[Asset], str | None] | None = None) -> list[str]:
    """Sync every asset; the lines worth telling the user.

    ``reads(asset)`` says how the build reads an asset (see giza.site.asset_use), None when
    nothing does: a failed clone of such an asset is a warning, and the build goes on.
    Without ``reads``, every asset counts as read."""
    notes: list[str] = []
    for asset in assets:
        try:
            notes += sync_asset(asset, force)
        except CloneFailed as exc:
            if reads is None:
                raise
            reason = reads(asset)
            if reason is not None:
                raise BuildError(f"{exc.head}; this build reads it: {reason}"
                                 + _debug(exc.output)) from None
            notes.append(f"warning: {asset.origin}: assets: could not clone "
                         f"{asset.repository} into {shown(asset.path)}: {exc.cause}; "
                         f"nothing in this build reads it, so the build goes on"
                         + _debug(exc.output))
    return notes


def fingerprint(assets: Sequence[Asset]) -> list[list[str | None]]:
    """What the checkouts hold, for build fingerprints: (path, commit) per asset."""
    return [[str(asset.path), head(asset.path) if asset.path.exists() else None]
            for asset in assets]
