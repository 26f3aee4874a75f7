"""The builder names giza knows: a constant that config checks and variants both use."""

from __future__ import annotations

# Sphinx's own builders (make-mode names).
SPHINX_BUILDERS = (
    "changes", "coverage", "dirhtml", "doctest", "epub", "gettext", "html", "htmlhelp",
    "info", "json", "latex", "latexpdf", "latexpdfja", "linkcheck", "man", "pickle",
    "pseudoxml", "qthelp", "devhelp", "singlehtml", "texinfo", "text", "xml",
    # Builders from Sphinx extensions that the original giza knew by name: slides
    # (hieroglyph), markdown, fasthtml and fastdirhtml (docs-tools' sphinxext). The
    # project's conf.py must load the extension that provides them.
    "slides", "markdown", "fasthtml", "fastdirhtml",
)

# Builders whose finalizer takes long (PDFs from LaTeX): a site's web pages are staged
# without waiting for them, and the scheduler expects them to take a while.
SLOW_FINALIZERS = ("latex",)
