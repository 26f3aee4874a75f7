"""Small file helpers shared by the site generators."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds those bytes.

    Returns True when the file was written. Unchanged files keep their mtime so
    Sphinx's incremental machinery does not re-read them.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == payload:
            return False
    except OSError:
        pass
    atomic_write(path, payload)
    return True


def atomic_write(path: Path, payload: bytes) -> None:
    """Write via a temporary file in the same directory, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; generated files are public
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def edition_matches(value: object, edition: str | None) -> bool:
    """The shared ``edition:`` filter: no edition on either side keeps the unit."""
    if value is None or value == "" or edition is None:
        return True
    if isinstance(value, str):
        return value == edition
    if isinstance(value, (list, tuple)):
        return edition in value
    return False


def yaml_kind(value: object) -> str:
    """A YAML-level name for a value's type, for error messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__
