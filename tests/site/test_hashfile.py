import os

from giza.site.hashfile import render_hash_rst, render_release_txt, write_hash_rst


def test_render():
    assert render_hash_rst("abc123") == ".. |commit| replace:: ``abc123``\n"
    assert render_hash_rst(None) == ".. |commit| replace:: unknown\n"
    assert render_release_txt("abc123") == "abc123\n"


def test_written_only_when_bytes_change(tmp_path):
    assert write_hash_rst(tmp_path, "abc") is True
    target = tmp_path / "includes" / "hash.rst"
    assert target.read_text() == ".. |commit| replace:: ``abc``\n"
    os.utime(target, (1_000_000, 1_000_000))
    assert write_hash_rst(tmp_path, "abc") is False
    assert target.stat().st_mtime == 1_000_000
    assert write_hash_rst(tmp_path, "def") is True
