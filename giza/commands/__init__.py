"""One module per command; each is a few lines over a library function."""

from __future__ import annotations

import sys

from giza.commands.check import check
from giza.commands.clean import clean
from giza.commands.config import config
from giza.commands.generate import generate
from giza.commands.includes import includes
from giza.commands.linkcheck import linkcheck
from giza.commands.make import make
from giza.commands.package import package
from giza.commands.push import deploy, push
from giza.commands.quickstart import quickstart
from giza.commands.records import records
from giza.commands.report import report
from giza.commands.sphinx import sphinx
from giza.commands.translate import translate

COMMANDS = [sphinx, generate, check, push, deploy, make, config, quickstart, clean, includes,
            translate, records, report, linkcheck, package]


def load_config(checked: bool = False):
    """The project's Config with the global options applied; warnings go to stderr.

    ``checked``: the command runs :mod:`giza.check` before it builds, which prints the
    config warnings sorted with every other problem (and applies --strict to them)."""
    from giza import config as configuration
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
