"""Fixtures of tests/serve: `giza serve` started in a fresh project."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import write_tree
from serve_helpers import PROJECT, Served

pytest.importorskip("watchfiles", reason="giza serve needs watchfiles: pip install 'giza[serve]'")


@pytest.fixture
def serve_project(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Write a project (PROJECT unless given), start `giza serve` in it."""
    started: list[Served] = []

    def start(files: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> Served:
        root = write_tree(tmp_path / "proj", files if files is not None else PROJECT)
        served = Served(root, list(args))
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()
