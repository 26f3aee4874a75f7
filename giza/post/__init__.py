"""Post-processing: builder finalizers, fragments and atomic staging of build/public.

Each finalizer turns one variant's sphinx output into a *fragment*
(``build/<branch>/.giza/fragments/<variant>/``, laid out like the site) and declares
which site-relative paths it owns. :func:`stage_site` then rebuilds one staged site
from the fragments of the variants that succeeded, atomically.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from giza.config.model import Config
from giza.errors import BuildError, shown
from giza.fileio import write_if_changed
from giza.layout import (
    fragment_dir,
    fragment_manifest,
    public_dir,
    site_dir,
    site_url,
)
from giza.post import sitemap, staging
from giza.variants import Variant
from giza.watchdog import timed

# builder -> module in giza.post that finalizes it (one family per module).
REGISTRY: dict[str, str] = {
    "dirhtml": "dirhtml",
    "html": "html",
    "json": "json_output",
    "singlehtml": "singlehtml",
    "epub": "epub",
    "man": "man",
    "latex": "latex",
    "gettext": "gettext",
}

# Files at the root of build/public that no site staging may remove.
PUBLIC_ROOT_FILES = ("sitemap-index.xml", "sitemap-alternates.xml")


@dataclass
class Finalized:
    """What a finalizer reports: site-relative paths it owns ("" = everything not owned
    by other builders; a trailing "/" marks a directory) and notes for people."""

    owns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: bool = False


class Finalizer(Protocol):
    def __call__(self, config: Config, variant: Variant, out: Path,
                 fragment: Path) -> Finalized: ...


def finalizers_for(builder: str) -> list[str]:
    """Names of the finalizers that run after ``builder`` (empty: nothing to do)."""
    module = REGISTRY.get(builder)
    return [module] if module else []


def _finalizer(builder: str) -> Finalizer:
    module = importlib.import_module(f"giza.post.{REGISTRY[builder]}")
    return module.finalize  # type: ignore[no-any-return]


# -- paths and URLs -------------------------------------------------------------------

def archive_stem(config: Config, edition: str | None) -> str:
    """<project>[-<edition>] for tarball names (no edition part for the default)."""
    return f"{config.project.name}-{edition}" if edition else config.project.name


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value or "book"


def stable_link(directory: Path, name: str, target: str) -> None:
    """``name`` -> ``target`` beside it: a relative symlink, or a copy where the
    filesystem refuses symlinks."""
    link = directory / name
    staging.remove_path(link)
    try:
        os.symlink(target, link)
    except OSError:
        staging._place_file(os.fspath(directory / target), os.fspath(link), link=False)


# -- post_variant ---------------------------------------------------------------------

def post_variant(config: Config, variant: Variant) -> dict[str, Any]:
    """Run the builder's finalizer; leave its contribution in the variant's fragment dir."""
    started = time.monotonic()
    base: dict[str, Any] = {"variant": variant.name, "fragment": "", "owns": [],
                            "notes": [], "skipped": True}
    if variant.builder not in REGISTRY:
        if variant.builder == "linkcheck":
            base["notes"] = [f"see {shown(variant.output_dir(config) / 'output.txt')}"]
        return base
    out = variant.output_dir(config)
    if not out.is_dir():
        raise BuildError(f"{variant.name}: no sphinx output at {shown(out)}; "
                         f"nothing to post-process")
    final = fragment_dir(config, variant.name)
    new = final.with_name(final.name + staging.NEW_SUFFIX)
    staging.recover(final)
    new.mkdir(parents=True)
    try:
        with timed(f"post {', '.join(finalizers_for(variant.builder))}"):
            result = _finalizer(variant.builder)(config, variant, out, new)
    except BuildError:
        staging.remove_path(new)
        raise
    except OSError as exc:
        staging.remove_path(new)
        where = exc.filename if exc.filename else out
        raise BuildError(f"{variant.name}: post-processing failed on {shown(where)}: "
                         f"{exc.strerror or exc}") from exc
    except BaseException:
        staging.remove_path(new)
        raise
    staging.replace_dir(new, final)
    value = {"variant": variant.name, "fragment": str(final), "owns": list(result.owns),
             "notes": list(result.notes), "skipped": result.skipped,
             "seconds": round(time.monotonic() - started, 3)}
    # Atomic replace: stage_site must never read a half-written manifest.
    # Stored relative to the project root: build/ may be restored under another checkout.
    stored = dict(value, fragment=os.path.relpath(final, config.root))
    write_if_changed(fragment_manifest(config, variant.name),
                     json.dumps(stored, indent=2, sort_keys=True) + "\n")
    return value


def fragment_exists(config: Config, variant_name: str) -> bool:
    """Whether an earlier run left this variant's post-processed fragment to stage."""
    return (fragment_manifest(config, variant_name).is_file()
            and fragment_dir(config, variant_name).is_dir())


