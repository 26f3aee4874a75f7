"""One module per command; each is a few lines over a library function."""

from __future__ import annotations

import sys

from giza.commands.clean import clean
from giza.commands.config import config
from giza.commands.generate import generate
from giza.commands.includes import includes
from giza.commands.make import make
from giza.commands.push import deploy, push
from giza.commands.quickstart import quickstart
from giza.commands.records import records
from giza.commands.serve import serve
from giza.commands.sphinx import sphinx
from giza.commands.translate import translate

COMMANDS = [sphinx, generate, push, deploy, make, config, quickstart, clean, includes,
            translate, records, serve]


def load_config():
    """The project's Config with the global options applied; warnings go to stderr."""
    from giza import config as configuration
    from giza.options import current

    options = current()
    loaded = configuration.load(options.conf, strict=options.strict)
    for warning in loaded.warnings:
        print(f"giza: warning: {warning}", file=sys.stderr)
    return loaded
