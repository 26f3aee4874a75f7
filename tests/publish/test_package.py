"""giza package / giza deploy --from: real archives, real rsync into local directories."""

from __future__ import annotations

import filecmp
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import write_tree

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")

CONF = """\
project:
  name: demo
version:
  branch: main
system:
  files: [push.yaml]
"""

PUSH = """\
target: {name}
paths:
  local: public
  remote: {site}
  static: [manual, sitemap.xml.gz]
options: [branched, recursive]
hosts: [local]
"""

BUILT = {
    "public/main/index.html": "<p>home</p>\n",
    "public/main/sub/page.html": "<p>page</p>\n",
    "public/main/.giza-site.json": "{}\n",
    "public/main/_static/run.sh": "#!/bin/sh\n",
    "public/manual/index.html": "manual\n",
    "public/sitemap.xml.gz": "gz\n",
    "public/other/x.html": "not a static item: never uploaded\n",
}
TOP = "demo-web-main-nocommit"
ARCHIVE = f"build/archive/{TOP}.tar.gz"


def make(project: Callable[..., Path]) -> Path:
    """A built project with push targets web (-> ../site) and prod (-> ../prod)."""
    root = project({"config/build_conf.yaml": CONF, "source/index.txt": "Hi\n"})
    push = (PUSH.format(name="web", site=root.parent / "site") + "---\n"
            + PUSH.format(name="prod", site=root.parent / "prod"))
    write_tree(root, {"config/push.yaml": push})
    write_tree(root / "build", BUILT)
    (root / "build/public/main/_static/run.sh").chmod(0o755)
    return root


def same_tree(a: Path, b: Path) -> bool:
    """Same names, kinds, bytes and exec bits."""
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    for name in cmp.common_files:
        left, right = a / name, b / name
        if left.read_bytes() != right.read_bytes():
            return False
        if (left.stat().st_mode & 0o100) != (right.stat().st_mode & 0o100):
            return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def files(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*")
                  if p.is_file())


def test_package_then_deploy_from_equals_a_direct_deploy(project, giza):
    root = make(project)
    assert giza("deploy", "-t", "web").code == 0
    result = giza("package", "-t", "web")
    assert (result.code, result.err) == (0, "")
    assert result.out == f"packaged 5 files of push target 'web' -> {ARCHIVE}\n"
    shutil.rmtree(root / "build/public")  # the promotion job has no build output
    result = giza("deploy", "-t", "prod", "--from", ARCHIVE)
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[0] == (
        f"verified {ARCHIVE}: 5 files checked against its manifest.json (push target 'web', "
        f"branch main, commit unknown)")
    site, prod = root.parent / "site", root.parent / "prod"
    assert files(prod) == ["main/_static/run.sh", "main/index.html", "main/sub/page.html",
                           "manual/index.html", "sitemap.xml.gz"]
    assert same_tree(site, prod)
    assert (prod / "main/_static/run.sh").stat().st_mode & 0o100


def test_the_manifest_lists_every_file_with_its_sha256(project, giza):
    root = make(project)
    assert giza("package", "-t", "web").code == 0
    with tarfile.open(root / ARCHIVE) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(f"{TOP}/manifest.json").read())
    assert names == [TOP, f"{TOP}/manifest.json", f"{TOP}/site", f"{TOP}/site/main",
                     f"{TOP}/site/main/_static", f"{TOP}/site/main/_static/run.sh",
                     f"{TOP}/site/main/index.html", f"{TOP}/site/main/sub",
                     f"{TOP}/site/main/sub/page.html", f"{TOP}/site/manual",
                     f"{TOP}/site/manual/index.html", f"{TOP}/site/sitemap.xml.gz"]
    built = root / "build/public"
    expected = ["main/_static/run.sh", "main/index.html", "main/sub/page.html",
                "manual/index.html", "sitemap.xml.gz"]
    assert manifest == {
        "format": "giza-package/1", "project": "demo", "target": "web", "branch": "main",
        "commit": "",
        "files": [{"path": p, "sha256": hashlib.sha256(
            (built / p).read_bytes()).hexdigest()} for p in expected]}


def test_packaging_twice_gives_the_same_bytes(project, giza):
    root = make(project)
    assert giza("package", "-t", "web", "-o", "one.tar.gz").code == 0
    for path in (root / "build/public").rglob("*"):
        os.utime(path, (1_000_000, 1_000_000))  # times must not matter
    assert giza("package", "-t", "web", "-o", "two.tar.gz").code == 0
    one, two = (root / "one.tar.gz").read_bytes(), (root / "two.tar.gz").read_bytes()
    assert one == two
    assert one[4:8] == b"\0\0\0\0"  # no gzip timestamp
    with tarfile.open(root / "one.tar.gz") as tar:
        assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in tar} == {(0, 0, 0, "", "")}


