"""Every path giza derives from the configuration, and the sites' URLs, in one place.

    build/                                paths.output
      .giza/linkcheck.json                linkcheck_cache()
      public/                             public_dir(): the staged sites
        [<lang>/][<edition>/][<branch>/]  site_dir(), at site_url()
      <branch>/                           branch_dir()
        .giza/                            giza_dir()
          record.json, record.N.json      record_path()
          pending.json                    pending_path()
          check.json                      check_path()
          lock                            lock_path()
          context/<variant>.json          context_path()
          fragments/<variant>/ (+ .json)  fragment_dir(), fragment_manifest()
          linkcheck/<variant>.json        links_path()
          owned-<tree>.json               owned_path()
          content-<tree>.json             content_record_path()
          report.html                     report_path()
        source[-<edition>][-<language>]/  proxy_dir(), named by proxy_name()
        locale/                           locale_dir()
        <variant>/                        output_dir()
        doctrees-<variant>/               doctree_dir()
        links[-<edition>][-<language>]/   links_output_dir() (+ doctrees-links...)

Functions only: nothing here reads or writes a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from giza.errors import BuildError

if TYPE_CHECKING:
    from giza.config.model import Config


# -- build/<branch>/ ----------------------------------------------------------------------

def branch_dir(config: Config) -> Path:
    """build/<branch>: everything per branch lives here."""
    return config.paths.output / config.git.branch


def proxy_name(edition: str | None, language: str | None) -> str:
    return "source" + "".join(f"-{p}" for p in (edition, language) if p)


def proxy_dir(config: Config, name: str) -> Path:
    """A proxy tree: source/ mirrored, with the generated content written into it."""
    return branch_dir(config) / name


def locale_dir(config: Config) -> Path:
    """Where translations are compiled: a mirror of paths.locale under build/, so Sphinx
    writes its .mo files there and never into the project's locale/."""
    return branch_dir(config) / "locale"


def output_dir(config: Config, variant_name: str) -> Path:
    return branch_dir(config) / variant_name


def doctree_dir(config: Config, variant_name: str) -> Path:
    return branch_dir(config) / f"doctrees-{variant_name}"


def links_output_dir(config: Config, suffix: str) -> Path:
    """The gizalinks builder's output of one (edition, language) (``suffix``: -saas-fr)."""
    return branch_dir(config) / f"links{suffix}"


def links_doctree_dir(config: Config, suffix: str) -> Path:
    return branch_dir(config) / f"doctrees-links{suffix}"


# -- build/<branch>/.giza/ ----------------------------------------------------------------

def giza_dir(config: Config) -> Path:
    return branch_dir(config) / ".giza"


def record_path(config: Config, index: int = 0) -> Path:
    name = "record.json" if index == 0 else f"record.{index}.json"
    return giza_dir(config) / name


def pending_path(config: Config) -> Path:
    return giza_dir(config) / "pending.json"


def check_path(config: Config) -> Path:
    return giza_dir(config) / "check.json"


def lock_path(config: Config) -> Path:
    return giza_dir(config) / "lock"


def report_path(config: Config) -> Path:
    return giza_dir(config) / "report.html"


def context_path(config: Config, variant_name: str) -> Path:
    """The build context giza hands one variant's conf.py (giza.sphinxext)."""
    return giza_dir(config) / "context" / f"{variant_name}.json"


def group_path(config: Config, reader_name: str) -> Path:
    """The read-once group a reader's process runs (giza.sphinx.group)."""
    return giza_dir(config) / "read-once" / f"{reader_name}.group.json"


def written_path(config: Config, variant_name: str) -> Path:
    """What a read-once group's process did for one of its builds (giza.sphinx.group)."""
    return giza_dir(config) / "read-once" / f"{variant_name}.json"


def fragments_dir(config: Config) -> Path:
    return giza_dir(config) / "fragments"


def fragment_dir(config: Config, variant_name: str) -> Path:
    return fragments_dir(config) / variant_name


def fragment_manifest(config: Config, variant_name: str) -> Path:
    return fragments_dir(config) / f"{variant_name}.json"


def links_path(config: Config, variant_name: str) -> Path:
    """The links `giza linkcheck` collected from one variant."""
    return giza_dir(config) / "linkcheck" / f"{variant_name}.json"


def owned_path(proxy: Path) -> Path:
    """Which files of a proxy tree its generators own (beside the tree, not in it)."""
    proxy = Path(os.path.abspath(proxy))
    return proxy.parent / ".giza" / f"owned-{proxy.name}.json"


def content_record_path(proxy: Path) -> Path:
    """What the content generators wrote into a proxy tree last time."""
    proxy = Path(os.path.abspath(proxy))
    return proxy.parent / ".giza" / f"content-{proxy.name}.json"


def linkcheck_cache(output: Path) -> Path:
    """build/.giza/linkcheck.json: shared by every branch, so a URL is checked once."""
    return output / ".giza" / "linkcheck.json"


# -- build/public/ ------------------------------------------------------------------------

def public_dir(config: Config) -> Path:
    return config.paths.output / "public"


def edition_of(config: Config, edition: str | None) -> Any:
    """The project's edition of that name (None for none); BuildError when unknown."""
    if not edition:
        return None
    try:
        return config.project.edition(edition)
    except KeyError:
        raise BuildError(f"unknown edition '{edition}'; valid editions: "
                         f"{', '.join(config.project.edition_names) or '(none)'}") from None


def is_branched(config: Config, edition: str | None) -> bool:
    ed = edition_of(config, edition)
    return bool(ed.branched if ed is not None else config.project.branched)


def _language(language: str | None) -> str | None:
    # "en" is the default language everywhere else in giza (variants.resolve).
    return None if language in (None, "", "en") else language


def site_dir(config: Config, edition: str | None, language: str | None) -> Path:
    """build/public/[<lang>/][<edition tag>/][<branch>/] (SPEC §2)."""
    path = public_dir(config)
    lang = _language(language)
    if lang:
        path = path / lang
    ed = edition_of(config, edition)
    if ed is not None:
        path = path / (ed.tag or ed.name)
    if is_branched(config, edition):
        path = path / config.branch
    return path


def site_url(config: Config, edition: str | None, language: str | None) -> str:
    """The site's public URL with a trailing slash ("" when no url is configured):
    build/public maps to the (edition's) url, so the site's path below it is the URL path."""
    ed = edition_of(config, edition)
    base = (ed.url if ed is not None and ed.url else config.project.url) or ""
    if not base:
        return ""
    rel = site_dir(config, edition, language).relative_to(public_dir(config)).as_posix()
    base = base.rstrip("/")
    return f"{base}/{rel}/" if rel != "." else f"{base}/"


def versions_base_url(config: Config, edition: str | None, language: str | None) -> str:
    """The URL the branch directories of this site hang off (no trailing slash), so
    ``<base>/<branch>/`` is where each published branch of the same edition and language
    lives; "" when no url is configured."""
    url = site_url(config, edition, language).rstrip("/")
    if url and is_branched(config, edition):
        url = url.removesuffix(f"/{config.branch}")
    return url


# -- what is deployed and packed ----------------------------------------------------------

def deploy_source(config: Config, local: str, branched: bool) -> Path:
    """What a push target's main sync copies: build/<paths.local>[/<branch>]."""
    base = config.paths.output / local
    return base / config.branch if branched else base


def archive_dir(config: Config) -> Path:
    """build/archive/: release packages and frozen branches' archives."""
    return config.paths.output / "archive"
