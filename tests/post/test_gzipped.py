"""gzip on every core: valid, reproducible, readable by gzip, tar and Python."""

from __future__ import annotations

import gzip
import random
import subprocess
import tarfile
from pathlib import Path

import pytest

from giza.post.gzipped import CHUNK, GzipStream, gzip_bytes
from giza.post.html import write_tarball


def test_chunks_are_members_of_one_stream_whatever_the_threads() -> None:
    rng = random.Random(5)
    data = bytes(rng.getrandbits(8) for _ in range(1000)) * (CHUNK // 400)  # 2.5 chunks
    one, four = gzip_bytes(data, threads=1), gzip_bytes(data, threads=4)
    assert one == four  # the bytes do not depend on the machine's cores
    assert gzip.decompress(one) == data
    assert one.count(b"\x1f\x8b\x08\x00\x00\x00\x00\x00") >= 3  # three members
    assert gzip.decompress(gzip_bytes(b"")) == b""


def test_tar_reads_a_tarball_of_several_members(tmp_path: Path) -> None:
    site = tmp_path / "html"
    site.mkdir()
    rng = random.Random(9)
    for n in range(12):  # ~9 MiB of incompressible pages: more than two chunks
        (site / f"page{n}.html").write_bytes(rng.randbytes(800_000))
    target = tmp_path / "site.tar.gz"
    assert write_tarball(site, target, prefix="demo") == 12  # files (the top dir aside)
    listed = subprocess.run(["tar", "-tzf", str(target)], capture_output=True, text=True,
                            check=True).stdout.split()
    assert listed[0] == "demo/" and len(listed) == 13
    with tarfile.open(target) as tar:
        member = tar.extractfile("demo/page11.html")
        assert member is not None
        assert member.read() == (site / "page11.html").read_bytes()


def test_a_stream_compressed_while_written_is_the_same_bytes() -> None:
    rng = random.Random(7)
    for size in (0, 10, CHUNK, 2 * CHUNK, 2 * CHUNK + 5):
        data = rng.randbytes(size)
        with GzipStream(threads=2) as stream:
            position = 0
            for piece in (1, 511, CHUNK - 3, 3 * CHUNK):  # tar writes blocks of any size
                assert stream.write(data[position:position + piece]) == \
                    len(data[position:position + piece])
                position += piece
                assert stream.tell() == min(position, size)
            assert stream.gzipped() == gzip_bytes(data)


def test_a_stream_given_up_on_stops_its_threads() -> None:
    stream = GzipStream(threads=2)
    stream.write(random.Random(8).randbytes(3 * CHUNK))
    stream.close()  # the tar failed half way: no result is asked for
    with pytest.raises(RuntimeError, match="cannot schedule new futures after shutdown"):
        stream.write(bytes(CHUNK))
