"""Translations: refresh .po catalogs from the gettext build, and report their state.

Merging uses sphinx-intl (the tool Sphinx documents for this) and counting uses
Babel's catalog reader; giza handles no .po syntax itself.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from giza.config.model import Config
from giza.errors import BuildError, UsageError, shown, unknown_choice
from giza.proc import run_process


@dataclass(frozen=True)
class CatalogStatus:
    language: str
    catalog: str  # path under LC_MESSAGES without .po
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


# What each action needs from the translate extra: module -> distribution name.
NEEDS = {"update": {"sphinx_intl": "sphinx-intl", "babel": "babel"},
         "status": {"babel": "babel"}}


def require_extra(action: str) -> None:
    """Say which extra to install, before any work, when a tool the action runs is missing
    (sphinx-intl would otherwise fail with Python's "No module named ..." line)."""

    for module, name in NEEDS[action].items():
        try:
            importlib.import_module(module)
        except ImportError:
            raise UsageError(f"giza translate {action} needs {name}, which is not installed: "
                             f"pip install 'giza[translate]'") from None


def languages_for(config: Config, requested: Sequence[str]) -> list[str]:
    valid = list(config.languages)
    if not valid:
        raise UsageError("this project names no languages; add one as a top-level key of "
                         "config/integration.yaml (e.g. 'fr: {inherit: base}')")
    if not requested or "all" in requested:
        return valid
    unknown = [lang for lang in requested if lang not in valid]
    if unknown:
        raise UsageError(unknown_choice("language", unknown[0], valid))
    return list(dict.fromkeys(requested))


def update_catalogs(config: Config, pot_dir: Path, languages: Sequence[str]) -> list[str]:
    """Merge the .pot templates into locale/<lang>/LC_MESSAGES/*.po with sphinx-intl."""
    if not pot_dir.is_dir() or not any(pot_dir.rglob("*.pot")):
        raise BuildError(f"no .pot files in {shown(pot_dir)}; the gettext build produced nothing")
    argv = [sys.executable, "-m", "sphinx_intl", "update", "-p", str(pot_dir),
            "-d", str(config.paths.locale)]
    for lang in languages:
        argv += ["-l", lang]
    done = run_process(argv)  # the one child-process runner: Ctrl-C stops it too
    if done.returncode != 0:
        raise BuildError(f"sphinx-intl update failed (exit {done.returncode}):\n"
                         f"{done.output.strip()}")
    return [line for line in done.output.splitlines() if line.strip()]


def status(config: Config, languages: Sequence[str]) -> list[CatalogStatus]:
    from babel.messages.pofile import read_po  # optional extra (giza[translate])

    rows = []
    for lang in languages:
        messages = config.paths.locale / lang / "LC_MESSAGES"
        for po in sorted(messages.rglob("*.po")) if messages.is_dir() else []:
            with po.open("rb") as handle:
                catalog = read_po(handle)
            translated = fuzzy = untranslated = 0
            for message in catalog:
                if not message.id:
                    continue  # the header
                if message.fuzzy:
                    fuzzy += 1
                elif message.string and (not isinstance(message.string, tuple)
                                         or all(message.string)):
                    translated += 1
                else:
                    untranslated += 1
            rows.append(CatalogStatus(lang, po.relative_to(messages).with_suffix("").as_posix(),
                                      translated, fuzzy, untranslated))
    return rows


def format_status(rows: Sequence[CatalogStatus]) -> list[str]:
    if not rows:
        return ["no catalogs yet; run 'giza translate update -l LANG'"]
    width = max(len("catalog"), *(len(r.catalog) for r in rows))
    lines = [f"{'language':<8}  {'catalog':<{width}}  translated  fuzzy  untranslated"]
    for r in rows:
        lines.append(f"{r.language:<8}  {r.catalog:<{width}}  {r.translated:>10}  "
                     f"{r.fuzzy:>5}  {r.untranslated:>12}")
    for lang in dict.fromkeys(r.language for r in rows):
        mine = [r for r in rows if r.language == lang]
        total = sum(r.total for r in mine)
        done = sum(r.translated for r in mine)
        share = f"{100 * done / total:.0f}%" if total else "-"
        lines.append(f"{lang}: {done} of {total} messages translated ({share})")
    return lines
