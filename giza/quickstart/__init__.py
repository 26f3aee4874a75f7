"""`giza quickstart`: write a small project that builds without warnings."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from giza.errors import UsageError
from giza.fileio import atomic_write


def _skeleton_files() -> dict[str, str]:
    root = resources.files("giza.quickstart") / "skeleton"
    files: dict[str, str] = {}

    def walk(node, prefix: str) -> None:
        for child in node.iterdir():
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            elif not child.name.endswith(".pyc"):
                files[rel] = child.read_text(encoding="utf-8")

    walk(root, "")
    # Packaging tools drop dot-files; the skeleton stores .gitignore as `gitignore`.
    if "gitignore" in files:
        files[".gitignore"] = files.pop("gitignore")
    return files


def create(directory: Path, name: str | None = None) -> list[Path]:
    """Write the skeleton into ``directory``; refuse if any file would be overwritten."""
    name = name or directory.resolve().name or "docs"
    if not re.fullmatch(r"[A-Za-z0-9_.]+", name):
        raise UsageError(f"project name '{name}' may only hold letters, digits, '_' and '.'; "
                         f"pass --name NAME")
    files = _skeleton_files()
    existing = [directory / rel for rel in sorted(files) if (directory / rel).exists()]
    if existing:
        listing = ", ".join(str(p) for p in existing)
        raise UsageError(f"quickstart never overwrites files; these exist already: {listing}")
    written = []
    for rel, text in sorted(files.items()):
        path = directory / rel
        atomic_write(path, text.replace("@@NAME@@", name).encode("utf-8"))
        written.append(path)
    return written
