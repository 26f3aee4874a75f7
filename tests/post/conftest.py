"""One tiny project, built once per session with every builder post/ finalizes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from giza.config import load
from giza.config.model import Config
from giza.pipeline import tasks
from giza.variants import Variant

from helpers import write_tree

FILES = {
    "config/build_conf.yaml": """
        project:
          name: demo
          title: Demo Manual
          url: https://docs.example.org/
          branched: false
        version:
          release: "3.0.1"
          branch: "3.0"
        system:
          files:
            - pdfs.yaml
        """,
    "config/pdfs.yaml": """
        source: index
        title: Demo Manual
        output: demo-manual.tex
        author: Docs Team
        class: manual
        tag: print
        ---
        source: index
        title: Other Edition Only
        output: other.tex
        edition: other
        """,
    "conf.py": """
        extensions = ["giza.sphinxext"]
        source_suffix = {".txt": "restructuredtext"}
        root_doc = "index"
        exclude_patterns = ["includes"]
        html_theme = "basic"
        latex_documents = [("index", "demo-manual.tex", "Demo Manual", "Docs Team", "manual")]
        """,
    "source/index.txt": """
        ===========
        Demo Manual
        ===========

        Welcome & hello to the *demo*.

        See :doc:`/install` and :ref:`genindex`.

        .. toctree::

           install
           reference/index
        """,
    "source/install.txt": """
        =======
        Install
        =======

        Run the installer.   Then   read the reference.
        """,
    "source/reference/index.txt": """
        =========
        Reference
        =========

        The ``demo`` command. See **/reference/index** and **/usr/bin/demo**.
        """,
}

BUILDERS = ("dirhtml", "html", "json", "singlehtml", "epub", "man", "latex", "gettext")


@dataclass
class Built:
    root: Path
    config: Config

    def variant_out(self, builder: str, language: str | None = None) -> Path:
        return Variant(builder, None, language).output_dir(self.config)


def make_project(root: Path, files: dict[str, str] | None = None) -> Config:
    write_tree(root, {**FILES, **(files or {})})
    return load(start=root)


def build(config: Config, variants: list[Variant]) -> None:
    proxies = {v.pair for v in variants}
    for edition, language in proxies:
        name = "source" + "".join(f"-{p}" for p in (edition, language) if p)
        tasks.prepare_tree(config, edition, language, str(config.branch_dir / name))

    def one(variant: Variant) -> None:
        name = "source" + "".join(f"-{p}" for p in variant.pair if p)
        tasks.run_variant(config, variant, str(config.branch_dir / name))

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(one, variants))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The demo project with every builder (and a French dirhtml) already built."""
    root = tmp_path_factory.mktemp("post") / "demo"
    config = make_project(root)
    build(config, [Variant(b) for b in BUILDERS] + [Variant("dirhtml", None, "fr")])
    return Built(root, config)


@pytest.fixture
def rebuild() -> Callable[[Config, list[Variant]], None]:
    """Run real sphinx-builds (prepare + sphinx) for variants of a config."""
    return build


@pytest.fixture
def new_project(tmp_path: Path) -> Callable[..., Config]:
    """A fresh demo project (optionally with extra/overridden files), unbuilt."""

    def make(files: dict[str, str] | None = None) -> Config:
        return make_project(tmp_path / "demo", files)

    return make


@pytest.fixture
def fresh(built: Built) -> Callable[[], Built]:
    """The built project with build/public and fragments removed (for staging tests)."""

    def reset() -> Built:
        for path in (built.config.paths.output / "public",
                     built.config.branch_dir / ".giza" / "fragments"):
            shutil.rmtree(path, ignore_errors=True)
        return built

    return reset
