"""The project's configuration as every command loads it."""

from __future__ import annotations

import sys


def load_config(checked: bool = False):
    """The project's Config with the global options applied; warnings go to stderr.

    ``checked``: the command runs :mod:`giza.check` before it builds, which prints the
    config warnings sorted with every other problem (and applies --strict to them)."""
    from giza import config as configuration  # lazy: keeps start-up and the no-op build fast
    from giza.config.loading import project_root
    from giza.errors import use_project_root
    from giza.options import current

    options = current()
    # Found first, so that even the config's own messages name paths relative to the
    # project root, from whichever directory giza runs.
    use_project_root(project_root(configuration.discover(None, options.conf)))
    loaded = configuration.load(options.conf, strict=options.strict and not checked)
    use_project_root(loaded.root)
    for warning in () if checked else loaded.warnings:
        print(f"giza: warning: {warning}", file=sys.stderr)
    return loaded