def read_fragment(config: Config, variant_name: str) -> dict[str, Any]:
    path = fragment_manifest(config, variant_name)
    frag = fragment_dir(config, variant_name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{variant_name}: no post-processed fragment ({shown(path)} is "
                         f"missing); run the variant's post step first") from None
    if not frag.is_dir():
        raise BuildError(f"{variant_name}: fragment dir {shown(frag)} is missing")
    return data



# -- stage_site -----------------------------------------------------------------------

def _clean_rel(rel: str, what: str) -> str:
    """A site-relative posix path that stays inside the site."""
    parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or rel.startswith("/") or ".." in parts:
        raise BuildError(f"{what}: '{rel}' is not a path inside the site")
    return "/".join(parts)


def _nested_sites(root: Path) -> set[str]:
    """Relative dirs under ``root`` that are staged sites of their own (build/public/fr
    inside build/public): staging the outer site must carry them over untouched."""
    found: set[str] = set()
    for dirpath, dirnames, _ in os.walk(root):
        rel = Path(dirpath).relative_to(root).as_posix()
        if rel != "." and (Path(dirpath) / staging.MANIFEST).is_file():
            found.add(rel)
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames if not staging.is_temp_name(d)]
    return found


def _remove_unowned(root: Path, keep: set[str]) -> None:
    """Remove everything under ``root`` except ``keep`` paths and their ancestors."""
    def walk(directory: Path, rel: str) -> None:
        with os.scandir(directory) as entries:
            for entry in list(entries):
                path = rel + entry.name
                if path in keep:
                    continue
                if entry.is_dir(follow_symlinks=False) and any(
                        k.startswith(path + "/") for k in keep):
                    walk(Path(entry.path), path + "/")
                    continue
                staging.remove_path(Path(entry.path))

    walk(root, "")


