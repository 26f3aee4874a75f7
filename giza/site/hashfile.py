"""The commit hash: ``includes/hash.rst`` (``|commit|``) and ``release.txt``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from giza.site._files import write_if_changed


def commit_hash(project_root: Path) -> str | None:
    """``git rev-parse HEAD`` in ``project_root``; None without git, a repo or a commit."""
    try:
        proc = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"],
                              cwd=project_root, capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = proc.stdout.strip()
    return sha if proc.returncode == 0 and sha else None


def render_hash_rst(commit: str | None) -> str:
    """A substitution definition that makes ``|commit|`` the sha as inline literal."""
    value = f"``{commit}``" if commit else "unknown"
    return f".. |commit| replace:: {value}\n"


def render_release_txt(commit: str | None) -> str:
    """Content of ``release.txt`` in the staged site: the sha and a newline."""
    return f"{commit or 'unknown'}\n"


def write_hash_rst(proxy_source: Path, commit: str | None) -> bool:
    """Write ``<proxy>/includes/hash.rst`` only when its bytes change (True if written).

    The original giza rewrote it on every run; since ``rst_epilog`` includes it
    in every page, a new mtime made Sphinx re-read everything.
    """
    return write_if_changed(proxy_source / "includes" / "hash.rst", render_hash_rst(commit))


def write_release_txt(site_dir: Path, commit: str | None) -> bool:
    """Write ``<site>/release.txt`` only when its bytes change (True if written)."""
    return write_if_changed(site_dir / "release.txt", render_release_txt(commit))
