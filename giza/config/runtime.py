"""``RuntimeStateConfig`` for conf.py files written for the original giza.

The original giza's conf.py template starts with::

    from giza.config.runtime import RuntimeStateConfig
    from giza.config.helper import fetch_config
    conf = fetch_config(RuntimeStateConfig())

Here the object only carries what :func:`giza.config.helper.fetch_config` may use:
``conf_path`` (the ``build_conf.yaml`` to read; found like ``giza config`` finds it
when unset) and, to override the build context, ``edition``, ``language`` and
``builder``. Every other argument the original accepted is accepted and ignored.
See :mod:`giza.config.legacy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_KNOWN = ("conf_path", "edition", "language", "builder")


class RuntimeStateConfig:
    """Options for :func:`~giza.config.helper.fetch_config` (all optional)."""

    def __init__(self, obj: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        values = {**(dict(obj) if isinstance(obj, Mapping) else {}), **kwargs}
        self.conf_path: str | None = values.get("conf_path")
        self.edition: str | None = values.get("edition")
        self.language: str | None = values.get("language")
        self.builder: str | list[str] | None = values.get("builder")

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={getattr(self, k)!r}" for k in _KNOWN if getattr(self, k))
        return f"RuntimeStateConfig({shown})"


__all__ = ["RuntimeStateConfig"]
