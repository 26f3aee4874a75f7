"""giza translate update|status [-l LANG...]"""

from __future__ import annotations

from typing import TYPE_CHECKING

import argh

from giza import layout

if TYPE_CHECKING:
    from giza.config.model import Config


@argh.arg("action", choices=("update", "status"), help="update catalogs or print their state")
@argh.arg("-l", "--language", nargs="+", help="languages (default: all the project names)")
def translate(action: str, *, language: list[str] | None = None) -> int:
    """update: run the gettext builder and merge new messages into
    locale/<lang>/LC_MESSAGES/*.po; status: translated / fuzzy / untranslated counts."""
    from giza import translate as tr  # lazy: start-up time
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.lock import build_lock

    tr.require_extra(action)
    config = load_config()
    languages = tr.languages_for(config, language or ())
    if action == "update":
        with build_lock(config):  # status only reads
            code = _update(config, languages)
        if code:
            return code
    for line in tr.format_status(tr.status(config, languages)):
        print(line)
    return 0


def _update(config: Config, languages: list[str]) -> int:
    from giza import translate as tr  # lazy: start-up time
    from giza.pipeline.driver import BuildRequest, build

    code = build(config, BuildRequest(builders=("gettext",),
                                      editions=tuple(config.project.edition_names[:1])))
    if code:
        return code
    edition = config.project.edition_names[:1]
    pot_dir = layout.output_dir(config, "gettext" + (f"-{edition[0]}" if edition else ""))
    for line in tr.update_catalogs(config, pot_dir, languages):
        print(line)
    return 0
