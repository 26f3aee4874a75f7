"""The commit hash: ``includes/hash.rst`` (``|commit|``) and ``release.txt``."""

from __future__ import annotations

from pathlib import Path

from giza.fileio import write_if_changed


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
