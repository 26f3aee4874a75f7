from __future__ import annotations

import os
from pathlib import Path

from giza.content.writer import write_if_changed


def test_writes_new_files_and_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.rst"
    assert write_if_changed(target, b"one\n") is True
    assert target.read_bytes() == b"one\n"


def test_same_bytes_keep_the_mtime(tmp_path: Path) -> None:
    target = tmp_path / "c.rst"
    write_if_changed(target, b"one\n")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(target, b"one\n") is False
    assert target.stat().st_mtime_ns == 1_000_000_000


def test_changed_bytes_of_the_same_size_are_written(tmp_path: Path) -> None:
    target = tmp_path / "c.rst"
    write_if_changed(target, b"one\n")
    made: set[str] = set()
    assert write_if_changed(target, b"two\n", made) is True
    assert target.read_bytes() == b"two\n"
    assert made == {str(tmp_path)}
