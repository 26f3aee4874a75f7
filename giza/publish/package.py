"""Release artifacts: pack what a deploy would upload, and deploy such a pack later.

``giza package -t TARGET`` writes a reproducible ``.tar.gz`` (the html tarball's writer:
sorted members, zeroed times and owners, gzip without a timestamp) laid out as::

    <project>-<target>-<branch>-<sha8>/
        manifest.json   format, project, target, branch, commit, and every file's sha256
        site/           the tree the push target's destination receives

``giza deploy -t TARGET --from ARCHIVE`` checks every entry against the manifest while
unpacking into a temporary directory, then runs the very rsync commands of a normal deploy
with that directory in place of build/<paths.local>. So CI can build once and promote the
same bytes to staging, then to production.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import takewhile
from pathlib import Path
from typing import TextIO

from giza import layout
from giza.config.model import Config
from giza.errors import BuildError, UsageError, shown
from giza.post.html import EXCLUDED, write_tarball
from giza.publish.deploy import (
    RSYNC_BASE,
    PushTarget,
    commands,
    deploy,
    load_targets,
    select,
    source_check,
)

MANIFEST = "manifest.json"
SITE = "site"
FORMAT = "giza-package/1"
# What the html tarball leaves out, and what rsync is told to exclude: never uploaded.
_RSYNC_EXCLUDES = {a.split("=", 1)[1] for a in RSYNC_BASE if a.startswith("--exclude=")}
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Manifest:
    project: str
    target: str
    branch: str
    commit: str
    files: tuple[tuple[str, str], ...]  # (path under site/, sha256 hex), sorted by path

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "project": self.project, "target": self.target,
                "branch": self.branch, "commit": self.commit,
                "files": [{"path": p, "sha256": h} for p, h in self.files]}
        return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """The manifest in ``raw``; ValueError saying what is wrong."""
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"format: must be '{FORMAT}'")
        for key in ("project", "target", "branch", "commit"):
            if not isinstance(data.get(key), str):
                raise ValueError(f"{key}: must be a string")
        if not _clean_path(data["branch"]):
            raise ValueError(f"'branch' {data['branch']!r} is not a relative path")
        entries = data.get("files")
        if not isinstance(entries, list):
            raise ValueError("files: must be a list of {path, sha256}")
        files: list[tuple[str, str]] = []
        for i, entry in enumerate(entries):
            path = entry.get("path") if isinstance(entry, dict) else None
            digest = entry.get("sha256") if isinstance(entry, dict) else None
            if not isinstance(path, str) or not isinstance(digest, str) \
                    or not _SHA256.fullmatch(digest) or not _clean_path(path):
                raise ValueError(f"files[{i}]: must be {{path: a relative path, "
                                 f"sha256: 64 lowercase hex digits}}")
            files.append((path, digest))
        return cls(data["project"], data["target"], data["branch"], data["commit"],
                   tuple(files))


def _clean_path(path: str) -> bool:
    """Relative, '/'-separated, no empty, '.' or '..' part: cannot leave its root."""
    return bool(path) and not path.startswith("/") and all(
        part not in ("", ".", "..") for part in path.split("/"))


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --- packing ---------------------------------------------------------------------------


def default_path(config: Config, target: PushTarget) -> Path:
    """build/archive/<project>-<target>-<branch>-<sha8>.tar.gz"""
    return layout.archive_dir(config) / f"{_stem(config, target)}.tar.gz"


def _stem(config: Config, target: PushTarget) -> str:
    sha8 = (config.git.commit or "nocommit")[:8]
    stem = f"{config.project.name}-{target.name}-{config.branch}-{sha8}"
    # One file name and one top directory, whatever the branch or target is called.
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", stem)


def upload_sources(config: Config, target: PushTarget,
                   notes: list[str]) -> list[tuple[Path, str]]:
    """(source, where it lands under the destination: "" for its contents) for each rsync
    a deploy of ``target`` runs to its first host: the deploy's own commands, read back."""
    planned = commands(config, target, notes)
    first = planned[0].host if planned else None
    sources: list[tuple[Path, str]] = []
    for command in takewhile(lambda c: c.host == first, planned):
        src = command.argv[-2]
        # rsync: "dir/" copies the contents, "dir" or "file" copies the thing itself.
        sources.append((Path(src), "" if src.endswith("/") else Path(src).name))
    return sources


def _skipped(name: str) -> bool:
    return name in EXCLUDED or name in _RSYNC_EXCLUDES


