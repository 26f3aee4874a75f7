"""The sphinx-build command line for one variant (an argv list, never a shell string)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_CONF_DIR = Path(__file__).resolve().parent.parent / "sphinxconf"


def conf_dir(root: Path) -> Path:
    """The project's conf.py directory, or giza's defaults when the project has none."""
    return root if (root / "conf.py").is_file() else DEFAULT_CONF_DIR


def variant_tags(builder: str, edition: str | None, extra: Sequence[str] = ()) -> list[str]:
    """Tags for ``.. only::``: builder, website/print (as giza always set), edition, extras."""
    tags = [builder]
    first = builder.split("-", 1)[0]
    if first != builder:
        tags.append(first)
    tags.append("website" if builder.startswith(("html", "dirhtml")) else "print")
    if edition:
        tags.append(edition)
    for tag in extra:
        if tag not in tags:
            tags.append(tag)
    return tags


def sphinx_argv(*, builder: str, proxy: Path, output: Path, doctrees: Path, confdir: Path,
                tags: Sequence[str], jobs: int = 1, language: str | None = None,
                overrides: Sequence[tuple[str, str]] = ()) -> list[str]:
    # No -q: the progress lines ("reading sources... [ 50%] install") say which documents
    # Sphinx read and wrote, hence whose earlier messages still hold (giza.pipeline.carry); the
    # parser drops them (giza.sphinx.output).
    argv = [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(confdir),
            "-d", str(doctrees)]
    for tag in tags:
        argv += ["-t", tag]
    if jobs > 1:
        argv += ["-j", str(jobs)]
    if language:
        argv += ["-D", f"language={language}"]
    for key, value in overrides:
        argv += ["-D", f"{key}={value}"]
    argv += [str(proxy), str(output)]
    return argv
