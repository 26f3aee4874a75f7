"""From a request (builders, editions, languages) to the list of Variants to build."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from giza import layout
from giza.builders import SPHINX_BUILDERS
from giza.config.model import Config
from giza.errors import UsageError, unknown_choice

PSEUDO_BUILDERS = ("publish",)
DEFAULT_PUBLISH = ("dirhtml", "singlehtml", "json", "epub", "man")
# Names for the language the sources are written in: no translation, no suffix.
SOURCE_LANGUAGES = ("en", "source")


@dataclass(frozen=True, order=True)
class Variant:
    """The unit of fan-out: one sphinx-build of one builder, edition and language."""

    builder: str
    edition: str | None = None
    language: str | None = None

    @property
    def suffix(self) -> str:
        return "".join(f"-{part}" for part in (self.edition, self.language) if part)

    @property
    def name(self) -> str:
        return f"{self.builder}{self.suffix}"

    @property
    def pair(self) -> tuple[str | None, str | None]:
        """(edition, language): what proxy trees and generated content are shared by."""
        return (self.edition, self.language)

    def proxy_dir(self, config: Config) -> Path:
        return layout.proxy_dir(config, layout.proxy_name(self.edition, self.language))

    def output_dir(self, config: Config) -> Path:
        return layout.output_dir(config, self.name)

    def doctree_dir(self, config: Config) -> Path:
        return layout.doctree_dir(config, self.name)


def _choices(kind: str, wanted: Sequence[str], valid: Sequence[str]) -> list[str]:
    if list(wanted) == ["all"] or "all" in wanted:
        return list(valid)
    unknown = [w for w in wanted if w not in valid]
    if unknown:
        raise UsageError(unknown_choice(kind, unknown[0], valid))
    return list(dict.fromkeys(wanted))


def publish_targets(config: Config) -> tuple[str, ...]:
    """The builders `publish` stands for: integration.yaml base.targets."""
    from giza.config.integration import is_skipped  # lazy: keeps start-up and the no-op build fast
    from giza.config.integration import targets as integration_targets

    targets = integration_targets(config.side_documents("integration"))
    if not targets:
        return DEFAULT_PUBLISH
    builders = []
    for target in targets:
        target = str(target)
        # Historic entries such as "htaccess" or "build/public" are not builders.
        if is_skipped(target):
            continue
        name = target.split("-", 1)[0]
        if name in SPHINX_BUILDERS and name not in builders:
            builders.append(name)
    return tuple(builders) or DEFAULT_PUBLISH


def expand_builders(config: Config, builders: Sequence[str]) -> list[str]:
    valid = (*SPHINX_BUILDERS, *PSEUDO_BUILDERS)
    result: list[str] = []
    for builder in builders or ["html"]:
        # giza has always taken pdf* as latex (the PDF comes from post-processing).
        if builder.startswith("pdf"):
            builder = "latex"
        if builder not in valid:
            raise UsageError(unknown_choice("builder", builder, sorted(valid)))
        expanded = publish_targets(config) if builder == "publish" else (builder,)
        for name in expanded:
            if name not in result:
                result.append(name)
    return result


def resolve(config: Config, builders: Sequence[str], editions: Sequence[str] = (),
            languages: Sequence[str] = ()) -> list[Variant]:
    """Every (builder, edition, language) to build, in a stable order."""
    names = expand_builders(config, builders)
    valid_editions = config.project.edition_names
    if editions and "all" in editions and not valid_editions:
        editions = ()  # `-e all` on a project without editions: the one default build
    if editions:
        if not valid_editions:
            raise UsageError(f"unknown edition '{editions[0]}'; this project defines no "
                             f"editions (project.editions in build_conf.yaml)")
        chosen_editions: list[str | None] = list(_choices("edition", editions, valid_editions))
    else:
        chosen_editions = list(valid_editions) or [None]
    chosen_languages: list[str | None] = [None]
    if languages:
        valid_languages = config.languages
        if "all" in languages:
            chosen_languages = [None, *valid_languages]
        else:
            unknown = [lang for lang in languages
                       if lang not in SOURCE_LANGUAGES and lang not in valid_languages]
            if unknown:
                listing = ", ".join(["en (the source language)", *valid_languages])
                raise UsageError(unknown_choice(
                    "language", unknown[0], [*SOURCE_LANGUAGES, *valid_languages],
                    f"{listing} (languages are the top-level keys of integration.yaml and "
                    f"sphinx.yaml 'languages')"))
            chosen_languages = list(dict.fromkeys(
                None if lang in SOURCE_LANGUAGES else lang for lang in languages))
    return [Variant(builder, edition, language)
            for edition in chosen_editions
            for language in chosen_languages
            for builder in names]