def _walk(src: Path, dest: str) -> Iterator[tuple[Path, str, bool]]:
    """(path, its place under site/, is a directory) for ``src`` copied to ``dest``."""
    if not src.is_dir() or src.is_symlink():
        yield src, dest, False
        return
    if dest:
        yield src, dest, True
    for dirpath, dirnames, filenames in os.walk(src):
        rel = Path(dirpath).relative_to(src).as_posix()
        prefix = "/".join(p for p in (dest, "" if rel == "." else rel) if p)
        dirnames[:] = sorted(d for d in dirnames if not _skipped(d))
        for name in dirnames:
            path = Path(dirpath) / name
            # A link to a directory goes in as a non-directory, which _place refuses.
            yield path, f"{prefix}/{name}" if prefix else name, not path.is_symlink()
        for name in filenames:
            if not _skipped(name):
                yield Path(dirpath) / name, f"{prefix}/{name}" if prefix else name, False


def _place(path: Path, site: Path, rel: str, is_dir: bool) -> None:
    """Hard-link (or copy) one uploaded file into the staging tree; links are packed as the
    file they point to, since a package holds only files and directories."""
    if is_dir:
        (site / rel).mkdir(parents=True, exist_ok=True)
        return
    if path.is_symlink() and not path.is_file():
        raise UsageError(f"cannot package {shown(path)}: a symbolic link to "
                         f"{'a directory' if path.is_dir() else 'nothing'}; a package holds "
                         f"only files and directories")
    dest = site / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest.unlink()  # a static item sent again after the main sync: the later copy wins
    try:
        os.link(path.resolve(), dest)  # a link to a file: the file itself
    except OSError:
        shutil.copy2(path, dest)  # another filesystem, or no hard links


def _stage(sources: Sequence[tuple[Path, str]], top: Path) -> tuple[tuple[str, str], ...]:
    site = top / SITE
    site.mkdir(parents=True)
    for src, dest in sources:
        for path, rel, is_dir in _walk(src, dest):
            _place(path, site, rel, is_dir)
    found = [(p.relative_to(site).as_posix(), p) for p in site.rglob("*") if p.is_file()]
    return tuple((rel, _sha256(path)) for rel, path in sorted(found))


def package(config: Config, name: str, output: Path | None = None,
            out: TextIO | None = None) -> Path:
    """Write the package of push target ``name``; its path."""
    out = out if out is not None else sys.stdout
    (target,) = select(load_targets(config), [name])
    problem = source_check(config, target).problem()
    if problem:
        raise BuildError(problem)
    notes: list[str] = []
    sources = upload_sources(config, target, notes)
    for note in notes:
        print(f"note: {note}", file=out)
    path = output if output is not None else default_path(config, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = _stem(config, target)
    # Staged beside the archive: the same filesystem, so files are hard links, not copies.
    with tempfile.TemporaryDirectory(prefix=".giza-package-", dir=path.parent) as tmp:
        top = Path(tmp) / stem
        files = _stage(sources, top)
        manifest = Manifest(config.project.name, target.name, config.branch,
                            config.git.commit or "", files)
        (top / MANIFEST).write_bytes(manifest.to_json())
        write_tarball(top, path, prefix=stem)
    print(f"packaged {_files(len(files))} of push target '{target.name}' -> {shown(path)}",
          file=out)
    return path


# --- checking and unpacking ------------------------------------------------------------


def _refuse(archive: Path, entry: str, problem: str) -> UsageError:
    return UsageError(f"{shown(archive)}: {entry}: {problem}; nothing was deployed")


def _kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "a symbolic link"
    if member.islnk():
        return "a hard link"
    if member.ischr() or member.isblk():
        return "a device"
    if member.isfifo():
        return "a FIFO"
    return "not a regular file"


def _check_member(archive: Path, member: tarfile.TarInfo, top: str) -> None:
    """Refuse a member whose path or kind could write outside the unpack directory."""
    name = member.name
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise _refuse(archive, name, "is an absolute path")
    parts = name.split("/")
    if ".." in parts:
        raise _refuse(archive, name, "climbs out of the archive root ('..')")
    if "\\" in name or any(part in ("", ".") for part in parts):
        raise _refuse(archive, name, "is not a plain relative path")
    if not (member.isfile() or member.isdir()):
        raise _refuse(archive, name, f"is {_kind(member)}; a package holds only files "
                                     f"and directories")
    if parts[0] != top:
        raise _refuse(archive, name, f"is outside the archive's top directory '{top}/'")


def _read_manifest(archive: Path, tar: tarfile.TarFile, top: str) -> Manifest:
    name = f"{top}/{MANIFEST}"
    try:
        member = tar.getmember(name)
    except KeyError:
        raise _refuse(archive, name, "is missing: not a package written by "
                                     "`giza package`") from None
    handle = tar.extractfile(member)
    try:
        return Manifest.from_json(handle.read() if handle else b"")
    except ValueError as exc:
        raise _refuse(archive, name, f"is not a valid manifest: {exc}") from None


def _extract(archive: Path, tar: tarfile.TarFile, member: tarfile.TarInfo,
             dest: Path) -> str:
    """Write one member to ``dest``; its sha256."""
    digest = hashlib.sha256()
    handle = tar.extractfile(member)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "xb") as written:
            while chunk := handle.read(1 << 20) if handle else b"":
                digest.update(chunk)
                written.write(chunk)
        dest.chmod(0o755 if member.mode & 0o100 else 0o644)
    except OSError as exc:
        raise _refuse(archive, member.name, f"cannot be unpacked: {exc.strerror}") from None
    return digest.hexdigest()