def test_package_of_an_unbuilt_target(project, giza):
    root = make(project)
    shutil.rmtree(root / "build/public")
    result = giza("package", "-t", "web")
    assert result.code == 1
    assert result.err == ("giza: error: nothing to deploy: build/public/main does not exist; "
                          "run `giza push` or `giza sphinx -b publish` first\n")


def test_package_of_an_unknown_target(project, giza):
    make(project)
    result = giza("package", "-t", "stage")
    assert result.code == 2
    assert result.err == "giza: error: unknown push target 'stage'; valid targets: web, prod\n"


def test_a_link_to_a_directory_is_refused(project, giza):
    root = make(project)
    os.symlink("sub", root / "build/public/main/alias")
    result = giza("package", "-t", "web")
    assert result.code == 2
    assert result.err == ("giza: error: cannot package build/public/main/alias: a symbolic "
                          "link to a directory; a package holds only files and directories\n")


def test_a_link_to_a_file_is_packed_as_the_file(project, giza):
    root = make(project)
    os.symlink("index.html", root / "build/public/main/home.html")
    assert giza("package", "-t", "web").code == 0
    with tarfile.open(root / ARCHIVE) as tar:
        member = tar.getmember(f"{TOP}/site/main/home.html")
        assert member.isfile()
        assert tar.extractfile(member).read() == b"<p>home</p>\n"


# --- tampering ----------------------------------------------------------------------------


def rewrite(path: Path, change: Callable[[list[tuple[tarfile.TarInfo, bytes | None]]], None]
            ) -> None:
    """Rewrite the archive at ``path`` after ``change`` edited its (member, data) list."""
    with tarfile.open(path) as tar:
        entries = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]
    change(entries)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for member, data in entries:
            if data is not None:
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data) if data is not None else None)
    path.write_bytes(gzip.compress(raw.getvalue()))


def changed_byte(entries):
    for i, (member, data) in enumerate(entries):
        if member.name.endswith("/site/main/index.html"):
            entries[i] = (member, data.replace(b"home", b"HOME"))


def extra_file(entries):
    member = tarfile.TarInfo(f"{TOP}/site/main/extra.html")
    entries.append((member, b"extra\n"))


def missing_file(entries):
    entries[:] = [e for e in entries if not e[0].name.endswith("/sub/page.html")]


def traversal(entries):
    member = tarfile.TarInfo(f"{TOP}/site/../../evil.html")
    entries.insert(3, (member, b"evil\n"))


def absolute(entries):
    entries.append((tarfile.TarInfo("/tmp/evil.html"), b"evil\n"))


def symlink(entries):
    member = tarfile.TarInfo(f"{TOP}/site/main/passwd")
    member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
    entries.append((member, None))


def hard_link(entries):
    member = tarfile.TarInfo(f"{TOP}/site/main/copy.html")
    member.type, member.linkname = tarfile.LNKTYPE, f"{TOP}/site/main/index.html"
    entries.append((member, None))


def device(entries):
    member = tarfile.TarInfo(f"{TOP}/site/main/null")
    member.type = tarfile.CHRTYPE
    entries.append((member, None))


def twice(entries):
    entries.extend([e for e in entries if e[0].name.endswith("/site/main/index.html")])


def no_manifest(entries):
    entries[:] = [e for e in entries if not e[0].name.endswith("/manifest.json")]


def bad_manifest(entries):
    for i, (member, data) in enumerate(entries):
        if member.name.endswith("/manifest.json"):
            entries[i] = (member, data.replace(b'"path": "main/index.html"',
                                               b'"path": "../index.html"'))


def outside_site(entries):
    entries.append((tarfile.TarInfo(f"{TOP}/notes.txt"), b"note\n"))


@pytest.mark.parametrize("change, message", [
    (changed_byte, f"{TOP}/site/main/index.html: sha256 does not match manifest.json"),
    (extra_file, f"{TOP}/site/main/extra.html: is not listed in manifest.json"),
    (missing_file, f"{TOP}/site/main/sub/page.html: is listed in manifest.json but not in "
                   f"the archive"),
    (traversal, f"{TOP}/site/../../evil.html: climbs out of the archive root ('..')"),
    (absolute, "/tmp/evil.html: is an absolute path"),
    (symlink, f"{TOP}/site/main/passwd: is a symbolic link; a package holds only files and "
              f"directories"),
    (hard_link, f"{TOP}/site/main/copy.html: is a hard link; a package holds only files "
                f"and directories"),
    (device, f"{TOP}/site/main/null: is a device; a package holds only files and "
             f"directories"),
    (twice, f"{TOP}/site/main/index.html: appears twice"),
    (no_manifest, f"{TOP}/manifest.json: is missing: not a package written by "
                  f"`giza package`"),
    (bad_manifest, f"{TOP}/manifest.json: is not a valid manifest: files[1]: must be "
                   f"{{path: a relative path, sha256: 64 lowercase hex digits}}"),
    (outside_site, f"{TOP}/notes.txt: is outside {TOP}/site/ and not listed in "
                   f"manifest.json"),
])
def test_a_tampered_archive_is_refused(project, giza, change, message):
    root = make(project)
    assert giza("package", "-t", "web").code == 0
    rewrite(root / ARCHIVE, change)
    result = giza("deploy", "-t", "prod", "--from", ARCHIVE)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"giza: error: {ARCHIVE}: {message}; nothing was deployed\n"
    assert not (root.parent / "prod").exists()


