from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from giza import fileio
from giza.errors import BuildError
from giza.fileio import atomic_copy, atomic_write, write_if_changed


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


def fail_with(monkeypatch: pytest.MonkeyPatch, code: int, names: tuple[str, ...] = ()) -> None:
    """Make the one write helper fail with ``code`` once the temporary file exists (for
    targets named in ``names``, or every target): as a full disk would."""
    real = fileio._replace

    def replace(path: Path, fill, *args) -> None:
        def failing(tmp: str) -> None:
            Path(tmp).write_bytes(b"partial")  # as far as the disk let it go
            raise OSError(code, os.strerror(code))

        real(path, failing if not names or path.name in names else fill, *args)

    monkeypatch.setattr(fileio, "_replace", replace)


@pytest.mark.parametrize(("code", "reason"), [(errno.ENOSPC, "no space left on device"),
                                             (errno.EIO, "input/output error")])
def test_a_failed_write_names_the_path_and_keeps_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "d" / "c.rst"
    write_if_changed(target, b"old\n")
    fail_with(monkeypatch, code)
    with pytest.raises(BuildError) as exc:
        write_if_changed(target, b"new\n")
    assert str(exc.value) == f"cannot write d/c.rst: {reason}"
    assert exc.value.exit_code == 1
    assert target.read_bytes() == b"old\n"
    assert os.listdir(target.parent) == ["c.rst"]  # no temporary file left behind


def test_before_swap_runs_only_after_the_new_content_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "r.json"
    ran: list[bytes] = []
    atomic_write(target, b"1", before_swap=lambda: ran.append(b"swap"), durable=True)
    assert ran == [b"swap"] and target.read_bytes() == b"1"
    fail_with(monkeypatch, errno.ENOSPC)
    with pytest.raises(BuildError):
        atomic_write(target, b"2", before_swap=lambda: ran.append(b"swap"))
    assert ran == [b"swap"] and target.read_bytes() == b"1"


def test_atomic_copy_keeps_mode_and_mtime(tmp_path: Path) -> None:
    src = tmp_path / "s.sh"
    src.write_bytes(b"#!/bin/sh\n")
    src.chmod(0o755)
    os.utime(src, ns=(2_000_000_000, 2_000_000_000))
    atomic_copy(src, tmp_path / "out" / "t.sh")
    copied = tmp_path / "out" / "t.sh"
    assert copied.read_bytes() == b"#!/bin/sh\n"
    assert copied.stat().st_mode & 0o777 == 0o755
    assert copied.stat().st_mtime_ns == 2_000_000_000


def test_a_directory_that_cannot_be_made_is_a_build_error(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    Path("f").write_text("a file\n")
    with pytest.raises(BuildError) as exc:
        atomic_write(Path("f/x.txt"), b"x")
    assert str(exc.value) == "cannot write f/x.txt: file exists"


# -- a whole build on a full disk --------------------------------------------------------

def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def test_full_disk_at_the_record_keeps_the_previous_record(copy_project, giza, monkeypatch):
    root = copy_project("basic")
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0  # record.1 too
    records = root / "build" / "2.1" / ".giza"
    before = {name: (records / name).read_bytes() for name in ("record.json", "record.1.json")}
    staged = snapshot(root / "build" / "public")

    fail_with(monkeypatch, errno.ENOSPC, names=("record.json",))
    result = giza("--executor", "serial", "--force", "sphinx", "-b", "html")
    assert result.code == 1
    assert result.err == ("giza: error: cannot write build/2.1/.giza/record.json: no space "
                          "left on device\n")
    assert "Traceback" not in result.out + result.err
    # Not rotated: the previous record is still the newest one, and nothing was lost.
    assert {name: (records / name).read_bytes() for name in before} == before
    assert not (records / "record.2.json").exists()
    assert snapshot(root / "build" / "public") == staged


def test_full_disk_inside_a_task_fails_the_build_without_a_traceback(copy_project, giza,
                                                                      monkeypatch):
    root = copy_project("basic")
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    staged = snapshot(root / "build" / "public")
    (root / "source" / "install.txt").write_text("Install\n=======\n\nChanged.\n")
    fail_with(monkeypatch, errno.ENOSPC, names=("install.txt",))
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 1
    assert ("giza: error: prepare:source: cannot write build/2.1/source/install.txt: no "
            "space left on device\n") in result.out
    assert "Traceback" not in result.out + result.err
    assert snapshot(root / "build" / "public") == staged


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 16 MB tmpfs mounted at tmp_path/disk (needs root and mount permission)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the injected-error tests above cover the rest")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        os.chdir(tmp_path)
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Write until the file system is full; returns the filler file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        chunk = 1 << 20
        while chunk:
            try:
                os.write(fd, b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                chunk //= 2  # then the last few bytes
    finally:
        os.close(fd)
    return filler


def test_a_real_full_disk(small_disk: Path, giza, monkeypatch):
    root = small_disk / "basic"
    shutil.copytree(Path(__file__).parent / "projects" / "basic", root)
    monkeypatch.chdir(root)
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    record = root / "build" / "2.1" / ".giza" / "record.json"
    before = record.read_bytes()
    staged = snapshot(root / "build" / "public")
    filler = fill(small_disk)

    result = giza("--executor", "serial", "--force", "sphinx", "-b", "html")
    assert result.code == 1
    assert result.err == ("giza: error: cannot write build/2.1/.giza/pending.json: no space "
                          "left on device\n")
    assert "Traceback" not in result.out + result.err
    assert record.read_bytes() == before
    assert snapshot(root / "build" / "public") == staged

    filler.unlink()  # space again: the next build works
    assert giza("--executor", "serial", "--force", "sphinx", "-b", "html").code == 0
    assert record.read_bytes() != before
