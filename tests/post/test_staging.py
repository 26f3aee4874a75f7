"""stage_site: assembling build/public from fragments, atomically, surviving failures
and SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from giza.errors import BuildError
from giza.layout import site_dir
from giza.post import post_variant, stage_site, staging
from giza.variants import Variant


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: file bytes, symlink targets, dirs."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = path.read_bytes()
    return found


def temp_dirs(public: Path) -> list[str]:
    parent = public.parent
    return sorted(p.name for p in parent.rglob("*") if staging.is_temp_name(p.name))


def staged(built: Any, builders: list[str], **kwargs: Any) -> dict[str, Any]:
    for builder in builders:
        post_variant(built.config, Variant(builder))
    return stage_site(built.config, None, None, builders, **kwargs)


def test_full_stage(fresh: Any) -> None:
    built = fresh()
    result = staged(built, ["dirhtml", "html", "json", "singlehtml", "epub", "man"],
                    extra_files={"robots.txt": "User-agent: *\n", ".htaccess": "# none\n"})
    public = site_dir(built.config, None, None)
    assert result["site"] == str(public) == str(built.root / "build" / "public")
    names = {p.relative_to(public).as_posix() for p in public.rglob("*")}
    assert {"index.html", "install/index.html", "reference/index.html", "_static/basic.css",
            "single/index.html", "json/index.json", "json/.file_list", "demo-3.0.tar.gz",
            "demo.tar.gz", "demo-manual-3.0.epub", "manpages-3.0.tar.gz", "robots.txt",
            ".htaccess", "sitemap.xml", staging.MANIFEST} <= names
    assert (public / "robots.txt").read_text() == "User-agent: *\n"
    sitemap = (public / "sitemap.xml").read_text()
    assert "<loc>https://docs.example.org/install/</loc>" in sitemap
    assert "single/" not in sitemap and "genindex" not in sitemap
    assert result["pages"] == 3
    assert temp_dirs(public) == []


def test_partial_stage_keeps_other_builders_parts(fresh: Any, tmp_path: Path) -> None:
    built = fresh()
    staged(built, ["dirhtml", "html", "json"], extra_files={"robots.txt": "v1\n"})
    public = site_dir(built.config, None, None)
    index_inode = (public / "index.html").stat().st_ino
    keep = tmp_path / "old-robots"
    os.link(public / "robots.txt", keep)  # the live file, to prove no write goes through it

    # Only json: a new json document appears, everything else stays (hard-linked over).
    post_variant(built.config, Variant("json"))
    (built.config.branch_dir / ".giza/fragments/json/json/extra.json").write_text("{}")
    stage_site(built.config, None, None, ["json"], extra_files={"robots.txt": "v2\n"})
    assert (public / "json" / "extra.json").is_file()
    assert (public / "index.html").stat().st_ino == index_inode
    assert (public / "demo-3.0.tar.gz").is_file()
    assert (public / "robots.txt").read_text() == "v2\n"
    assert keep.read_text() == "v1\n"

    # Only dirhtml, whose fragment lost a page: the page goes, other owners' paths stay.
    post_variant(built.config, Variant("dirhtml"))
    staging.remove_path(built.config.branch_dir / ".giza/fragments/dirhtml/install")
    (public / "stray.html").write_text("not owned by anyone")
    stage_site(built.config, None, None, ["dirhtml"])
    assert not (public / "install").exists()
    assert not (public / "stray.html").exists()
    assert (public / "json" / "extra.json").is_file()
    assert (public / "demo.tar.gz").is_symlink()
    assert (public / "robots.txt").read_text() == "v2\n"  # extra_files=None keeps them
    assert "install/" not in (public / "sitemap.xml").read_text()

    # A new set of extra files replaces the old set.
    stage_site(built.config, None, None, [], extra_files={"versions.json": "[]"})
    assert not (public / "robots.txt").exists()
    assert (public / "versions.json").read_text() == "[]"
    assert temp_dirs(public) == []


def test_failure_after_assembly_started_leaves_previous_site(fresh: Any,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    built = fresh()
    staged(built, ["dirhtml", "json"], extra_files={"robots.txt": "x\n"})
    public = site_dir(built.config, None, None)
    before = snapshot(public)

    # A fragment whose files cannot be copied: the 10th file placed fails.
    calls = {"n": 0}
    real = staging._place_file

    def flaky(src: str, dst: str, link: bool) -> None:
        calls["n"] += 1
        if calls["n"] == 10:
            raise OSError(5, "Input/output error", src)
        real(src, dst, link)

    monkeypatch.setattr(staging, "_place_file", flaky)
    with pytest.raises(BuildError, match=r"staging .*build/public \(variants dirhtml, json\) "
                                         r"failed on .*: Input/output error; the previous "
                                         r"site is unchanged"):
        stage_site(built.config, None, None, ["dirhtml", "json"])
    monkeypatch.undo()
    assert snapshot(public) == before
    assert temp_dirs(public) == []

    # A real one: an extra file below a path that is a file in the assembled site.
    with pytest.raises(BuildError, match=r"failed: cannot write .*index\.html/x: file exists; "
                                         r"the previous site is unchanged"):
        stage_site(built.config, None, None, ["json"], extra_files={"index.html/x": "y"})
    assert snapshot(public) == before
    assert temp_dirs(public) == []


def test_interrupt_cleans_up_and_keeps_previous_site(fresh: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    built = fresh()
    staged(built, ["dirhtml"])
    public = site_dir(built.config, None, None)
    before = snapshot(public)

    def interrupted(*args: Any, **kwargs: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("giza.post.sitemap.write_site_sitemap", interrupted)
    with pytest.raises(KeyboardInterrupt):
        stage_site(built.config, None, None, ["dirhtml"])
    assert snapshot(public) == before
    assert temp_dirs(public) == []


def test_bad_inputs_are_refused_before_anything_changes(fresh: Any) -> None:
    built = fresh()
    staged(built, ["dirhtml"])
    public = site_dir(built.config, None, None)
    before = snapshot(public)
    with pytest.raises(BuildError, match=r"^epub: no post-processed fragment"):
        stage_site(built.config, None, None, ["dirhtml", "epub"])
    with pytest.raises(BuildError, match=r"'\.\./escape' is not a path inside the site"):
        stage_site(built.config, None, None, ["dirhtml"], extra_files={"../escape": "x"})
    assert snapshot(public) == before


def test_leftovers_of_an_interrupted_swap_are_recovered(fresh: Any) -> None:
    built = fresh()
    staged(built, ["dirhtml"])
    public = site_dir(built.config, None, None)
    before = snapshot(public)
    # A crash between "final -> .giza-old" and ".giza-new -> final" (no atomic exchange).
    old = public.with_name("public.giza-old")
    os.rename(public, old)
    (public.with_name("public.giza-new") / "half").mkdir(parents=True)
    assert staging.recover(public) == ["restored public from an interrupted swap",
                                       "removed leftover public.giza-new"]
    assert snapshot(public) == before
    assert temp_dirs(public) == []


KILLED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from giza.config import load
    from giza.post import stage_site
    config = load(start=Path(sys.argv[1]))
    stage_site(config, None, None, ["json"])
    print("finished")
""")


