"""One module per command; each is a few lines over a library function."""

from __future__ import annotations

from giza.commands.archive import archive
from giza.commands.check import check
from giza.commands.ci_cache_key import ci_cache_key
from giza.commands.clean import clean
from giza.commands.config import config
from giza.commands.generate import generate
from giza.commands.includes import includes
from giza.commands.linkcheck import linkcheck
from giza.commands.make import make
from giza.commands.package import package
from giza.commands.project import load_config  # noqa: F401  (its old import path)
from giza.commands.push import deploy, push
from giza.commands.quickstart import quickstart
from giza.commands.records import records
from giza.commands.report import report
from giza.commands.serve import serve
from giza.commands.sphinx import sphinx
from giza.commands.translate import translate

COMMANDS = [sphinx, generate, check, push, deploy, make, config, quickstart, clean, includes,
            translate, records, report, linkcheck, serve, ci_cache_key, package,
            archive]