def _read_site_manifest(final: Path) -> dict[str, Any]:
    try:
        data = json.loads((final / staging.MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"owners": {}, "extra": []}
    data.setdefault("owners", {})
    data.setdefault("extra", [])
    return data


def _assemble(config: Config, final: Path, new: Path, url: str,
              fragments: list[tuple[str, dict[str, Any]]],
              extra_files: dict[str, str] | None) -> dict[str, Any]:
    old = _read_site_manifest(final)
    if final.is_dir():
        # Start from the previous site so builders not in this run keep their parts.
        staging.clone_tree(final, new, link=True,
                           skip=lambda rel: staging.is_temp_name(rel.rsplit("/", 1)[-1]))
    else:
        new.mkdir(parents=True)
    owners: dict[str, list[str]] = {k: list(v) for k, v in old["owners"].items()}
    contributing = {name for name, _ in fragments}
    extras = set(old["extra"]) if extra_files is None else set(extra_files)
    for stale in set(old["extra"]) - extras:
        staging.remove_path(new / stale)
    nested = _nested_sites(new)

    for name, frag in fragments:
        for rel in {*owners.get(name, ()), *frag["owns"]}:
            if rel.strip("/"):
                staging.remove_path(new / rel.strip("/"))
    if any("" in frag["owns"] for _, frag in fragments):
        keep = {staging.MANIFEST, *extras, *nested}
        if final == public_dir(config):
            keep.update(PUBLIC_ROOT_FILES)
        for name, owns in owners.items():
            if name not in contributing:
                keep.update(rel.strip("/") for rel in owns if rel.strip("/"))
        _remove_unowned(new, keep)

    files = 0
    for name, frag in fragments:
        files += staging.clone_tree(fragment_dir(config, name), new, link=True)
        owners[name] = list(frag["owns"])
    for rel, text in (extra_files or {}).items():
        staging.write_new_file(new / rel, text)
        files += 1

    notes: list[str] = []
    pages = sitemap.write_site_sitemap(new, url, exclude=nested | {staging.MANIFEST})
    if pages and not url:
        notes.append("project.url is not set; no sitemap.xml written")
    manifest = {"owners": {k: owners[k] for k in sorted(owners)}, "extra": sorted(extras)}
    staging.write_new_file(new / staging.MANIFEST,
                           json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return {"files": files, "pages": pages, "notes": notes}


def stage_site(config: Config, edition: str | None, language: str | None,
               variants: list[str], extra_files: dict[str, str] | None = None,
               ) -> dict[str, Any]:
    """Atomically rebuild one staged site from the fragments of ``variants``.

    ``extra_files`` (site-relative path -> text) replaces the previous set of extra
    files when given; ``None`` keeps the previous ones. A failure or a kill at any
    point leaves the previous site as it was; leftovers are cleaned by the next run."""
    started = time.monotonic()
    final = site_dir(config, edition, language)
    url = site_url(config, edition, language)
    label = shown(final)
    extra = None if extra_files is None else {
        _clean_rel(rel, f"staging {label}"): text for rel, text in extra_files.items()}
    # Validate every input before anything on disk changes.
    fragments = [(name, read_fragment(config, name)) for name in dict.fromkeys(variants)]
    # A skipped finalizer (latex without latexmk) contributes nothing and must not take
    # away what an earlier run staged for it.
    fragments = [(name, frag) for name, frag in fragments if not frag.get("skipped")]
    new = final.with_name(final.name + staging.NEW_SUFFIX)
    with staging.stage_lock(config.paths.output):
        notes = staging.recover(final)
        try:
            done = _assemble(config, final, new, url, fragments, extra)
            staging.swap_into_place(new, final)
        except OSError as exc:
            staging.remove_path(new)
            where = exc.filename if exc.filename else new
            raise BuildError(f"staging {label} (variants {', '.join(variants) or 'none'}) "
                             f"failed on {shown(where)}: {exc.strerror or exc}; the "
                             f"previous site is unchanged") from exc
        except BuildError as exc:  # a write failed (giza.fileio): say what it was part of
            staging.remove_path(new)
            raise BuildError(f"staging {label} (variants {', '.join(variants) or 'none'}) "
                             f"failed: {exc}; the previous site is unchanged") from exc
        except BaseException:
            staging.remove_path(new)
            raise
    return {"site": str(final), "url": url, "variants": list(variants),
            "files": done["files"], "pages": done["pages"],
            "sitemap": str(final / "sitemap.xml") if (final / "sitemap.xml").exists()
            else None,
            "notes": notes + done["notes"], "seconds": round(time.monotonic() - started, 3)}


def sitemap_index(config: Config,
                  sites: list[tuple[str | None, str | None, Path]]) -> Path:
    """Write build/public/sitemap-index.xml (and sitemap-alternates.xml) for ``sites``,
    (edition, language, site dir) triples: see :func:`giza.post.sitemap.write_sitemap_index`."""
    return sitemap.write_sitemap_index(config, public_dir(config),
                               [(e, lang, site_url(config, e, lang), path)
                                for e, lang, path in sites])

__all__ = [
    "Finalized", "REGISTRY", "finalizers_for", "fragment_exists", "post_variant",
    "public_dir", "site_dir", "site_url", "sitemap_index", "stage_site",
]
