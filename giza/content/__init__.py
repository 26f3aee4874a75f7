"""Content generation: YAML units under source/includes -> rST in the proxy tree.

The public names load on first use (see ``api.py``): a no-change build only needs
the replacement tokens and must not pay for importing every generator and Jinja2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["ContentContext", "GenerateResult", "generate", "kinds", "load_replacements",
           "output_dirs"]

if TYPE_CHECKING:
    from giza.content.api import GenerateResult, generate, kinds, output_dirs
    from giza.content.context import ContentContext
    from giza.content.replacements import load_replacements


def __getattr__(name: str) -> Any:
    if name == "load_replacements":
        from giza.content.replacements import load_replacements

        return load_replacements
    if name == "ContentContext":
        from giza.content.context import ContentContext

        return ContentContext
    if name in __all__:
        from giza.content import api

        return getattr(api, name)
    raise AttributeError(f"module 'giza.content' has no attribute {name!r}")