def _members(archive: Path) -> tuple[tarfile.TarFile, list[tarfile.TarInfo]]:
    try:
        tar = tarfile.open(archive, "r:gz")
        members = tar.getmembers()
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise UsageError(f"{shown(archive)}: cannot read it as a .tar.gz ({exc}); "
                         f"nothing was deployed") from None
    if not members:
        raise UsageError(f"{shown(archive)}: the archive is empty; nothing was deployed")
    return tar, members


def unpack(archive: Path, site: Path) -> Manifest:
    """Check ``archive`` against its manifest while unpacking its site/ into ``site``;
    UsageError (exit 2) naming the archive and the first bad entry."""
    tar, members = _members(archive)
    with tar:
        top = members[0].name.split("/")[0]
        for member in members:  # paths and kinds first: nothing unsafe is even read
            _check_member(archive, member, top)
        manifest = _read_manifest(archive, tar, top)
        expected = dict(manifest.files)
        seen: set[str] = set()
        site.mkdir(parents=True, exist_ok=True)
        for member in members:
            rel = member.name.partition("/")[2]
            if rel in ("", SITE, MANIFEST) and (member.isdir() or rel == MANIFEST):
                continue
            if not rel.startswith(f"{SITE}/"):
                raise _refuse(archive, member.name, f"is outside {top}/{SITE}/ and not "
                                                    f"listed in {MANIFEST}")
            path = rel[len(SITE) + 1:]
            if member.isdir():
                (site / path).mkdir(parents=True, exist_ok=True)
                continue
            if path not in expected:
                raise _refuse(archive, member.name, f"is not listed in {MANIFEST}")
            if path in seen:
                raise _refuse(archive, member.name, "appears twice")
            seen.add(path)
            if _extract(archive, tar, member, site / path) != expected[path]:
                raise _refuse(archive, member.name, f"sha256 does not match {MANIFEST}")
        if seen != set(expected):
            missing = f"{top}/{SITE}/{min(set(expected) - seen)}"
            raise _refuse(archive, missing, f"is listed in {MANIFEST} but not in the archive")
    return manifest


# --- deploying -------------------------------------------------------------------------


def _as_build_output(config: Config, target: PushTarget, site: Path,
                     manifest: Manifest) -> Config:
    """A config whose build/<paths.local> is the unpacked ``site`` (moved there), on the
    packaged branch, so that the deploy's own rsync commands send the archive's bytes."""
    if Path(target.local).is_absolute():
        raise UsageError(f"push target '{target.name}' has an absolute paths.local "
                         f"'{target.local}'; --from needs one relative to build/")
    # One level per '..' in paths.local keeps build/<local> inside the temporary directory.
    output = site.parent / f"out-{target.name}"
    output = output.joinpath(*["o"] * (1 + target.local.split("/").count("..")))
    local = Path(os.path.normpath(output / target.local))
    local.parent.mkdir(parents=True, exist_ok=True)
    os.rename(site, local)
    return dataclasses.replace(
        config, paths=dataclasses.replace(config.paths, output=output),
        git=dataclasses.replace(config.git, branch=manifest.branch))


def deploy_from(config: Config, names: Sequence[str], archive: Path, dry_run: bool = False,
                out: TextIO | None = None) -> int:
    """Verify ``archive`` and deploy its content to each named target."""
    out = out if out is not None else sys.stdout
    targets = select(load_targets(config), names)
    if not archive.is_file():
        raise UsageError(f"--from {shown(archive)}: no such file")
    status = 0
    with tempfile.TemporaryDirectory(prefix="giza-deploy-") as tmp:
        site = Path(tmp) / SITE
        manifest = unpack(archive, site)
        print(f"verified {shown(archive)}: {_files(len(manifest.files))} checked against its "
              f"{MANIFEST} (push target '{manifest.target}', branch {manifest.branch}, "
              f"commit {manifest.commit[:8] or 'unknown'})", file=out)
        for target in targets:
            staged = _as_build_output(config, target, site, manifest)
            site = Path(os.path.normpath(staged.paths.output / target.local))
            status = max(status, deploy(staged, [target.name], dry_run=dry_run, out=out))
    return status