def test_sigkill_mid_stage_then_next_run_completes(fresh: Any) -> None:
    built = fresh()
    staged(built, ["dirhtml", "json"])
    public = site_dir(built.config, None, None)
    before = snapshot(public)
    # A large-ish fragment so the kill lands while the new tree is being assembled.
    bulk = built.config.branch_dir / ".giza/fragments/json/json/bulk"
    for d in range(60):
        (bulk / f"d{d}").mkdir(parents=True)
        for f in range(100):
            (bulk / f"d{d}" / f"f{f}.json").write_text(f"{d}-{f}")
    new = public.with_name("public.giza-new")
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(built.root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not new.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (out, err)
    assert b"finished" not in out
    assert new.exists()  # killed mid-way: the half-built tree is still there
    assert snapshot(public) == before

    result = stage_site(built.config, None, None, ["json"])
    assert "removed leftover public.giza-new" in result["notes"]
    assert (public / "json/bulk/d59/f99.json").read_text() == "59-99"
    assert (public / "index.html").is_file()
    assert temp_dirs(public) == []


def test_a_skipped_variant_keeps_its_earlier_parts(fresh: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    built = fresh()
    staged(built, ["dirhtml"])
    public = site_dir(built.config, None, None)
    # An earlier run staged a PDF for latex; now latexmk is missing and latex is skipped.
    fragment = built.config.branch_dir / ".giza/fragments/latex"
    fragment.mkdir(parents=True)
    (fragment / "book-3.0.pdf").write_bytes(b"%PDF")
    fragment.with_name("latex.json").write_text(
        '{"owns": ["book-3.0.pdf"], "skipped": false, "notes": []}')
    stage_site(built.config, None, None, ["latex"])
    monkeypatch.setenv("PATH", str(tmp_path))
    assert post_variant(built.config, Variant("latex"))["skipped"] is True
    stage_site(built.config, None, None, ["latex"])
    assert (public / "book-3.0.pdf").read_bytes() == b"%PDF"
