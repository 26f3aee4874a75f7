"""Global ``replacement.yaml`` tokens ("source constants").

The file is either one mapping of tokens, or one document per edition:
``{edition: NAME, tokens: {...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from giza.content.units import display_path, iter_yaml, type_name
from giza.errors import ContentError

if TYPE_CHECKING:
    from giza.config.model import Config


def _tokens(value: Any, shown: Path, line: int) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ContentError(f"{shown}:{line}: replacement tokens must be a mapping, "
                           f"not {type_name(value)}")
    out: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, Mapping | list) or item is None:
            raise ContentError(f"{shown}:{line}: {key}: must be a string (a replacement "
                               f"token), not {type_name(item)}")
        out[str(key)] = ("true" if item else "false") if isinstance(item, bool) else str(item)
    return out


def load_replacements(path: Path, edition: str | None, default: str | None = None
                      ) -> dict[str, str]:
    """The tokens of ``path`` for ``edition``; ``{}`` when the file does not exist.

    Per-edition files: the document whose ``edition`` equals ``edition``; else
    the one equal to ``default`` (the project name counts as the default
    edition); with no edition and no such document, the first document.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    shown = display_path(path)
    documents = [(line, data) for _, line, data in iter_yaml(path, shown) if data is not None]
    per_edition = [(line, data) for line, data in documents
                   if isinstance(data, Mapping) and "tokens" in data]
    if not per_edition:
        if len(documents) > 1:
            raise ContentError(f"{shown}:{documents[1][0]}: expected one mapping of tokens "
                               f"or documents of {{edition, tokens}}")
        return _tokens(documents[0][1], shown, documents[0][0]) if documents else {}
    by_edition = {str(data.get("edition")): (line, data) for line, data in per_edition}
    for wanted in (edition, default):
        if wanted is not None and wanted in by_edition:
            line, data = by_edition[wanted]
            return _tokens(data["tokens"], shown, line)
    if edition is None:
        line, data = per_edition[0]
        return _tokens(data["tokens"], shown, line)
    return {}


def get_replacements(conf: Any) -> list[str]:
    """``rst_epilog`` lines ``.. |key| replace:: value`` for conf.py files written for
    the original giza: the ``replacement`` side file's tokens for the edition being
    built (``conf`` comes from ``giza.config.helper.fetch_config``), plus a computed
    ``release-string``: ``-- <release> Release``, or an escaped blank when the
    release is ``Upcoming``. ``[]`` when system.files names no ``replacement`` file.
    """
    data = conf.system.files.data
    if "replacement" not in data:
        return []
    tokens = {str(key): value for key, value in data["replacement"].items()}
    release = conf.version.release
    tokens["release-string"] = "\\ " if release == "Upcoming" else f"-- {release} Release"
    return [f".. |{key}| replace:: {str(value).replace(chr(10), ' ')}"
            for key, value in tokens.items()]


def replacement_tokens(config: Config, edition: str | None) -> dict[str, str]:
    """The replacement.yaml tokens of ``edition`` (every replacement side file)."""
    side = config.side("replacement")
    paths = list(side.paths) if side else [config.paths.builddata / "replacement.yaml"]
    tokens: dict[str, str] = {}
    for path in paths:
        # a document named after the project is the default edition's (as in the original)
        tokens.update(load_replacements(path, edition, default=config.project.name))
    return tokens
