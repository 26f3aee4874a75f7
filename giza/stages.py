"""The work each task of a build does. Module-level functions over plain data, so any
executor (in-process, process pool, dask worker) can run them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from giza.config.model import Config
from giza.errors import BuildError
from giza.fileio import write_if_changed
from giza.proxy import mirror
from giza.sphinx.argv import conf_dir, sphinx_argv, variant_tags
from giza.variants import Variant


class TaskFailed(BuildError):
    """A task failed but has a result worth reporting (e.g. sphinx-build's output)."""

    def __init__(self, message: str, value: Any = None) -> None:
        super().__init__(message)
        self.value = value


def replacement_tokens(config: Config, edition: str | None) -> dict[str, str]:
    from giza.content import load_replacements

    side = config.side("replacement")
    paths = list(side.paths) if side else [config.paths.builddata / "replacement.yaml"]
    tokens: dict[str, str] = {}
    for path in paths:
        tokens.update(load_replacements(path, edition))
    return tokens


def content_context(config: Config, edition: str | None) -> Any:
    from giza.content.context import ContentContext

    return ContentContext(
        includes_dir=config.paths.includes,
        edition=edition,
        replacements=replacement_tokens(config, edition),
        version=config.version.release,
        branch=config.version.branch,
    )


def protected_dirs(config: Config, proxy: Path) -> list[str]:
    """Proxy-relative dirs generators own, which mirroring must never prune."""
    from giza.content import output_dirs

    return [*output_dirs(), "includes/hash.rst"]


def prepare_tree(config: Config, edition: str | None, language: str | None,
                 proxy: str, kinds: Sequence[str] | None = None,
                 excluded: Sequence[str] = ()) -> dict[str, Any]:
    """Mirror source/ into the proxy tree, then generate content into it."""
    from giza.content import generate

    proxy_dir = Path(proxy)
    mirrored = mirror(config.paths.source, proxy_dir, ignore=config.paths.ignore,
                      protect=protected_dirs(config, proxy_dir), exclude=excluded)
    generated = generate(content_context(config, edition), proxy_dir, kinds)
    return {
        "proxy": str(proxy_dir),
        "copied": len(mirrored.copied),
        "removed": len(mirrored.removed),
        "generated": len(generated.written),
        "origins": {str(k): [str(v[0]), v[1]] for k, v in generated.origins.items()},
    }


def locale_dir(config: Config) -> Path:
    """Where translations are compiled: a mirror of paths.locale under build/, so Sphinx
    writes its .mo files there and never into the project's locale/."""
    return config.branch_dir / "locale"


def prepare_locale(config: Config) -> dict[str, Any]:
    if not config.paths.locale.is_dir():
        return {"copied": 0, "note": f"{config.paths.locale} does not exist"}
    # Sphinx compiles .mo files beside the mirrored .po files; keep them between runs.
    result = mirror(config.paths.locale, locale_dir(config), ignore=["*.mo"])
    return {"copied": len(result.copied), "removed": len(result.removed)}


def build_context(config: Config, variant: Variant) -> dict[str, Any]:
    """What giza.sphinxext hands to conf.py for one variant."""
    edition = config.project.edition(variant.edition) if variant.edition else None
    return {
        "project": edition.title if edition else config.project.title,
        "project_name": config.project.name,
        "version": config.version.branch or config.version.release,
        "release": config.version.release or config.version.branch,
        "url": edition.url if edition else config.project.url,
        "edition": variant.edition,
        "language": variant.language,
        "builder": variant.builder,
        "branch": config.branch,
        "commit": config.git.commit,
        "replacements": replacement_tokens(config, variant.edition),
        "locale_dir": str(locale_dir(config)),
    }


def write_context(config: Config, variant: Variant) -> Path:
    path = config.branch_dir / ".giza" / "context" / f"{variant.name}.json"
    text = json.dumps(build_context(config, variant), indent=2, sort_keys=True) + "\n"
    write_if_changed(path, text)
    return path


def run_variant(config: Config, variant: Variant, proxy: str, jobs: int = 1,
                tags: Sequence[str] = ()) -> dict[str, Any]:
    """One sphinx-build. Raises TaskFailed (carrying the output) when it fails."""
    import os

    from giza.sphinx.output import parse_output
    from giza.sphinx.run import run_sphinx

    output = variant.output_dir(config)
    settings = config.matrix.lookup(variant.builder, variant.edition)
    overrides = [("locale_dirs", str(locale_dir(config)))] if variant.language else []
    argv = sphinx_argv(
        builder=variant.builder,
        proxy=Path(proxy),
        output=output,
        doctrees=variant.doctree_dir(config),
        confdir=conf_dir(config.root),
        tags=variant_tags(variant.builder, variant.edition, [*settings.tags, *tags]),
        jobs=jobs,
        language=variant.language,
        overrides=overrides,
    )
    env = dict(os.environ)
    env["GIZA_BUILD_CONTEXT"] = str(write_context(config, variant))
    run = run_sphinx(argv, cwd=config.root, env=env)
    messages = parse_output(run.output)
    value = {
        "variant": variant.name,
        "returncode": run.returncode,
        "output": run.output,
        "argv": argv,
        "seconds": run.seconds,
        "warnings": sum(1 for m in messages if m.level == "WARNING"),
        "errors": sum(1 for m in messages if m.level in ("ERROR", "SEVERE", "CRITICAL")),
    }
    if run.returncode != 0:
        raise TaskFailed(f"sphinx-build exited with status {run.returncode}", value)
    return value
