"""Small file helpers shared by the site generators."""

from __future__ import annotations

from giza.config.schema import type_name
from giza.fileio import atomic_write, write_if_changed

__all__ = ["atomic_write", "edition_matches", "write_if_changed", "yaml_kind"]


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
    return type_name(value)
