"""html: a reproducible tarball of the output, plus a stable-name link to it.

The same content always gives the same bytes: members sorted, owner and times
zeroed, modes normalised, no ``.buildinfo``, gzip header without name or time.
"""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Callable
from pathlib import Path

from giza.config.model import Config
from giza.fileio import atomic_write
from giza.post import Finalized, archive_stem, stable_link
from giza.post.gzipped import GzipStream
from giza.variants import Variant

# Build bookkeeping that differs between otherwise identical builds.
EXCLUDED = {".buildinfo", ".buildinfo.bak", ".doctrees"}

Transform = Callable[[str, bytes], bytes]


def _members(root: Path) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in EXCLUDED]
        rel = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        if prefix:
            found.append((prefix.rstrip("/"), Path(dirpath)))
        for name in filenames:
            if name not in EXCLUDED:
                found.append((prefix + name, Path(dirpath) / name))
    return sorted(found)


def _info(name: str, kind: bytes, mode: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def write_tarball(root: Path, target: Path, prefix: str,
                  transform: Transform | None = None) -> int:
    """Archive ``root`` under ``prefix/`` into ``target`` (.tar.gz) reproducibly;
    ``transform(relpath, data)`` may rewrite file contents. Returns the member count."""
    with GzipStream() as raw:  # compressed while the tar is still being assembled
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
            count = _add_members(tar, root, prefix, transform)
        payload = raw.gzipped()
    atomic_write(target, payload)
    return count


def _add_members(tar: tarfile.TarFile, root: Path, prefix: str,
                 transform: Transform | None) -> int:
    tar.addfile(_info(prefix, tarfile.DIRTYPE, 0o755))
    count = 0
    for rel, path in _members(root):
        name = f"{prefix}/{rel}"
        if path.is_symlink():
            info = _info(name, tarfile.SYMTYPE, 0o777)
            info.linkname = os.readlink(path)
            tar.addfile(info)
        elif path.is_dir():
            tar.addfile(_info(name, tarfile.DIRTYPE, 0o755))
        else:
            data = path.read_bytes()
            if transform is not None:
                data = transform(rel, data)
            mode = 0o755 if path.stat().st_mode & 0o100 else 0o644
            info = _info(name, tarfile.REGTYPE, mode)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        count += 1
    return count


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    stem = archive_stem(config, variant.edition)
    name = f"{stem}-{config.branch}.tar.gz"
    count = write_tarball(out, fragment / name, prefix=f"{stem}-{config.branch}")
    stable_link(fragment, f"{stem}.tar.gz", name)
    return Finalized(owns=[name, f"{stem}.tar.gz"],
                     notes=[f"{name}: {count} entries"])
