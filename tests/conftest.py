"""Shared fixtures: tiny projects on disk and an in-process `giza` runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from giza.cli import main
from giza.options import Options, use

from helpers import write_tree

PROJECTS = Path(__file__).parent / "projects"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write files into a fresh project dir and chdir into it."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "proj"
        write_tree(root, files)
        monkeypatch.chdir(root)
        return root

    return make


@pytest.fixture
def copy_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Copy tests/projects/<name> into tmp_path and chdir into it."""

    def copy(name: str) -> Path:
        root = tmp_path / name
        shutil.copytree(PROJECTS / name, root)
        monkeypatch.chdir(root)
        return root

    return copy


@pytest.fixture
def giza(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the giza CLI in-process and capture what it prints."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(args))
        finally:
            use(Options())
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[Any]:
    """A DaskExecutor on a real 2-worker LocalCluster, shared by a test module."""
    from giza.graph import DaskExecutor  # lazy: only the dask tests pay for the import

    executor = DaskExecutor(2)
    try:
        yield executor
    finally:
        executor.shutdown()
