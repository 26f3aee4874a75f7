"""html finalizer: a reproducible tarball and a stable-name link."""

from __future__ import annotations

import gzip
import os
import shutil
import tarfile
from pathlib import Path
from typing import Any

from giza.post import post_variant
from giza.post.html import write_tarball
from giza.variants import Variant


def test_html_tarball_members_are_normalised(built: Any) -> None:
    result = post_variant(built.config, Variant("html"))
    fragment = Path(result["fragment"])
    assert result["owns"] == ["demo-3.0.tar.gz", "demo.tar.gz"]
    assert result["skipped"] is False
    tarball = fragment / "demo-3.0.tar.gz"
    link = fragment / "demo.tar.gz"
    assert link.is_symlink() and os.readlink(link) == "demo-3.0.tar.gz"
    with tarfile.open(tarball) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names[0] == "demo-3.0"
    assert names[1:] == sorted(names[1:])
    assert "demo-3.0/index.html" in names and "demo-3.0/reference/index.html" in names
    assert not any(n.endswith(".buildinfo") for n in names)
    for member in members:
        assert (member.mtime, member.uid, member.gid, member.uname, member.gname) == \
            (0, 0, 0, "", "")
        assert member.mode in (0o644, 0o755)
    header = tarball.read_bytes()[:10]
    assert header[4:8] == b"\0\0\0\0"  # gzip MTIME
    assert gzip.decompress(tarball.read_bytes())  # a valid stream


def test_two_builds_of_the_same_content_give_identical_bytes(built: Any, rebuild: Any) -> None:
    first = (Path(post_variant(built.config, Variant("html"))["fragment"])
             / "demo-3.0.tar.gz").read_bytes()
    # Rebuild from scratch: every output file gets new mtimes (and a new .buildinfo).
    variant = Variant("html")
    shutil.rmtree(variant.output_dir(built.config))
    shutil.rmtree(variant.doctree_dir(built.config))
    rebuild(built.config, [variant])
    second = (Path(post_variant(built.config, Variant("html"))["fragment"])
              / "demo-3.0.tar.gz").read_bytes()
    assert first == second


def test_write_tarball_applies_transform_and_keeps_symlinks(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "a.txt").write_text("hello")
    os.symlink("sub/a.txt", tmp_path / "in" / "link")
    target = tmp_path / "out.tar.gz"
    count = write_tarball(tmp_path / "in", target, "root",
                          transform=lambda rel, data: data.upper())
    assert count == 3
    with tarfile.open(target) as tar:
        assert tar.extractfile("root/sub/a.txt").read() == b"HELLO"  # type: ignore[union-attr]
        assert tar.getmember("root/link").linkname == "sub/a.txt"