def test_an_untouched_rewrite_is_accepted(project, giza):
    # The tamper tests' rewriting alone changes nothing the check looks at.
    root = make(project)
    assert giza("package", "-t", "web").code == 0
    rewrite(root / ARCHIVE, lambda entries: None)
    assert giza("deploy", "-t", "prod", "--from", ARCHIVE).code == 0
    assert files(root.parent / "prod")[0] == "main/_static/run.sh"


def test_not_an_archive(project, giza):
    root = make(project)
    (root / "junk.tar.gz").write_text("not gzip\n")
    result = giza("deploy", "-t", "prod", "--from", "junk.tar.gz")
    assert result.code == 2
    assert result.err == ("giza: error: junk.tar.gz: cannot read it as a .tar.gz (not a "
                          "gzip file); nothing was deployed\n")
    result = giza("deploy", "-t", "prod", "--from", "nope.tar.gz")
    assert (result.code, result.err) == (2, "giza: error: --from nope.tar.gz: no such file\n")


def test_deploy_from_dry_run_changes_nothing(project, giza):
    root = make(project)
    assert giza("package", "-t", "web").code == 0
    result = giza("deploy", "-t", "prod", "--from", ARCHIVE, "--dry-run")
    assert result.code == 0, result.err
    would = [line for line in result.out.splitlines() if line.startswith("would run: ")]
    assert len(would) == 3
    assert would[0].endswith(f"/public/main {root.parent / 'prod'}")
    assert not (root.parent / "prod").exists()


PLAIN = """\
target: {name}
paths:
  local: {local}
  remote: {site}
options: [recursive, delete]
hosts: [local]
"""


def test_one_archive_to_two_plain_targets(project, giza):
    # Not branched, paths.local two levels deep, and two targets in one --from run:
    # the unpacked site stands in for build/<paths.local> of each in turn.
    root = project({"config/build_conf.yaml": CONF, "source/index.txt": "Hi\n"})
    push = "---\n".join(PLAIN.format(name=name, local=local, site=root.parent / name)
                        for name, local in (("web", "2.1/html"), ("stage", "x"),
                                            ("prod", "2.1/html")))
    write_tree(root, {"config/push.yaml": push})
    write_tree(root / "build/2.1/html", {"index.html": "home\n", "a/b.html": "b\n",
                                         ".buildinfo": "build bookkeeping\n"})
    write_tree(root.parent / "prod", {"stale.html": "removed by delete\n"})
    assert giza("deploy", "-t", "web").code == 0
    assert giza("package", "-t", "web", "-o", "web.tar.gz").code == 0
    result = giza("deploy", "-t", "stage", "prod", "--from", "web.tar.gz")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        "verified web.tar.gz: 2 files checked against its manifest.json (push target 'web', "
        "branch main, commit unknown)")
    web = root.parent / "web"
    assert files(web) == [".buildinfo", "a/b.html", "index.html"]
    (web / ".buildinfo").unlink()  # build bookkeeping: deployed by rsync, never packed
    assert same_tree(web, root.parent / "stage")
    assert same_tree(web, root.parent / "prod")


def test_default_name_of_a_branch_with_a_slash(project, giza):
    root = project({"config/build_conf.yaml": CONF.replace("main", "release/2.0"),
                    "source/index.txt": "Hi\n"})
    write_tree(root, {"config/push.yaml": PLAIN.format(name="web", local="public",
                                                       site=root.parent / "web")})
    write_tree(root / "build/public", {"index.html": "home\n"})
    result = giza("package", "-t", "web")
    archive = "build/archive/demo-web-release-2.0-nocommit.tar.gz"
    assert result.out == f"packaged 1 file of push target 'web' -> {archive}\n"
    with tarfile.open(root / archive) as tar:
        assert tar.getnames()[0] == "demo-web-release-2.0-nocommit"
        manifest = json.loads(tar.extractfile(
            "demo-web-release-2.0-nocommit/manifest.json").read())
    assert manifest["branch"] == "release/2.0"
