"""Sphinx extension: hands giza's resolved build context to a project's conf.py settings.

giza writes a JSON file per sphinx-build and names it in the ``GIZA_BUILD_CONTEXT``
environment variable. A conf.py that lists ``giza.sphinxext`` in ``extensions``
gets ``project``, ``version``, ``release``, replacement substitutions in
``rst_epilog``, and ``html_context['giza']`` without importing giza itself.

It also lets ``code-block`` take the ``:copyable: false`` option that pages written
for the original giza's theme use: it becomes ``:class: no-copy`` (the class giza's
own generators put on such blocks), so stock Sphinx no longer rejects the page.
"""

from __future__ import annotations

import json
import os
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

ENV_VAR = "GIZA_BUILD_CONTEXT"
logger = logging.getLogger(__name__)


def load_context() -> dict[str, Any] | None:
    path = os.environ.get(ENV_VAR)
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def substitutions(replacements: dict[str, str]) -> str:
    lines = []
    for key in sorted(replacements):
        value = str(replacements[key]).replace("\n", " ")
        lines.append(f".. |{key}| replace:: {value}")
    return "\n".join(lines)


def _config_inited(app: Sphinx, config: Config) -> None:
    context = load_context()
    if context is None:
        logger.warning("giza.sphinxext: not running under giza (no %s); "
                       "the giza build context is not applied", ENV_VAR)
        return
    overridden = set(context.get("conf_overrides", ()))
    for key in ("project", "version", "release"):
        value = context.get(key)
        if value and key not in overridden:
            setattr(config, key, value)
    epilog = substitutions(context.get("replacements") or {})
    if epilog:
        config.rst_epilog = "\n".join(filter(None, [config.rst_epilog or "", epilog]))
    html_context = dict(config.html_context or {})
    html_context["giza"] = context
    config.html_context = html_context
    # Documents from pdfs.yaml / manpages.yaml / intersphinx.yaml, unless conf.py set them.
    from_conf = set(getattr(config, "_raw_config", {}) or {}) | overridden
    if context.get("latex_documents") and "latex_documents" not in from_conf:
        config.latex_documents = [tuple(d) for d in context["latex_documents"]]
    if context.get("man_pages") and "man_pages" not in from_conf:
        config.man_pages = [tuple(d) for d in context["man_pages"]]
    if context.get("intersphinx_mapping") and "sphinx.ext.intersphinx" in config.extensions:
        mapping = dict(getattr(config, "intersphinx_mapping", None) or {})
        for name, (url, local) in context["intersphinx_mapping"].items():
            mapping.setdefault(name, (url, local if local and os.path.isfile(local) else None))
        config.intersphinx_mapping = mapping
    locale_dir = context.get("locale_dir")
    if locale_dir and context.get("language"):
        config.locale_dirs = [locale_dir, *list(config.locale_dirs or [])]


def _copyable(argument: str | None) -> bool:
    value = (argument or "true").strip().lower()
    if value not in ("true", "false", "yes", "no"):
        raise ValueError(f"expected true or false, not {argument!r}")
    return value in ("true", "yes")


def _code_block_directive() -> type:
    from sphinx.directives.code import CodeBlock  # lazy: importing giza.sphinxext stays cheap

    class GizaCodeBlock(CodeBlock):
        """``code-block`` plus ``:copyable: true|false``."""

        option_spec = {**CodeBlock.option_spec, "copyable": _copyable}

        def run(self) -> list[Any]:
            if self.options.pop("copyable", True) is False:
                self.options["class"] = [*self.options.get("class", []), "no-copy"]
            return super().run()

    return GizaCodeBlock


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _config_inited, priority=400)
    directive = _code_block_directive()
    for name in ("code-block", "sourcecode"):
        app.add_directive(name, directive, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
