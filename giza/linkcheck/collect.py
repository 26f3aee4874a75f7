"""Collect the external links of one variant: where each is used, in files people edit.

A graph task per variant runs ``sphinx-build -b gizalinks`` on the variant's proxy tree
(giza.linkcheck.builder) and maps each place back to the real source, with the mapping
giza uses for Sphinx's messages: proxy tree -> source/, generated rST -> the YAML unit
that produced it (giza.sphinx.output.proxy_path_mapper over the content record).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giza import layout
from giza.config.model import Config
from giza.variants import Variant

BUILDER = "gizalinks"


@dataclass(frozen=True, order=True)
class Place:
    path: str  # relative to the project root when under it
    line: int | None
    variant: str

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Collected:
    """Every variant's links: URL -> the places using it; the settings each variant read."""

    places: dict[str, tuple[Place, ...]]
    settings: dict[str, dict[str, Any]]  # variant -> its conf.py linkcheck values


def label(variant: Variant) -> str:
    """How reports name a variant: its edition and language (``saas-fr``)."""
    return variant.suffix[1:] or "default"


def output_dir(config: Config, variant: Variant) -> Path:
    return layout.links_output_dir(config, variant.suffix)


def collected_file(config: Config, variant: Variant) -> Path:
    return layout.links_path(config, variant.name)


def collect_variant(config: Config, variant: Variant, proxy: str, jobs: int = 1
                    ) -> dict[str, Any]:
    """Run the gizalinks builder on the variant's proxy tree; write its mapped links."""
    from giza.fileio import atomic_write  # lazy: a no-op build never collects links
    from giza.pipeline import tasks
    from giza.pipeline.results import TaskFailed
    from giza.proc import run_process
    from giza.sphinx.argv import conf_dir, sphinx_argv, variant_tags

    settings = config.matrix.lookup(variant.builder, variant.edition)
    out = output_dir(config, variant)
    argv = sphinx_argv(
        builder=BUILDER, proxy=Path(proxy), output=out,
        doctrees=layout.links_doctree_dir(config, variant.suffix),
        confdir=conf_dir(config.root),
        tags=variant_tags(variant.builder, variant.edition, settings.tags), jobs=jobs,
        language=variant.language,
        overrides=[("locale_dirs", str(layout.locale_dir(config)))] if variant.language else [])
    env = dict(os.environ)
    env["GIZA_BUILD_CONTEXT"] = str(tasks.write_context(config, variant, proxy))
    (out / "links.json").unlink(missing_ok=True)  # never read a previous run's list
    run = run_process(argv, cwd=config.root, env=env)
    if run.returncode != 0 or not (out / "links.json").is_file():
        raise TaskFailed(f"sphinx-build -b {BUILDER} exited with status "
                                f"{run.returncode}", {"output": run.output, "argv": argv})
    raw = json.loads((out / "links.json").read_text(encoding="utf-8"))
    links = map_places(config, Path(proxy), raw["links"])
    target = collected_file(config, variant)
    atomic_write(target, json.dumps({"variant": label(variant), "settings": raw["settings"],
                                     "links": links}).encode("utf-8"))
    return {"variant": label(variant), "file": str(target), "links": len(links),
            "urls": len({link[0] for link in links}), "seconds": run.seconds}


def map_places(config: Config, proxy: Path, links: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """[url, path, line] per link, pointing at source/ or at the YAML line with the URL."""
    from giza.content.record import recorded_origins  # lazy: start-up time
    from giza.sphinx.output import proxy_path_mapper

    origins = recorded_origins(proxy)
    mapper = proxy_path_mapper(config.root, {proxy: config.paths.source}, origins)
    generated = {os.path.normpath(os.path.abspath(p)) for p in origins}
    texts: dict[str, list[str]] = {}
    found = []
    for url, _docname, source, line in links:
        path, mapped = mapper(str(source), line)
        if os.path.normpath(os.path.abspath(str(source))) in generated:
            mapped = yaml_line(config.root / path, mapped, url, texts)
        found.append([url, path, mapped])
    return found


def yaml_line(path: Path, start: int | None, url: str, texts: dict[str, list[str]]
              ) -> int | None:
    """The line of ``url`` within the YAML document that starts at ``start`` (the unit's
    line) — the unit line itself when the URL came from elsewhere (inheritance)."""
    key = str(path)
    if key not in texts:
        try:
            texts[key] = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            texts[key] = []
    lines = texts[key]
    first = max((start or 1) - 1, 0)
    for number in range(first, len(lines)):
        if number > first and lines[number].startswith("---"):
            break
        if url in lines[number] or url.split("#", 1)[0] in lines[number]:
            return number + 1
    return start


def load_collected(files: Iterable[str]) -> Collected:
    """Merge the variants' collected files (in the order given)."""
    places: dict[str, dict[Place, None]] = {}
    settings: dict[str, dict[str, Any]] = {}
    for name in files:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
        variant = str(data["variant"])
        settings[variant] = data["settings"]
        for url, path, line in data["links"]:
            places.setdefault(url, {})[Place(path, line, variant)] = None
    return Collected({url: tuple(found) for url, found in places.items()}, settings)
