"""The edition filter shared by the site generators and stages."""

from __future__ import annotations


def edition_matches(value: object, edition: str | None) -> bool:
    """The shared ``edition:`` filter: no edition on either side keeps the unit."""
    if value is None or value == "" or edition is None:
        return True
    if isinstance(value, str):
        return value == edition
    if isinstance(value, (list, tuple)):
        return edition in value
    return False
